/// Problems found in a safetensors file. Every check happens before any tensor data is read; failures to
/// read the file itself are `FileReadError`s.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case tooSmall(path: String, size: Int)
    case headerLength(path: String, length: UInt64, fileSize: Int)
    case headerNotJSON(path: String)
    case badEntry(path: String, name: String, problem: String)
    case overlapping(path: String, first: String, second: String)

    public var description: String {
        switch self {
        case .tooSmall(let path, let size): return "\(path): \(size) bytes is too small for a safetensors file (needs an 8-byte header length)"
        case .headerLength(let path, let length, let size):
            return "\(path): header length \(length) does not fit in a file of \(size) bytes (or exceeds 100 MB)"
        case .headerNotJSON(let path): return "\(path): the header is not a JSON object"
        case .badEntry(let path, let name, let problem): return "\(path): tensor '\(name)': \(problem)"
        case .overlapping(let path, let a, let b): return "\(path): tensors '\(a)' and '\(b)' overlap in the data section"
        }
    }
}
