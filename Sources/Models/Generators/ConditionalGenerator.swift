import Engine
import NN

/// The letter GAN's generator (spec §3): concat(noise [N, 64], embedding(label) 26 × 16) → 80 → 2048 ReLU
/// → 2048 ReLU → 4096 tanh → `[N, 64, 64, 1]` in [−1, 1]. Embedding N(0, 1), linear layers PyTorch's default init.
public final class ConditionalGenerator: Module {
    public static let noiseSize = 64
    public static let side = 64
    public let classCount: Int
    public let embedding: Embedding
    public let hidden1: Linear
    public let hidden2: Linear
    public let output: Linear

    public init(classCount: Int = 26, hiddenSize: Int = 2048, using rng: inout RandomGenerator) {
        self.classCount = classCount
        embedding = Embedding(count: classCount, dimensions: 16, using: &rng)
        hidden1 = Linear(inputSize: Self.noiseSize + 16, outputSize: hiddenSize, activation: .relu, using: &rng)
        hidden2 = Linear(inputSize: hiddenSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        output = Linear(inputSize: hiddenSize, outputSize: Self.side * Self.side, activation: .tanh, using: &rng)
    }

    public var parameters: [Parameter] {
        embedding.parameters.prefixed("label_emb") + hidden1.parameters.prefixed("fc1")
            + hidden2.parameters.prefixed("fc2") + output.parameters.prefixed("fc3")
    }

    /// Noise `[N, 64]` and labels 0…25 → images `[N, 64, 64, 1]`.
    public func callAsFunction(_ noise: Tensor, labels: [Int]) -> Tensor {
        let x = Tensor.concatenate([noise, embedding(labels)], axis: 1)
        return output(hidden2(hidden1(x))).reshaped(to: [noise.shape[0], Self.side, Self.side, 1])
    }
}
