import Data
import Engine
import Foundation
import Imaging
import Models
import NN

/// Trains an image autoencoder with MSE for reconstruction or completion: one step per shuffled batch, the
/// validation MSE after every epoch, samples and the full measures (MSE, PSNR, SSIM, hidden pixels) at the end.
public final class AutoencoderJob: TrainingJob {
    public static let kind = JobKind.autoencoder
    public let configuration: TrainingConfiguration
    public let model: any ImageAutoencoder
    public let optimizer: any Optimizer
    public let training: ImageDataset
    public let validation: ImageDataset
    public let test: ImageDataset?
    /// The occlusion of a completion run; `nil` for reconstruction.
    public let mask: ImageMask?
    public var generators: [String: RandomGenerator] = [:]
    public let plan: TrainingPlan
    private let slot: OptimizerSlot
    /// The model as a sampling model, trained by likelihood instead of MSE.
    public let sampler: (any SamplingCompletionModel)?
    /// The final measures, set by `finish`.
    public private(set) var validationResult: EvaluationResult?
    public private(set) var testResult: EvaluationResult?
    /// Completion measures beside MSE on the test images (validation when there are none), set by `measureFinal`.
    public private(set) var completionMeasures: CompletionMeasures?

    public init(configuration c: TrainingConfiguration, model: any ImageAutoencoder, optimizer: any Optimizer,
                training: ImageDataset, validation: ImageDataset, test: ImageDataset?, mask: ImageMask?) throws {
        configuration = c
        self.model = model
        self.optimizer = optimizer
        self.training = training
        self.validation = validation
        self.test = test
        self.mask = mask
        let sampler = model as? any SamplingCompletionModel
        if sampler != nil {
            guard let mask, mask.hiddenCount > 0, mask.hiddenCount < mask.height * mask.width else {
                throw ExperimentError.invalidFlag(flag: "--mask", value: c.mask.description,
                                                  allowed: "must hide some pixels and show some for --model \(c.model.rawValue)")
            }
        }
        self.sampler = sampler
        var plan = TrainingPlan(epochs: c.epochs, batchSize: c.batchSize, trainingCount: training.count,
                                lossNames: [sampler == nil ? "train_mse" : "train_bits"])
        plan.sampleEvery = c.epochs
        plan.gradientClip = c.gradientClip
        plan.threads = c.threads
        plan.seed = c.seed
        plan.schedule = try LearningRateSchedule(kind: c.learningRateSchedule, baseRate: c.learningRate, warmup: c.warmup,
                                                 totalSteps: plan.totalSteps)
        self.plan = plan
        slot = OptimizerSlot(name: "optimizer", optimizer: optimizer, parameters: model.parameters)
    }

    public var summary: String {
        "\(model.name): \(model.parameterCount) parameters; \(configuration.dataset) \(training.count) training, "
            + "\(validation.count) validation\(test.map { ", \($0.count) test" } ?? "") images; task \(configuration.task.rawValue)"
    }

    public var checkpointMetadata: [String: String] {
        ["model": configuration.model.rawValue, "image_shape": model.imageShape.map(String.init).joined(separator: ",")]
    }

    public var networks: [SavedNetwork] { [SavedNetwork(name: "model", module: model)] }
    public var optimizers: [OptimizerSlot] { [slot] }
    public var measureNames: [String] {
        if sampler != nil { return ["validation_bits", "validation_hidden_mse"] }
        return mask == nil ? ["validation_mse"] : ["validation_mse", "validation_hidden_mse"]
    }

    /// The network's input for a batch of original images.
    public func input(for images: Tensor) -> Tensor { mask?.occlude(images) ?? images }

    public func step(_ batch: [Int], update: StepUpdate) throws -> [Float] {
        let images = training.batch(indices: batch)
        model.zeroGradients()
        if let sampler, let mask {
            let loss = sampler.negativeLogLikelihood(images, visible: mask.visible)
            try update(slot, loss: loss)
            return [loss.scalar / Float(M_LN2)]
        }
        let loss = mseLoss(predictions: model(input(for: images)), targets: images)
        try update(slot, loss: loss)
        return [loss.scalar]
    }

    public func evaluate(after epoch: Int, final: Bool) throws -> [Double] {
        let errors = try measure(validation, structuralSimilarity: false).errors
        if let sampler, let mask {
            return [try bitsPerHiddenPixel(sampler, on: validation, mask: mask), errors.hiddenMeanSquaredError ?? .nan]
        }
        return mask == nil ? [errors.meanSquaredError] : [errors.meanSquaredError, errors.hiddenMeanSquaredError ?? .nan]
    }

    /// MSE (and SSIM when asked) of the model over `dataset`, 64 images at a time, without recording gradients.
    public func measure(_ dataset: ImageDataset, structuralSimilarity: Bool) throws -> (result: EvaluationResult, errors: ErrorAccumulator) {
        var errors = ErrorAccumulator()
        let result = try Experiments.evaluate(dataset, mask: mask, structuralSimilarity: structuralSimilarity, errors: &errors) {
            self.model(self.input(for: $0))
        }
        return (result, errors)
    }

    /// Writes `samples/final.png`: the first 8 validation images as input | output | original.
    public func writeSamples(after epoch: Int, in folder: RunFolder) throws {
        let indices = Array(0..<min(8, validation.count))
        guard !indices.isEmpty else { return }
        let originals = validation.batch(indices: indices)
        if let sampler, let mask {
            let shown = try mask.fill(originals, with: 0.5)
            var rng = RandomGenerator(seed: configuration.seed &+ 11)
            let columns = try sampleColumns(sampler, originals: originals, mask: mask, using: &rng)
            let labels = ["occluded", "sample 1", "sample 2", "sample 3", "sample 4", "mean of 8", "original"]
            let grid = try SampleGrid.make(columns: [shown] + columns + [originals], labels: labels)
            try writeImage(grid, to: folder.samplePath("final.png"))
            sampleWidth = grid.width
            return
        }
        let outputs = withoutGradients { model(input(for: originals)) }.clamped(min: 0, max: 1)
        let shown = try mask?.fill(originals, with: 0.5) ?? originals
        let grid = try SampleGrid.write(occluded: shown, completed: outputs, original: originals, to: folder.samplePath("final.png"))
        sampleWidth = grid.width
    }

    private var sampleWidth: Int?

    /// Measures the validation and test images in full and writes `report.html`.
    public func writeReport(_ log: MetricsLog, in folder: RunFolder) throws {
        try measureFinal()
        let caption = sampler != nil ? "occluded input | 4 of 8 samples | mean of the 8 | original (validation images)" : mask != nil ? "occluded input | completed | original (validation images)" : "input | reconstruction | original (validation images)"
        let seconds = log.last("seconds") ?? 0
        var report = AutoencoderReport(configuration: configuration, history: log.epochMetrics, validation: ReportMetrics(validationResult!),
                                       test: testResult.map { ReportMetrics($0) }, modelName: model.name, parameterCount: model.parameterCount,
                                       samples: [SampleReference(path: "samples/final.png", caption: caption, pixelWidth: sampleWidth)],
                                       imagesPerSecond: seconds > 0 ? Double(training.count * configuration.epochs) / seconds : nil,
                                       trainingImages: training.count)
        report.completionMeasures = completionMeasures
        if sampler != nil { report.lossName = "bits per hidden pixel" }
        try report.write(in: folder)
    }

    /// Measures validation and test images, with SSIM when the images are large enough for its 11×11 window (once;
    /// `writeReport` calls it).
    public func measureFinal() throws {
        guard validationResult == nil else { return }
        let ssim = min(model.imageShape[0], model.imageShape[1]) >= 11
        validationResult = try measure(validation, structuralSimilarity: ssim).result
        testResult = try test.map { try measure($0, structuralSimilarity: ssim).result }
        if let mask {
            let judge = try configuration.judgeRun.map { try loadClassifier(run: $0) }
            let images = test ?? validation
            let bits = try sampler.map { try bitsPerHiddenPixel($0, on: images, mask: mask) }
            completionMeasures = try CompletionMeasures.measure(completer(for: model, mask: mask), on: images, mask: mask,
                                                                judge: judge, bitsPerHiddenPixel: bits, seed: configuration.seed)
        }
    }
}

extension MetricsLog {
    /// The autoencoder's rows as `EpochMetrics`.
    public var epochMetrics: [EpochMetrics] {
        let likelihood = values("train_bits") != nil
        let train = values(likelihood ? "train_bits" : "train_mse") ?? [], seconds = values("seconds") ?? []
        let validation = values(likelihood ? "validation_bits" : "validation_mse") ?? []
        let hidden = values("validation_hidden_mse")
        return rows.indices.map { i in
            EpochMetrics(epoch: Int(rows[i][0]), trainingLoss: train[i], validationLoss: validation[i],
                         validationHiddenLoss: hidden.map { $0[i] }, seconds: seconds[i])
        }
    }
}

/// One epoch of an autoencoder run, as reports and charts show it.
public struct EpochMetrics: Equatable, Sendable {
    public var epoch: Int
    public var trainingLoss: Double
    public var validationLoss: Double
    public var validationHiddenLoss: Double?
    public var seconds: Double
}

/// Four of eight samples of each image and the mean of the eight, `[N, H, W, C]` each: the columns of a sampling
/// model's grid.
public func sampleColumns(_ sampler: any SamplingCompletionModel, originals: Tensor, mask: ImageMask, temperature: Float = 1,
                          using rng: inout RandomGenerator) throws -> [Tensor] {
    let n = originals.shape[0], size = originals.scalarCount / max(n, 1)
    let drawn = withoutGradients { sampler.sample(originals, visible: mask.visible, count: 8, temperature: temperature, using: &rng) }
    let d = drawn.storage.pointer
    var columns = (0..<5).map { _ in [Float](repeating: 0, count: n * size) }
    for i in 0..<n {
        for k in 0..<8 {
            for j in 0..<size {
                let value = d[(i * 8 + k) * size + j]
                if k < 4 { columns[k][i * size + j] = value }
                columns[4][i * size + j] += value / 8
            }
        }
    }
    return columns.map { Tensor(shape: originals.shape, scalars: $0) }
}
