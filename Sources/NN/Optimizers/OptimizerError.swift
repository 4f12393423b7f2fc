/// Why optimiser state could not be restored, or an optimiser could not be made by name.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    case unknownState(String)
    case missingState(String)
    case unknownOptimizer(String)

    public var description: String {
        switch self {
        case .unknownState(let key): return "optimizer state '\(key)' does not belong to this optimizer"
        case .missingState(let key): return "optimizer state '\(key)' is missing"
        case .unknownOptimizer(let name): return "unknown optimizer '\(name)' (expected sgd, adam, adamax or rmsprop)"
        }
    }
}
