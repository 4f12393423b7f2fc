import Engine
import Foundation
import NN
import Testing
@testable import Experiments

/// A toy job: fit y = 3x with one weight and one bias by SGD, on 10 points in batches of 4 (3 batches an epoch).
/// Each step also draws from its own generator, so resuming must restore it; every hook call is recorded.
final class LineFitJob: TrainingJob {
    static let kind = JobKind.autoencoder
    let layer: Linear
    let optimizer: SGD
    var generators: [String: RandomGenerator] = ["noise": RandomGenerator(seed: 5)]
    var plan: TrainingPlan
    var draws: [UInt64] = []
    var stepLosses: [(batch: [Int], loss: Float)] = []
    var evaluated: [Int] = [], sampled: [Int] = [], reported = 0
    var poisonAt: Int?
    let xs = (0..<10).map { Float($0) / 10 }

    init(epochs: Int = 4) {
        var rng = RandomGenerator(seed: 1)
        layer = Linear(inputSize: 1, outputSize: 1, using: &rng)
        optimizer = SGD(learningRate: 0.5, momentum: 0.9)
        plan = TrainingPlan(epochs: epochs, batchSize: 4, trainingCount: 10, lossNames: ["mse"])
        plan.seed = 3
    }

    var summary: String { "line fit" }
    var networks: [SavedNetwork] { [SavedNetwork(name: "model", module: layer)] }
    var optimizers: [OptimizerSlot] { [OptimizerSlot(name: "optimizer", optimizer: optimizer, parameters: layer.parameters)] }
    var measureNames: [String] { ["weight"] }

    func step(_ batch: [Int], update: StepUpdate) throws -> [Float] {
        draws.append(generators["noise"]!.next())
        let x = Tensor(shape: [batch.count, 1], scalars: batch.map { xs[$0] })
        var y = Tensor(shape: [batch.count, 1], scalars: batch.map { 3 * xs[$0] })
        if stepLosses.count == poisonAt { y = y * Float.nan }
        layer.zeroGradients()
        let loss = mseLoss(predictions: layer(x), targets: y)
        try update(optimizers[0], loss: loss)
        stepLosses.append((batch, loss.scalar))
        return [loss.scalar]
    }

    func evaluate(after epoch: Int, final: Bool) throws -> [Double] {
        evaluated.append(epoch)
        return [Double(layer.parameters[0].tensor.scalars[0])]
    }

    func writeSamples(after epoch: Int, in folder: RunFolder) throws { sampled.append(epoch) }
    func writeReport(_ log: MetricsLog, in folder: RunFolder) throws { reported += 1 }
}

@Suite struct TrainingLoopTests {
    @Test func everyBatchOnceAnEpochAndTheLoggedLossIsTheImageWeightedMean() throws {
        let job = LineFitJob(epochs: 2)
        let loop = try TrainingLoop(job: job, folder: nil, reporter: ProgressReporter(quiet: true))
        let log = try loop.run()
        #expect(job.stepLosses.count == 6)
        for epoch in 0..<2 {
            let steps = job.stepLosses[(epoch * 3)..<(epoch * 3 + 3)]
            #expect(steps.map(\.batch.count) == [4, 4, 2])
            #expect(Set(steps.flatMap(\.batch)) == Set(0..<10), "epoch \(epoch + 1) does not visit every image once")
            let mean = steps.reduce(0.0) { $0 + Double($1.loss) * Double($1.batch.count) } / 10
            #expect(abs(log.rows[epoch][1] - mean) < 1e-12)
        }
        #expect(job.stepLosses[0].batch != job.stepLosses[3].batch, "epochs use the same order")
        #expect(log.columns == ["epoch", "mse", "weight", "seconds"])
        #expect(log.values("mse")!.last! < log.values("mse")!.first!)
    }

    @Test func measuresSamplesAndCheckpointsFollowTheCadence() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let job = LineFitJob(epochs: 7)
        job.plan.evaluateEvery = 3
        job.plan.sampleEvery = 2
        job.plan.checkpointEvery = 4
        var saves: [Int] = []
        let loop = try TrainingLoop(job: job, folder: try RunFolder(path: path, mode: .create), reporter: ProgressReporter(quiet: true))
        loop.shouldStop = {
            if let state = try? savedRunState(path), saves.last != state.position.epoch { saves.append(state.position.epoch) }
            return false
        }
        try loop.run()
        #expect(job.evaluated == [1, 3, 6, 7])
        #expect(loop.log.rows.map { Int($0[0]) } == [1, 3, 6, 7])
        #expect(job.sampled == [2, 4, 6, 7])
        #expect(job.reported == 1)
        #expect(saves == [4])  // seen while training; the final save at 7 comes after the last question
        #expect(try savedRunState(path).position == TrainingPosition(epoch: 7, batch: 0))
        #expect(try MetricsLog.read(folder(path).metricsPath) == loop.log)
    }

    @Test func clippingAndTheScheduleAreApplied() throws {
        let job = LineFitJob(epochs: 2)
        job.plan.gradientClip = 1e-3
        job.plan.schedule = try LearningRateSchedule(kind: .cosine, baseRate: 0.5, warmup: 0.5, totalSteps: job.plan.totalSteps)
        let before = job.layer.parameters.map { $0.tensor.scalars[0] }
        let loop = try TrainingLoop(job: job, folder: nil, reporter: ProgressReporter(quiet: true))
        loop.shouldStop = { true }
        #expect(throws: ExperimentError.self) { try loop.run() }  // stops after the first batch
        // Warm-up over 3 of 6 steps: step 0 runs at a third of the base rate; the update is lr × clipped gradient.
        #expect(abs(job.optimizer.learningRate - 0.5 / 3) < 1e-7)
        let after = job.layer.parameters.map { $0.tensor.scalars[0] }
        let moved = zip(before, after).map { Double($1 - $0) * Double($1 - $0) }.reduce(0, +).squareRoot()
        #expect(abs(moved - 0.5 / 3 * 1e-3) < 1e-7)
    }

    @Test func aNonFiniteLossStopsAtItsBatch() throws {
        let job = LineFitJob()
        job.poisonAt = 4  // epoch 2, batch 2
        let loop = try TrainingLoop(job: job, folder: nil, reporter: ProgressReporter(quiet: true))
        #expect {
            try loop.run()
        } throws: { error in
            guard case .nonFiniteLoss(let epoch, let batch, let value, let layer)? = error as? ExperimentError else { return false }
            return epoch == 2 && batch == 2 && value.isNaN && layer == "weight"
        }
    }

    @Test func interruptedRunsResumeWithTheSameBatchesDrawsAndWeights() throws {
        let straight = LineFitJob()
        let straightLog = try TrainingLoop(job: straight, folder: nil, reporter: ProgressReporter(quiet: true)).run()
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var jobs: [LineFitJob] = []
        let (last, interruptions) = try trainWithInterruptions([2, 4, 1, 3], path: path) { folder, resume in
            jobs.append(LineFitJob())
            return try TrainingLoop(job: jobs.last!, folder: folder, resume: resume, reporter: ProgressReporter(quiet: true))
        }
        #expect(interruptions == 4)
        #expect(jobs.flatMap(\.draws) == straight.draws)
        #expect(jobs.flatMap { $0.stepLosses.map(\.batch) } == straight.stepLosses.map(\.batch))
        expectIdentical(straight.layer.parameters, last.job.layer.parameters, "line fit")
        #expect(last.log.values("mse") == straightLog.values("mse"))
    }
}

func folder(_ path: String) throws -> RunFolder { try RunFolder(existing: path) }

@Suite struct RunCheckpointTests {
    func save(_ job: LineFitJob, generation: Int, to folder: RunFolder) throws {
        var state = RunState(dataOrder: [1, 2, 3, 4])
        state.generation = generation
        state.position = TrainingPosition(epoch: generation, batch: 0)
        try RunCheckpoint.save(state, networks: job.networks, optimizers: job.optimizers, metadata: [:], to: folder)
    }

    /// The states a kill can leave between the writes of one save, and what resuming makes of each.
    @Test func aSaveIsOneCommitWhereverItIsCut() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try RunFolder(path: path, mode: .create)
        let job = LineFitJob()
        try save(job, generation: 1, to: folder)
        let first = try ReadableFile.contents(at: folder.checkpointPath)
        job.layer.parameters[0].tensor.storage.pointer[0] += 1
        try save(job, generation: 2, to: folder)
        let second = try ReadableFile.contents(at: folder.checkpointPath)
        let secondState = try ReadableFile.contents(at: folder.statePath)

        // Killed after the commit, before the rename: the pending weights of the committed save are moved into place.
        try Data(first).write(to: URL(fileURLWithPath: folder.checkpointPath))
        try Data(second).write(to: URL(fileURLWithPath: "\(path)/model.pending.safetensors"))
        let restored = LineFitJob()
        #expect(try RunCheckpoint.restore(networks: restored.networks, optimizers: restored.optimizers, from: folder).generation == 2)
        #expect(try ReadableFile.contents(at: folder.checkpointPath) == second)
        expectIdentical(job.layer.parameters, restored.layer.parameters, "after completing the rename")

        // Killed before the commit: the pending weights of the next save are discarded, the committed pair stays.
        job.layer.parameters[0].tensor.storage.pointer[0] += 1
        try Checkpoint.save(job.layer, metadata: ["checkpoint_generation": "3"], to: "\(path)/model.pending.safetensors")
        let again = LineFitJob()
        #expect(try RunCheckpoint.restore(networks: again.networks, optimizers: again.optimizers, from: folder).generation == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(path)/model.pending.safetensors"))
        #expect(try ReadableFile.contents(at: folder.statePath) == secondState)

        // Weights from another save with nothing pending: refused, naming both files' saves.
        try Data(first).write(to: URL(fileURLWithPath: folder.checkpointPath))
        #expect(throws: ExperimentError.invalidFile(folder.checkpointPath, "is from save 1, training-state.safetensors from save 2")) {
            try RunCheckpoint.restore(networks: LineFitJob().networks, optimizers: LineFitJob().optimizers, from: folder)
        }
    }

    @Test func modelFileHoldsExactlyTheStateDict() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try RunFolder(path: path, mode: .create)
        let job = LineFitJob()
        try TrainingLoop(job: job, folder: folder, reporter: ProgressReporter(quiet: true)).run()
        #expect(Set(try SafeTensors.read(folder.checkpointPath).tensors.keys) == ["weight", "bias"])
        #expect(Set(try SafeTensors.read(folder.statePath).tensors.keys) == ["optimizer.weight.momentum_buffer", "optimizer.bias.momentum_buffer"])
    }
}
