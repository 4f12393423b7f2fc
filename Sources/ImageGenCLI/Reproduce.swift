import ArgumentParser
import Experiments
import Foundation

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

    func run() throws {
        guard article == "generating-images" else { throw ValidationError("unknown article '\(article)' (expected generating-images)") }
        let rows = try GeneratingImagesTable.rows(for: dataset)
        let folder = output ?? "runs/reproduce-\(article)-\(dataset)"
        if FileManager.default.fileExists(atPath: folder) && !overwrite { throw ExperimentError.runFolderExists(folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let reporter = ProgressReporter(quiet: quiet)
        var lines = ["| dataset | model | latent | optimiser, epochs | article MSE | ImageGen MSE | ratio |", "|---|---|---|---|---|---|---|"]
        var csv = ["dataset,model,latent,optimizer,epochs,article_mse,imagegen_mse"]
        var comparisons: [ArticleComparison] = []
        for (i, row) in rows.enumerated() {
            var c = GeneratingImagesTable.configuration(for: row, dataset: dataset)
            c.dataFolder = dataFolder
            c.trainingLimit = limit
            c.epochs = max(1, Int((Double(row.epochs) * epochScale).rounded()))
            reporter.line("== \(row.description), latent \(row.latentSize), \(row.optimizer) \(c.epochs) epochs")
            let session = try TrainingSession(configuration: c, runFolder: "\(folder)/row\(i + 1)-\(row.model)-\(row.task)-latent\(row.latentSize)",
                                              mode: .overwrite, reporter: reporter)
            let result = try session.run()
            // The article reports test MSE (LFW: validation, as it has no test split).
            let ours = result.test?.meanSquaredError ?? result.validation.meanSquaredError
            lines.append("| \(dataset) | \(row.description) | \(row.latentSize) | \(row.optimizer), \(c.epochs) | "
                         + String(format: "%.5f | %.5f | %.2f |", row.articleMSE, ours, ours / row.articleMSE))
            csv.append("\(dataset),\(row.description),\(row.latentSize),\(row.optimizer),\(c.epochs),\(row.articleMSE),\(ours)")
            try RunFolder.writeText(lines.joined(separator: "\n") + "\n", to: "\(folder)/table.md")
            try RunFolder.writeText(csv.joined(separator: "\n") + "\n", to: "\(folder)/table.csv")
            comparisons.append(ArticleComparison(dataset: dataset, model: row.description, latentSize: row.latentSize,
                                                 optimizer: row.optimizer.rawValue, epochs: c.epochs, articleMSE: row.articleMSE, ourMSE: ours))
            let notes = dataset == "fashion-mnist" ? ["The article trained on MNIST; Fashion-MNIST runs MNIST's settings, so its numbers are a reference, not a target."] : []
            try ComparisonTable.report(comparisons, title: "Reproducing “Generating Images” on \(dataset)", notes: notes)
                .write(to: "\(folder)/report.html")
        }
        print(lines.joined(separator: "\n"))
        print("table: \(folder)/table.md")
    }
}
