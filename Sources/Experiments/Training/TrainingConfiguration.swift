import Foundation

/// Everything needed to run an autoencoder training again; saved as `config.json` in the run folder.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// `dense`, `cnn`, `cnn-lstm` or `completion`.
    public var model: String = "dense"
    public var latentSize: Int = 32
    public var kernelSize: Int = 3
    public var activation: String = "relu"
    public var encoderFilters: [Int] = [32, 64, 128, 256]
    public var decoderFilters: [Int] = [128, 64, 32]
    /// `reconstruct` (input = target) or `complete` (masked input, original target).
    public var task: String = "reconstruct"
    /// The occlusion mask for `complete`: `bottom` (the article's), `top`, `left`, `right`, `center`, …
    public var mask: String = "bottom"
    public var dataset: String = "fashion-mnist"
    /// The folder holding the dataset files; `nil` uses the dataset's default location.
    public var dataFolder: String? = nil
    public var epochs: Int = 1
    public var batchSize: Int = 32
    /// `adam`, `adamax`, `rmsprop` or `sgd`.
    public var optimizer: String = "adam"
    public var learningRate: Float = 1e-3
    /// `constant` or `cosine` (see `LearningRateSchedule`); `nil` (older runs) means constant.
    public var learningRateSchedule: String? = nil
    /// Fraction of the steps spent warming the learning rate up; `nil` means none.
    public var warmup: Double? = nil
    /// `keras` (ε 1e-7, the article's framework) or `pytorch` (ε 1e-8).
    public var epsilonConvention: String = "keras"
    public var epsilon: Float = 1e-7
    public var seed: UInt64 = 0
    public var validationFraction: Double = 0.2
    /// Use at most this many training images (all when `nil`), for quick runs.
    public var trainingLimit: Int? = nil
    /// Clip the global gradient norm to this value when set.
    public var gradientClip: Float? = nil
    /// Worker threads for matrix products and convolutions.
    public var threads: Int = 2

    public init() {}

    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    public static func decode(from path: String) throws -> TrainingConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw ExperimentError.missingFile(path) }
        do { return try JSONDecoder().decode(TrainingConfiguration.self, from: data) } catch {
            throw ExperimentError.invalidFile(path, "not a valid training configuration: \(error)")
        }
    }
}
