import Engine
import Experiments
import Models
import NN
import XCTest

final class BackgroundTests: XCTestCase {
    func testShiftRangeOutputSpansUnitInterval() {
        var rng = RandomGenerator(seed: 3)
        let generator = BackgroundGenerator(hiddenSize: 32, using: &rng)
        XCTAssertEqual(BackgroundGenerator(using: &rng).parameterCount, 12_722_176)
        let images = generator(Tensor.normal([4, 64], using: &rng))
        XCTAssertEqual(images.shape, [4, 64, 64])
        for b in 0..<4 {
            let values = Array(images.scalars[(b * 4096)..<((b + 1) * 4096)])
            XCTAssertEqual(values.min()!, 0, accuracy: 1e-6)
            XCTAssertEqual(values.max()!, 1, accuracy: 1e-6)
        }
    }

    func testDistributionLossMatchesHandComputation() {
        // One 2×2 image; columns (0.9, 0.1) and (0.3, 0.6); uniform sample columns (0.2, 0.7) and (0.5, 0.4).
        let image = Tensor(shape: [1, 2, 2], scalars: [0.9, 0.3, 0.1, 0.6], requiresGradient: true)
        let uniform = Tensor(shape: [1, 2, 2], scalars: [0.7, 0.5, 0.2, 0.4])
        // Sorted column 0: (0.1, 0.9) vs (0.2, 0.7): 0.1 + 0.2; column 1: (0.3, 0.6) vs (0.4, 0.5): 0.1 + 0.1.
        let loss = distributionLoss(image, uniformSample: uniform)
        XCTAssertEqual(loss.scalar, 0.5, accuracy: 1e-6)
        loss.backward()
        // d/dx: 0.9 → +1 (0.9 > 0.7), 0.1 → −1, 0.3 → −1, 0.6 → +1.
        XCTAssertEqual(image.gradient!.scalars, [1, -1, -1, 1])
        // Batch mean: two copies give the same loss, gradient halved.
        let two = Tensor(shape: [2, 2, 2], scalars: image.scalars + image.scalars)
        XCTAssertEqual(distributionLoss(two, uniformSample: Tensor(shape: [2, 2, 2], scalars: uniform.scalars + uniform.scalars)).scalar, 0.5, accuracy: 1e-6)
    }

    func testSmoothnessLossOfConstantCropIsZeroAndFinite() {
        let image = Tensor(repeating: 0.4, shape: [2, 20, 20]).copied(requiresGradient: true)
        let loss = smoothnessLoss(image, cropCorners: [(0, 0), (4, 3)], cropSize: 16)
        XCTAssertEqual(loss.scalar, 0)
        loss.backward()
        XCTAssertTrue(image.gradient!.scalars.allSatisfy { $0.isFinite })
    }

    func testSmoothnessLossMatchesDefinition() {
        var rng = RandomGenerator(seed: 5)
        let image = Tensor.uniform([1, 4, 4], using: &rng)
        let crop = image.slice([0..<1, 1..<3, 1..<3]).reshaped(to: [4])
        let v = crop.variance(axes: [0], unbiased: true).scalar
        let range = crop.scalars.max()! - crop.scalars.min()!
        XCTAssertEqual(smoothnessLoss(image, cropCorners: [(1, 1)], cropSize: 2).scalar, v / range, accuracy: 1e-6)
        // The gradient agrees with the composed engine ops.
        let a = image.copied(requiresGradient: true)
        smoothnessLoss(a, cropCorners: [(1, 1)], cropSize: 2).backward()
        let b = image.copied(requiresGradient: true)
        let c = b.slice([0..<1, 1..<3, 1..<3]).reshaped(to: [4])
        (c.variance(axes: [0]) / (c.max() - c.min())).backward()
        for (x, y) in zip(a.gradient!.scalars, b.gradient!.scalars) { XCTAssertEqual(x, y, accuracy: 1e-5) }
    }

    func testDiversityIsZeroForIdenticalSamples() {
        var rng = RandomGenerator(seed: 1)
        let one = Tensor.uniform([1, 8, 8], using: &rng).scalars
        let same = Tensor(shape: [4, 8, 8], scalars: one + one + one + one)
        XCTAssertEqual(backgroundDiversity(same), 0, accuracy: 1e-9)
        let different = Tensor.uniform([4, 8, 8], using: &rng)
        XCTAssertGreaterThan(backgroundDiversity(different), 0.5)
        XCTAssertLessThan(backgroundCoverage(Tensor.uniform([4, 64, 64], using: &rng)), 0.05)
        XCTAssertEqual(backgroundCoverage(Tensor(repeating: 0.5, shape: [2, 4, 4])), 15.0 / 16.0, accuracy: 1e-9)
    }

    func testTrainingStepsRunAndStayInRange() throws {
        var options = BackgroundTrainingOptions()
        options.kind = "diverse"
        options.batchSize = 4
        let trainer = try BackgroundTrainer(options: options)
        let r = trainer.step()
        XCTAssertTrue(r.loss.isFinite)
        XCTAssertGreaterThan(r.batchTerm, 0)
        XCTAssertEqual(r.samples.scalars.min()!, 0, accuracy: 1e-6)
        XCTAssertEqual(r.samples.scalars.max()!, 1, accuracy: 1e-6)
        XCTAssertEqual(backgroundsAsRGB(Tensor(repeating: 0, shape: [6, 64, 64])).shape, [2, 64, 64, 3])
    }
}
