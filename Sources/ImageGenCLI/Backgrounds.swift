import ArgumentParser
import Experiments

/// `imagegen backgrounds train|sample`: the smooth-background generator of seed 000.
struct Backgrounds: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train and sample the smooth-background generator (article seed 000).",
        subcommands: [BackgroundsTrain.self, BackgroundsSample.self])
}

struct BackgroundsTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a background generator; prints diversity, smoothness and coverage as it goes.",
        discussion: "Example: imagegen backgrounds train --model faithful --steps 1000 --output runs/backgrounds-faithful")

    @Option(help: "Model: faithful (the article's) or diverse (ImageGen's, does not collapse).") var model = BackgroundKind.faithful
    @Option(help: "Optimisation steps (the article's 'epochs'; default 1000; with --resume, a larger value extends the run).") var steps: Int?
    @Option(name: .customLong("batch-size")) var batchSize = 128
    @Option(name: .customLong("lr"), help: "RMSprop learning rate.") var learningRate: Float = 1e-5
    @Option var seed: UInt64 = 0
    @Option(help: "Threads for matrix products.") var threads = 2
    @Option(name: .customLong("checkpoint-every"), help: "Save a resumable checkpoint every N steps.") var checkpointEvery = 100
    @Option(name: .customLong("clip"), help: "Clip the global gradient norm to this value.") var gradientClip: Float?
    @Option(help: "Run folder (default runs/backgrounds-<model>).") var output: String?
    @Flag(help: "Continue the run in --output from its last checkpoint (its saved settings; --steps may extend it).") var resume = false
    @Flag(help: "Replace an existing run folder.") var overwrite = false
    @Flag(help: "Print only the final results.") var quiet = false

    var configuration: BackgroundConfiguration {
        var c = BackgroundConfiguration()
        c.kind = model
        c.steps = steps ?? BackgroundConfiguration().steps
        c.batchSize = batchSize
        c.learningRate = learningRate
        c.seed = seed
        c.threads = threads
        c.checkpointEvery = checkpointEvery
        c.gradientClip = gradientClip
        return c
    }

    func validate() throws { try validating { try configuration.validate() } }

    func run() throws {
        Interruption.install()
        let path = output ?? "runs/backgrounds-\(model.rawValue)"
        var requested = configuration
        // A resumed run keeps its own length unless --steps asks for more.
        if resume { requested.steps = steps ?? 0 }
        let log = try BackgroundJob.train(requested, runFolder: path, mode: RunFolder.Mode(resume: resume, overwrite: overwrite),
                                          reporter: ProgressReporter(quiet: quiet))
        if let diversity = log.last("diversity"), let coverage = log.last("coverage") {
            print(String(format: "final: diversity %.4f  coverage %.4f", diversity, coverage))
        }
        print("wrote \(path)/ (model.safetensors, training-state.safetensors, metrics.csv, samples/, report.html)")
    }
}

struct BackgroundsSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample RGB backgrounds (three outputs per image): a grid PNG and the single images.",
        discussion: "Example: imagegen backgrounds sample --run runs/backgrounds-faithful --count 32")

    @Option(name: .customLong("run"), help: "Run folder holding model.safetensors.") var runFolder = "runs/backgrounds-faithful"
    @Option(help: "Number of RGB images.") var count = 32
    @Option var seed: UInt64 = 1
    @Option(help: "Output folder (default <run>/sampled).") var output: String?

    func validate() throws { try validating { try Validate.positive(count, flag: "--count") } }

    func run() throws {
        let (folder, summary) = try writeBackgroundSamples(run: runFolder, count: count, seed: seed, output: output)
        print(summary)
        print("wrote \(folder)/grid.png and \(count) single images")
    }
}
