import ArgumentParser
import Experiments

extension FirstChannelEdit: ExpressibleByArgument {}

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
    @Option(help: "Mode: \(ColourisationMode.allCases.map(\.rawValue).joined(separator: ", ")).") var mode = ColourisationMode.colouredBackground
    @Option(name: .customLong("first-edit"), help: "transpose (the code) or rotate (the article's 90°/270°).") var firstEdit = FirstChannelEdit.transpose
    @Option(help: "Threshold on the letter in [-1, 1].") var threshold: Float = 0.35
    @Option(help: "Number of images.") var count = 256
    @Option var seed: UInt64 = 0
    @Option var output = "out/colourised"
    @Flag var overwrite = false

    func validate() throws {
        try validating { try Validate.positive(count, flag: "--count") }
        try ColourisationOptions(mode: mode, firstEdit: firstEdit, threshold: threshold).validate()
    }

    func run() throws {
        let letters = try greyscaleLetters(ganRun: gan, dataset: dataset, dataFolder: dataFolder, count: count, seed: seed)
        _ = try writeColourisedDataset(letters, backgrounds: try backgroundGenerator(run: backgrounds, seed: seed),
                                       options: ColourisationOptions(mode: mode, firstEdit: firstEdit, threshold: threshold), seed: seed,
                                       output: output, overwrite: overwrite)
        print("wrote \(output)/ (\(letters.images.count) PNG images, labels.csv, images-idx3-ubyte, labels-idx1-ubyte, preview.png)")
    }
}

struct GanPipeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline", abstract: "Generated letters → colourised with generated backgrounds → a grid (and the dataset).",
        discussion: "Example: imagegen gan pipeline --gan runs/gan --backgrounds runs/backgrounds-diverse --text hello")

    @Option(help: "GAN run folder.") var gan = "runs/gan"
    @Option(help: "Background run folder (default: untrained diverse generator).") var backgrounds: String?
    @Option(help: "Letters to generate (a–z); default the alphabet.") var text = "abcdefghijklmnopqrstuvwxyz"
    @Option var mode = ColourisationMode.colouredBackground
    @Option var threshold: Float = 0.35
    @Option var seed: UInt64 = 0
    @Option var output = "out/pipeline"
    @Flag var overwrite = false

    func validate() throws { try ColourisationOptions(mode: mode, threshold: threshold).validate() }

    func run() throws {
        try writeLetterPipeline(ganRun: gan, backgroundRun: backgrounds, text: text, options: ColourisationOptions(mode: mode, threshold: threshold),
                                seed: seed, output: output, overwrite: overwrite)
        print("wrote \(output)/grid.png and the colourised dataset in \(output)/")
    }
}
