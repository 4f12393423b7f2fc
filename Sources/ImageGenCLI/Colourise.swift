import ArgumentParser
import Engine
import Experiments
import Foundation
import Imaging
import Models

/// `imagegen colourise`: greyscale letters (a dataset or the GAN's) × generated backgrounds → a colourised dataset.
struct Colourise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Colourise a greyscale dataset (or generated letters) with generated backgrounds.",
        discussion: """
        Modes: letter-channel, edge, coloured-letter, coloured-background (the article's four) and blend (MNIST-M).
        Example: imagegen colourise --dataset emnist-letters --data-dir data/emnist --backgrounds runs/backgrounds-diverse --mode edge --output out/colourised
        """)

    @Option(help: "Greyscale dataset: mnist, fashion-mnist, emnist-<split> (ignored with --gan).") var dataset = "fashion-mnist"
    @Option(name: .customLong("data-dir")) var dataFolder: String?
    @Option(help: "GAN run folder: colourise generated letters instead of a dataset.") var gan: String?
    @Option(help: "Background run folder (default: an untrained diverse generator, which is smooth by construction).") var backgrounds: String?
    @Option(help: "Mode: \(ColourisationMode.allCases.map(\.rawValue).joined(separator: ", ")).") var mode = "coloured-background"
    @Option(name: .customLong("first-edit"), help: "transpose (the code) or rotate (the article's 90°/270°).") var firstEdit = "transpose"
    @Option(help: "Threshold on the letter in [-1, 1].") var threshold: Float = 0.35
    @Option(help: "Number of images.") var count = 256
    @Option var seed: UInt64 = 0
    @Option var output = "out/colourised"
    @Flag var overwrite = false

    func run() throws {
        guard let mode = ColourisationMode(rawValue: mode) else {
            throw ExperimentError.invalidArgument("unknown mode '\(self.mode)' (expected \(ColourisationMode.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let edit = FirstChannelEdit(rawValue: firstEdit) else { throw ExperimentError.invalidArgument("--first-edit is transpose or rotate, not '\(firstEdit)'") }
        let options = ColourisationOptions(mode: mode, firstEdit: edit, threshold: threshold)
        try options.validate()
        guard count > 0 else { throw ExperimentError.invalidArgument("--count must be > 0") }
        let letters = try loadLetters(gan: gan, dataset: dataset, dataFolder: dataFolder, count: count, seed: seed)
        let model = try backgroundModel(backgrounds, seed: seed)
        _ = try writeColourisedDataset(letters, backgrounds: model, options: options, seed: seed, output: output, overwrite: overwrite)
        print("wrote \(output)/ (\(letters.images.count) PNG images, labels.csv, images-idx3-ubyte, labels-idx1-ubyte, preview.png)")
    }
}

func loadLetters(gan: String?, dataset: String, dataFolder: String?, count: Int, seed: UInt64) throws -> GreyscaleLetters {
    if let gan {
        let generator = try loadLetterGenerator(run: gan)
        var rng = RandomGenerator(seed: seed &+ 11)
        let labels = (0..<count).map { $0 % 26 }
        let images = withoutGradients { generator(Tensor.normal([count, 64], using: &rng), labels: labels) }
        return try GreyscaleLetters(generated: images, labels: labels)
    }
    let data = try DatasetCatalog.load(dataset, folder: dataFolder, partition: .train)
    return try GreyscaleLetters(dataset: data, side: 64, limit: count)
}

func backgroundModel(_ run: String?, seed: UInt64) throws -> any BackgroundModel {
    if let run { return try loadBackgroundModel(from: "\(run)/model.safetensors") }
    var rng = RandomGenerator(seed: seed)
    return DiverseBackgroundGenerator(using: &rng)
}

struct GanPipeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Generated letters → colourised with generated backgrounds → a grid (and the dataset).",
        discussion: "Example: imagegen gan pipeline --gan runs/gan --backgrounds runs/backgrounds-diverse --text hello")

    @Option(help: "GAN run folder.") var gan = "runs/gan"
    @Option(help: "Background run folder (default: untrained diverse generator).") var backgrounds: String?
    @Option(help: "Letters to generate (a–z); default the alphabet.") var text = "abcdefghijklmnopqrstuvwxyz"
    @Option var mode = "coloured-background"
    @Option var threshold: Float = 0.35
    @Option var seed: UInt64 = 0
    @Option var output = "out/pipeline"
    @Flag var overwrite = false

    func run() throws {
        guard let mode = ColourisationMode(rawValue: mode) else { throw ExperimentError.invalidArgument("unknown mode '\(self.mode)'") }
        let generator = try loadLetterGenerator(run: gan)
        var rng = RandomGenerator(seed: seed)
        let images = try generateLetters(generator, text: text, using: &rng)
        let labels = text.lowercased().map { Int($0.asciiValue!) - 97 }
        let letters = try GreyscaleLetters(generated: images, labels: labels)
        let colourised = try writeColourisedDataset(letters, backgrounds: try backgroundModel(backgrounds, seed: seed),
                                                    options: ColourisationOptions(mode: mode, threshold: threshold), seed: seed,
                                                    output: output, overwrite: overwrite)
        try writeImage(makeImageGrid(colourised, options: ImageGridOptions(imagesPerRow: Swift.min(13, colourised.count))), to: "\(output)/grid.png")
        print("wrote \(output)/grid.png and the colourised dataset in \(output)/")
    }
}
