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

@Suite struct InterruptedResumeTests {
    /// An interruption in the middle of an epoch saves the position; resuming continues bit-identically.
    @Test(arguments: [("dense", "constant"), ("cnn", "constant"), ("dense", "cosine")])
    func midEpochInterruptionResumesExactly(model: String, schedule: String) throws {
        let data = blobDataset(count: 40)  // 30 training images: 4 batches of 8 per epoch
        func configuration() -> TrainingConfiguration {
            var c = smallConfiguration(model, epochs: 3)
            c.learningRateSchedule = schedule
            c.warmup = schedule == "cosine" ? 0.25 : nil
            return c
        }
        let straight = try makeTrainer(configuration(), data: data)
        _ = try straight.run(in: nil)

        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var folder = try RunFolder(path: path, mode: .create)
        var interruptions = 0
        var trainer = try makeTrainer(configuration(), data: data)
        // Stop after 2, 3 and 5 more batches: mid-epoch 1, mid-epoch 2, at the end of epoch 3's second batch...
        for stop in [2, 3, 5, 1] {
            trainer.shouldStop = stopAfter(stop)
            do {
                _ = try trainer.run(in: folder)
                break
            } catch let error as ExperimentError {
                guard case .interrupted(_, let checkpoint, _, let resume) = error else { throw error }
                #expect(checkpoint == folder.checkpointPath)
                #expect(resume == "imagegen train --output \(path) --resume")
                interruptions += 1
            }
            folder = try RunFolder(path: path, mode: .resume)
            trainer = try makeTrainer(configuration(), data: data)
            try trainer.resume(from: folder)
        }
        #expect(interruptions >= 3)
        trainer.shouldStop = { false }
        _ = try trainer.run(in: folder)
        #expect(trainer.completedEpochs == 3)
        expectIdentical(straight.model.parameters, trainer.model.parameters, "\(model) after \(interruptions) interruptions")
        #expect(straight.history.map(\.trainingLoss) == trainer.history.map(\.trainingLoss))
    }
}

func tinyBackgroundOptions(steps: Int = 6) -> BackgroundTrainingOptions {
    var o = BackgroundTrainingOptions()
    o.kind = "diverse"
    o.steps = steps
    o.batchSize = 4
    o.hiddenSize = 8
    o.learningRate = 1e-3
    o.metricsEvery = 1
    o.sampleEvery = 3
    o.checkpointEvery = 2
    o.threads = 2
    return o
}

@Suite struct BackgroundResumeTests {
    @Test(arguments: ["faithful", "diverse"])
    func resumedBackgroundRunEndsWithIdenticalWeights(kind: String) throws {
        var options = tinyBackgroundOptions()
        options.kind = kind
        let straightPath = temporaryRunPath(), path = temporaryRunPath()
        defer { for p in [straightPath, path] { try? FileManager.default.removeItem(atPath: p) } }
        let straight = try BackgroundTrainer(options: options)
        let straightRecords = try straight.train(into: try RunFolder(path: straightPath, mode: .create), reporter: ProgressReporter(quiet: true))

        // Interrupted after step 3 (between periodic checkpoints), then after step 4 (on one).
        let first = try BackgroundTrainer(options: options)
        first.shouldStop = stopAfter(3)
        #expect(throws: ExperimentError.self) { _ = try first.train(into: try RunFolder(path: path, mode: .create), reporter: ProgressReporter(quiet: true)) }
        let second = try BackgroundTrainer(options: options)
        second.shouldStop = stopAfter(1)
        #expect(throws: ExperimentError.self) { _ = try second.train(into: try RunFolder(path: path, mode: .resume), reporter: ProgressReporter(quiet: true), resume: true) }
        #expect(second.completedSteps == 4)
        let third = try BackgroundTrainer(options: options)
        let records = try third.train(into: try RunFolder(path: path, mode: .resume), reporter: ProgressReporter(quiet: true), resume: true)
        expectIdentical(straight.model.parameters, third.model.parameters, "background \(kind)")
        #expect(records.map(\.loss) == straightRecords.map(\.loss))
        // The saved checkpoint loads as a model.
        let loaded = try loadBackgroundModel(from: "\(path)/model.safetensors")
        expectIdentical(straight.model.parameters, loaded.parameters, "loaded background checkpoint")
    }
}

func tinyLetters(count: Int = 20) -> LetterSet {
    var rng = RandomGenerator(seed: 9)
    let images = Tensor.uniform([count, 64, 64, 1], using: &rng).scalars.map { $0 * 2 - 1 }
    return LetterSet(images: images, labels: (0..<count).map { $0 % 26 }, source: "random")
}

func tinyGANOptions(epochs: Int = 3) -> GANTrainingOptions {
    var o = GANTrainingOptions()
    o.epochs = epochs
    o.batchSize = 4
    o.hiddenSize = 16
    o.checkpointEvery = 1
    o.learningRate = 1e-3
    return o
}

@Suite struct GANResumeTests {
    @Test func resumedGANRunEndsWithIdenticalWeights() throws {
        let data = tinyLetters()  // 5 batches per epoch
        let straightPath = temporaryRunPath(), path = temporaryRunPath()
        defer { for p in [straightPath, path] { try? FileManager.default.removeItem(atPath: p) } }
        let straight = GANTrainer(options: tinyGANOptions(), data: data)
        try straight.train(into: try RunFolder(path: straightPath, mode: .create), resume: false, reporter: ProgressReporter(quiet: true))

        // Mid-epoch 1 (after batch 3), mid-epoch 2 (after batch 4 of it), then at the end of epoch 2.
        var resume = false
        for stop in [3, 6, 3] {
            let trainer = GANTrainer(options: tinyGANOptions(), data: data)
            trainer.shouldStop = stopAfter(stop)
            #expect(throws: ExperimentError.self) {
                try trainer.train(into: try RunFolder(path: path, mode: resume ? .resume : .create), resume: resume, reporter: ProgressReporter(quiet: true))
            }
            resume = true
        }
        let last = GANTrainer(options: tinyGANOptions(), data: data)
        try last.train(into: try RunFolder(path: path, mode: .resume), resume: true, reporter: ProgressReporter(quiet: true))
        expectIdentical(straight.gan.parameters, last.gan.parameters, "GAN")
        let straightMetrics = try String(contentsOfFile: "\(straightPath)/metrics.csv", encoding: .utf8)
        let metrics = try String(contentsOfFile: "\(path)/metrics.csv", encoding: .utf8)
        let losses = { (csv: String) in csv.split(separator: "\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") } }
        #expect(losses(straightMetrics) == losses(metrics))
        let generator = try loadLetterGenerator(run: path)
        expectIdentical(straight.gan.generator.parameters, generator.parameters, "loaded generator")
    }

    /// A crash between the discriminator and generator writes leaves a pending discriminator that resuming discards.
    @Test func pendingDiscriminatorFromAnotherPositionIsDiscarded() throws {
        let data = tinyLetters()
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = GANTrainer(options: tinyGANOptions(epochs: 1), data: data)
        try first.train(into: try RunFolder(path: path, mode: .create), resume: false, reporter: ProgressReporter(quiet: true))
        try Checkpoint.save(first.gan.discriminator, optimizer: first.gan.discriminatorOptimizer, metadata: ["epoch": "7", "batch": "0"],
                            to: "\(path)/discriminator.pending.safetensors")
        let second = GANTrainer(options: tinyGANOptions(epochs: 2), data: data)
        try second.train(into: try RunFolder(path: path, mode: .resume), resume: true, reporter: ProgressReporter(quiet: true))
        #expect(!FileManager.default.fileExists(atPath: "\(path)/discriminator.pending.safetensors"))
    }
}

@Suite struct NonFiniteTests {
    /// A NaN planted in one weight stops training, naming that parameter; nothing is saved after it.
    @Test func nanInAWeightNamesItsLayerAndKeepsTheCheckpoint() throws {
        let data = blobDataset(count: 24)
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try RunFolder(path: path, mode: .create)
        let first = try makeTrainer(smallConfiguration("dense", epochs: 1), data: data)
        _ = try first.run(in: folder)
        let saved = try Data(contentsOf: URL(fileURLWithPath: folder.checkpointPath))
        let trainer = try makeTrainer(smallConfiguration("dense", epochs: 3), data: data)
        try trainer.resume(from: folder)
        let victim = trainer.model.parameters[2]
        victim.tensor.storage.pointer[0] = .nan
        do {
            _ = try trainer.run(in: folder)
            Issue.record("training went on with a NaN weight")
        } catch let error as ExperimentError {
            guard case .nonFiniteLoss(let epoch, let batch, _, let layer) = error else { throw error }
            #expect(epoch == 2 && batch == 1)
            #expect(layer == victim.name)
            #expect(error.description.contains(victim.name) && error.description.contains("epoch 2, batch 1"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.checkpointPath)) == saved)
    }

    /// A learning rate of 1e30 with SGD blows up; the run stops at a named step and the last good checkpoint stays.
    @Test func hugeLearningRateStopsTheRun() throws {
        let data = blobDataset(count: 24)
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try RunFolder(path: path, mode: .create)
        var c = smallConfiguration("dense", epochs: 1)
        c.optimizer = "sgd"
        c.learningRate = 0.01
        _ = try makeTrainer(c, data: data).run(in: folder)
        let saved = try Data(contentsOf: URL(fileURLWithPath: folder.checkpointPath))
        c.epochs = 20
        c.learningRate = 1e30
        let trainer = try makeTrainer(c, data: data)
        try trainer.resume(from: folder)
        #expect {
            _ = try trainer.run(in: folder)
        } throws: { error in
            guard case .nonFiniteLoss(let epoch, _, _, let layer)? = error as? ExperimentError else { return false }
            return epoch >= 2 && layer != nil
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.checkpointPath)) == saved)
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
    @Test(arguments: ["dense", "cnn"])
    func sameSeedAndThreadsGiveIdenticalWeights(model: String) throws {
        let saved = BLAS.maximumThreads
        defer { BLAS.maximumThreads = saved }
        BLAS.maximumThreads = 2
        var c = smallConfiguration(model, epochs: 2)
        c.threads = 2
        let data = blobDataset(count: 32)
        let a = try makeTrainer(c, data: data), b = try makeTrainer(c, data: data)
        _ = try a.run(in: nil)
        _ = try b.run(in: nil)
        expectIdentical(a.model.parameters, b.model.parameters, "\(model), two runs")
    }
}
