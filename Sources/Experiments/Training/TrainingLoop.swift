import Engine
import Foundation
import NN

/// Drives every training job: shuffled batches from a seeded data-order generator, one `job.step` per batch,
/// the measures, samples and checkpoints at the plan's cadence, the metrics log, progress, and a stop on
/// SIGINT/SIGTERM at a batch boundary with a checkpoint holding the exact position, so a resumed run ends with
/// bit-identical weights.
public final class TrainingLoop<Job: TrainingJob> {
    public let job: Job
    public let folder: RunFolder?
    public let reporter: ProgressReporter
    public private(set) var state: RunState
    public private(set) var log: MetricsLog
    /// Asked after every batch; `true` stops the run with a checkpoint. By default, whether SIGINT/SIGTERM arrived.
    public var shouldStop: () -> Bool = { Interruption.requested != nil }
    private var started = DispatchTime.now().uptimeNanoseconds
    private var epochStarted = DispatchTime.now().uptimeNanoseconds
    private var stepsThisProcess = 0

    /// With `resume`, restores the networks, optimisers, generators, position and metrics from `folder`.
    public init(job: Job, folder: RunFolder?, resume: Bool = false, reporter: ProgressReporter = ProgressReporter()) throws {
        self.job = job
        self.folder = folder
        self.reporter = reporter
        let plan = job.plan
        state = RunState(dataOrder: RandomGenerator(seed: plan.seed &+ 1).stateWords)
        log = MetricsLog(columns: [plan.unit] + plan.lossNames + job.measureNames + ["seconds"])
        if resume, let folder {
            state = try RunCheckpoint.restore(networks: job.networks, optimizers: job.optimizers, from: folder)
            for (name, words) in state.generators { job.generators[name] = RandomGenerator(stateWords: words) }
            if FileManager.default.fileExists(atPath: folder.metricsPath) {
                let saved = try MetricsLog.read(folder.metricsPath, upTo: state.position.epoch)
                guard saved.columns == log.columns else {
                    throw ExperimentError.invalidFile(folder.metricsPath, "has columns \(saved.columns), this job writes \(log.columns)")
                }
                log = saved
                // Rows a killed process logged after its last checkpoint go, on disk too.
                try log.write(to: folder.metricsPath)
            }
            reporter.line("resuming \(describe(state.position))")
        }
    }

    /// A loop for `job` in `folder` (restored from it when resuming) that has saved `configuration` there: how every
    /// job's run starts.
    public static func start<C: JobConfiguration>(_ job: Job, configuration: C, folder: RunFolder, mode: RunFolder.Mode,
                                                  reporter: ProgressReporter) throws -> TrainingLoop {
        let loop = try TrainingLoop(job: job, folder: folder, resume: mode == .resume, reporter: reporter)
        try RunConfiguration.write(configuration, to: folder)
        return loop
    }

    /// Whether every epoch has been trained.
    public var isFinished: Bool { state.position.epoch >= job.plan.epochs }

    /// Trains the remaining epochs; returns the metrics log. Writes the report at the end.
    @discardableResult
    public func run() throws -> MetricsLog {
        let plan = job.plan
        let saved = BLAS.maximumThreads
        BLAS.maximumThreads = plan.threads
        defer { BLAS.maximumThreads = saved }
        started = DispatchTime.now().uptimeNanoseconds
        stepsThisProcess = 0
        reporter.line(job.summary)
        while !isFinished {
            try trainEpoch()
            let epoch = state.position.epoch
            let last = epoch == plan.epochs
            let stopping = !last && shouldStop()
            if let folder, epoch % plan.sampleEvery == 0 || last { try job.writeSamples(after: epoch, in: folder) }
            if epoch % plan.checkpointEvery == 0 || last || stopping { try saveCheckpoint() }
            if stopping { throw interruption() }
        }
        if let folder { try job.writeReport(log, in: folder) }
        return log
    }

    /// One epoch (or the rest of an interrupted one), then its measures.
    func trainEpoch() throws {
        let plan = job.plan
        epochStarted = DispatchTime.now().uptimeNanoseconds
        var order = RandomGenerator(stateWords: state.dataOrder)
        let indices = plan.trainingCount.map { order.permutation($0) }
        if state.position.batch == 0 { state.lossSums = [Double](repeating: 0, count: plan.lossNames.count); state.images = 0 }
        for b in state.position.batch..<plan.batchesPerEpoch {
            let batch = indices.map { Array($0[(b * plan.batchSize)..<min((b + 1) * plan.batchSize, $0.count)]) } ?? []
            let update = StepUpdate(plan: plan, position: state.position, step: state.position.epoch * plan.batchesPerEpoch + b)
            let losses = try job.step(batch, update: update)
            let weight = max(batch.count, 1)
            for (i, loss) in losses.enumerated() { state.lossSums[i] += Double(loss) * Double(weight) }
            state.images += weight
            state.position.batch = b + 1
            stepsThisProcess += 1
            showProgress(loss: losses.first ?? .nan)
            if b + 1 < plan.batchesPerEpoch, shouldStop() {
                try saveCheckpoint()
                throw interruption()
            }
        }
        state.position = TrainingPosition(epoch: state.position.epoch + 1, batch: 0)
        state.dataOrder = order.stateWords
        let epoch = state.position.epoch
        if epoch == 1 || epoch % plan.evaluateEvery == 0 || epoch == plan.epochs {
            let means = state.lossSums.map { $0 / Double(max(state.images, 1)) }
            let measures = try job.evaluate(after: epoch, final: epoch == plan.epochs)
            log.rows.append([Double(epoch)] + means + measures + [(elapsed * 1000).rounded() / 1000])
            reporter.line(describe(epoch: epoch, means: means, measures: measures))
            if let folder { try log.write(to: folder.metricsPath) }
        }
    }

    var elapsed: Double { state.seconds + Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    func saveCheckpoint() throws {
        guard let folder else { return }
        state.generation += 1
        state.generators = job.generators.mapValues(\.stateWords)
        var saved = state
        saved.seconds = elapsed
        try RunCheckpoint.save(saved, networks: job.networks, optimizers: job.optimizers,
                               metadata: job.checkpointMetadata.merging(["job": Job.kind.rawValue,
                                                                  "format_version": String(RunConfiguration.formatVersion)]) { $1 },
                               to: folder)
    }

    func interruption() -> ExperimentError {
        .interrupted(Interruption.Stop(signal: Interruption.requested.map(Interruption.name) ?? "a stop request",
                                       position: describe(state.position), folder: folder?.path, job: Job.kind))
    }

    /// "in epoch 3 after batch 14", "after epoch 2", or for one-batch epochs (the background generator's steps) "after step 350".
    func describe(_ position: TrainingPosition) -> String {
        let plan = job.plan
        return plan.batchesPerEpoch == 1 || position.batch == 0 ? "after \(plan.unit) \(position.epoch)" : position.description
    }

    func describe(epoch: Int, means: [Double], measures: [Double]) -> String {
        let plan = job.plan
        var parts = ["\(plan.unit) \(epoch)/\(plan.epochs)"]
        for (name, value) in zip(plan.lossNames + job.measureNames, means + measures) where !value.isNaN {
            let shown = name.replacingOccurrences(of: "_mse", with: " MSE").replacingOccurrences(of: "_", with: " ")
            parts.append("\(shown) \(ReportFormat.significant(value, digits: 4))")
        }
        parts.append(String(format: "%.1fs", elapsed))
        if let count = plan.trainingCount {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStarted) / 1e9
            parts.append(String(format: "%.0f img/s", Double(count) / max(seconds, 1e-9)))
        }
        return parts.joined(separator: "  ")
    }

    func showProgress(loss: Float) {
        let plan = job.plan
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let perStep = seconds / Double(max(stepsThisProcess, 1))
        let done = state.position.epoch * plan.batchesPerEpoch + state.position.batch
        let images = Double(stepsThisProcess * plan.batchSize)
        reporter.batch(unit: plan.unit, epoch: state.position.epoch + 1, epochs: plan.epochs, batch: state.position.batch,
                       batches: plan.batchesPerEpoch, loss: loss, imagesPerSecond: images / max(seconds, 1e-9),
                       secondsLeft: perStep * Double(plan.totalSteps - done))
    }
}
