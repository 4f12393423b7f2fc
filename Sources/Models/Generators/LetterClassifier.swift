import Engine
import NN

/// A small MLP letter classifier (4096 → 256 ReLU → 26) used to check that generated letters look like their
/// conditioning letter. Input `[N, 64, 64, 1]` in [−1, 1].
public final class LetterClassifier: Module {
    public let hidden: Linear
    public let output: Linear

    public init(classCount: Int = 26, inputSize: Int = 4096, hiddenSize: Int = 256, using rng: inout RandomGenerator) {
        hidden = Linear(inputSize: inputSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        output = Linear(inputSize: hiddenSize, outputSize: classCount, using: &rng)
    }

    public var parameters: [Parameter] { hidden.parameters.prefixed("fc1") + output.parameters.prefixed("fc2") }

    /// Logits `[N, classes]`.
    public func callAsFunction(_ images: Tensor) -> Tensor { output(hidden(images.reshaped(to: [images.shape[0], -1]))) }

    /// The most likely class of each image.
    public func predict(_ images: Tensor) -> [Int] {
        let logits = withoutGradients { self(images) }
        let k = logits.shape[1]
        let p = logits.storage.pointer
        return (0..<logits.shape[0]).map { r in (0..<k).max { p[r * k + $0] < p[r * k + $1] }! }
    }
}

/// Softmax cross-entropy of logits `[N, K]` against class indices, mean over the batch.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == n, "softmaxCrossEntropy: \(labels.count) labels for \(n) rows")
    let probabilities = TensorStorage(count: n * k, zeroed: false)
    let x = logits.storage.pointer, p = probabilities.pointer
    var total: Double = 0
    for r in 0..<n {
        var m = x[r * k]
        for j in 1..<k { m = Swift.max(m, x[r * k + j]) }
        var s: Float = 0
        for j in 0..<k { let e = expf(x[r * k + j] - m); p[r * k + j] = e; s += e }
        for j in 0..<k { p[r * k + j] /= s }
        total -= Double(logf(Swift.max(p[r * k + labels[r]], 1e-30)))
    }
    let out = TensorStorage(count: 1, zeroed: false)
    out.pointer[0] = Float(total / Double(n))
    return Tensor.recording(shape: [], storage: out, operands: [logits]) { g, into in
        guard let t = into(0) else { return }
        let scale = g.pointer[0] / Float(n)
        let p = probabilities.pointer
        for r in 0..<n {
            for j in 0..<k { t[r * k + j] += scale * (p[r * k + j] - (j == labels[r] ? 1 : 0)) }
        }
    }
}

import Foundation
