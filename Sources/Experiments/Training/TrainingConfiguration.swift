import Data
import Foundation
import NN

/// What an autoencoder learns: to reproduce its input, or to fill in the pixels a mask hides.
public enum AutoencoderTask: String, Codable, CaseIterable, Sendable {
    case reconstruct, complete
}

/// The autoencoders ImageGen trains.
public enum AutoencoderModel: String, Codable, CaseIterable, Sendable {
    /// The article's linear encoder–decoder.
    case dense
    /// The article's deep CNN.
    case cnn
    /// The CNN encoder with a row-by-row LSTM decoder.
    case cnnLSTM = "cnn-lstm"
    /// ImageGen's completion network (the mask as an input channel, visible pixels pasted back).
    case completion
    /// ImageGen's sampling completion model: a conditional PixelCNN that draws the hidden pixels (`--task complete`).
    case pixelCNN = "pixelcnn"
}

/// The optimisers a run can use.
public enum OptimizerChoice: String, Codable, CaseIterable, Sendable {
    case adam, adamax, rmsprop, sgd
}

extension EpsilonConvention: Codable, CaseIterable {
    public static var allCases: [EpsilonConvention] { [.keras, .pytorch] }

    /// Keras's ε is 1e-7 (the article's framework), PyTorch's 1e-8.
    public var defaultEpsilon: Float { self == .pytorch ? 1e-8 : 1e-7 }
}

/// Everything needed to run an autoencoder training again; saved in `config.json`.
public struct TrainingConfiguration: JobConfiguration, Equatable {
    public static let length = \Self.epochs
    public static let job = JobKind.autoencoder

    public var model: AutoencoderModel = .dense
    public var latentSize: Int = 32
    public var kernelSize: Int = 3
    public var activation: String = "relu"
    public var encoderFilters: [Int] = [32, 64, 128, 256]
    public var decoderFilters: [Int] = [128, 64, 32]
    public var task: AutoencoderTask = .reconstruct
    /// The occlusion mask for `complete`.
    public var mask: MaskKind = .bottom
    public var dataset: String = "fashion-mnist"
    /// The folder holding the dataset files; `nil` uses the dataset's default location.
    public var dataFolder: String? = nil
    public var epochs: Int = 1
    public var batchSize: Int = 32
    public var optimizer: OptimizerChoice = .adam
    public var learningRate: Float = 1e-3
    public var learningRateSchedule: LearningRateSchedule.Kind = .constant
    /// Fraction of the steps spent warming the learning rate up.
    public var warmup: Double = 0
    public var epsilonConvention: EpsilonConvention = .keras
    public var epsilon: Float = 1e-7
    public var seed: UInt64 = 0
    public var validationFraction: Double = 0.2
    /// Use at most this many training images (all when `nil`), for quick runs.
    public var trainingLimit: Int? = nil
    /// Measure at most this many test images (all when `nil`): a quick run's final test takes seconds, not minutes.
    public var testLimit: Int? = nil
    /// Clip the global gradient norm to this value when set.
    public var gradientClip: Float? = nil
    /// Worker threads for matrix products and convolutions.
    public var threads: Int = 2
    /// A classifier run whose judge measures the completions at the end (class consistency, Fréchet distance).
    public var judgeRun: String? = nil

    public init() {}


    /// The mask of a completion run (`nil` for reconstruction).
    public func occlusion(height: Int, width: Int) throws -> ImageMask? {
        task == .complete ? try ImageMask(mask, height: height, width: width, seed: seed) : nil
    }

    /// Checks every number before anything is read or written; errors name the flag and its allowed range.
    public func validate() throws {
        try Validate.positive([("--epochs", epochs), ("--batch-size", batchSize), ("--latent", latentSize), ("--threads", threads),
                               ("--kernel", kernelSize), ("--limit", trainingLimit),
                               ("--test-limit", testLimit)])
        try Validate.positive([("--lr", learningRate), ("--epsilon", epsilon), ("--clip", gradientClip)])
        guard warmup.isFinite, warmup >= 0, warmup < 1 else {
            throw ExperimentError.invalidFlag(flag: "--warmup", value: "\(warmup)", allowed: "must be a fraction in [0, 1)")
        }
        if model == .pixelCNN, task != .complete {
            throw ExperimentError.invalidFlag(flag: "--task", value: task.rawValue, allowed: "must be complete for --model pixelcnn (it draws hidden pixels)")
        }
        guard validationFraction.isFinite, validationFraction > 0, validationFraction < 1 else {
            throw ExperimentError.invalidFlag(flag: "validation fraction", value: "\(validationFraction)", allowed: "must be in (0, 1)")
        }
    }
}

/// Range checks for flag values.
public enum Validate {
    /// Every value given (`nil`: the flag was not set) is a whole number ≥ 1.
    public static func positive(_ values: [(flag: String, value: Int?)]) throws {
        for (flag, value) in values { if let value { try positive(value, flag: flag) } }
    }

    /// Every value given (`nil`: the flag was not set) is finite and > 0.
    public static func positive(_ values: [(flag: String, value: Float?)]) throws {
        for (flag, value) in values { if let value { try positive(value, flag: flag) } }
    }

    public static func positive(_ value: Int, flag: String) throws {
        guard value > 0 else { throw ExperimentError.invalidFlag(flag: flag, value: "\(value)", allowed: "must be a whole number ≥ 1") }
    }

    public static func positive(_ value: Float, flag: String) throws {
        guard value.isFinite, value > 0 else {
            throw ExperimentError.invalidFlag(flag: flag, value: "\(value)", allowed: "must be a finite number > 0")
        }
    }

    public static func atLeast(_ minimum: Int, _ value: Int, flag: String) throws {
        guard value >= minimum else { throw ExperimentError.invalidFlag(flag: flag, value: "\(value)", allowed: "must be ≥ \(minimum)") }
    }
}
