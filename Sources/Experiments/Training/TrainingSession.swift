import Data
import Engine
import Foundation
import NN

/// The result of a finished autoencoder run.
public struct TrainingResult: Sendable {
    public var history: [EpochMetrics]
    public var validation: EvaluationResult
    public var test: EvaluationResult?
    public var imagesPerSecond: Double
    /// Completion measures beside MSE (completion runs).
    public var completion: CompletionMeasures? = nil
}

/// Loads the data, builds the model and trains it for one `TrainingConfiguration`: what `imagegen train` runs.
public final class TrainingSession {
    public let configuration: TrainingConfiguration
    public let folder: RunFolder
    public let job: AutoencoderJob
    public let loop: TrainingLoop<AutoencoderJob>

    /// With `.resume`, the run's saved configuration is used; a larger `epochs` extends it.
    public init(configuration: TrainingConfiguration, runFolder: String, mode: RunFolder.Mode, reporter: ProgressReporter) throws {
        let c = try RunConfiguration.effective(configuration, runFolder: runFolder, mode: mode)
        try c.validate()
        let data = try AutoencoderData(c)
        let mask = try c.occlusion(height: data.imageShape[0], width: data.imageShape[1])
        var rng = RandomGenerator(seed: c.seed)
        let model = try ModelCatalog.model(for: c, imageShape: data.imageShape, mask: mask, using: &rng)
        job = try AutoencoderJob(configuration: c, model: model, optimizer: ModelCatalog.optimizer(for: c), training: data.training,
                                 validation: data.validation, test: data.test, mask: mask)
        folder = try RunFolder(path: runFolder, mode: mode)
        loop = try TrainingLoop.start(job, configuration: c, folder: folder, mode: mode, reporter: reporter)
        self.configuration = c
    }

    /// Trains the remaining epochs, measures the validation and test images and writes the report;
    /// prints the measures (unless quiet) and returns them.
    @discardableResult
    public func run() throws -> TrainingResult {
        let log = try loop.run()
        try job.measureFinal()
        let seconds = log.last("seconds") ?? 0
        var lines = ["validation \(job.validationResult!.summary)"]
        if let test = job.testResult { lines.append("test \(test.summary)") }
        if let m = job.completionMeasures { lines += m.lines.map { "\(job.test == nil ? "validation" : "test") \($0)" } }
        lines.append("run folder: \(folder.path) (report.html)")
        for line in lines { loop.reporter.result(line) }
        return TrainingResult(history: log.epochMetrics, validation: job.validationResult!, test: job.testResult,
                              imagesPerSecond: seconds > 0 ? Double(job.training.count * configuration.epochs) / seconds : 0,
                              completion: job.completionMeasures)
    }
}

/// An autoencoder run's images: training and validation split from the training partition, and the test partition.
struct AutoencoderData {
    var training: ImageDataset
    var validation: ImageDataset
    var test: ImageDataset?
    var imageShape: [Int]

    init(_ c: TrainingConfiguration) throws {
        let full = try DatasetCatalog.load(c.dataset, folder: c.dataFolder, partition: .train)
        (training, validation) = try full.split(validationFraction: c.validationFraction, seed: c.seed)
        if let limit = c.trainingLimit {
            training = training.prefix(limit)
            validation = validation.prefix(max(limit / 4, 1))
        }
        guard training.count > 0 else { throw ExperimentError.emptyDataset(name: c.dataset, partition: "training", count: training.count) }
        guard validation.count > 0 else {
            throw ExperimentError.emptyDataset(name: c.dataset, partition: "validation", count: validation.count)
        }
        test = try? DatasetCatalog.load(c.dataset, folder: c.dataFolder, partition: .test)
        if let limit = c.testLimit { test = test?.prefix(limit) }
        if test?.count == 0 { test = nil }
        imageShape = [full.height, full.width, full.channels]
    }
}

extension TrainingConfiguration {
    /// The images a run of this configuration never trained on: the dataset's test partition, or, for a dataset
    /// without one (an image folder), the validation split the run held out.
    /// `split` names which, for people: "test" or "validation".
    public func heldOutImages() throws -> (images: ImageDataset, split: String) {
        if let test = try? DatasetCatalog.load(dataset, folder: dataFolder, partition: .test), test.count > 0 { return (test, "test") }
        return (try AutoencoderData(self).validation, "validation")
    }
}
