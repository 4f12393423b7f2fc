import Engine
import NN

/// The letter GAN's discriminator (spec §3): concat(flattened image 4096, embedding(label) 26 × 64) → 4160
/// → 2048 LeakyReLU(0.2) → 2048 LeakyReLU(0.2) → 1 sigmoid.
public final class ConditionalDiscriminator: Module {
    public let embedding: Embedding
    public let hidden1: Linear
    public let hidden2: Linear
    public let output: Linear

    public init(classCount: Int = 26, hiddenSize: Int = 2048, imageSize: Int = 4096, using rng: inout RandomGenerator) {
        embedding = Embedding(count: classCount, dimensions: 64, using: &rng)
        hidden1 = Linear(inputSize: imageSize + 64, outputSize: hiddenSize, activation: .leakyRelu(negativeSlope: 0.2), using: &rng)
        hidden2 = Linear(inputSize: hiddenSize, outputSize: hiddenSize, activation: .leakyRelu(negativeSlope: 0.2), using: &rng)
        output = Linear(inputSize: hiddenSize, outputSize: 1, activation: .sigmoid, using: &rng)
    }

    public var parameters: [Parameter] {
        embedding.parameters.prefixed("label_emb") + hidden1.parameters.prefixed("fc1")
            + hidden2.parameters.prefixed("fc2") + output.parameters.prefixed("fc3")
    }

    /// Images `[N, 64, 64, 1]` (any shape with N leading) and labels → probabilities `[N, 1]`.
    public func callAsFunction(_ images: Tensor, labels: [Int]) -> Tensor {
        let flat = images.reshaped(to: [images.shape[0], -1])
        return output(hidden2(hidden1(Tensor.concatenate([flat, embedding(labels)], axis: 1))))
    }
}
