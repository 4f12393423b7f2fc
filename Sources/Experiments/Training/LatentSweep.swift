import Engine
import Foundation

/// One finished run of a sweep.
public struct SweepEntry: Sendable {
    public var latentSize: Int
    public var runFolder: String
    public var result: TrainingResult
    public var seconds: Double
}

/// Trains the same configuration once per latent size, each into `folder/latent-<N>`, and writes
/// `folder/summary.csv` after every run (so an interrupted sweep keeps what it finished).
public struct LatentSweep {
    public let configuration: TrainingConfiguration
    public let latentSizes: [Int]
    public let folder: String

    public init(configuration: TrainingConfiguration, latentSizes: [Int], folder: String) throws {
        guard !latentSizes.isEmpty, latentSizes.allSatisfy({ $0 > 0 }) else {
            throw ExperimentError.invalidArgument("--latents needs positive sizes, e.g. 16,32,64,128,512")
        }
        self.configuration = configuration
        self.latentSizes = latentSizes
        self.folder = folder
    }

    /// With `.resume`, latent sizes whose folder holds a checkpoint continue from it (finished ones are only
    /// evaluated again); the others start afresh.
    public func run(mode: RunFolder.Mode, reporter: ProgressReporter) throws -> [SweepEntry] {
        if mode == .create, FileManager.default.fileExists(atPath: folder) { throw ExperimentError.runFolderExists(folder) }
        if mode == .resume, !FileManager.default.fileExists(atPath: folder) { throw ExperimentError.missingFile(folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var entries: [SweepEntry] = []
        for latent in latentSizes {
            var c = configuration
            c.latentSize = latent
            let runFolder = "\(folder)/latent-\(latent)"
            reporter.line("== latent \(latent) → \(runFolder)")
            let start = Date()
            let runMode: RunFolder.Mode = mode == .resume && FileManager.default.fileExists(atPath: "\(runFolder)/\(RunState.fileName)")
                ? .resume : .overwrite
            let session = try TrainingSession(configuration: c, runFolder: runFolder, mode: runMode, reporter: reporter)
            let result = try session.run()
            entries.append(SweepEntry(latentSize: latent, runFolder: runFolder, result: result, seconds: Date().timeIntervalSince(start)))
            try writeSummary(entries)
            let rows = entries.map { SweepReportRow($0, reportPath: "latent-\($0.latentSize)/report.html") }
            try SweepReport(modelDescription: configuration.model.rawValue, dataset: configuration.dataset, task: configuration.task,
                            entries: rows).write(to: "\(folder)/report.html")
        }
        return entries
    }

    func writeSummary(_ entries: [SweepEntry]) throws {
        var lines = ["latent,validation_mse,validation_hidden_mse,test_mse,test_hidden_mse,hidden_mse_mean_of_samples,diversity,"
                     + "bits_per_hidden_pixel,judge_accuracy,frechet_distance_judge_features,seconds,run"]
        func cell(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        for e in entries {
            let v = e.result.validation, t = e.result.test, m = e.result.completion
            let cells: [String] = [String(e.latentSize), String(v.meanSquaredError), cell(v.hiddenMeanSquaredError),
                                   cell(t?.meanSquaredError), cell(t?.hiddenMeanSquaredError), cell(m?.hiddenMSEOfMean), cell(m?.diversity),
                                   cell(m?.bitsPerHiddenPixel), cell(m?.judgeAccuracy), cell(m?.frechetDistance),
                                   String(format: "%.1f", e.seconds), "latent-\(e.latentSize)"]
            lines.append(cells.joined(separator: ","))
        }
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: "\(folder)/summary.csv")
    }
}
