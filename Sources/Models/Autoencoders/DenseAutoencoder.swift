import Engine
import NN

/// The article's basic model: Flatten → Dense(latent) → Dense(H·W·C) → Reshape, with no activations,
/// so the whole model is linear (it learns a PCA-like subspace).
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let model = DenseAutoencoder(imageShape: [28, 28, 1], latentSize: 32, using: &rng)
/// let reconstruction = model(images) // [N, 28, 28, 1]
/// ```
public final class DenseAutoencoder: ImageAutoencoder {
    public let imageShape: [Int]
    public let encoder: Linear
    public let decoder: Linear
    public var name: String { "dense autoencoder (latent \(encoder.outputSize))" }

    public init(imageShape: [Int], latentSize: Int, initializer: Initializer = .glorotUniform, using rng: inout RandomGenerator) {
        self.imageShape = imageShape
        let pixels = elementCount(imageShape)
        encoder = Linear(inputSize: pixels, outputSize: latentSize, initializer: initializer, using: &rng)
        decoder = Linear(inputSize: latentSize, outputSize: pixels, initializer: initializer, using: &rng)
    }

    public var latentSize: Int { encoder.outputSize }

    public var parameters: [Parameter] {
        encoder.parameters.prefixed("encoder") + decoder.parameters.prefixed("decoder")
    }

    public func callAsFunction(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        return decoder(encoder(images.reshaped(to: [n, -1]))).reshaped(to: [n] + imageShape)
    }
}
