import Engine
import Foundation
import Imaging
import Models
import NN

/// The background generators.
public enum BackgroundKind: String, Codable, CaseIterable, Sendable {
    /// The article's network and losses.
    case faithful
    /// `DiverseBackgroundGenerator`, which does not collapse.
    case diverse
}

/// Settings of a background-generator run (defaults are the article's).
public struct BackgroundConfiguration: JobConfiguration, Equatable {
    public static let length = \Self.steps
    public static let job = JobKind.background
    public var kind = BackgroundKind.faithful
    /// Optimisation steps (the article's "epochs").
    public var steps = 1000
    public var batchSize = 128
    public var learningRate: Float = 1e-5
    public var seed: UInt64 = 0
    /// Metrics are measured and printed every this many steps.
    public var metricsEvery = 100
    /// A sample grid is saved every this many steps (and at the end).
    public var sampleEvery = 250
    public var threads = 2
    /// A checkpoint (with the exact position, for `--resume`) is saved every this many steps and at the end.
    public var checkpointEvery = 100
    /// Width of the hidden layers (the article's 2048; smaller for tests).
    public var hiddenSize = 2048
    /// Clip the global gradient norm to this value when set.
    public var gradientClip: Float?
    public init() {}


    public func validate() throws {
        try Validate.positive([("--steps", steps), ("--threads", threads), ("--checkpoint-every", checkpointEvery),
                               ("--metrics-every", metricsEvery), ("--sample-every", sampleEvery), ("--hidden-size", hiddenSize)])
        try Validate.atLeast(2, batchSize, flag: "--batch-size")
        try Validate.positive([("--lr", learningRate), ("--clip", gradientClip)])
    }
}

/// Trains a background generator: fresh N(0, 1) noise `[batch, 64]` each step, RMSprop, the article's loss (plus the
/// batch-level distribution term for the diverse model). One step is one "epoch" of the loop.
public final class BackgroundJob: TrainingJob {
    public static let kind = JobKind.background
    public let configuration: BackgroundConfiguration
    public let model: any BackgroundModel
    public let optimizer: RMSProp
    public var generators: [String: RandomGenerator]
    public let plan: TrainingPlan
    private let slot: OptimizerSlot
    private var lastSamples: Tensor?
    private let fixedNoise: Tensor
    /// The steps whose grids the loop writes (every `sampleEvery` and the last), which the report shows.
    private let grids: [Int]

    public init(configuration c: BackgroundConfiguration) throws {
        try c.validate()
        configuration = c
        var rng = RandomGenerator(seed: c.seed)
        model = try makeBackgroundModel(kind: c.kind.rawValue, hiddenSize: c.hiddenSize, using: &rng)
        generators = ["noise": rng]
        // The update leaves the gradients at zero (fused into its pass), so a step needs no separate zeroing.
        optimizer = RMSProp(learningRate: c.learningRate, threads: c.threads, zeroesGradients: true)
        slot = OptimizerSlot(name: "optimizer", optimizer: optimizer, parameters: model.parameters)
        var plan = TrainingPlan(epochs: c.steps, batchSize: c.batchSize, trainingCount: nil,
                                lossNames: ["loss", "smoothness_loss", "distribution_loss", "batch_distribution_loss"])
        plan.unit = "step"
        plan.evaluateEvery = c.metricsEvery
        plan.sampleEvery = c.sampleEvery
        plan.checkpointEvery = c.checkpointEvery
        plan.checksGradients = false
        plan.gradientClip = c.gradientClip
        plan.threads = c.threads
        plan.seed = c.seed
        self.plan = plan
        var sampleRng = RandomGenerator(seed: c.seed &+ 1)
        fixedNoise = Tensor.uniform([96, BackgroundGenerator.noiseSize], using: &sampleRng)
        grids = Array(stride(from: c.sampleEvery, to: c.steps, by: c.sampleEvery)) + [c.steps]
    }

    public var summary: String {
        "background generator (\(configuration.kind.rawValue)): \(model.parameterCount) parameters, \(configuration.steps) steps of batch "
            + "\(configuration.batchSize), RMSprop lr \(configuration.learningRate)"
    }

    public var networks: [SavedNetwork] { [SavedNetwork(name: "model", module: model)] }
    public var optimizers: [OptimizerSlot] { [slot] }
    public var measureNames: [String] { ["diversity", "smoothness", "coverage", "min", "max"] }

    public func step(_ batch: [Int], update: StepUpdate) throws -> [Float] {
        var rng = generators["noise"]!
        defer { generators["noise"] = rng }
        let noise = Tensor.normal([configuration.batchSize, BackgroundGenerator.noiseSize], using: &rng)
        let images = model(noise)
        let terms = backgroundLoss(images, using: &rng)
        var loss = terms.total
        var batchTerm: Float = 0
        if configuration.kind == .diverse {
            let b = batchDistributionLoss(images, using: &rng)
            batchTerm = b.scalar
            loss = loss + b * 0.1
        }
        try update(slot, loss: loss)
        lastSamples = images.detached()
        return [loss.scalar, terms.smoothness.scalar, terms.distribution.scalar, batchTerm]
    }

    /// Diversity, smoothness and coverage of the last step's batch.
    public func evaluate(after step: Int, final: Bool) throws -> [Double] {
        guard let samples = lastSamples else { return [Double](repeating: .nan, count: measureNames.count) }
        var metricRng = RandomGenerator(seed: configuration.seed &+ UInt64(step) &* 7919)
        let m = BackgroundMetrics(samples: samples, using: &metricRng)
        return [m.diversity, m.smoothness, m.coverage, Double(m.minimum), Double(m.maximum)]
    }

    public func writeSamples(after step: Int, in folder: RunFolder) throws {
        let outputs = withoutGradients { model(fixedNoise) }
        try saveImageGrid(backgroundsAsRGB(outputs), to: folder.samplePath(Self.gridName(step)), options: ImageGridOptions(imagesPerRow: 8))
    }

    static func gridName(_ step: Int) -> String { String(format: "step%05d.png", step) }

    public func writeReport(_ log: MetricsLog, in folder: RunFolder) throws {
        let c = configuration
        var report = HTMLReport(title: "Background generator (\(c.kind.rawValue)), \(c.steps) steps")
        report.paragraph("\(model.parameterCount) parameters; batch \(c.batchSize); RMSprop lr \(c.learningRate); seed \(c.seed).")
        report.chart(log.chart(title: "Loss", columns: ["loss"], scale: .log10))
        report.chart(log.chart(title: "Loss terms", columns: ["smoothness_loss", "distribution_loss", "batch_distribution_loss"], scale: .log10))
        report.chart(log.chart(title: "Diversity", columns: ["diversity"], scale: .log10))
        report.table(log.table(caption: "Collapse metrics", columns: ["diversity", "smoothness", "coverage", "min", "max"]))
        report.heading("Samples (32 RGB images from 96 outputs, fixed uniform noise)")
        for step in grids { report.image(relativePath: "samples/\(Self.gridName(step))", alt: "step \(step)", caption: "step \(step)") }
        try report.write(to: folder.reportPath)
    }
}

/// 96 outputs → 32 RGB images `[32, 64, 64, 3]` (R, G, B = three consecutive outputs), as the article samples.
public func backgroundsAsRGB(_ outputs: Tensor) -> Tensor {
    let n = outputs.shape[0] / 3, side = outputs.shape[1], plane = side * side
    let out = TensorStorage(count: n * plane * 3, zeroed: false)
    let x = outputs.storage.pointer
    for i in 0..<n {
        for c in 0..<3 {
            let src = x + (3 * i + c) * plane
            for p in 0..<plane { out.pointer[(i * plane + p) * 3 + c] = src[p] }
        }
    }
    return Tensor(shape: [n, side, side, 3], storage: out)
}

/// Samples `count` RGB backgrounds `[count, 64, 64, 3]` from uniform noise `[3·count, 64]`, with their metrics
/// (measured on the 3·count single-channel outputs).
public func sampleBackgrounds(_ model: any BackgroundModel, count: Int, using rng: inout RandomGenerator)
    -> (rgb: Tensor, outputs: Tensor, metrics: BackgroundMetrics) {
    let noise = Tensor.uniform([3 * count, BackgroundGenerator.noiseSize], using: &rng)
    let outputs = withoutGradients { model(noise) }
    let metrics = BackgroundMetrics(samples: outputs, using: &rng)
    return (backgroundsAsRGB(outputs), outputs, metrics)
}

extension BackgroundJob {
    /// Trains (or, with `.resume`, continues with the run's saved settings; a larger `steps` extends it) a background
    /// run in `runFolder`: what `imagegen backgrounds train` runs.
    @discardableResult
    public static func train(_ requested: BackgroundConfiguration, runFolder: String, mode: RunFolder.Mode,
                             reporter: ProgressReporter) throws -> MetricsLog {
        let c = try RunConfiguration.effective(requested, runFolder: runFolder, mode: mode)
        let job = try BackgroundJob(configuration: c)
        return try TrainingLoop.start(job, configuration: c, folder: try RunFolder(path: runFolder, mode: mode), mode: mode, reporter: reporter).run()
    }
}
