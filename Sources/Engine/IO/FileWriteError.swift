/// Errors from writing files.
public enum FileWriteError: Error, CustomStringConvertible, Equatable {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "cannot create \(path): \(reason)"
        case .writeFailed(let path, let reason): return "writing \(path) failed: \(reason); the previous file, if any, is unchanged"
        }
    }
}
