/// A failure to read or write a file, naming the file and the operating system's reason.
public enum FileError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened for reading.
    case cannotOpen(path: String, reason: String)
    /// Reading stopped early or failed.
    case readFailed(path: String, reason: String)
    /// The file (or its temporary sibling) could not be written, synced or renamed into place.
    case cannotWrite(path: String, reason: String)
    /// The path names a directory or something else that is not a regular file.
    case notAFile(path: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open \(path): \(reason)"
        case let .readFailed(path, reason): return "cannot read \(path): \(reason)"
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .notAFile(path): return "\(path) is not a regular file"
        }
    }

    /// The path this error is about.
    public var path: String {
        switch self {
        case let .cannotOpen(path, _), let .readFailed(path, _), let .cannotWrite(path, _), let .notAFile(path): return path
        }
    }
}
