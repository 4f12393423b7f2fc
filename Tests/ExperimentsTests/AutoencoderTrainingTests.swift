import Data
import Engine
import Foundation
import Models
import NN
import Testing
@testable import Experiments

/// Small generated image sets: smooth blobs whose position varies, so models have something to learn.
func blobDataset(count: Int, size: Int = 8, channels: Int = 1, seed: UInt64 = 3) -> ImageDataset {
    var rng = RandomGenerator(seed: seed)
    var pixels: [UInt8] = []
    for _ in 0..<count {
        let cy = Double(rng.nextInt(below: size)), cx = Double(rng.nextInt(below: size))
        for y in 0..<size {
            for x in 0..<size {
                let v = 255 * Foundation.exp(-((Double(y) - cy) * (Double(y) - cy) + (Double(x) - cx) * (Double(x) - cx)) / 6)
                for _ in 0..<channels { pixels.append(UInt8(v)) }
            }
        }
    }
    return ImageDataset(name: "blobs", height: size, width: size, channels: channels, pixels: pixels,
                        labels: [Int](repeating: 0, count: count), classNames: ["blob"])
}

func smallConfiguration(_ model: String, task: String = "reconstruct", epochs: Int = 2) -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.model = model
    c.task = task
    c.latentSize = 8
    c.encoderFilters = [4, 8]
    c.decoderFilters = [8, 4]
    c.epochs = epochs
    c.batchSize = 8
    c.learningRate = 3e-3
    return c
}

func makeTrainer(_ c: TrainingConfiguration, data: ImageDataset) throws -> AutoencoderTrainer {
    var rng = RandomGenerator(seed: c.seed)
    let shape = [data.height, data.width, data.channels]
    let mask = c.task == "complete" ? try MaskCatalog.mask(named: c.mask, height: data.height, width: data.width, seed: 0) : nil
    let model = try ModelCatalog.model(for: c, imageShape: shape, mask: mask, using: &rng)
    let (training, validation) = try data.split(validationFraction: 0.25, seed: 1)
    return AutoencoderTrainer(configuration: c, model: model, optimizer: try ModelCatalog.optimizer(for: c), training: training,
                              validation: validation, test: nil, mask: mask, reporter: ProgressReporter(quiet: true))
}

func temporaryRunPath() -> String { NSTemporaryDirectory() + "imagegen-tests-\(UUID().uuidString)" }

@Suite struct AutoencoderModelTests {
    @Test(arguments: ["dense", "cnn", "cnn-lstm", "completion"], [1, 3])
    func outputHasInputShapeAndEveryParameterGetsAGradient(model name: String, channels: Int) throws {
        var c = smallConfiguration(name, task: "complete")
        c.activation = "elu"
        var rng = RandomGenerator(seed: 5)
        let mask = OcclusionMask.bottomHalf(height: 8, width: 8)
        let model = try ModelCatalog.model(for: c, imageShape: [8, 8, channels], mask: mask, using: &rng)
        let x = Tensor.uniform([3, 8, 8, channels], using: &rng)
        let y = model(x)
        #expect(y.shape == [3, 8, 8, channels])
        mseLoss(predictions: y, targets: x).backward()
        for p in model.parameters {
            let g = try #require(p.tensor.gradient, "no gradient for \(p.name)")
            #expect(g.scalars.allSatisfy { $0.isFinite })
            #expect(g.scalars.contains { $0 != 0 }, "zero gradient for \(p.name)")
        }
    }

    @Test func wrongImageShapeIsATypedError() throws {
        var rng = RandomGenerator(seed: 0)
        let model = DenseAutoencoder(imageShape: [8, 8, 1], latentSize: 4, using: &rng)
        #expect(throws: ModelError.inputShape(model: model.name, expected: [8, 8, 1], found: [2, 8, 8, 3])) {
            try model.validate(Tensor(zeros: [2, 8, 8, 3]))
        }
    }

    @Test func convolutionalModelHasTheArticlesShapes() throws {
        var rng = RandomGenerator(seed: 0)
        let model = try ConvAutoencoder(imageShape: [28, 28, 1], configuration: .init(kernelSize: 3, latentSize: 32), using: &rng)
        #expect(model.toLatent.inputSize == 256)  // 28 → 14 → 7 → 3 → 1, 256 filters
        #expect(model.fromLatent.outputSize == 784)
        #expect(model.decoderConvolutions.map(\.outputChannels) == [128, 64, 32, 1])
        let lfw = try ConvAutoencoder(imageShape: [45, 45, 3], configuration: .init(kernelSize: 5, latentSize: 64), using: &rng)
        #expect(lfw.toLatent.inputSize == 1024)  // 45 → 22 → 11 → 5 → 2
    }

    @Test func completionNetworkKeepsVisiblePixelsExactly() throws {
        var rng = RandomGenerator(seed: 2)
        let mask = OcclusionMask.bottomHalf(height: 10, width: 10)
        let model = try CompletionNetwork(imageShape: [10, 10, 1], mask: mask, width: 4, contextSize: 8, using: &rng)
        let x = Tensor.uniform([2, 10, 10, 1], using: &rng)
        let y = withoutGradients { model(x) }
        for n in 0..<2 {
            for row in 0..<10 {
                for col in 0..<10 where mask.scalars[row * 10 + col] == 1 {
                    #expect(y.scalars[(n * 10 + row) * 10 + col] == x.scalars[(n * 10 + row) * 10 + col])
                }
            }
        }
    }
}

@Suite struct AutoencoderTrainingTests {
    @Test(arguments: ["dense", "cnn"])
    func trainingLowersValidationError(model: String) throws {
        let trainer = try makeTrainer(smallConfiguration(model, epochs: 4), data: blobDataset(count: 64))
        let before = trainer.evaluate(trainer.validation).meanSquaredError
        let result = try trainer.run(in: nil)
        #expect(result.history.count == 4)
        #expect(result.validation.meanSquaredError < 0.7 * before)
    }

    @Test(arguments: ["dense", "cnn"])
    func resumedRunEndsWithIdenticalWeights(model: String) throws {
        let data = blobDataset(count: 40)
        let straight = try makeTrainer(smallConfiguration(model, epochs: 3), data: data)
        _ = try straight.run(in: nil)

        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try makeTrainer(smallConfiguration(model, epochs: 1), data: data)
        let folder = try RunFolder(path: path, mode: .create)
        _ = try first.run(in: folder)
        let second = try makeTrainer(smallConfiguration(model, epochs: 3), data: data)
        try second.resume(from: try RunFolder(path: path, mode: .resume))
        #expect(second.completedEpochs == 1)
        _ = try second.run(in: folder)

        for (a, b) in zip(straight.model.parameters, second.model.parameters) {
            #expect(a.name == b.name)
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs after resuming")
        }
        #expect(straight.history.map(\.trainingLoss) == second.history.map(\.trainingLoss))
    }

    @Test func completionTaskReportsHiddenPixelError() throws {
        let trainer = try makeTrainer(smallConfiguration("dense", task: "complete", epochs: 1), data: blobDataset(count: 24))
        let result = try trainer.run(in: nil)
        let hidden = try #require(result.validation.hiddenMeanSquaredError)
        #expect(hidden > 0)
        // Bottom mask on 8×8 hides rows 5…7: 3/8 of the pixels.
        #expect(result.validation.hiddenCount * 8 == result.validation.count * 3)
    }

    @Test func existingRunFolderIsNotOverwritten() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try RunFolder(path: path, mode: .create)
        #expect(throws: ExperimentError.runFolderExists(path)) { _ = try RunFolder(path: path, mode: .create) }
    }

    @Test func checkpointFromAnotherArchitectureIsRefused() throws {
        let data = blobDataset(count: 16)
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trainer = try makeTrainer(smallConfiguration("dense", epochs: 1), data: data)
        _ = try trainer.run(in: try RunFolder(path: path, mode: .create))
        let other = try makeTrainer(smallConfiguration("cnn", epochs: 1), data: data)
        #expect(throws: CheckpointError.self) { try other.resume(from: try RunFolder(path: path, mode: .resume)) }
    }

    @Test func articleTableHasEveryRow() throws {
        #expect(GeneratingImagesTable.all.count == 20)
        let mnist = try GeneratingImagesTable.rows(for: "fashion-mnist")
        #expect(mnist.map(\.articleMSE) == [0.0170, 0.0234, 0.00304, 0.0150, 0.0147, 0.0146])
        let c = GeneratingImagesTable.configuration(for: mnist[2], dataset: "mnist")
        #expect(c.optimizer == "adamax" && c.kernelSize == 5 && c.epochs == 15 && c.epsilon == 1e-7)
        #expect(throws: ExperimentError.unknownDataset("svhn")) { try GeneratingImagesTable.rows(for: "svhn") }
    }
}
