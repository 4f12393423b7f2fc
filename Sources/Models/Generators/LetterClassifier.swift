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
