import Data
import Engine
import Models
import NN

/// Builds the model and optimiser a `TrainingConfiguration` names.
public enum ModelCatalog {
    /// The model `configuration` names; `mask` is the completion network's input channel.
    public static func model(for configuration: TrainingConfiguration, imageShape: [Int], mask: ImageMask?,
                             using rng: inout RandomGenerator) throws -> any ImageAutoencoder {
        switch configuration.model {
        case .dense:
            return DenseAutoencoder(imageShape: imageShape, latentSize: configuration.latentSize, using: &rng)
        case .cnn:
            return try ConvAutoencoder(imageShape: imageShape, configuration: convolutionConfiguration(configuration), using: &rng)
        case .cnnLSTM:
            return try ConvLSTMAutoencoder(imageShape: imageShape, configuration: convolutionConfiguration(configuration), using: &rng)
        case .completion:
            let visible = mask?.visible ?? Tensor(repeating: 1, shape: [imageShape[0], imageShape[1], 1])
            return try CompletionNetwork(imageShape: imageShape, mask: visible, using: &rng)
        case .pixelCNN:
            let visible = mask?.visible ?? Tensor(repeating: 1, shape: [imageShape[0], imageShape[1], 1])
            return try ConditionalPixelCNN(imageShape: imageShape, mask: visible, using: &rng)
        }
    }

    static func convolutionConfiguration(_ c: TrainingConfiguration) -> ConvAutoencoder.Configuration {
        ConvAutoencoder.Configuration(kernelSize: c.kernelSize, activation: c.activation, encoderFilters: c.encoderFilters,
                                      decoderFilters: c.decoderFilters, latentSize: c.latentSize)
    }

    public static func optimizer(for c: TrainingConfiguration) -> any Optimizer {
        switch c.optimizer {
        case .adam: return Adam(learningRate: c.learningRate, epsilon: c.epsilon, convention: c.epsilonConvention)
        case .adamax: return Adamax(learningRate: c.learningRate, epsilon: c.epsilon, convention: c.epsilonConvention)
        case .rmsprop: return RMSProp(learningRate: c.learningRate, epsilon: c.epsilon)
        case .sgd: return SGD(learningRate: c.learningRate, momentum: 0.9)
        }
    }
}
