import Engine
import NN

/// The article's deep CNN encoder–decoder.
///
/// Encoder: for each filter count, Conv2D (`same`, stride 1, activation) then MaxPool 2×2 (floor); Flatten;
/// Dense(latent), linear. Decoder: Dense(H·W·C), linear → Reshape to H×W×C → Conv2DTranspose (`same`,
/// stride 1) with the decoder filter counts, activation on all but the last, whose filter count is C.
/// The decoder never upsamples: the dense layer already gives full resolution.
///
/// The article describes 3×3 kernels with ReLU; its code ran 5×5 (ELU for LFW); the LFW variant with three
/// 3×3 conv layers uses `encoderFilters: [32, 64, 128]`, `decoderFilters: [64, 32]`.
public final class ConvAutoencoder: ImageAutoencoder {
    public struct Configuration: Codable, Equatable, Sendable {
        public var kernelSize: Int = 3
        public var activation: String = "relu"
        public var encoderFilters: [Int] = [32, 64, 128, 256]
        /// The hidden transposed-convolution filters; a last layer with C filters is always added.
        public var decoderFilters: [Int] = [128, 64, 32]
        public var latentSize: Int = 32

        public init(kernelSize: Int = 3, activation: String = "relu", encoderFilters: [Int] = [32, 64, 128, 256],
                    decoderFilters: [Int] = [128, 64, 32], latentSize: Int = 32) {
            self.kernelSize = kernelSize
            self.activation = activation
            self.encoderFilters = encoderFilters
            self.decoderFilters = decoderFilters
            self.latentSize = latentSize
        }
    }

    public let imageShape: [Int]
    public let configuration: Configuration
    public let encoderConvolutions: [Conv2D]
    public let pool = MaxPool2D()
    public let toLatent: Linear
    public let fromLatent: Linear
    public let decoderConvolutions: [Conv2DTranspose]
    public var name: String { "CNN autoencoder (\(configuration.kernelSize)×\(configuration.kernelSize), latent \(configuration.latentSize))" }

    public init(imageShape: [Int], configuration: Configuration = Configuration(), using rng: inout RandomGenerator) throws {
        guard imageShape.count == 3 else {
            throw ModelError.invalidConfiguration(model: "CNN autoencoder", problem: "image shape must be [H, W, C], got \(imageShape)")
        }
        guard let activation = Activation(name: configuration.activation) else {
            throw ModelError.invalidConfiguration(model: "CNN autoencoder", problem: "unknown activation '\(configuration.activation)'")
        }
        guard configuration.kernelSize > 0, configuration.latentSize > 0, !configuration.encoderFilters.isEmpty else {
            throw ModelError.invalidConfiguration(model: "CNN autoencoder", problem: "kernel, latent size and encoder filters must be positive and non-empty")
        }
        self.imageShape = imageShape
        self.configuration = configuration
        let (h, w, c) = (imageShape[0], imageShape[1], imageShape[2])
        let k = (configuration.kernelSize, configuration.kernelSize)
        var channels = c, height = h, width = w
        var encoder: [Conv2D] = []
        for filters in configuration.encoderFilters {
            encoder.append(Conv2D(inputChannels: channels, outputChannels: filters, kernelSize: k, padding: .same,
                                  activation: activation, using: &rng))
            channels = filters
            height /= 2
            width /= 2
            guard height > 0, width > 0 else {
                throw ModelError.invalidConfiguration(model: "CNN autoencoder",
                    problem: "\(configuration.encoderFilters.count) pooling steps shrink a \(h)×\(w) image to nothing")
            }
        }
        encoderConvolutions = encoder
        toLatent = Linear(inputSize: height * width * channels, outputSize: configuration.latentSize,
                          initializer: .glorotUniform, using: &rng)
        fromLatent = Linear(inputSize: configuration.latentSize, outputSize: h * w * c, initializer: .glorotUniform, using: &rng)
        var decoder: [Conv2DTranspose] = []
        var previous = c
        for filters in configuration.decoderFilters {
            decoder.append(Conv2DTranspose(inputChannels: previous, outputChannels: filters, kernelSize: k, padding: .same,
                                           activation: activation, using: &rng))
            previous = filters
        }
        decoder.append(Conv2DTranspose(inputChannels: previous, outputChannels: c, kernelSize: k, padding: .same, using: &rng))
        decoderConvolutions = decoder
    }

    public var parameters: [Parameter] {
        encoderConvolutions.enumerated().flatMap { $0.element.parameters.prefixed("encoder.conv\($0.offset + 1)") }
            + toLatent.parameters.prefixed("encoder.dense") + fromLatent.parameters.prefixed("decoder.dense")
            + decoderConvolutions.enumerated().flatMap { $0.element.parameters.prefixed("decoder.deconv\($0.offset + 1)") }
    }

    /// The latent code of each image: `[N, latent]`.
    public func encode(_ images: Tensor) -> Tensor {
        var x = images
        for conv in encoderConvolutions { x = pool(conv(x)) }
        return toLatent(x.reshaped(to: [x.shape[0], -1]))
    }

    /// Images from latent codes.
    public func decode(_ codes: Tensor) -> Tensor {
        var x = fromLatent(codes).reshaped(to: [codes.shape[0]] + imageShape)
        for deconv in decoderConvolutions { x = deconv(x) }
        return x
    }

    public func callAsFunction(_ images: Tensor) -> Tensor { decode(encode(images)) }
}
