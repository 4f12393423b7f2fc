import ArgumentParser
import Data
import Engine
import Experiments
import Foundation

/// `imagegen train`: trains an autoencoder for reconstruction or completion and writes a run folder.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an autoencoder to reconstruct or complete images.",
        discussion: "Example: imagegen train --model dense --latent 32 --task reconstruct --dataset fashion-mnist --epochs 1")

    @Option(help: "Model: dense, cnn, cnn-lstm, completion.") var model = "dense"
    @Option(help: "Size of the hidden representation.") var latent = 32
    @Option(help: "Task: reconstruct or complete.") var task = "reconstruct"
    @Option(help: "Occlusion mask for --task complete (bottom is the article's).") var mask = "bottom"
    @Option(help: "Dataset: \(DatasetCatalog.names.joined(separator: ", ")).") var dataset = "fashion-mnist"
    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset files.") var dataFolder: String?
    @Option(help: "Number of passes over the training images.") var epochs = 1
    @Option(name: .customLong("batch-size")) var batchSize = 32
    @Option(help: "Optimizer: adam, adamax, rmsprop, sgd.") var optimizer = "adam"
    @Option(name: .customLong("lr"), help: "Learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Epsilon convention of Adam/Adamax: keras (ε 1e-7) or pytorch (ε 1e-8).") var epsilon = "keras"
    @Option(help: "Convolution kernel size (cnn).") var kernel = 3
    @Option(help: "Activation (cnn): relu, elu, leaky_relu, tanh, sigmoid.") var activation = "relu"
    @Option(help: "Seed for initialisation, the split and the batch order.") var seed: UInt64 = 0
    @Option(help: "Use at most this many training images.") var limit: Int?
    @Option(name: .customLong("clip"), help: "Clip the global gradient norm to this value.") var gradientClip: Float?
    @Option(help: "Threads for matrix products and convolutions.") var threads = 2
    @Option(help: "Run folder (default runs/<model>-<task>-<dataset>-latent<N>).") var output: String?
    @Flag(help: "Continue the run in --output from its last checkpoint.") var resume = false
    @Flag(help: "Replace an existing run folder.") var overwrite = false
    @Flag(help: "Print only the final results.") var quiet = false

    func run() throws {
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
        c.epsilonConvention = epsilon
        c.epsilon = epsilon == "pytorch" ? 1e-8 : 1e-7
        c.kernelSize = kernel
        c.activation = activation
        c.seed = seed
        c.trainingLimit = limit
        c.gradientClip = gradientClip
        c.threads = threads
        let folder = output ?? "runs/\(model)-\(task)-\(dataset)-latent\(latent)"
        let session = try TrainingSession(configuration: c, runFolder: folder,
                                          mode: resume ? .resume : (overwrite ? .overwrite : .create),
                                          reporter: ProgressReporter(quiet: quiet))
        try session.run()
    }
}
