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
        let inputs = trainer.input(for: originals)
        let outputs = withoutGradients { trainer.model(inputs) }.clamped(min: 0, max: 1)
        _ = try SampleGrid.write(occluded: inputs, completed: outputs, original: originals, to: folder.samplePath("\(name).png"))
    }

    @discardableResult
    public func run() throws -> TrainingResult {
        let result = try trainer.run(in: folder)
        try writeSamples()
        var lines = [String(format: "validation MSE %.5f  PSNR %.2f dB", result.validation.meanSquaredError,
                            ErrorAccumulator.psnr(meanSquaredError: result.validation.meanSquaredError))]
        if let hidden = result.validation.hiddenMeanSquaredError { lines[0] += String(format: "  hidden-pixel MSE %.5f", hidden) }
        if let test = result.test {
            var line = String(format: "test MSE %.5f  PSNR %.2f dB", test.meanSquaredError, ErrorAccumulator.psnr(meanSquaredError: test.meanSquaredError))
            if let hidden = test.hiddenMeanSquaredError { line += String(format: "  hidden-pixel MSE %.5f", hidden) }
            lines.append(line)
        }
        lines.append("run folder: \(folder.path)")
        for line in lines { print(line) }
        return result
    }
}
