import ArgumentParser
import Engine
import Experiments
import Foundation
import Imaging
import Models

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

    @Option var epochs = 20
    @Option(name: .customLong("batch-size")) var batchSize = 128
    @Option(name: .customLong("lr")) var learningRate: Float = 2e-4
    @Option(name: .customLong("checkpoint-every"), help: "Checkpoint every N epochs.") var checkpointEvery = 5
    @Option(name: .customLong("data-dir"), help: "Folder with EMNIST letters files; rendered letters are used when absent.") var dataFolder: String?
    @Option(name: .customLong("per-letter"), help: "Rendered variants per letter (when EMNIST is absent).") var perLetter = 1000
    @Option(name: .customLong("font-dir")) var fontFolder = LetterRenderer.defaultFontFolder
    @Option(help: "Use at most this many EMNIST images.") var limit: Int?
    @Option var seed: UInt64 = 0
    @Option var threads = 2
    @Option var output = "runs/gan"
    @Flag(help: "Continue from the run's last checkpoint.") var resume = false
    @Flag var overwrite = false
    @Flag var quiet = false

    func run() throws {
        guard epochs > 0, batchSize > 0, checkpointEvery > 0, perLetter > 1 else {
            throw ExperimentError.invalidArgument("--epochs, --batch-size and --checkpoint-every must be > 0 and --per-letter > 1")
        }
        Interruption.install()
        var o = GANTrainingOptions()
        if resume {
            // The run's own settings; a larger --epochs extends it.
            o = try decodeSavedOptions(o, from: "\(output)/config.json")
            o.epochs = Swift.max(o.epochs, epochs)
        } else {
            o.epochs = epochs; o.batchSize = batchSize; o.learningRate = learningRate; o.checkpointEvery = checkpointEvery
            o.emnistFolder = dataFolder; o.perLetter = perLetter; o.fontFolder = fontFolder; o.limit = limit; o.seed = seed; o.threads = threads
        }
        let folder = try RunFolder(path: output, mode: resume ? .resume : (overwrite ? .overwrite : .create))
        let data = try LetterSet.load(emnistFolder: o.emnistFolder, perLetter: o.perLetter, fontFolder: o.fontFolder, seed: o.seed, limit: o.limit,
                                      renderedFolder: resume ? nil : "\(output)/letters")
        let trainer = GANTrainer(options: o, data: data)
        try trainer.train(into: folder, resume: resume, reporter: ProgressReporter(quiet: quiet))
        print("wrote \(output)/ (model.safetensors, discriminator.safetensors, metrics.csv, samples/, report.html)")
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
        let generator = try loadLetterGenerator(run: runFolder)
        var rng = RandomGenerator(seed: seed)
        let letters = try generateLetters(generator, text: text, using: &rng)
        let path = output ?? "\(runFolder)/\(text).png"
        try saveImageGrid(letters, to: path, options: ImageGridOptions(imagesPerRow: letters.shape[0], valueRange: -1...1))
        print("wrote \(path)")
    }
}
