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

func smallConfiguration(_ model: AutoencoderModel, task: AutoencoderTask = .reconstruct, epochs: Int = 2) -> TrainingConfiguration {
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

/// The autoencoder job for `c` on `data` (a quarter held out for validation), driven by a training loop writing
/// into `folder` when given.
func makeLoop(_ c: TrainingConfiguration, data: ImageDataset, folder: RunFolder? = nil, resume: Bool = false) throws -> TrainingLoop<AutoencoderJob> {
    var rng = RandomGenerator(seed: c.seed)
    let shape = [data.height, data.width, data.channels]
    let mask = try c.occlusion(height: data.height, width: data.width)
    let model = try ModelCatalog.model(for: c, imageShape: shape, mask: mask, using: &rng)
    let (training, validation) = try data.split(validationFraction: 0.25, seed: 1)
    let job = try AutoencoderJob(configuration: c, model: model, optimizer: ModelCatalog.optimizer(for: c), training: training,
                                 validation: validation, test: nil, mask: mask)
    return try TrainingLoop(job: job, folder: folder, resume: resume, reporter: ProgressReporter(quiet: true))
}

func temporaryRunPath() -> String { NSTemporaryDirectory() + "imagegen-tests-\(UUID().uuidString)" }

@Suite struct AutoencoderModelTests {
    @Test(arguments: AutoencoderModel.allCases, [1, 3])
    func outputHasInputShapeAndEveryParameterGetsAGradient(model name: AutoencoderModel, channels: Int) throws {
        var c = smallConfiguration(name, task: .complete)
        c.activation = "elu"
        var rng = RandomGenerator(seed: 5)
        let mask = try ImageMask(.bottom, height: 8, width: 8, seed: 0)
        let model = try ModelCatalog.model(for: c, imageShape: [8, 8, channels], mask: mask, using: &rng)
        let x = Tensor.uniform([3, 8, 8, channels], using: &rng)
        let y = model(x)
        #expect(y.shape == [3, 8, 8, channels])
        if let sampler = model as? any SamplingCompletionModel {
            sampler.negativeLogLikelihood(x, visible: mask.visible).backward()
        } else {
            mseLoss(predictions: y, targets: x).backward()
        }
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
    @Test(arguments: [AutoencoderModel.dense, .cnn])
    func trainingLowersValidationError(model: AutoencoderModel) throws {
        let loop = try makeLoop(smallConfiguration(model, epochs: 4), data: blobDataset(count: 64))
        let before = try loop.job.measure(loop.job.validation, structuralSimilarity: false).errors.meanSquaredError
        let log = try loop.run()
        #expect(log.rows.map { Int($0[0]) } == [1, 2, 3, 4])
        #expect(try #require(log.last("validation_mse")) < 0.7 * before)
    }

    @Test(arguments: [AutoencoderModel.dense, .cnn])
    func resumedRunEndsWithIdenticalWeights(model: AutoencoderModel) throws {
        let data = blobDataset(count: 40)
        let straight = try makeLoop(smallConfiguration(model, epochs: 3), data: data)
        try straight.run()

        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try makeLoop(smallConfiguration(model, epochs: 1), data: data, folder: try RunFolder(path: path, mode: .create)).run()
        let second = try makeLoop(smallConfiguration(model, epochs: 3), data: data, folder: try RunFolder(path: path, mode: .resume), resume: true)
        #expect(second.state.position == TrainingPosition(epoch: 1, batch: 0))
        try second.run()

        for (a, b) in zip(straight.job.model.parameters, second.job.model.parameters) {
            #expect(a.name == b.name)
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs after resuming")
        }
        #expect(straight.log.values("train_mse") == second.log.values("train_mse"))
        #expect(try MetricsLog.read("\(path)/metrics.csv") == second.log)
    }

    @Test func completionTaskReportsHiddenPixelError() throws {
        let loop = try makeLoop(smallConfiguration(.dense, task: .complete, epochs: 1), data: blobDataset(count: 24))
        let log = try loop.run()
        let hidden = try #require(log.last("validation_hidden_mse"))
        #expect(hidden > 0)
        let errors = try loop.job.measure(loop.job.validation, structuralSimilarity: false).errors
        #expect(errors.hiddenMeanSquaredError == hidden)
        // Bottom mask on 8×8 hides rows 5…7: 3/8 of the pixels.
        #expect(errors.hiddenCount * 8 == errors.count * 3)
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
        try makeLoop(smallConfiguration(.dense, epochs: 1), data: data, folder: try RunFolder(path: path, mode: .create)).run()
        #expect(throws: CheckpointError.self) {
            try makeLoop(smallConfiguration(.cnn, epochs: 1), data: data, folder: try RunFolder(path: path, mode: .resume), resume: true)
        }
    }

    @Test func articleTableHasEveryRow() throws {
        #expect(GeneratingImagesTable.all.count == 20)
        let mnist = try GeneratingImagesTable.rows(for: "fashion-mnist")
        #expect(mnist.map(\.articleMSE) == [0.0170, 0.0234, 0.00304, 0.0150, 0.0147, 0.0146])
        let c = GeneratingImagesTable.configuration(for: mnist[2], dataset: "mnist")
        #expect(c.optimizer == .adamax && c.kernelSize == 5 && c.epochs == 15 && c.epsilon == 1e-7)
        #expect(throws: ExperimentError.unknownDataset("svhn")) { try GeneratingImagesTable.rows(for: "svhn") }
    }
}
