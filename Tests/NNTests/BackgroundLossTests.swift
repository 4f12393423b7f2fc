import Engine
import NN
import Testing

@Suite struct BackgroundLossTests {
    @Test func distributionLossMatchesHandComputation() {
        // One 2×2 image; columns (0.9, 0.1) and (0.3, 0.6); uniform sample columns (0.2, 0.7) and (0.5, 0.4).
        let image = Tensor(shape: [1, 2, 2], scalars: [0.9, 0.3, 0.1, 0.6], requiresGradient: true)
        let uniform = Tensor(shape: [1, 2, 2], scalars: [0.7, 0.5, 0.2, 0.4])
        // Sorted column 0: (0.1, 0.9) vs (0.2, 0.7): 0.1 + 0.2; column 1: (0.3, 0.6) vs (0.4, 0.5): 0.1 + 0.1.
        let loss = distributionLoss(image, uniformSample: uniform)
        #expect(abs(loss.scalar - 0.5) <= 1e-6)
        loss.backward()
        // d/dx: 0.9 → +1 (0.9 > 0.7), 0.1 → −1, 0.3 → −1, 0.6 → +1.
        #expect(image.gradient!.scalars == [1, -1, -1, 1])
        // Batch mean: two copies give the same loss.
        let two = Tensor(shape: [2, 2, 2], scalars: image.scalars + image.scalars)
        let twoUniform = Tensor(shape: [2, 2, 2], scalars: uniform.scalars + uniform.scalars)
        #expect(abs(distributionLoss(two, uniformSample: twoUniform).scalar - 0.5) <= 1e-6)
    }

    /// The distribution loss with a plain stable sort of every column (ties keep row order).
    static func referenceDistributionLoss(_ x: [Float], _ u: [Float], n: Int, h: Int, w: Int) -> (loss: Double, signs: [Float]) {
        var signs = [Float](repeating: 0, count: x.count)
        var total: Double = 0
        for b in 0..<n {
            for c in 0..<w {
                let at = (0..<h).map { b * h * w + $0 * w + c }
                let order = at.enumerated().sorted { x[$0.1] != x[$1.1] ? x[$0.1] < x[$1.1] : $0.0 < $1.0 }.map { $0.1 }
                let targets = at.map { u[$0] }.sorted()
                var column: Float = 0
                for k in 0..<h {
                    let d = x[order[k]] - targets[k]
                    column += abs(d)
                    signs[order[k]] = d > 0 ? 1 : (d < 0 ? -1 : 0)
                }
                total += Double(column)
            }
        }
        return (total / Double(n), signs)
    }

    @Test(arguments: [(3, 64, 64), (1, 128, 96), (2, 5, 8), (2, 7, 3), (4, 33, 16), (2, 9, 70), (3, 1, 8)])
    func sortingNetworkPathMatchesStableSort(_ size: (Int, Int, Int)) {
        let (n, h, w) = size
        var rng = RandomGenerator(seed: UInt64(11 + n * h * w))
        // Values on a coarse grid so that columns hold ties; some negative zeros and negatives.
        var x = Tensor.uniform([n, h, w], using: &rng).scalars.map { ($0 * 8).rounded(.down) / 8 - 0.25 }
        x[0] = -0.0; x[1] = 0
        let u = Tensor.uniform([n, h, w], using: &rng).scalars
        let image = Tensor(shape: [n, h, w], scalars: x, requiresGradient: true)
        let loss = distributionLoss(image, uniformSample: Tensor(shape: [n, h, w], scalars: u))
        let reference = Self.referenceDistributionLoss(x, u, n: n, h: h, w: w)
        #expect(abs(Double(loss.scalar) - reference.loss) <= reference.loss * 1e-6, "\(n)×\(h)×\(w)")
        loss.backward()
        #expect(image.gradient!.scalars == reference.signs.map { $0 / Float(n) }, "\(n)×\(h)×\(w)")
    }

    @Test func smoothnessLossOfConstantCropIsZeroAndFinite() {
        let image = Tensor(repeating: 0.4, shape: [2, 20, 20]).copied(requiresGradient: true)
        let loss = smoothnessLoss(image, cropCorners: [(0, 0), (4, 3)], cropSize: 16)
        #expect(loss.scalar == 0)
        loss.backward()
        #expect(image.gradient!.scalars.allSatisfy { $0.isFinite })
    }

    @Test func smoothnessLossMatchesDefinition() {
        var rng = RandomGenerator(seed: 5)
        let image = Tensor.uniform([1, 4, 4], using: &rng)
        let crop = image.slice([0..<1, 1..<3, 1..<3]).reshaped(to: [4])
        let v = crop.variance(axes: [0], unbiased: true).scalar
        let range = crop.scalars.max()! - crop.scalars.min()!
        #expect(abs(smoothnessLoss(image, cropCorners: [(1, 1)], cropSize: 2).scalar - v / range) <= 1e-6)
        // The gradient agrees with the composed engine ops.
        let a = image.copied(requiresGradient: true)
        smoothnessLoss(a, cropCorners: [(1, 1)], cropSize: 2).backward()
        let b = image.copied(requiresGradient: true)
        let c = b.slice([0..<1, 1..<3, 1..<3]).reshaped(to: [4])
        (c.variance(axes: [0]) / (c.max() - c.min())).backward()
        for (x, y) in zip(a.gradient!.scalars, b.gradient!.scalars) { #expect(abs(x - y) <= 1e-5) }
    }
}
