import ArgumentParser
import Experiments

/// `imagegen classifier train`: the judge that completion measures classify completed images with.
struct Classifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the image classifier that judges completions (class consistency, Fréchet distance).",
        subcommands: [ClassifierTrain.self])
}

struct ClassifierTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a CNN classifier on a labelled dataset; prints validation and test accuracy.",
        discussion: "Example: imagegen classifier train --dataset fashion-mnist --output runs/judge-fashion-mnist")

    @Option(help: "Dataset: mnist, fashion-mnist, emnist-*, cifar100, cifar10, folder:PATH.") var dataset = "fashion-mnist"
    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset files.") var dataFolder: String?
    @Option(help: "Epochs (with --resume, a larger value extends the run).") var epochs: Int?
    @Option(name: .customLong("batch-size")) var batchSize = 64
    @Option(name: .customLong("lr"), help: "Adam learning rate (cosine schedule, 5 % warm-up).") var learningRate: Float = 1e-3
    @Option(name: .customLong("limit"), help: "Use at most this many training images.") var trainingLimit: Int?
    @Option var seed: UInt64 = 0
    @Option(help: "Threads for matrix products.") var threads = 2
    @Option(help: "Run folder (default runs/judge-<dataset>).") var output: String?
    @Flag(help: "Continue the run in --output from its last checkpoint.") var resume = false
    @Flag(help: "Replace an existing run folder.") var overwrite = false
    @Flag(help: "Print only the final results.") var quiet = false

    var configuration: ClassifierConfiguration {
        var c = ClassifierConfiguration()
        c.dataset = dataset
        c.dataFolder = dataFolder
        c.epochs = epochs ?? c.epochs
        c.batchSize = batchSize
        c.learningRate = learningRate
        c.trainingLimit = trainingLimit
        c.seed = seed
        c.threads = threads
        return c
    }

    func validate() throws { try validating { try configuration.validate() } }

    func run() throws {
        Interruption.install()
        var requested = configuration
        if resume { requested.epochs = epochs ?? 0 }
        try ClassifierJob.train(requested, runFolder: output ?? "runs/judge-\(dataset)", mode: RunFolder.Mode(resume: resume, overwrite: overwrite),
                                reporter: ProgressReporter(quiet: quiet))
    }
}
