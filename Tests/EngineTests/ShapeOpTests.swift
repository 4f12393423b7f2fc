@testable import Engine
import Testing
import TestSupport

@Suite struct ShapeOpTests {
    @Test func reshaped() {
        var rng = RandomGenerator(seed: 40)
        let x = randomTensor([2, 3, 4], &rng)
        for target in [[24], [4, 6], [2, 12], [-1, 4], [3, -1, 2], [1, 24, 1], [2, 3, 4]] {
            let y = x.reshaped(to: target)
            #expect(y.scalars == x.scalars)
            #expect(elementCount(y.shape) == 24 && !y.shape.contains(-1))
            expectGradientsMatch([x], "reshape \(target)") { $0[0].reshaped(to: target) }
        }
        #expect(x.reshaped(to: [-1, 4]).shape == [6, 4])
        #expect(x.reshaped(to: [3, -1, 2]).shape == [3, 4, 2])
        #expect(Tensor(shape: [1], scalars: [5]).reshaped(to: []).shape == [])
        // A reshaped leaf shares storage and its gradient passes through unchanged.
        let w = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4], requiresGradient: true)
        (w.reshaped(to: [4]) * Tensor(shape: [4], scalars: [1, 10, 100, 1000])).sum().backward()
        #expect(w.gradient!.scalars == [1, 10, 100, 1000])
        #expect(w.gradient!.shape == [2, 2])
    }

    static func referencePermute(_ x: Tensor, _ p: [Int]) -> [Float] {
        let newShape = p.map { x.shape[$0] }
        let v = x.scalars
        return (0..<x.scalarCount).map { flat in
            let out = unravel(flat, newShape)
            var index = [Int](repeating: 0, count: x.rank)
            for (i, axis) in p.enumerated() { index[axis] = out[i] }
            return v[ravel(index, x.shape)]
        }
    }

    @Test func permuted() {
        var rng = RandomGenerator(seed: 41)
        let permutations: [[Int]] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0],
                                     [0, 2, 3, 1], [0, 3, 1, 2], [3, 2, 1, 0], [1, 0, 3, 2], [2, 3, 0, 1]]
        for p in permutations {
            let shape = rng.shape(rank: p.count, maxDimension: 4)
            let x = randomTensor(shape, &rng)
            expectClose(x.permuted(p), Self.referencePermute(x, p), shape: p.map { shape[$0] }, tolerance: 0)
            expectGradientsMatch([x], "permute \(p) \(shape)") { $0[0].permuted(p) }
        }
        // Hand-computed: NHWC → NCHW on a [1, 2, 2, 3] tensor.
        let x = Tensor(shape: [1, 2, 2, 3], scalars: (0..<12).map(Float.init))
        #expect(x.permuted([0, 3, 1, 2]).scalars == [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])
        // A permutation followed by its inverse is the identity.
        #expect(x.permuted([0, 3, 1, 2]).permuted([0, 2, 3, 1]).scalars == x.scalars)
    }

    @Test func transposed() {
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        expectClose(m.transposed(), [1, 4, 2, 5, 3, 6], shape: [3, 2], tolerance: 0)
        var rng = RandomGenerator(seed: 42)
        for rank in 2...4 {
            let shape = rng.shape(rank: rank)
            let x = randomTensor(shape, &rng)
            var p = Array(0..<rank)
            p.swapAt(rank - 1, rank - 2)
            expectClose(x.transposed(), Self.referencePermute(x, p), shape: p.map { shape[$0] }, tolerance: 0)
            expectGradientsMatch([x], "transposed \(shape)") { $0[0].transposed() }
        }
    }

    static func referenceSlice(_ x: Tensor, _ ranges: [Range<Int>]) -> (shape: [Int], values: [Float]) {
        let full = ranges + x.shape[ranges.count...].map { 0..<$0 }
        let shape = full.map(\.count)
        let v = x.scalars
        return (shape, (0..<elementCount(shape)).map { flat in
            let index = zip(unravel(flat, shape), full).map { $0 + $1.lowerBound }
            return v[ravel(index, x.shape)]
        })
    }

    @Test func slice() {
        var rng = RandomGenerator(seed: 43)
        let x = randomTensor([3, 4, 5], &rng)
        let cases: [[Range<Int>]] = [
            [0..<3, 0..<4, 0..<5], [1..<2], [0..<2, 1..<3], [1..<3, 0..<4, 2..<5],
            [2..<3, 3..<4, 4..<5], [0..<3, 1..<1], [], [0..<1, 0..<4, 1..<4],
        ]
        for ranges in cases {
            let (shape, values) = Self.referenceSlice(x, ranges)
            expectClose(x.slice(ranges), values, shape: shape, tolerance: 0)
            expectGradientsMatch([x], "slice \(ranges)") { $0[0].slice(ranges) }
        }
        // slice(axis:) with positive and negative axes.
        expectClose(x.slice(axis: 1, 1..<3), Self.referenceSlice(x, [0..<3, 1..<3]).values, shape: [3, 2, 5], tolerance: 0)
        expectClose(x.slice(axis: -1, 2..<4), Self.referenceSlice(x, [0..<3, 0..<4, 2..<4]).values, shape: [3, 4, 2], tolerance: 0)
        expectGradientsMatch([x]) { $0[0].slice(axis: -1, 2..<4) }
        // Hand-computed, and the gradient lands only inside the window.
        let m = Tensor(shape: [3, 3], scalars: (1...9).map(Float.init), requiresGradient: true)
        let s = m.slice([1..<3, 0..<2])
        #expect(s.scalars == [4, 5, 7, 8])
        s.sum().backward()
        #expect(m.gradient!.scalars == [0, 0, 0, 1, 1, 0, 1, 1, 0])
    }

    @Test func concatenate() {
        var rng = RandomGenerator(seed: 44)
        for (axis, count) in [(0, 2), (1, 2), (2, 3), (-1, 2), (0, 3), (1, 3)] {
            let base = rng.shape(rank: 3, maxDimension: 3)
            let a = axis < 0 ? axis + 3 : axis
            let parts = (0..<count).map { _ -> Tensor in
                var s = base
                s[a] = 1 + rng.nextInt(below: 3)
                return randomTensor(s, &rng)
            }
            let result = Tensor.concatenate(parts, axis: axis)
            var expectedShape = base
            expectedShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
            // Reference: each output element comes from the part covering its index along `a`.
            let expected = (0..<elementCount(expectedShape)).map { flat -> Float in
                var index = unravel(flat, expectedShape)
                var part = 0
                while index[a] >= parts[part].shape[a] { index[a] -= parts[part].shape[a]; part += 1 }
                return parts[part].scalars[ravel(index, parts[part].shape)]
            }
            expectClose(result, expected, shape: expectedShape, tolerance: 0)
            expectGradientsMatch(parts, "concatenate axis \(axis) \(parts.map(\.shape))") { Tensor.concatenate($0, axis: axis) }
        }
        let a = Tensor(shape: [2, 1], scalars: [1, 2]), b = Tensor(shape: [2, 2], scalars: [3, 4, 5, 6])
        expectClose(Tensor.concatenate([a, b], axis: 1), [1, 3, 4, 2, 5, 6], shape: [2, 3], tolerance: 0)
        expectClose(Tensor.concatenate([a.transposed(), b], axis: 0), [1, 2, 3, 4, 5, 6], shape: [3, 2], tolerance: 0)
        // Constant parts get no gradient; the same tensor twice gets both contributions.
        let w = Tensor(shape: [2, 1], scalars: [1, 2], requiresGradient: true)
        Tensor.concatenate([w, a, w], axis: 1).sum().backward()
        #expect(w.gradient!.scalars == [2, 2])
    }

    @Test func padded() {
        var rng = RandomGenerator(seed: 45)
        let cases: [[(Int, Int)]] = [[(1, 0), (0, 2)], [(0, 0), (0, 0)], [(2, 1), (1, 1), (0, 1)], [(0, 0), (3, 0), (0, 0)],
                                     [(1, 1), (0, 0), (1, 1), (2, 0)]]
        for padding in cases {
            let shape = rng.shape(rank: padding.count, maxDimension: 3)
            let x = randomTensor(shape, &rng)
            let value: Float = padding.count == 3 ? -7 : 0
            let pads = padding.map { (before: $0.0, after: $0.1) }
            let newShape = zip(shape, padding).map { $0 + $1.0 + $1.1 }
            let v = x.scalars
            let expected = (0..<elementCount(newShape)).map { flat -> Float in
                let index = zip(unravel(flat, newShape), padding).map { $0 - $1.0 }
                let inside = zip(index, shape).allSatisfy { $0 >= 0 && $0 < $1 }
                return inside ? v[ravel(index, shape)] : value
            }
            expectClose(x.padded(pads, value: value), expected, shape: newShape, tolerance: 0)
            expectGradientsMatch([x], "padded \(padding) \(shape)") { $0[0].padded(pads, value: value) }
        }
        let m = Tensor(shape: [1, 2], scalars: [1, 2])
        expectClose(m.padded([(before: 1, after: 0), (before: 0, after: 1)], value: 9), [9, 9, 9, 1, 2, 9], shape: [2, 3], tolerance: 0)
    }
}

@Suite struct GatheringRowsTests {
    @Test func gathersRowsAndAddsGradientsBackIntoRepeatedOnes() {
        let x = Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init), requiresGradient: true)
        let y = x.gatheringRows([3, 0, 3])
        #expect(y.shape == [3, 3])
        #expect(y.scalars == [9, 10, 11, 0, 1, 2, 9, 10, 11])
        (y * Tensor(shape: [3, 3], scalars: [1, 1, 1, 2, 2, 2, 3, 3, 3])).sum().backward()
        #expect(x.gradient!.scalars == [2, 2, 2, 0, 0, 0, 0, 0, 0, 4, 4, 4])
    }
}
