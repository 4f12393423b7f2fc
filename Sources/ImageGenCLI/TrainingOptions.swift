import ArgumentParser
import Experiments

extension AutoencoderModel: ExpressibleByArgument {}
extension AutoencoderTask: ExpressibleByArgument {}
extension OptimizerChoice: ExpressibleByArgument {}
extension LearningRateSchedule.Kind: ExpressibleByArgument {}
extension EpsilonConvention: ExpressibleByArgument {}
extension BackgroundKind: ExpressibleByArgument {}
extension ColourisationMode: ExpressibleByArgument {}
extension MaskKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var allValueStrings: [String] { MaskKind.names }
}

/// Turns a library range check into ArgumentParser's usage error (exit code 64, nothing written).
func validating<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ExperimentError { throw ValidationError(error.description) }
}

/// The options shared by `train` and `sweep`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Model: dense, cnn, cnn-lstm, completion, pixelcnn (samples completions).") var model = AutoencoderModel.dense
    @Option(help: "Size of the hidden representation.") var latent = 32
    @Option(help: "Task: reconstruct or complete.") var task = AutoencoderTask.reconstruct
    @Option(help: "Occlusion mask for --task complete: \(MaskKind.names.joined(separator: ", ")) (bottom is the article's).")
    var mask = MaskKind.bottom
    @Option(help: "Dataset: \(DatasetCatalog.names.joined(separator: ", ")).") var dataset = "fashion-mnist"
    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset files.") var dataFolder: String?
    @Option(help: "Number of passes over the training images.") var epochs = 1
    @Option(name: .customLong("batch-size")) var batchSize = 32
    @Option(help: "Optimizer: adam, adamax, rmsprop, sgd.") var optimizer = OptimizerChoice.adam
    @Option(name: .customLong("lr"), help: "Learning rate.") var learningRate: Float = 1e-3
    @Option(name: .customLong("lr-schedule"), help: "Learning-rate schedule: constant, or cosine (decays to 0 at the last step).")
    var learningRateSchedule = LearningRateSchedule.Kind.constant
    @Option(help: "Fraction of the steps spent raising the learning rate linearly to --lr.") var warmup: Double = 0
    @Option(help: "Epsilon convention of Adam/Adamax: keras (ε 1e-7) or pytorch (ε 1e-8).") var epsilon = EpsilonConvention.keras
    @Option(help: "Convolution kernel size (cnn, cnn-lstm).") var kernel = 3
    @Option(help: "Activation (cnn, cnn-lstm): relu, elu, leaky_relu, tanh, sigmoid.") var activation = "relu"
    @Option(help: "Seed for initialisation, the split and the batch order.") var seed: UInt64 = 0
    @Option(help: "Use at most this many training images.") var limit: Int?
    @Option(name: .customLong("test-limit"), help: "Measure at most this many test images at the end (all by default).") var testLimit: Int?
    @Option(name: .customLong("clip"), help: "Clip the global gradient norm to this value.") var gradientClip: Float?
    @Option(help: "Threads for matrix products and convolutions.") var threads = 2
    @Option(help: "Classifier run (imagegen classifier train) that judges the completions at the end.") var judge: String?
    @Flag(help: "Print only the final results.") var quiet = false

    var configuration: TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model = model
        c.latentSize = latent
        c.task = task
        c.mask = mask
        c.dataset = dataset
        c.dataFolder = dataFolder
        c.epochs = epochs
        c.batchSize = batchSize
        c.optimizer = optimizer
        c.learningRate = learningRate
        c.learningRateSchedule = learningRateSchedule
        c.warmup = warmup
        c.epsilonConvention = epsilon
        c.epsilon = epsilon.defaultEpsilon
        c.kernelSize = kernel
        c.activation = activation
        c.seed = seed
        c.trainingLimit = limit
        c.testLimit = testLimit
        c.judgeRun = judge
        c.gradientClip = gradientClip
        c.threads = threads
        return c
    }

    func validate() throws { try validating { try configuration.validate() } }
}
