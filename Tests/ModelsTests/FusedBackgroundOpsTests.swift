import Engine
import Models
import NN
import XCTest

/// The fused background-generator operations (SIMD sorting network, fused ShiftRange, RMSprop that zeroes
/// gradients) against straightforward references.
final class FusedBackgroundOpsTests: XCTestCase {
    /// The distribution loss with a plain stable sort of every column (ties keep row order).
    func referenceDistributionLoss(_ x: [Float], _ u: [Float], n: Int, h: Int, w: Int) -> (loss: Double, signs: [Float]) {
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

    func testSortingNetworkPathMatchesStableSort() {
        var rng = RandomGenerator(seed: 11)
        for (n, h, w) in [(3, 64, 64), (1, 128, 96), (2, 5, 8), (2, 7, 3), (4, 33, 16)] {
            // Values on a coarse grid so that columns hold ties; some negative zeros and negatives.
            var x = Tensor.uniform([n, h, w], using: &rng).scalars.map { ($0 * 8).rounded(.down) / 8 - 0.25 }
            x[0] = -0.0; x[1] = 0
            let u = Tensor.uniform([n, h, w], using: &rng).scalars
            let image = Tensor(shape: [n, h, w], scalars: x, requiresGradient: true)
            let loss = distributionLoss(image, uniformSample: Tensor(shape: [n, h, w], scalars: u))
            let reference = referenceDistributionLoss(x, u, n: n, h: h, w: w)
            XCTAssertEqual(Double(loss.scalar), reference.loss, accuracy: reference.loss * 1e-6, "\(n)×\(h)×\(w)")
            loss.backward()
            XCTAssertEqual(image.gradient!.scalars, reference.signs.map { $0 / Float(n) }, "\(n)×\(h)×\(w)")
        }
    }

    func testFusedShiftRangeMatchesComposedOperations() {
        var rng = RandomGenerator(seed: 12)
        var scalars = Tensor.normal([5, 300], using: &rng).scalars
        for i in 600..<900 { scalars[i] = 0.5 }      // a constant sample
        scalars[10] = scalars[20]                     // a tie (the gradient goes to the first extreme)
        let weights = Tensor.normal([5, 300], using: &rng)
        let x = Tensor(shape: [5, 300], scalars: scalars, requiresGradient: true)
        let y = Tensor(shape: [5, 300], scalars: scalars, requiresGradient: true)
        let fused = ShiftRange(low: -1, high: 2)(x)
        // The composed form the fused layer replaces.
        let minimum = y.min(axis: 1, keepingDimensions: true)
        let range = y.max(axis: 1, keepingDimensions: true) - minimum
        let guardTerm = Tensor(shape: range.shape, scalars: range.scalars.map { $0 > 0 ? 0 : 1 })
        let composed = (y - minimum) / (range + guardTerm) * 3 + -1
        XCTAssertEqual(fused.scalars, composed.scalars)
        (fused * weights).sum().backward()
        (composed * weights).sum().backward()
        for (a, b) in zip(x.gradient!.scalars, y.gradient!.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(b))) }
    }

    func testRMSPropThatZeroesGradientsMatchesZeroingBeforeEachStep() {
        var rng = RandomGenerator(seed: 13)
        let a = Tensor.normal([1000, 77], using: &rng).copied(requiresGradient: true)
        let b = a.copied(requiresGradient: true)
        let serial = RMSProp(learningRate: 1e-2, threads: 1), fused = RMSProp(learningRate: 1e-2, threads: 2, zeroesGradients: true)
        for _ in 0..<3 {
            a.zeroGradient()
            (a * a * a).sum().backward()
            (b * b * b).sum().backward()
            serial.update([Parameter(name: "w", tensor: a)])
            fused.update([Parameter(name: "w", tensor: b)])
            XCTAssertTrue(b.gradient!.scalars.allSatisfy { $0 == 0 })
        }
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertEqual(fused.state["w.square_avg"]!.scalars, serial.state["w.square_avg"]!.scalars)
    }
}
