import Data
import Engine
import Foundation
import NN

/// Loads the data, builds the model and trains it for one `TrainingConfiguration`, printing the results:
/// what `imagegen train` runs.
public final class TrainingSession {
    public let configuration: TrainingConfiguration
    public let folder: RunFolder
    public let trainer: AutoencoderTrainer
    let reporter: ProgressReporter

    public init(configuration: TrainingConfiguration, runFolder: String, mode: RunFolder.Mode, reporter: ProgressReporter) throws {
        var c = configuration
        if mode == .resume {
            let saved = try TrainingConfiguration.decode(from: "\(runFolder)/config.json")
            let epochs = c.epochs
            c = saved
            c.epochs = max(epochs, saved.epochs)
        }
        guard ["reconstruct", "complete"].contains(c.task) else { throw ExperimentError.unknownTask(c.task) }
        guard c.epochs > 0, c.batchSize > 0, c.latentSize > 0, c.threads > 0 else {
            throw ExperimentError.invalidArgument("epochs, batch size, latent size and threads must be positive")
        }
        _ = try LearningRateSchedule(name: c.learningRateSchedule, baseRate: c.learningRate, warmup: c.warmup ?? 0, totalSteps: 1)
        BLAS.maximumThreads = c.threads
        let full = try DatasetCatalog.load(c.dataset, folder: c.dataFolder, partition: .train)
        var (training, validation) = try full.split(validationFraction: c.validationFraction, seed: c.seed)
        if let limit = c.trainingLimit {
            training = training.prefix(limit)
            validation = validation.prefix(max(limit / 4, 1))
        }
        let test = try? DatasetCatalog.load(c.dataset, folder: c.dataFolder, partition: .test)
        let imageShape = [full.height, full.width, full.channels]
        var rng = RandomGenerator(seed: c.seed)
        let mask = c.task == "complete" ? try MaskCatalog.mask(named: c.mask, height: full.height, width: full.width, seed: c.seed) : nil
        let model = try ModelCatalog.model(for: c, imageShape: imageShape, mask: mask, using: &rng)
        let optimizer = try ModelCatalog.optimizer(for: c)
        folder = try RunFolder(path: runFolder, mode: mode)
        trainer = AutoencoderTrainer(configuration: c, model: model, optimizer: optimizer, training: training,
                                     validation: validation, test: test, mask: mask, reporter: reporter)
        if mode == .resume { try trainer.resume(from: folder) }
        try folder.write(try c.encoded(), to: folder.configurationPath)
        self.configuration = c
        self.reporter = reporter
        reporter.line("\(model.name): \(model.parameterCount) parameters; \(c.dataset) \(training.count) training, "
                      + "\(validation.count) validation\(test.map { ", \($0.count) test" } ?? "") images; task \(c.task)")
    }

    /// Writes `samples/<name>.png`: the first `count` validation images as input | output | original.
    public func writeSamples(name: String = "final", count: Int = 8) throws {
        let indices = Array(0..<min(count, trainer.validation.count))
        guard !indices.isEmpty else { return }
        let originals = trainer.validation.batch(indices: indices)
        let outputs = withoutGradients { trainer.model(trainer.input(for: originals)) }.clamped(min: 0, max: 1)
        // Hidden pixels show as grey, so they stand apart from black image content.
        let shown = try trainer.mask.map { try SampleGrid.occlude(originals, visible: $0) } ?? originals
        let grid = try SampleGrid.write(occluded: shown, completed: outputs, original: originals, to: folder.samplePath("\(name).png"))
        sampleWidth = grid.width
    }

    private var sampleWidth: Int?

    /// Writes `report.html`: summary, metrics, curves, samples and configuration.
    public func writeReport(_ result: TrainingResult, validation: EvaluationResult, test: EvaluationResult?) throws {
        let samples = [SampleReference(path: "samples/final.png",
                                       caption: configuration.task == "complete" ? "occluded input | completed | original (validation images)"
                                                                                 : "input | reconstruction | original (validation images)",
                                       pixelWidth: sampleWidth)]
        let report = AutoencoderReport(configuration: configuration, history: result.history, validation: ReportMetrics(validation),
                                       test: test.map { ReportMetrics($0) }, modelName: trainer.model.name,
                                       parameterCount: trainer.model.parameterCount, samples: samples,
                                       imagesPerSecond: result.imagesPerSecond, trainingImages: trainer.training.count)
        try report.write(in: folder)
    }

    @discardableResult
    public func run() throws -> TrainingResult {
        var result = try trainer.run(in: folder, evaluatesTest: false)
        try writeSamples()
        let model = trainer.model
        let predict: (Tensor) -> Tensor = { model(self.trainer.input(for: $0)) }
        let validation = try evaluate(trainer.validation, mask: trainer.mask, structuralSimilarity: true, predict: predict)
        var testErrors = ErrorAccumulator()
        let test = try trainer.test.map {
            try evaluate($0, mask: trainer.mask, structuralSimilarity: true, errors: &testErrors, predict: predict)
        }
        if test != nil { result.test = testErrors }
        try writeReport(result, validation: validation, test: test)
        var lines = ["validation \(validation.summary)"]
        if let test { lines.append("test \(test.summary)") }
        lines.append("run folder: \(folder.path) (report.html)")
        for line in lines { print(line) }
        return result
    }
}
