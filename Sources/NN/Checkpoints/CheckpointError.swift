/// Problems loading a checkpoint into a model.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case missingTensors(path: String, names: [String])
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    case unexpectedTensors(path: String, names: [String])

    public var description: String {
        switch self {
        case .missingTensors(let path, let names):
            return "\(path): checkpoint has no tensor \(Self.list(names)) — it was made for another architecture"
        case .shapeMismatch(let path, let name, let expected, let found):
            return "\(path): tensor '\(name)' has shape \(found), the model expects \(expected) — another architecture or image size"
        case .unexpectedTensors(let path, let names):
            return "\(path): checkpoint tensor \(Self.list(names)) has no place in this model — it was made for another architecture"
        }
    }

    static func list(_ names: [String]) -> String {
        let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
    }
}
