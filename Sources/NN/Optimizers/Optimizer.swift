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
