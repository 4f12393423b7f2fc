import ArgumentParser
import Engine
import Experiments
import Foundation
import Imaging
import Models

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

    @Option(help: "Model: faithful (the article's) or diverse (ImageGen's, does not collapse).") var model = "faithful"
    @Option(help: "Optimisation steps (the article's 'epochs'; default 1000).") var steps: Int?
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

    func run() throws {
        Interruption.install()
        guard (steps ?? 1) > 0, batchSize > 1, checkpointEvery > 0 else {
            throw ExperimentError.invalidArgument("--steps and --checkpoint-every must be > 0 and --batch-size > 1")
        }
        let path = output ?? "runs/backgrounds-\(model)"
        var options = BackgroundTrainingOptions()
        if resume {
            options = try decodeSavedOptions(BackgroundTrainingOptions(), from: "\(path)/config.json")
            options.steps = max(options.steps, steps ?? 0)
        } else {
            options.kind = model
            options.steps = steps ?? 1000
            options.batchSize = batchSize
            options.learningRate = learningRate
            options.seed = seed
            options.threads = threads
            options.checkpointEvery = checkpointEvery
            options.gradientClip = gradientClip
        }
        let trainer = try BackgroundTrainer(options: options)
        let folder = try RunFolder(path: path, mode: resume ? .resume : (overwrite ? .overwrite : .create))
        let records = try trainer.train(into: folder, reporter: ProgressReporter(quiet: quiet), resume: resume)
        if let last = records.last { print("final: \(last.metrics)") }
        print("wrote \(folder.path)/ (model.safetensors, metrics.csv, samples/, report.html)")
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

    func run() throws {
        guard count > 0 else { throw ExperimentError.invalidArgument("--count must be > 0") }
        let model = try loadBackgroundModel(from: "\(runFolder)/model.safetensors")
        var rng = RandomGenerator(seed: seed)
        let (rgb, _, metrics) = sampleBackgrounds(model, count: count, using: &rng)
        let folder = output ?? "\(runFolder)/sampled"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try saveImageGrid(rgb, to: "\(folder)/grid.png", options: ImageGridOptions(imagesPerRow: 8))
        let plane = 64 * 64 * 3
        for i in 0..<count {
            let pixels = Array(UnsafeBufferPointer(start: rgb.storage.pointer + i * plane, count: plane))
            try writeImage(Image(width: 64, height: 64, channels: 3, pixels: pixels), to: String(format: "%@/background%03d.png", folder, i))
        }
        print("\(model.kind): \(metrics)")
        print("wrote \(folder)/grid.png and \(count) single images")
    }
}
