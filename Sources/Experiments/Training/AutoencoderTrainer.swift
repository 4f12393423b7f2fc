import Data
import Engine
import Foundation
import Models
import NN

/// The result of a finished training run.
public struct TrainingResult: Sendable {
    public var history: [EpochMetrics]
    public var validation: ErrorAccumulator
    public var test: ErrorAccumulator?
    public var imagesPerSecond: Double
}

/// Trains an image autoencoder with MSE for reconstruction or completion, one epoch at a time:
/// shuffled batches from a seeded generator, a validation pass, metrics and a checkpoint after every
/// epoch. A checkpoint holds the model, the optimiser state and the data-order generator, so a resumed
/// run continues exactly where it stopped.
public final class AutoencoderTrainer {
    public let configuration: TrainingConfiguration
    public let model: any ImageAutoencoder
    public let optimizer: any Optimizer
    public let training: ImageDataset
    public let validation: ImageDataset
    public let test: ImageDataset?
    /// Multiplies each input image (1 = visible); `nil` for reconstruction.
    public let mask: Tensor?
    public let reporter: ProgressReporter
    public private(set) var history: [EpochMetrics] = []
    public private(set) var completedEpochs = 0
    private var dataOrder: RandomGenerator
    /// The data-order state at the start of the epoch in progress (`nil` between epochs).
    private var epochStartOrder: [UInt64]?
    /// Batches finished in the epoch in progress, and their loss sum and image count.
    public private(set) var batchesDone = 0
    private var lossSum: Double = 0
    private var seen = 0
    /// Asked after every batch; `true` stops the run with a checkpoint at the batch boundary.
    /// By default, whether SIGINT/SIGTERM arrived (see `Interruption`).
    public var shouldStop: () -> Bool = { Interruption.requested != nil }
    /// The command that continues this run, for the interruption message.
    public var resumeCommand: (String) -> String = { "imagegen train --output \($0) --resume" }

    public init(configuration: TrainingConfiguration, model: any ImageAutoencoder, optimizer: any Optimizer,
                training: ImageDataset, validation: ImageDataset, test: ImageDataset?, mask: Tensor?,
                reporter: ProgressReporter = ProgressReporter()) {
        self.configuration = configuration
        self.model = model
        self.optimizer = optimizer
        self.training = training
        self.validation = validation
        self.test = test
        self.mask = mask
        self.reporter = reporter
        dataOrder = RandomGenerator(seed: configuration.seed &+ 1)
    }

    /// The network's input for a batch of original images.
    public func input(for images: Tensor) -> Tensor { mask.map { images * $0 } ?? images }

    /// Trains one epoch (or the rest of an interrupted one); returns the mean training loss, or `nil` when
    /// `shouldStop` asked to stop after a batch before the epoch ended (the position is kept for `save`).
    public func trainEpoch() throws -> Double? {
        let epoch = completedEpochs + 1
        // The epoch's batch order is drawn from the data-order generator's state at the epoch's start, so an
        // epoch interrupted after batch k continues with exactly the batches it would have had.
        let startState = epochStartOrder ?? dataOrder.stateWords
        epochStartOrder = startState
        var orderRng = RandomGenerator(stateWords: startState)
        var batches = training.batches(batchSize: configuration.batchSize, shuffle: true, rng: &orderRng)
        let batchCount = batches.batchCount
        let schedule = try LearningRateSchedule(name: configuration.learningRateSchedule, baseRate: configuration.learningRate,
                                                warmup: configuration.warmup ?? 0, totalSteps: batchCount * configuration.epochs)
        let parameters = model.parameters
        let start = DispatchTime.now().uptimeNanoseconds
        var batchIndex = 0
        var seenThisCall = 0
        while let indices = batches.next() {
            batchIndex += 1
            if batchIndex <= batchesDone { continue }
            let images = training.batch(indices: indices)
            model.zeroGradients()
            let loss = mseLoss(predictions: model(input(for: images)), targets: images)
            let value = loss.scalar
            if !value.isFinite {
                var layer = firstNonFiniteParameter(parameters, values: true)
                if layer == nil {
                    loss.backward()
                    layer = firstNonFiniteParameter(parameters)
                }
                throw ExperimentError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: value, firstLayer: layer)
            }
            loss.backward()
            // Checked before clipping: a non-finite norm would spread NaN to every gradient and hide its source.
            if let bad = firstNonFiniteParameter(parameters) {
                throw ExperimentError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: value, firstLayer: bad)
            }
            if let clip = configuration.gradientClip { clipGradients(parameters, maxNorm: clip) }
            optimizer.learningRate = schedule.rate(atStep: (epoch - 1) * batchCount + batchIndex - 1)
            optimizer.update(parameters)
            lossSum += Double(value) * Double(indices.count)
            seen += indices.count
            seenThisCall += indices.count
            batchesDone = batchIndex
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = Double(seenThisCall) / max(elapsed, 1e-9)
            let remainingImages = Double(training.count - seen + training.count * (configuration.epochs - epoch))
            reporter.batch(epoch: epoch, epochs: configuration.epochs, batch: batchIndex, batches: batchCount,
                           loss: Float(lossSum / Double(seen)), imagesPerSecond: rate, secondsLeft: remainingImages / rate)
            if batchIndex < batchCount, shouldStop() { return nil }
        }
        let mean = lossSum / Double(max(seen, 1))
        completedEpochs = epoch
        dataOrder = orderRng
        epochStartOrder = nil
        batchesDone = 0
        lossSum = 0
        seen = 0
        return mean
    }

    /// Squared errors of the model over `dataset`, without recording gradients.
    public func evaluate(_ dataset: ImageDataset, batchSize: Int = 64) -> ErrorAccumulator {
        var accumulator = ErrorAccumulator()
        let hidden = mask.map { 1 - $0 }
        withoutGradients {
            var start = 0
            while start < dataset.count {
                let indices = Array(start..<min(start + batchSize, dataset.count))
                let images = dataset.batch(indices: indices)
                accumulator.add(predictions: model(input(for: images)), targets: images, hidden: hidden)
                start += batchSize
            }
        }
        return accumulator
    }

    /// Runs the remaining epochs, writing metrics and a checkpoint into `run` after each; evaluates the test
    /// images at the end unless `evaluatesTest` is false (a caller that measures them itself).
    public func run(in folder: RunFolder?, evaluatesTest: Bool = true) throws -> TrainingResult {
        let runStart = DispatchTime.now().uptimeNanoseconds
        var imagesTrained = 0
        var lastValidation = ErrorAccumulator()
        while completedEpochs < configuration.epochs {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            guard let trainingLoss = try trainEpoch() else {
                if let folder { try save(to: folder) }
                throw interruption(folder)
            }
            imagesTrained += training.count
            lastValidation = evaluate(validation)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            let metrics = EpochMetrics(epoch: completedEpochs, trainingLoss: trainingLoss, validationLoss: lastValidation.meanSquaredError,
                                       validationHiddenLoss: lastValidation.hiddenMeanSquaredError, seconds: seconds)
            history.append(metrics)
            var line = String(format: "epoch %d/%d  train MSE %.5f  validation MSE %.5f", metrics.epoch, configuration.epochs,
                              trainingLoss, metrics.validationLoss)
            if let hidden = metrics.validationHiddenLoss { line += String(format: " (hidden pixels %.5f)", hidden) }
            line += String(format: "  %.1fs  %.0f img/s", seconds, Double(training.count) / seconds)
            reporter.line(line)
            if let folder { try save(to: folder) }
            if completedEpochs < configuration.epochs, shouldStop() { throw interruption(folder) }
        }
        if completedEpochs == 0 || history.isEmpty { lastValidation = evaluate(validation) }
        let testErrors = evaluatesTest ? test.map { evaluate($0) } : nil
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9
        return TrainingResult(history: history, validation: lastValidation, test: testErrors,
                              imagesPerSecond: imagesTrained > 0 ? Double(imagesTrained) / elapsed : 0)
    }

    func interruption(_ folder: RunFolder?) -> ExperimentError {
        let signal = Interruption.requested.map(Interruption.name) ?? "a stop request"
        let position = batchesDone > 0 ? "in epoch \(completedEpochs + 1) after batch \(batchesDone)" : "after epoch \(completedEpochs)"
        return .interrupted(signal: signal, checkpoint: folder?.checkpointPath, position: position,
                            resume: folder.map { resumeCommand($0.path) } ?? "")
    }

    /// Writes the checkpoint (model, optimiser, data order, epoch, position within the epoch) and the metrics.
    /// `data_order_state` is the data-order generator at the start of the epoch in progress; `batch` the
    /// batches of it already trained (0 between epochs), with their loss sum and image count.
    public func save(to folder: RunFolder) throws {
        let metadata = [
            "epoch": String(completedEpochs),
            "data_order_state": (epochStartOrder ?? dataOrder.stateWords).map(String.init).joined(separator: ","),
            "batch": String(batchesDone),
            "batch_loss_sum": String(lossSum.bitPattern),
            "batch_images": String(seen),
            "model": configuration.model,
            "image_shape": model.imageShape.map(String.init).joined(separator: ","),
        ]
        try Checkpoint.save(model, optimizer: optimizer, metadata: metadata, to: folder.checkpointPath)
        try folder.write(([EpochMetrics.header] + history.map(\.csvRow)).joined(separator: "\n") + "\n", to: folder.metricsPath)
    }

    /// Restores model, optimiser, data order, epoch and history from `folder`.
    public func resume(from folder: RunFolder) throws {
        let metadata = try Checkpoint.load(folder.checkpointPath, into: model, optimizer: optimizer)
        guard let epoch = metadata["epoch"].flatMap(Int.init),
              let words = metadata["data_order_state"]?.split(separator: ",").compactMap({ UInt64($0) }), words.count == 4 else {
            throw ExperimentError.invalidFile(folder.checkpointPath, "checkpoint has no training position (epoch, data order)")
        }
        let batch = metadata["batch"].flatMap(Int.init) ?? 0
        completedEpochs = epoch
        dataOrder = RandomGenerator(stateWords: words)
        epochStartOrder = batch > 0 ? words : nil
        batchesDone = batch
        lossSum = metadata["batch_loss_sum"].flatMap(UInt64.init).map(Double.init(bitPattern:)) ?? 0
        seen = metadata["batch_images"].flatMap(Int.init) ?? 0
        if let csv = try? String(contentsOfFile: folder.metricsPath, encoding: .utf8) {
            history = EpochMetrics.parse(csv: csv).filter { $0.epoch <= epoch }
        }
    }
}
