/// Errors a user can cause when building or calling a model.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case inputShape(model: String, expected: [Int], found: [Int])
    case invalidConfiguration(model: String, problem: String)

    public var description: String {
        switch self {
        case .inputShape(let model, let expected, let found):
            return "\(model) expects images of shape [N, \(expected.map(String.init).joined(separator: ", "))] (H, W, C), got \(found)"
        case .invalidConfiguration(let model, let problem):
            return "\(model): \(problem)"
        }
    }
}
