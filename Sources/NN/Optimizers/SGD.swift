import Engine

/// Stochastic gradient descent with optional momentum (PyTorch's rule: b ← μb + g, p ← p − lr·b;
/// Nesterov: p ← p − lr·(g + μb)) and weight decay (g ← g + λp).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let store = SlotStore(slotNames: ["momentum_buffer"])

    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func update(_ parameters: [Parameter]) {
        let first = stepCount == 0
        stepCount += 1
        for parameter in parameters {
            guard let gradient = parameter.tensor.gradient else { continue }
            let p = parameter.tensor.storage.pointer, g = gradient.storage.pointer
            let n = parameter.tensor.scalarCount
            let buffer = momentum != 0 ? store.buffers(for: parameter)[0] : nil
            for i in 0..<n {
                var d = g[i] + weightDecay * p[i]
                if let b = buffer {
                    b[i] = first ? d : momentum * b[i] + d
                    d = nesterov ? d + momentum * b[i] : b[i]
                }
                p[i] -= learningRate * d
            }
        }
    }

    public var state: [String: Tensor] { store.tensors }
    public func loadState(_ state: [String: Tensor], stepCount: Int) throws {
        try store.load(state)
        self.stepCount = stepCount
    }
}
