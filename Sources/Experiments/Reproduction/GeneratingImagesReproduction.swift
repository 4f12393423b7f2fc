import Data
import Foundation

/// Runs the rows of the "Generating Images" article's table with its settings and writes `table.md`, `table.csv`
/// and `report.html` beside one run folder per row: what `imagegen reproduce generating-images` does.
///
/// Every row records the training images and epochs used beside the article's, and links its run's `report.html`
/// and `samples/final.png`; a quick look (`trainingLimit`, `epochScale`) says so in the summary sentence.
///
/// ```swift
/// let reproduction = GeneratingImagesReproduction(dataset: "fashion-mnist", trainingLimit: 3_200, epochScale: 0.34,
///                                                 folder: "runs/quick")
/// let rows = try reproduction.run(reporter: ProgressReporter())
/// print(ComparisonTable.summary(rows))
/// ```
public struct GeneratingImagesReproduction: Sendable {
    /// `mnist`, `cifar100`, `lfw` or `fashion-mnist` (which runs MNIST's rows).
    public var dataset: String
    /// The folder holding the dataset files; `nil` uses the dataset's default location.
    public var dataFolder: String?
    /// Train every row on at most this many images (all of the article's split when `nil`).
    public var trainingLimit: Int?
    /// Every row's epochs are the article's times this factor, rounded, at least 1.
    public var epochScale: Double
    /// The output folder: the tables and report, and one run folder per row.
    public var folder: String

    public init(dataset: String = "fashion-mnist", dataFolder: String? = nil, trainingLimit: Int? = nil, epochScale: Double = 1,
                folder: String? = nil) {
        self.dataset = dataset
        self.dataFolder = dataFolder
        self.trainingLimit = trainingLimit
        self.epochScale = epochScale
        self.folder = folder ?? "runs/reproduce-generating-images-\(dataset)"
    }

    /// The article's rows this reproduction runs.
    public func rows() throws -> [ArticleResult] { try GeneratingImagesTable.rows(for: dataset) }

    /// The training configuration of `row` with this reproduction's data folder, limit and epoch scale.
    public func configuration(for row: ArticleResult) -> TrainingConfiguration {
        var c = GeneratingImagesTable.configuration(for: row, dataset: dataset)
        c.dataFolder = dataFolder
        c.trainingLimit = trainingLimit
        c.epochs = max(1, Int((Double(row.epochs) * epochScale).rounded()))
        return c
    }

    /// The run folder of the `index`-th row (from 0), relative to `folder`.
    public static func runFolderName(index: Int, row: ArticleResult) -> String {
        "row\(index + 1)-\(row.model)-\(row.task)-latent\(row.latentSize)"
    }

    /// Notes shown under the summary: what the article trained on, and that Fashion-MNIST is only a reference.
    public var notes: [String] {
        var notes = GeneratingImagesTable.articleDataNote(for: dataset).map { [$0] } ?? []
        if dataset == "fashion-mnist" {
            notes.append("The article trained on MNIST; Fashion-MNIST runs MNIST's settings, so its numbers are a reference, not a target.")
        }
        return notes
    }

    /// Trains every row in turn (the article reports test MSE; LFW, which has no test split, validation MSE) and
    /// rewrites the tables and the report after each row, so an interrupted reproduction keeps the rows it finished.
    /// Throws `ExperimentError.runFolderExists` when `folder` exists and `overwrite` is false.
    @discardableResult
    public func run(overwrite: Bool = false, reporter: ProgressReporter) throws -> [ArticleComparison] {
        guard epochScale > 0, epochScale.isFinite else { throw ExperimentError.invalidArgument("the epoch scale must be positive, not \(epochScale)") }
        if let trainingLimit, trainingLimit <= 0 {
            throw ExperimentError.invalidArgument("the training-image limit must be positive, not \(trainingLimit)")
        }
        let rows = try rows()
        if FileManager.default.fileExists(atPath: folder) && !overwrite { throw ExperimentError.runFolderExists(folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var comparisons: [ArticleComparison] = []
        for (i, row) in rows.enumerated() {
            let c = configuration(for: row)
            reporter.line("== \(row.description), latent \(row.latentSize), \(row.optimizer) \(c.epochs) epochs (the article: \(row.epochs))")
            let name = Self.runFolderName(index: i, row: row)
            let session = try TrainingSession(configuration: c, runFolder: "\(folder)/\(name)", mode: .overwrite, reporter: reporter)
            let result = try session.run()
            let ours = result.test?.meanSquaredError ?? result.validation.meanSquaredError
            comparisons.append(ArticleComparison(
                dataset: dataset, model: row.description, latentSize: row.latentSize, optimizer: row.optimizer.rawValue, epochs: c.epochs,
                articleMSE: row.articleMSE, ourMSE: ours, articleEpochs: row.epochs,
                trainingImages: session.job.training.count,
                articleTrainingImages: row.trainingImages, runFolder: name))
            try write(comparisons)
        }
        return comparisons
    }

    /// Writes `table.md` (summary, notes, table), `table.csv` and `report.html` into `folder`.
    public func write(_ rows: [ArticleComparison]) throws {
        let paragraphs = [ComparisonTable.summary(rows)] + notes
        try RunFolder.writeText(ComparisonTable.markdown(rows) + "\n" + paragraphs.joined(separator: "\n\n") + "\n", to: "\(folder)/table.md")
        try RunFolder.writeText(ComparisonTable.csv(rows), to: "\(folder)/table.csv")
        try ComparisonTable.report(rows, title: "Reproducing “Generating Images” on \(ReportWording.datasetName(dataset))", notes: notes)
            .write(to: "\(folder)/report.html")
    }
}
