import Data
import Engine
import Foundation
import Models
import NN
import Testing
import TestSupport
@testable import Experiments

@Suite struct FrechetDistanceTests {
    @Test func oneDimensionalGaussiansHaveTheClosedForm() {
        // d = (μ₁ − μ₂)² + σ₁² + σ₂² − 2σ₁σ₂ = (μ₁ − μ₂)² + (σ₁ − σ₂)²
        let a = FeatureStatistics(mean: [1], covariance: [4]), b = FeatureStatistics(mean: [-2], covariance: [9])
        #expect(abs(a.frechetDistance(to: b) - (9 + 1)) < 1e-9)
    }

    @Test func rotatedCovariancesMatchTheirEigenvalues() {
        // Σ₁ = R diag(4, 1) Rᵀ and Σ₂ = R diag(1, 9) Rᵀ share eigenvectors: the distance is Σ (√λ₁ − √λ₂)² = 1 + 4.
        let (c, s) = (cos(0.3), sin(0.3))
        func rotated(_ l1: Double, _ l2: Double) -> [Double] {
            [c * c * l1 + s * s * l2, c * s * (l1 - l2), c * s * (l1 - l2), s * s * l1 + c * c * l2]
        }
        let a = FeatureStatistics(mean: [0, 0], covariance: rotated(4, 1)), b = FeatureStatistics(mean: [0, 0], covariance: rotated(1, 9))
        #expect(abs(a.frechetDistance(to: b) - 5) < 1e-9)
        #expect(abs(a.frechetDistance(to: a)) < 1e-9)
    }

    @Test func statisticsOfFeaturesAreTheSampleMeanAndCovariance() {
        let stats = FeatureStatistics(Tensor(shape: [3, 2], scalars: [1, 2, 3, 2, 5, 8]))
        #expect(stats.mean == [3, 4])
        #expect(stats.covariance == [4, 6, 6, 12])
    }

    @Test func symmetricEigenvaluesOfAKnownMatrix() {
        let (values, _) = SymmetricEigen.decompose([2, 1, 0, 1, 2, 1, 0, 1, 2], dimension: 3)
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        for (v, e) in zip(values.sorted(), expected) { #expect(abs(v - e) < 1e-10) }
    }
}

@Suite struct CompletionMeasuresTests {
    let data = blobDataset(count: 12, size: 8)
    var mask: ImageMask { try! ImageMask(.bottom, height: 8, width: 8, seed: 0) }

    @Test func theOriginalsAsCompletionsScoreZeroAndDeterministicMethodsHaveNoDiversity() throws {
        let perfect = try CompletionMeasures.measure(.deterministic { _, indices in self.data.batch(indices: indices) }, on: data,
                                                     mask: mask, judge: nil)
        #expect(perfect.hiddenMSE == 0 && perfect.hiddenMSEOfMean == 0 && perfect.diversity == 0)
        let grey = try CompletionMeasures.measure(.deterministic { images, _ in images * 0 + 0.5 }, on: data, mask: mask, judge: nil)
        #expect(grey.hiddenMSE == grey.hiddenMSEOfMean)
        #expect(grey.diversity == 0)
        #expect(grey.judgeAccuracy == nil && grey.frechetDistance == nil)
    }

    /// Sample k of every image sets each hidden pixel to k / 7: pairs differ by |k − l| / 7 everywhere, so the
    /// diversity is the mean of |k − l| / 7 over the 28 pairs (= 3/7), and the mean of the samples is 0.5.
    @Test func diversityAndMeanOfSamplesAreExact() throws {
        let measures = try CompletionMeasures.measure(.sampling { images, count, _ in
            let n = images.shape[0]
            return Tensor(shape: [n * count, 8, 8, 1], scalars: (0..<(n * count)).flatMap { i in [Float](repeating: Float(i % count) / 7, count: 64) })
        }, on: data, mask: mask, samples: 8, judge: nil)
        #expect(abs(measures.diversity - 3.0 / 7) < 1e-6)
        let truth = data.batch(indices: Array(0..<12)).scalars
        let hidden = mask.visible.scalars.indices.filter { mask.visible.scalars[$0] == 0 }
        var expected = 0.0
        for i in 0..<12 { for p in hidden { let e = 0.5 - Double(truth[i * 64 + p]); expected += e * e } }
        #expect(abs(measures.hiddenMSEOfMean - expected / Double(12 * hidden.count)) < 1e-6)
    }

    @Test func aJudgeGivesAccuracyAndAFrechetDistanceOfZeroForTheOriginals() throws {
        var rng = RandomGenerator(seed: 1)
        let judge = try ImageClassifier(imageShape: [8, 8, 1], classCount: 2, width: 2, featureSize: 4, using: &rng)
        let m = try CompletionMeasures.measure(.deterministic { _, indices in self.data.batch(indices: indices) }, on: data, mask: mask, judge: judge)
        #expect(m.judgeAccuracy == m.judgeAccuracyOnOriginals)
        #expect(abs(m.frechetDistance!) < 1e-6)
        #expect(m.frechetDistanceOfOccluded! >= 0)
    }

    @Test func refusesADatasetOfOneImageAndFewerThanTwoSamples() {
        #expect(throws: ExperimentError.self) { try CompletionMeasures.measure(.deterministic { i, _ in i }, on: data.prefix(1), mask: mask, judge: nil) }
        #expect(throws: ExperimentError.self) { try CompletionMeasures.measure(.deterministic { i, _ in i }, on: data, mask: mask, samples: 1, judge: nil) }
    }
}

/// Two classes told apart by brightness: the judge must learn them.
func twoClassDataset(count: Int) -> ImageDataset {
    var rng = RandomGenerator(seed: 8)
    var pixels: [UInt8] = [], labels: [Int] = []
    for i in 0..<count {
        let label = i % 2
        labels.append(label)
        for _ in 0..<64 { pixels.append(UInt8(label == 1 ? 150 + rng.nextInt(below: 100) : rng.nextInt(below: 100))) }
    }
    return ImageDataset(name: "two classes", height: 8, width: 8, channels: 1, pixels: pixels, labels: labels, classNames: ["dark", "bright"])
}

@Suite struct SamplingCompletionJobTests {
    @Test func pixelCNNTrainsByLikelihoodAndItsBitsFall() throws {
        var c = smallConfiguration(.pixelCNN, task: .complete, epochs: 3)
        c.learningRate = 2e-3
        let loop = try makeLoop(c, data: blobDataset(count: 48, size: 8))
        let log = try loop.run()
        #expect(log.columns.contains("train_bits") && log.columns.contains("validation_bits"))
        let bits = try #require(log.values("train_bits"))
        #expect(bits.last! < bits.first!, "training bits did not fall: \(bits)")
        #expect(loop.job.sampler != nil)
    }

    @Test func pixelCNNNeedsTheCompletionTask() {
        var c = TrainingConfiguration()
        c.model = .pixelCNN
        #expect(throws: ExperimentError.self) { try c.validate() }
    }

    @Test func maskThatHidesNothingIsRefused() throws {
        var c = smallConfiguration(.pixelCNN, task: .complete)
        let data = blobDataset(count: 8, size: 8)
        let everything = try ImageMask(visible: Tensor(repeating: 1, shape: [8, 8, 1]))
        var rng = RandomGenerator(seed: 0)
        let model = try ModelCatalog.model(for: c, imageShape: [8, 8, 1], mask: everything, using: &rng)
        c.epochs = 1
        #expect(throws: ExperimentError.self) {
            try AutoencoderJob(configuration: c, model: model, optimizer: ModelCatalog.optimizer(for: c), training: data, validation: data,
                               test: nil, mask: everything)
        }
    }
}

@Suite struct ClassifierJobTests {
    @Test func learnsTwoSeparableClassesAndItsRunLoadsBack() throws {
        let data = twoClassDataset(count: 64)
        let (training, validation) = try data.split(validationFraction: 0.25, seed: 0)
        var c = ClassifierConfiguration()
        c.epochs = 4
        c.batchSize = 8
        c.learningRate = 3e-3
        let job = try ClassifierJob(configuration: c, training: training, validation: validation, test: validation)
        let folder = TemporaryDirectory()
        let run = try RunFolder(path: folder.file("judge"), mode: .create)
        try RunConfiguration.write(c, to: run)
        let log = try TrainingLoop(job: job, folder: run, reporter: ProgressReporter(quiet: true)).run()
        #expect(log.last("validation_accuracy")! >= 0.9)
        #expect(job.testAccuracy! >= 0.9)
        let loaded = try loadClassifier(run: run.path)
        #expect(accuracy(of: loaded, on: validation) == accuracy(of: job.model, on: validation))
    }

    @Test func aDatasetWithOneClassIsRefused() {
        let one = blobDataset(count: 8)
        #expect(throws: ExperimentError.self) { try ClassifierJob(configuration: ClassifierConfiguration(), training: one, validation: one, test: nil) }
    }
}
