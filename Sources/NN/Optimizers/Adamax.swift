import Engine
import Foundation

/// Adamax (Adam with the infinity norm): m ← β₁m + (1−β₁)g, u ← max(β₂u, |g|), p −= lr/(1−β₁ᵗ) · m/u,
/// with ε placed as `convention` says.
public final class Adamax: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let convention: EpsilonConvention
    public private(set) var stepCount = 0
    private let store = SlotStore(slotNames: ["exp_avg", "exp_inf"])

    public init(learningRate: Float = 2e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                convention: EpsilonConvention = .pytorch) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.convention = convention
    }

    public func update(_ parameters: [Parameter]) {
        stepCount += 1
        let stepSize = learningRate / Float(1 - Foundation.pow(Double(beta1), Double(stepCount)))
        for parameter in parameters {
            guard let gradient = parameter.tensor.gradient else { continue }
            let slots = store.buffers(for: parameter)
            let m = slots[0], u = slots[1]
            let p = parameter.tensor.storage.pointer, g = gradient.storage.pointer
            let (b1, b2, eps) = (beta1, beta2, epsilon)
            let pytorch = convention == .pytorch
            for i in 0..<parameter.tensor.scalarCount {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                u[i] = Swift.max(b2 * u[i], Swift.abs(g[i]) + (pytorch ? eps : 0))
                p[i] -= stepSize * m[i] / (pytorch ? u[i] : u[i] + eps)
            }
        }
    }

    public var state: [String: Tensor] { store.tensors }
    public func loadState(_ state: [String: Tensor], stepCount: Int) throws {
        try store.load(state)
        self.stepCount = stepCount
    }
}
