import Engine
import Foundation
import Models
import NN
import Testing
@testable import Experiments

/// Parameters of two models are bit-identical.
func expectIdentical(_ a: [Parameter], _ b: [Parameter], _ context: String) {
    #expect(a.count == b.count)
    for (x, y) in zip(a, b) {
        #expect(x.name == y.name)
        #expect(x.tensor.scalars == y.tensor.scalars, "\(x.name) differs (\(context))")
    }
}

/// Stops after `n` more calls.
func stopAfter(_ n: Int) -> () -> Bool {
    var calls = 0
    return { calls += 1; return calls >= n }
}

/// Runs a job to the end through loops made by `makeLoop(folder, resume)`, stopping after each count in `stops` of
/// further batches (a fresh loop resumes from the folder each time). Returns the last loop and the interruptions.
func trainWithInterruptions<Job: TrainingJob>(_ stops: [Int], path: String,
                                              makeLoop: (RunFolder, Bool) throws -> TrainingLoop<Job>) throws -> (TrainingLoop<Job>, Int) {
    var interruptions = 0
    var resume = false
    for stop in stops + [Int.max] {
        let loop = try makeLoop(try RunFolder(path: path, mode: resume ? .resume : .create), resume)
        loop.shouldStop = stop == .max ? { false } : stopAfter(stop)
        do {
            try loop.run()
            return (loop, interruptions)
        } catch ExperimentError.interrupted(let stopped) {
            #expect(stopped.folder == path && stopped.job == Job.kind)
            interruptions += 1
        }
        resume = true
    }
    fatalError("unreachable: the last loop never stops")
}

@Suite struct InterruptedResumeTests {
    /// An interruption in the middle of an epoch saves the position; resuming continues bit-identically.
    @Test(arguments: [(AutoencoderModel.dense, LearningRateSchedule.Kind.constant), (.cnn, .constant), (.dense, .cosine)])
    func midEpochInterruptionResumesExactly(model: AutoencoderModel, schedule: LearningRateSchedule.Kind) throws {
        let data = blobDataset(count: 40)  // 30 training images: 4 batches of 8 per epoch
        var c = smallConfiguration(model, epochs: 3)
        c.learningRateSchedule = schedule
        c.warmup = schedule == .cosine ? 0.25 : 0
        let straight = try makeLoop(c, data: data)
        try straight.run()

        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Stop after 2, 3, 5 and 1 more batches: mid-epoch 1, mid-epoch 2, …
        let (loop, interruptions) = try trainWithInterruptions([2, 3, 5, 1], path: path) { folder, resume in
            try makeLoop(c, data: data, folder: folder, resume: resume)
        }
        #expect(interruptions == 4)
        #expect(loop.isFinished)
        expectIdentical(straight.job.model.parameters, loop.job.model.parameters, "\(model) after \(interruptions) interruptions")
        #expect(straight.log.values("train_mse") == loop.log.values("train_mse"))
    }
}

func tinyBackgroundConfiguration(steps: Int = 6) -> BackgroundConfiguration {
    var c = BackgroundConfiguration()
    c.kind = .diverse
    c.steps = steps
    c.batchSize = 4
    c.hiddenSize = 8
    c.learningRate = 1e-3
    c.metricsEvery = 1
    c.sampleEvery = 3
    c.checkpointEvery = 2
    c.threads = 2
    return c
}

@Suite struct BackgroundResumeTests {
    @Test(arguments: BackgroundKind.allCases)
    func resumedBackgroundRunEndsWithIdenticalWeights(kind: BackgroundKind) throws {
        var c = tinyBackgroundConfiguration()
        c.kind = kind
        let straightPath = temporaryRunPath(), path = temporaryRunPath()
        defer { for p in [straightPath, path] { try? FileManager.default.removeItem(atPath: p) } }
        let straight = try BackgroundJob.train(c, runFolder: straightPath, mode: .create, reporter: ProgressReporter(quiet: true))

        // Interrupted after step 3 (between periodic checkpoints), then after step 4 (on one).
        let (loop, interruptions) = try trainWithInterruptions([3, 1], path: path) { folder, resume in
            let loop = try TrainingLoop(job: try BackgroundJob(configuration: c), folder: folder, resume: resume, reporter: ProgressReporter(quiet: true))
            try RunConfiguration.write(c, to: folder)
            return loop
        }
        #expect(interruptions == 2)
        let loaded = try loadBackgroundModel(run: straightPath)
        expectIdentical(loaded.parameters, loop.job.model.parameters, "background \(kind)")
        #expect(loop.log.values("loss") == straight.values("loss"))
        #expect(try MetricsLog.read("\(path)/metrics.csv") == straight.withSeconds(of: loop.log))
        #expect(FileManager.default.fileExists(atPath: "\(path)/samples/step00003.png") && FileManager.default.fileExists(atPath: "\(path)/report.html"))
        // Resuming a finished run rewrites the report with every grid, the last step's included.
        try BackgroundJob.train(c, runFolder: path, mode: .resume, reporter: ProgressReporter(quiet: true))
        let report = try ReadableFile.text(at: "\(path)/report.html")
        #expect(report.contains("samples/step00003.png") && report.contains("samples/step00006.png"))
    }
}

extension MetricsLog {
    /// This log with the `seconds` column of `other` (timings differ between runs).
    func withSeconds(of other: MetricsLog) -> MetricsLog {
        var copy = self
        let i = columns.firstIndex(of: "seconds")!
        for r in copy.rows.indices where r < other.rows.count { copy.rows[r][i] = other.rows[r][i] }
        return copy
    }
}

func tinyLetters(count: Int = 20) -> LetterSet {
    var rng = RandomGenerator(seed: 9)
    let images = Tensor.uniform([count, 64, 64, 1], using: &rng).scalars.map { $0 * 2 - 1 }
    return LetterSet(images: images, labels: (0..<count).map { $0 % 26 }, source: "random")
}

func tinyGANConfiguration(epochs: Int = 3) -> GANConfiguration {
    var c = GANConfiguration()
    c.epochs = epochs
    c.batchSize = 4
    c.hiddenSize = 16
    c.checkpointEvery = 1
    c.learningRate = 1e-3
    return c
}

func ganLoop(_ c: GANConfiguration, folder: RunFolder?, resume: Bool) throws -> TrainingLoop<GANJob> {
    let loop = try TrainingLoop(job: try GANJob(configuration: c, data: tinyLetters()), folder: folder, resume: resume, reporter: ProgressReporter(quiet: true))
    if let folder { try RunConfiguration.write(c, to: folder) }
    return loop
}

@Suite struct GANResumeTests {
    @Test func resumedGANRunEndsWithIdenticalWeights() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let straight = try ganLoop(tinyGANConfiguration(), folder: nil, resume: false)  // 5 batches per epoch
        try straight.run()
        // Mid-epoch 1 (after batch 3), mid-epoch 2 (after batch 4 of it), then at the end of epoch 2.
        let (last, interruptions) = try trainWithInterruptions([3, 6, 1], path: path) { folder, resume in
            try ganLoop(tinyGANConfiguration(), folder: folder, resume: resume)
        }
        #expect(interruptions == 3)
        expectIdentical(straight.job.generator.parameters, last.job.generator.parameters, "generator")
        expectIdentical(straight.job.discriminator.parameters, last.job.discriminator.parameters, "discriminator")
        #expect(straight.log.values("d_loss") == last.log.values("d_loss") && straight.log.values("g_loss") == last.log.values("g_loss"))
        let generator = try loadLetterGenerator(run: path)
        expectIdentical(straight.job.generator.parameters, generator.parameters, "loaded generator")
    }
}

@Suite struct NonFiniteTests {
    /// A NaN planted in one weight stops training, naming that parameter; nothing is saved after it.
    @Test func nanInAWeightNamesItsLayerAndKeepsTheCheckpoint() throws {
        let data = blobDataset(count: 24)
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try makeLoop(smallConfiguration(.dense, epochs: 1), data: data, folder: try RunFolder(path: path, mode: .create)).run()
        let folder = try RunFolder(path: path, mode: .resume)
        let saved = try savedFiles(folder)
        let trainer = try makeLoop(smallConfiguration(.dense, epochs: 3), data: data, folder: folder, resume: true)
        let victim = trainer.job.model.parameters[2]
        victim.tensor.storage.pointer[0] = .nan
        do {
            try trainer.run()
            Issue.record("training went on with a NaN weight")
        } catch let error as ExperimentError {
            guard case .nonFiniteLoss(let epoch, let batch, _, let layer) = error else { throw error }
            #expect(epoch == 2 && batch == 1)
            #expect(layer == victim.name)
            #expect(error.description.contains(victim.name) && error.description.contains("epoch 2, batch 1"))
        }
        #expect(try savedFiles(folder) == saved)
    }

    /// A learning rate of 1e30 with SGD blows up; the run stops at a named step and the last good checkpoint stays.
    @Test func hugeLearningRateStopsTheRun() throws {
        let data = blobDataset(count: 24)
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var c = smallConfiguration(.dense, epochs: 1)
        c.optimizer = .sgd
        c.learningRate = 0.01
        try makeLoop(c, data: data, folder: try RunFolder(path: path, mode: .create)).run()
        let folder = try RunFolder(path: path, mode: .resume)
        let saved = try savedFiles(folder)
        c.epochs = 20
        c.learningRate = 1e30
        let trainer = try makeLoop(c, data: data, folder: folder, resume: true)
        #expect {
            try trainer.run()
        } throws: { error in
            guard case .nonFiniteLoss(let epoch, _, _, let layer)? = error as? ExperimentError else { return false }
            return epoch >= 2 && layer != nil
        }
        #expect(try savedFiles(folder) == saved)
    }

    @Test func firstNonFiniteParameterIsFoundInModelOrder() throws {
        var rng = RandomGenerator(seed: 0)
        let model = DenseAutoencoder(imageShape: [4, 4, 1], latentSize: 3, using: &rng)
        let parameters = model.parameters
        #expect(firstNonFiniteParameter(parameters, values: true) == nil)
        parameters[3].tensor.storage.pointer[parameters[3].tensor.scalarCount - 1] = .infinity
        parameters[1].tensor.storage.pointer[0] = -.nan
        #expect(firstNonFiniteParameter(parameters, values: true) == parameters[1].name)
    }
}

@Suite struct DeterminismTests {
    /// The same seed and thread count give bit-identical weights.
    @Test(arguments: [AutoencoderModel.dense, .cnn])
    func sameSeedAndThreadsGiveIdenticalWeights(model: AutoencoderModel) throws {
        let saved = BLAS.maximumThreads
        defer { BLAS.maximumThreads = saved }
        BLAS.maximumThreads = 2
        var c = smallConfiguration(model, epochs: 2)
        c.threads = 2
        let data = blobDataset(count: 32)
        let a = try makeLoop(c, data: data), b = try makeLoop(c, data: data)
        try a.run()
        try b.run()
        expectIdentical(a.job.model.parameters, b.job.model.parameters, "\(model), two runs")
    }
}

/// The bytes of a run's checkpoint files, to show they did not change.
func savedFiles(_ folder: RunFolder) throws -> [[UInt8]] {
    try [folder.checkpointPath, folder.statePath].map { try ReadableFile.contents(at: $0) }
}
