/// Why a file could not be read. Every case names the file, so a message says which of many inputs failed.
public enum FileReadError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened for reading; `reason` is the operating system's.
    case cannotOpen(path: String, reason: String)
    /// The path names a directory or something else that is not a regular file.
    case notAFile(path: String)
    /// A read failed; `reason` is the operating system's.
    case readFailed(path: String, reason: String)
    /// The file ends before the bytes asked for: it holds `size` bytes, `needed` were asked for.
    case truncated(path: String, size: Int, needed: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open \(path): \(reason)"
        case let .notAFile(path): return "\(path) is not a regular file"
        case let .readFailed(path, reason): return "cannot read \(path): \(reason)"
        case let .truncated(path, size, needed): return "cannot read \(path): the file ends after \(size) bytes, expected \(needed)"
        }
    }

    /// The file this error is about.
    public var path: String {
        switch self {
        case let .cannotOpen(path, _), let .notAFile(path), let .readFailed(path, _), let .truncated(path, _, _): return path
        }
    }
}
