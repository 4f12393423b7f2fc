import Engine
import Foundation
import Imaging
import Models
import NN

/// Settings of a background-generator run (defaults are the article's).
public struct BackgroundTrainingOptions: Codable, Sendable {
    /// `faithful` (the article's network and losses) or `diverse` (`DiverseBackgroundGenerator`).
    public var kind = "faithful"
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
}

/// One metrics row of a background run.
public struct BackgroundStepRecord: Sendable {
    public var step: Int
    public var loss: Double
    public var smoothnessTerm: Double
    public var distributionTerm: Double
    public var batchTerm: Double
    public var metrics: BackgroundMetrics
    public var seconds: Double

    public static let header = "step,loss,smoothness_loss,distribution_loss,batch_distribution_loss,diversity,smoothness,coverage,min,max,seconds"
    public var csvRow: String {
        [String(step), "\(loss)", "\(smoothnessTerm)", "\(distributionTerm)", "\(batchTerm)", "\(metrics.diversity)",
         "\(metrics.smoothness)", "\(metrics.coverage)", "\(metrics.minimum)", "\(metrics.maximum)", String(format: "%.3f", seconds)]
            .joined(separator: ",")
    }

    /// Parses the rows of `metrics.csv` (for resuming).
    public static func parse(csv: String) -> [BackgroundStepRecord] {
        csv.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",").map { Double($0) }
            guard f.count == 11, f.allSatisfy({ $0 != nil }) else { return nil }
            let v = f.map { $0! }
            return BackgroundStepRecord(step: Int(v[0]), loss: v[1], smoothnessTerm: v[2], distributionTerm: v[3], batchTerm: v[4],
                                        metrics: BackgroundMetrics(diversity: v[5], smoothness: v[6], coverage: v[7],
                                                                   minimum: Float(v[8]), maximum: Float(v[9])),
                                        seconds: v[10])
        }
    }
}

/// Trains a background generator: fresh N(0, 1) noise `[batch, 64]` each step, RMSprop, the article's loss
/// (plus the batch-level distribution term for the diverse model).
public final class BackgroundTrainer {
    public let model: any BackgroundModel
    public let optimizer: RMSProp
    public let options: BackgroundTrainingOptions
    public var rng: RandomGenerator
    private let parameters: [Parameter]
    /// Steps trained so far (restored by `resume`).
    public private(set) var completedSteps = 0
    /// Asked after every step; `true` saves a checkpoint and stops (default: SIGINT/SIGTERM arrived).
    public var shouldStop: () -> Bool = { Interruption.requested != nil }

    public init(options: BackgroundTrainingOptions) throws {
        self.options = options
        var rng = RandomGenerator(seed: options.seed)
        model = try makeBackgroundModel(kind: options.kind, hiddenSize: options.hiddenSize, using: &rng)
        self.rng = rng
        // The update leaves the gradients at zero (fused into its pass), so a step needs no separate zeroing.
        optimizer = RMSProp(learningRate: options.learningRate, threads: options.threads, zeroesGradients: true)
        parameters = model.parameters
    }

    /// One optimisation step; returns the loss terms and the generated batch.
    @discardableResult
    public func step() -> (loss: Float, smoothness: Float, distribution: Float, batchTerm: Float, samples: Tensor) {
        let noise = Tensor.normal([options.batchSize, BackgroundGenerator.noiseSize], using: &rng)
        let images = model(noise)
        let terms = backgroundLoss(images, using: &rng)
        var loss = terms.total
        var batchTerm: Float = 0
        if model is DiverseBackgroundGenerator {
            let b = batchDistributionLoss(images, using: &rng)
            batchTerm = b.scalar
            loss = loss + b * 0.1
        }
        loss.backward()
        if let clip = options.gradientClip, loss.scalar.isFinite, firstNonFiniteParameter(parameters) == nil {
            clipGradients(parameters, maxNorm: clip)
        }
        optimizer.update(parameters)
        return (loss.scalar, terms.smoothness.scalar, terms.distribution.scalar, batchTerm, images.detached())
    }

    /// Runs the remaining steps, printing metrics and writing `metrics.csv`, sample grids, a checkpoint every
    /// `checkpointEvery` steps and `report.html`. With `resume`, continues exactly from the folder's checkpoint.
    public func train(into folder: RunFolder, reporter: ProgressReporter, resume: Bool = false) throws -> [BackgroundStepRecord] {
        let saved = BLAS.maximumThreads
        BLAS.maximumThreads = options.threads
        defer { BLAS.maximumThreads = saved }
        var records: [BackgroundStepRecord] = []
        var secondsBefore = 0.0
        if resume {
            let meta = try Checkpoint.load(folder.checkpointPath, into: model, optimizer: optimizer)
            guard let step = meta["step"].flatMap(Int.init),
                  let words = meta["rng"]?.split(separator: " ").compactMap({ UInt64($0) }), words.count == 4 else {
                throw ExperimentError.invalidFile(folder.checkpointPath, "checkpoint has no training position (step, rng)")
            }
            completedSteps = step
            rng = RandomGenerator(stateWords: words)
            if let csv = try? String(contentsOfFile: folder.metricsPath, encoding: .utf8) {
                records = BackgroundStepRecord.parse(csv: csv).filter { $0.step <= step }
            }
            secondsBefore = records.last?.seconds ?? 0
            reporter.line("resuming at step \(step + 1)")
        }
        try AtomicFile.write(String(decoding: try JSONEncoder().encode(options), as: UTF8.self), to: folder.configurationPath)
        reporter.line("background generator (\(options.kind)): \(model.parameterCount) parameters, \(options.steps) steps of batch \(options.batchSize), RMSprop lr \(options.learningRate)")
        var grids: [(String, Int)] = stride(from: options.sampleEvery, through: completedSteps, by: options.sampleEvery).map {
            (String(format: "step%05d.png", $0), $0)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var sampleRng = RandomGenerator(seed: options.seed &+ 1)
        let fixedNoise = Tensor.uniform([96, BackgroundGenerator.noiseSize], using: &sampleRng)
        func elapsed() -> Double { secondsBefore + Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        func checkpoint() throws {
            if let bad = firstNonFiniteParameter(parameters, values: true) {
                throw ExperimentError.nonFiniteValue(position: "step \(completedSteps) (before saving)", value: .nan, firstLayer: bad)
            }
            try AtomicFile.write(([BackgroundStepRecord.header] + records.map(\.csvRow)).joined(separator: "\n") + "\n", to: folder.metricsPath)
            try Checkpoint.save(model, optimizer: optimizer,
                                metadata: ["kind": options.kind, "step": String(completedSteps), "seed": String(options.seed),
                                           "hidden_size": String(options.hiddenSize),
                                           "rng": rng.stateWords.map(String.init).joined(separator: " ")],
                                to: folder.checkpointPath)
        }
        while completedSteps < options.steps {
            let s = completedSteps + 1
            let r = step()
            // A NaN gradient turns weights into NaN, which shows in the next loss (and is checked before every save).
            if !r.loss.isFinite {
                throw ExperimentError.nonFiniteValue(position: "step \(s)", value: r.loss,
                                                     firstLayer: firstNonFiniteParameter(parameters) ?? firstNonFiniteParameter(parameters, values: true))
            }
            completedSteps = s
            if s == 1 || s % options.metricsEvery == 0 || s == options.steps {
                var metricRng = RandomGenerator(seed: options.seed &+ UInt64(s) &* 7919)
                let metrics = BackgroundMetrics(samples: r.samples, using: &metricRng)
                let record = BackgroundStepRecord(step: s, loss: Double(r.loss), smoothnessTerm: Double(r.smoothness),
                                                  distributionTerm: Double(r.distribution), batchTerm: Double(r.batchTerm),
                                                  metrics: metrics, seconds: elapsed())
                records.append(record)
                reporter.line(String(format: "step %d/%d  loss %.3f (smoothness %.5f, distribution %.2f%@)  %@  %.2f steps/s",
                                     s, options.steps, r.loss, r.smoothness, r.distribution,
                                     r.batchTerm > 0 ? String(format: ", batch %.2f", r.batchTerm) : "", metrics.description,
                                     Double(s) / elapsed()))
            }
            if s % options.sampleEvery == 0 || s == options.steps {
                let name = String(format: "step%05d.png", s)
                try writeBackgroundGrid(model: model, noise: fixedNoise, to: folder.samplePath(name))
                grids.append((name, s))
            }
            if s % options.checkpointEvery == 0 || s == options.steps { try checkpoint() }
            if s < options.steps, shouldStop() {
                if s % options.checkpointEvery != 0 { try checkpoint() }
                throw ExperimentError.interrupted(signal: Interruption.requested.map(Interruption.name) ?? "a stop request",
                                                  checkpoint: folder.checkpointPath, position: "after step \(s)",
                                                  resume: "imagegen backgrounds train --output \(folder.path) --resume")
            }
        }
        try writeBackgroundReport(records: records, grids: grids, to: folder)
        return records
    }

    func writeBackgroundReport(records: [BackgroundStepRecord], grids: [(String, Int)], to folder: RunFolder) throws {
        var report = GenerationReport(title: "Background generator (\(options.kind)), \(options.steps) steps")
        report.paragraph("\(model.parameterCount) parameters; batch \(options.batchSize); RMSprop lr \(options.learningRate); seed \(options.seed).")
        let x = records.map { Double($0.step) }
        report.chart(title: "loss", x: x, series: [("total", records.map(\.loss))], logScale: true)
        report.chart(title: "loss terms", x: x, series: [("10^4 smoothness", records.map { $0.smoothnessTerm * 1e4 }),
                                                          ("0.1 distribution", records.map { $0.distributionTerm * 0.1 }),
                                                          ("0.1 batch distribution", records.map { $0.batchTerm * 0.1 })], logScale: true)
        report.chart(title: "diversity", x: x, series: [("diversity", records.map(\.metrics.diversity))], logScale: true)
        report.heading("Collapse metrics")
        report.table(header: ["step", "diversity", "smoothness", "coverage", "min", "max"], rows: records.map {
            [String($0.step), String(format: "%.4f", $0.metrics.diversity), String(format: "%.5f", $0.metrics.smoothness),
             String(format: "%.4f", $0.metrics.coverage), String(format: "%.4f", $0.metrics.minimum), String(format: "%.4f", $0.metrics.maximum)]
        })
        report.heading("Samples (32 RGB images from 96 outputs, fixed uniform noise)")
        for (name, step) in grids { report.image("samples/\(name)", caption: "step \(step)") }
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

func writeBackgroundGrid(model: any BackgroundModel, noise: Tensor, to path: String) throws {
    let outputs = withoutGradients { model(noise) }
    try saveImageGrid(backgroundsAsRGB(outputs), to: path, options: ImageGridOptions(imagesPerRow: 8))
}

/// Loads a background generator checkpoint (its kind is read from the checkpoint's metadata).
public func loadBackgroundModel(from path: String) throws -> any BackgroundModel {
    guard FileManager.default.fileExists(atPath: path) else { throw ExperimentError.missingFile(path) }
    let metadata = try SafeTensors.read(path).metadata
    var rng = RandomGenerator(seed: 0)
    let model = try makeBackgroundModel(kind: metadata["kind"] ?? "faithful", hiddenSize: metadata["hidden_size"].flatMap(Int.init) ?? 2048,
                                        using: &rng)
    try Checkpoint.load(path, into: model)
    return model
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
