import Engine
import Models
import NN

/// Builds the model and optimiser a `TrainingConfiguration` names.
public enum ModelCatalog {
    /// The model `configuration` names; `mask` (`[H, W, 1]`, 1 = visible) is the completion model's input channel.
    public static func model(for configuration: TrainingConfiguration, imageShape: [Int], mask: Tensor?,
                             using rng: inout RandomGenerator) throws -> any ImageAutoencoder {
        switch configuration.model {
        case "dense":
            return DenseAutoencoder(imageShape: imageShape, latentSize: configuration.latentSize, using: &rng)
        case "cnn":
            return try ConvAutoencoder(imageShape: imageShape, configuration: convolutionConfiguration(configuration), using: &rng)
        case "cnn-lstm":
            return try ConvLSTMAutoencoder(imageShape: imageShape, configuration: convolutionConfiguration(configuration), using: &rng)
        case "completion":
            let visible = mask ?? Tensor(repeating: 1, shape: [imageShape[0], imageShape[1], 1])
            return try CompletionNetwork(imageShape: imageShape, mask: visible, using: &rng)
        default:
            throw ExperimentError.unknownModel(configuration.model)
        }
    }

    static func convolutionConfiguration(_ c: TrainingConfiguration) -> ConvAutoencoder.Configuration {
        ConvAutoencoder.Configuration(kernelSize: c.kernelSize, activation: c.activation, encoderFilters: c.encoderFilters,
                                      decoderFilters: c.decoderFilters, latentSize: c.latentSize)
    }

    public static func optimizer(for c: TrainingConfiguration) throws -> any Optimizer {
        let convention: EpsilonConvention = c.epsilonConvention == "pytorch" ? .pytorch : .keras
        switch c.optimizer {
        case "adam": return Adam(learningRate: c.learningRate, epsilon: c.epsilon, convention: convention)
        case "adamax": return Adamax(learningRate: c.learningRate, epsilon: c.epsilon, convention: convention)
        case "rmsprop": return RMSProp(learningRate: c.learningRate, epsilon: c.epsilon)
        case "sgd": return SGD(learningRate: c.learningRate, momentum: 0.9)
        default: throw OptimizerError.unknownOptimizer(c.optimizer)
        }
    }
}
