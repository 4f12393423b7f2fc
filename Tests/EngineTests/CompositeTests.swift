@testable import Engine
import Foundation
import Testing
import TestSupport

/// Ops chained the way models use them: the gradient check covers their interplay (broadcast reductions
/// feeding elementwise ops, kept dimensions, shared subexpressions).
@Suite struct CompositeTests {
    static func logSoftmax(_ x: Tensor) -> Tensor {
        let shifted = x - x.max(axis: 1, keepingDimensions: true).detached()
        return shifted - shifted.exp().sum(axes: [1], keepingDimensions: true).log()
    }

    @Test func logSoftmax() {
        var rng = RandomGenerator(seed: 90)
        let x = randomTensor([3, 5], &rng, low: -2, high: 2)
        let y = Self.logSoftmax(x)
        let v = x.scalars
        var expected: [Float] = []
        for r in 0..<3 {
            let row = v[r * 5..<(r + 1) * 5].map(Double.init)
            let lse = Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +))
            expected += row.map { Float($0 - lse) }
        }
        expectClose(y, expected, shape: [3, 5])
        // Rows of softmax sum to 1.
        expectClose(y.exp().sum(axes: [1]), [1, 1, 1])
        expectGradientsMatch([x]) { Self.logSoftmax($0[0]) }
    }

    @Test func layerNormalisation() {
        var rng = RandomGenerator(seed: 91)
        let x = randomTensor([4, 6], &rng, low: -2, high: 2)
        let gain = randomTensor([6], &rng, low: 0.5, high: 1.5), bias = randomTensor([6], &rng)
        func layerNorm(_ t: [Tensor]) -> Tensor {
            let centred = t[0] - t[0].mean(axes: [-1], keepingDimensions: true)
            let deviation = (t[0].variance(axes: [-1], unbiased: false, keepingDimensions: true) + 1e-5).squareRoot()
            return centred / deviation * t[1] + t[2]
        }
        let y = withoutGradients { layerNorm([x, Tensor(repeating: 1, shape: [6]), Tensor(zeros: [6])]) }
        // Normalised rows have mean 0 and (biased) variance 1.
        expectClose(y.mean(axes: [1]), [0, 0, 0, 0], tolerance: 1e-5)
        expectClose(y.variance(axes: [1], unbiased: false), [1, 1, 1, 1], tolerance: 1e-3)
        expectGradientsMatch([x, gain, bias]) { layerNorm($0) }
    }

    @Test func twoLayerPerceptronWithMeanSquaredError() {
        var rng = RandomGenerator(seed: 92)
        let x = randomTensor([5, 3], &rng), target = randomTensor([5, 2], &rng)
        let w1 = randomTensor([4, 3], &rng), b1 = randomTensor([4], &rng)
        let w2 = randomTensor([2, 4], &rng), b2 = randomTensor([2], &rng)
        expectGradientsMatch([x, w1, b1, w2, b2, target], constant: [0, 5]) { t in
            let hidden = Tensor.linear(t[0], weight: t[1], bias: t[2]).tanh()
            let output = Tensor.linear(hidden, weight: t[3], bias: t[4]).sigmoid()
            return (output - t[5]).squared().mean()
        }
    }

    @Test func broadcastShapeRules() {
        #expect(broadcastShape([2, 3], [3]) == [2, 3])
        #expect(broadcastShape([2, 1, 4], [3, 1]) == [2, 3, 4])
        #expect(broadcastShape([], [2, 2]) == [2, 2])
        #expect(broadcastShape([4, 1], [1, 5]) == [4, 5])
        #expect(broadcastShape([0, 1], [1, 3]) == [0, 3])
        #expect(broadcastShape([2, 3], [4]) == nil)
        #expect(broadcastShape([2, 3], [3, 3]) == nil)
        #expect(contiguousStrides([2, 3, 4]) == [12, 4, 1])
        #expect(contiguousStrides([]) == [])
        #expect(broadcastStrides([3, 1], to: [2, 3, 4]) == [0, 1, 0])
    }

    @Test func incompatibleShapesStopTheProgram() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor(zeros: [2, 3]) + Tensor(zeros: [4])
        }
    }
}
