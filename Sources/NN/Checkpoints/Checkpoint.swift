import Engine
import Foundation

/// Problems loading a checkpoint into a model.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case missingTensor(path: String, name: String)
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    case unexpectedTensor(path: String, name: String)

    public var description: String {
        switch self {
        case .missingTensor(let path, let name):
            return "\(path): checkpoint has no tensor '\(name)' — it was made for another architecture"
        case .shapeMismatch(let path, let name, let expected, let found):
            return "\(path): tensor '\(name)' has shape \(found), the model expects \(expected) — another architecture or image size"
        case .unexpectedTensor(let path, let name):
            return "\(path): checkpoint tensor '\(name)' has no place in this model — it was made for another architecture"
        }
    }
}

/// A model's weights (in PyTorch's layouts) with optional optimiser state and string metadata, in one safetensors file.
public enum Checkpoint {
    static let optimizerPrefix = "optimizer."

    /// Saves `module`'s parameters and, when given, `optimizer`'s state atomically.
    public static func save(_ module: Module, optimizer: Optimizer? = nil, metadata: [String: String] = [:], to path: String) throws {
        let parameters = module.parameters
        var tensors: [String: Tensor] = [:]
        for p in parameters {
            tensors[p.name] = p.torchPermutation.map { p.tensor.detached().permuted($0) } ?? p.tensor.detached()
        }
        var meta = metadata
        if let optimizer {
            let layouts = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.torchPermutation) })
            for (key, value) in optimizer.state {
                let owner = String(key[..<key.lastIndex(of: ".")!])
                tensors[optimizerPrefix + key] = layouts[owner].flatMap { $0 }.map { value.permuted($0) } ?? value
            }
            meta["optimizer.step"] = String(optimizer.stepCount)
        }
        try SafeTensors.write(tensors, metadata: meta, to: path)
    }

    /// Loads `path` into `module` (and `optimizer` when given); returns the metadata.
    /// Every name and shape is checked before any parameter changes.
    @discardableResult
    public static func load(_ path: String, into module: Module, optimizer: Optimizer? = nil) throws -> [String: String] {
        if optimizer == nil { return try loadWeights(path, into: module) }
        let (tensors, metadata) = try SafeTensors.read(path, including: optimizer == nil ? { !$0.hasPrefix(optimizerPrefix) } : nil)
        let parameters = module.parameters
        var converted: [(Parameter, Tensor)] = []
        for p in parameters {
            guard let stored = tensors[p.name] else { throw CheckpointError.missingTensor(path: path, name: p.name) }
            guard stored.shape == p.torchShape else {
                throw CheckpointError.shapeMismatch(path: path, name: p.name, expected: p.torchShape, found: stored.shape)
            }
            converted.append((p, p.torchPermutation.map { stored.permuted(inversePermutation($0)) } ?? stored))
        }
        let known = Set(parameters.map(\.name))
        for name in tensors.keys where !name.hasPrefix(optimizerPrefix) && !known.contains(name) {
            throw CheckpointError.unexpectedTensor(path: path, name: name)
        }
        var optimizerState: [String: Tensor] = [:]
        if optimizer != nil {
            let layouts = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.torchPermutation) })
            for (name, value) in tensors where name.hasPrefix(optimizerPrefix) {
                let key = String(name.dropFirst(optimizerPrefix.count))
                guard let dot = key.lastIndex(of: ".") else { throw OptimizerError.unknownState(key) }
                let owner = String(key[..<dot])
                guard let layout = layouts[owner] else { throw OptimizerError.unknownState(key) }
                // State has its parameter's shape; anything else would be read out of bounds by the next update.
                let expected = parameters.first { $0.name == owner }!.torchShape
                guard value.shape == expected else {
                    throw CheckpointError.shapeMismatch(path: path, name: name, expected: expected, found: value.shape)
                }
                optimizerState[key] = layout.map { value.permuted(inversePermutation($0)) } ?? value
            }
        }
        // The optimiser validates its state before anything changes, so a failure leaves the model untouched.
        if let optimizer {
            try optimizer.loadState(optimizerState, stepCount: Int(metadata["optimizer.step"] ?? "0") ?? 0)
        }
        for (p, value) in converted { p.tensor.assign(value) }
        return metadata
    }

    /// `load` without an optimiser: names and shapes are checked against the header, then each weight whose
    /// layout matches PyTorch's is read straight into the parameter (a large model loads without a second copy).
    static func loadWeights(_ path: String, into module: Module) throws -> [String: String] {
        let file = try SafeTensorsFile(path: path)
        let parameters = module.parameters
        for p in parameters {
            guard let shape = file.shapes[p.name] else { throw CheckpointError.missingTensor(path: path, name: p.name) }
            guard shape == p.torchShape else {
                throw CheckpointError.shapeMismatch(path: path, name: p.name, expected: p.torchShape, found: shape)
            }
        }
        let known = Set(parameters.map(\.name))
        for name in file.shapes.keys where !name.hasPrefix(optimizerPrefix) && !known.contains(name) {
            throw CheckpointError.unexpectedTensor(path: path, name: name)
        }
        for p in parameters {
            if let permutation = p.torchPermutation {
                p.tensor.assign(try file.tensor(p.name).permuted(inversePermutation(permutation)))
            } else {
                try file.read(p.name, into: p.tensor.storage.pointer)
            }
        }
        return file.metadata
    }

    static func inversePermutation(_ p: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: p.count)
        for (i, axis) in p.enumerated() { inverse[axis] = i }
        return inverse
    }
}
