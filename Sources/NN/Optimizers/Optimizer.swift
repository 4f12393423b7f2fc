import Engine

/// Updates parameters from their accumulated gradients. Per-parameter state is kept by parameter name,
/// so it can be saved with a checkpoint and restored for an exact resumption.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// The number of updates applied so far.
    var stepCount: Int { get }
    /// Applies one update to every parameter that has a gradient.
    func update(_ parameters: [Parameter])
    /// Every state tensor, named `<parameter>.<slot>`.
    var state: [String: Tensor] { get }
    /// Restores state saved by `state` together with the step count.
    func loadState(_ state: [String: Tensor], stepCount: Int) throws
}

/// Where ε enters an Adam-family update.
public enum EpsilonConvention: String, Sendable {
    /// PyTorch: p −= lr · m̂ / (√v̂ + ε) (Adamax: u = max(β₂u, |g| + ε)).
    case pytorch
    /// Keras: p −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε) (Adamax: u = max(β₂u, |g|), divided by u + ε).
    case keras
}

/// Named per-parameter buffers shared by the optimisers: `slots[name][k]` is slot k of a parameter.
final class SlotStore {
    let slotNames: [String]
    var slots: [String: [TensorStorage]] = [:]
    var shapes: [String: [Int]] = [:]

    init(slotNames: [String]) { self.slotNames = slotNames }

    /// The slots of `parameter`, created zeroed on first use.
    func buffers(for parameter: Parameter) -> [UnsafeMutablePointer<Float>] {
        if let existing = slots[parameter.name] { return existing.map(\.pointer) }
        let created = slotNames.map { _ in TensorStorage(count: parameter.tensor.scalarCount) }
        slots[parameter.name] = created
        shapes[parameter.name] = parameter.tensor.shape
        return created.map(\.pointer)
    }

    var tensors: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, buffers) in slots {
            for (slot, storage) in zip(slotNames, buffers) {
                result["\(name).\(slot)"] = Tensor(shape: shapes[name]!, storage: storage.copy())
            }
        }
        return result
    }

    /// Replaces all slots with `state`; on error nothing changes.
    func load(_ state: [String: Tensor]) throws {
        var slots: [String: [TensorStorage]] = [:]
        var shapes: [String: [Int]] = [:]
        var grouped: [String: [String: Tensor]] = [:]
        for (key, tensor) in state {
            guard let dot = key.lastIndex(of: "."), slotNames.contains(String(key[key.index(after: dot)...])) else {
                throw OptimizerError.unknownState(key)
            }
            grouped[String(key[..<dot]), default: [:]][String(key[key.index(after: dot)...])] = tensor
        }
        for (name, bySlot) in grouped {
            var buffers: [TensorStorage] = []
            for slot in slotNames {
                guard let t = bySlot[slot] else { throw OptimizerError.missingState("\(name).\(slot)") }
                buffers.append(t.storage.copy())
                shapes[name] = t.shape
            }
            slots[name] = buffers
        }
        self.slots = slots
        self.shapes = shapes
    }
}

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

/// Scales all gradients down together so their global L2 norm is at most `maxNorm`; returns the norm before clipping.
@discardableResult
public func clipGradients(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters {
        guard let g = p.tensor.gradient else { continue }
        let ptr = g.storage.pointer
        for i in 0..<g.scalarCount { total += Double(ptr[i]) * Double(ptr[i]) }
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for p in parameters {
            guard let g = p.tensor.gradient else { continue }
            let ptr = g.storage.pointer
            for i in 0..<g.scalarCount { ptr[i] *= scale }
        }
    }
    return norm
}
