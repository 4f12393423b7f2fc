import Engine

/// RMSprop with PyTorch's rule: v ← αv + (1−α)g², p ← p − lr·g / (√v + ε).
public final class RMSProp: Optimizer {
    public var learningRate: Float
    public let alpha: Float
    public let epsilon: Float
    public private(set) var stepCount = 0
    private let store = SlotStore(slotNames: ["square_avg"])

    public init(learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
    }

    public func update(_ parameters: [Parameter]) {
        stepCount += 1
        for parameter in parameters {
            guard let gradient = parameter.tensor.gradient else { continue }
            let v = store.buffers(for: parameter)[0]
            let p = parameter.tensor.storage.pointer, g = gradient.storage.pointer
            let (a, eps, lr) = (alpha, epsilon, learningRate)
            for i in 0..<parameter.tensor.scalarCount {
                v[i] = a * v[i] + (1 - a) * g[i] * g[i]
                p[i] -= lr * g[i] / (v[i].squareRoot() + eps)
            }
        }
    }

    public var state: [String: Tensor] { store.tensors }
    public func loadState(_ state: [String: Tensor], stepCount: Int) throws {
        try store.load(state)
        self.stepCount = stepCount
    }
}
