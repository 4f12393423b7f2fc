import ArgumentParser
import Experiments

/// `imagegen reproduce generating-images`: runs the article's table rows with its exact settings.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an article's experiments with its exact settings and compare with its numbers.",
        discussion: "Example: imagegen reproduce generating-images --dataset mnist --data-dir data/mnist")

    @Argument(help: "The article: generating-images.") var article: String
    @Option(help: "mnist, cifar100, lfw or fashion-mnist (runs MNIST's rows).") var dataset = "fashion-mnist"
    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset files.") var dataFolder: String?
    @Option(help: "Use at most this many training images (quick look; the article's numbers need all).") var limit: Int?
    @Option(help: "Multiply every row's epochs by this factor (quick look).") var epochScale: Double = 1
    @Option(help: "Output folder (default runs/reproduce-<article>-<dataset>).") var output: String?
    @Flag(help: "Replace an existing output folder.") var overwrite = false
    @Flag(help: "Print only the final results.") var quiet = false

    func validate() throws {
        guard article == "generating-images" else { throw ValidationError("unknown article '\(article)' (expected generating-images)") }
        if let limit { try validating { try Validate.positive(limit, flag: "--limit") } }
        guard epochScale.isFinite, epochScale > 0 else { throw ValidationError("--epoch-scale \(epochScale): must be a finite number > 0") }
    }

    func run() throws {
        guard article == "generating-images" else { throw ValidationError("unknown article '\(article)' (expected generating-images)") }
        let reproduction = GeneratingImagesReproduction(dataset: dataset, dataFolder: dataFolder, trainingLimit: limit,
                                                        epochScale: epochScale, folder: output)
        let rows = try reproduction.run(overwrite: overwrite, reporter: ProgressReporter(quiet: quiet))
        print(ComparisonTable.plainText(rows))
        print(ComparisonTable.summary(rows))
        print("table: \(reproduction.folder)/table.md, report: \(reproduction.folder)/report.html")
    }
}
