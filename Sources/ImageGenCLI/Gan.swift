import ArgumentParser
import Experiments

/// `imagegen gan train|sample|pipeline`: the conditional letter GAN of seed 000.
struct Gan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train and sample the conditional letter GAN; run the letters → colourised pipeline.",
        subcommands: [GanTrain.self, GanSample.self, GanPipeline.self])
}

struct GanTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the letter GAN on EMNIST letters, or on letters rendered from the installed fonts.",
        discussion: "Example: imagegen gan train --epochs 20 --output runs/gan")

    @Option(help: "Passes over the letters (default 20; with --resume, a larger value extends the run).") var epochs: Int?
    @Option(name: .customLong("batch-size")) var batchSize = 128
    @Option(name: .customLong("lr")) var learningRate: Float = 2e-4
    @Option(name: .customLong("checkpoint-every"), help: "Checkpoint every N epochs.") var checkpointEvery = 5
    @Option(name: .customLong("data-dir"), help: "Folder with EMNIST letters files; rendered letters are used when absent.") var dataFolder: String?
    @Option(name: .customLong("per-letter"), help: "Rendered variants per letter (when EMNIST is absent).") var perLetter = 1000
    @Option(name: .customLong("font-dir")) var fontFolder = GANConfiguration().fontFolder
    @Option(help: "Use at most this many EMNIST images.") var limit: Int?
    @Option var seed: UInt64 = 0
    @Option var threads = 2
    @Option var output = "runs/gan"
    @Flag(help: "Continue from the run's last checkpoint (its saved settings; --epochs may extend it).") var resume = false
    @Flag var overwrite = false
    @Flag var quiet = false

    var configuration: GANConfiguration {
        var c = GANConfiguration()
        c.epochs = epochs ?? GANConfiguration().epochs; c.batchSize = batchSize; c.learningRate = learningRate; c.checkpointEvery = checkpointEvery
        c.emnistFolder = dataFolder; c.perLetter = perLetter; c.fontFolder = fontFolder; c.limit = limit; c.seed = seed; c.threads = threads
        return c
    }

    func validate() throws { try validating { try configuration.validate() } }

    func run() throws {
        Interruption.install()
        var requested = configuration
        // A resumed run keeps its own length unless --epochs asks for more.
        if resume { requested.epochs = epochs ?? 0 }
        let log = try GANJob.train(requested, runFolder: output, mode: RunFolder.Mode(resume: resume, overwrite: overwrite),
                                   reporter: ProgressReporter(quiet: quiet))
        if let accuracy = log.last("generated_accuracy") { print(String(format: "generated letters recognised: %.1f%%", accuracy * 100)) }
        print("wrote \(output)/ (model.safetensors, discriminator.safetensors, training-state.safetensors, metrics.csv, samples/, report.html)")
    }
}

struct GanSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Generate a row of letters spelling --text.",
        discussion: "Example: imagegen gan sample --run runs/gan --text hello")

    @Option(name: .customLong("run")) var runFolder = "runs/gan"
    @Option var text = "hello"
    @Option var seed: UInt64 = 0
    @Option(help: "Output PNG (default <run>/<text>.png).") var output: String?

    func run() throws {
        let path = output ?? "\(runFolder)/\(text).png"
        try writeLetterSamples(run: runFolder, text: text, seed: seed, output: path)
        print("wrote \(path)")
    }
}
