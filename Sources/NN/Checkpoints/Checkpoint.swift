import Engine
import Foundation

/// A model's state dict — exactly its parameters, in PyTorch's names and layouts — in one safetensors file, so
/// `model.load_state_dict(safetensors.torch.load_file(path), strict=True)` works on the equivalent `torch.nn`
/// module. Optimiser state is kept apart (`optimizerTensors`, `restoreOptimizer`), as Hugging Face's Trainer keeps
/// `optimizer.pt` beside `model.safetensors`.
public enum Checkpoint {
    /// Saves `module`'s parameters (and string `metadata`) atomically.
    public static func save(_ module: Module, metadata: [String: String] = [:], to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for p in module.parameters {
            tensors[p.name] = p.torchPermutation.map { p.tensor.detached().permuted($0) } ?? p.tensor.detached()
        }
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Loads `path` into `module` strictly: the file must hold exactly the module's tensors with its shapes.
    /// Names and shapes are checked against the header before any parameter changes; then each weight whose
    /// layout matches PyTorch's is read straight into the parameter (a large model loads without a second copy).
    /// Returns the metadata.
    @discardableResult
    public static func load(_ path: String, into module: Module) throws -> [String: String] {
        let file = try SafeTensorsFile(path: path)
        let parameters = module.parameters
        let missing = parameters.map(\.name).filter { file.shapes[$0] == nil }
        guard missing.isEmpty else { throw CheckpointError.missingTensors(path: path, names: missing) }
        let known = Set(parameters.map(\.name))
        let extra = file.shapes.keys.filter { !known.contains($0) }.sorted()
        guard extra.isEmpty else { throw CheckpointError.unexpectedTensors(path: path, names: extra) }
        for p in parameters where file.shapes[p.name] != p.torchShape {
            throw CheckpointError.shapeMismatch(path: path, name: p.name, expected: p.torchShape, found: file.shapes[p.name]!)
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

    /// `optimizer`'s state for `parameters`, keyed `<parameter>.<slot>`, in the parameters' PyTorch layouts.
    public static func optimizerTensors(_ optimizer: Optimizer, parameters: [Parameter]) -> [String: Tensor] {
        let layouts = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.torchPermutation) })
        var tensors: [String: Tensor] = [:]
        for (key, value) in optimizer.state {
            let owner = String(key[..<key.lastIndex(of: ".")!])
            tensors[key] = layouts[owner].flatMap { $0 }.map { value.permuted($0) } ?? value
        }
        return tensors
    }

    /// Restores `optimizer` from `tensors` (as `optimizerTensors` wrote them; `path` names the file in errors).
    /// Every key and shape is checked and the optimiser validates its state before anything changes.
    public static func restoreOptimizer(_ optimizer: Optimizer, parameters: [Parameter], from tensors: [String: Tensor],
                                        stepCount: Int, path: String) throws {
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        var state: [String: Tensor] = [:]
        for (key, value) in tensors {
            guard let dot = key.lastIndex(of: "."), let owner = byName[String(key[..<dot])] else { throw OptimizerError.unknownState(key) }
            // State has its parameter's shape; anything else would be read out of bounds by the next update.
            guard value.shape == owner.torchShape else {
                throw CheckpointError.shapeMismatch(path: path, name: key, expected: owner.torchShape, found: value.shape)
            }
            state[key] = owner.torchPermutation.map { value.permuted(inversePermutation($0)) } ?? value
        }
        try optimizer.loadState(state, stepCount: stepCount)
    }

    static func inversePermutation(_ p: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: p.count)
        for (i, axis) in p.enumerated() { inverse[axis] = i }
        return inverse
    }
}
