@testable import Engine
import Testing
import TestSupport

@Suite struct ReductionTests {
    /// Reference reduction: combines every element into the slot of the kept-dimensions shape.
    static func referenceReduce(_ x: Tensor, axes: [Int], _ combine: ([Double]) -> Double) -> (kept: [Int], values: [Float]) {
        let kept = x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        var groups = [[Double]](repeating: [], count: elementCount(kept))
        for (flat, v) in x.scalars.enumerated() {
            var index = unravel(flat, x.shape)
            for a in axes { index[a] = 0 }
            groups[ravel(index, kept)].append(Double(v))
        }
        return (kept, groups.map { Float(combine($0)) })
    }

    static func squeezed(_ kept: [Int], _ axes: [Int]) -> [Int] {
        kept.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Axis sets for rank 3, including negative axes, the empty set and `nil` (all axes).
    static let axisSets: [[Int]?] = [[0], [1], [2], [-1], [0, 2], [1, 2], [0, 1], [2, 0], [0, 1, 2], [], nil]

    static func normalise(_ axes: [Int]?, rank: Int) -> [Int] {
        Array(Set((axes ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 })).sorted()
    }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    static func variance(_ v: [Double], unbiased: Bool) -> Double {
        let m = mean(v)
        return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(unbiased ? v.count - 1 : v.count)
    }

    @Test(arguments: [false, true])
    func sumAndMean(keepingDimensions: Bool) {
        var rng = RandomGenerator(seed: keepingDimensions ? 11 : 12)
        for axes in Self.axisSets {
            let shape = rng.shape(rank: 3)
            let x = randomTensor(shape, &rng)
            let a = Self.normalise(axes, rank: 3)
            let expectedShape = { (kept: [Int]) in keepingDimensions ? kept : Self.squeezed(kept, a) }

            let (kept, sums) = Self.referenceReduce(x, axes: a) { $0.reduce(0, +) }
            expectClose(x.sum(axes: axes, keepingDimensions: keepingDimensions), sums, shape: expectedShape(kept))
            let (_, means) = Self.referenceReduce(x, axes: a, Self.mean)
            expectClose(x.mean(axes: axes, keepingDimensions: keepingDimensions), means, shape: expectedShape(kept))

            expectGradientsMatch([x], "sum \(String(describing: axes)) \(shape)") {
                $0[0].sum(axes: axes, keepingDimensions: keepingDimensions)
            }
            expectGradientsMatch([x], "mean \(String(describing: axes)) \(shape)") {
                $0[0].mean(axes: axes, keepingDimensions: keepingDimensions)
            }
        }
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func variance(unbiased: Bool, keepingDimensions: Bool) {
        var rng = RandomGenerator(seed: 20 + (unbiased ? 1 : 0) + (keepingDimensions ? 2 : 0))
        for axes in [[0], [1], [-1], [0, 2], [1, 2], nil] as [[Int]?] {
            // Reduced axes need ≥ 2 elements for the unbiased estimator.
            let a = Self.normalise(axes, rank: 3)
            let shape = (0..<3).map { a.contains($0) ? 2 + rng.nextInt(below: 3) : 1 + rng.nextInt(below: 3) }
            let x = randomTensor(shape, &rng)
            let (kept, values) = Self.referenceReduce(x, axes: a) { Self.variance($0, unbiased: unbiased) }
            let v = x.variance(axes: axes, unbiased: unbiased, keepingDimensions: keepingDimensions)
            expectClose(v, values, shape: keepingDimensions ? kept : Self.squeezed(kept, a))
            expectGradientsMatch([x], "variance \(String(describing: axes)) \(shape)") {
                $0[0].variance(axes: axes, unbiased: unbiased, keepingDimensions: keepingDimensions)
            }
        }
    }

    @Test func longRowsSumInBlocksExactlyEnough() {
        // Rows longer than the 32-scalar blocks, with a remainder: the whole tensor and the last axis.
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.uniform([5, 77], using: &rng)
        let total = x.scalars.reduce(0.0) { $0 + Double($1) }
        #expect(abs(Double(x.sum().scalars[0]) - total) < 1e-4)
        let (_, rows) = Self.referenceReduce(x, axes: [1]) { $0.reduce(0, +) }
        expectClose(x.sum(axes: [1]).scalars, rows, tolerance: 1e-4)
    }

    @Test func handComputedReductions() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        expectClose(x.sum(), [21], shape: [])
        expectClose(x.sum(axes: [0]), [5, 7, 9], shape: [3])
        expectClose(x.sum(axes: [1], keepingDimensions: true), [6, 15], shape: [2, 1])
        expectClose(x.mean(axes: [1]), [2, 5], shape: [2])
        expectClose(x.mean(), [3.5], shape: [])
        // Population variance of 1…6 is 35/12; sample variance is 3.5.
        expectClose(x.variance(unbiased: false), [35.0 / 12.0])
        expectClose(x.variance(), [3.5])
        expectClose(x.variance(axes: [1]), [1, 1], shape: [2])
        expectClose(x.variance(axes: [0], unbiased: false, keepingDimensions: true), [2.25, 2.25, 2.25], shape: [1, 3])
    }

    @Test(arguments: [false, true])
    func minAndMaxOverAxis(keepingDimensions: Bool) {
        var rng = RandomGenerator(seed: keepingDimensions ? 31 : 32)
        for rank in 1...4 {
            let shape = rng.shape(rank: rank, maxDimension: 3)
            let x = distinctValues(shape, &rng)
            for axis in Array(0..<rank) + [-1] {
                let a = axis < 0 ? axis + rank : axis
                let (kept, maxima) = Self.referenceReduce(x, axes: [a]) { $0.max()! }
                let (_, minima) = Self.referenceReduce(x, axes: [a]) { $0.min()! }
                let outShape = keepingDimensions ? kept : Self.squeezed(kept, [a])
                expectClose(x.max(axis: axis, keepingDimensions: keepingDimensions), maxima, shape: outShape)
                expectClose(x.min(axis: axis, keepingDimensions: keepingDimensions), minima, shape: outShape)
                expectGradientsMatch([x], "max axis \(axis) \(shape)") { $0[0].max(axis: axis, keepingDimensions: keepingDimensions) }
                expectGradientsMatch([x], "min axis \(axis) \(shape)") { $0[0].min(axis: axis, keepingDimensions: keepingDimensions) }
            }
        }
    }

    @Test func minAndMaxOverAll() {
        var rng = RandomGenerator(seed: 33)
        for rank in 0...3 {
            let shape = rng.shape(rank: rank)
            let x = distinctValues(shape, &rng)
            expectClose(x.max(), [x.scalars.max()!], shape: [])
            expectClose(x.min(), [x.scalars.min()!], shape: [])
            expectGradientsMatch([x], "max \(shape)") { $0[0].max() }
            expectGradientsMatch([x], "min \(shape)") { $0[0].min() }
        }
    }

    @Test func extremeGradientGoesToArgElement() {
        let x = Tensor(shape: [2, 3], scalars: [1, 5, 3, 7, 2, 9], requiresGradient: true)
        x.max(axis: 1).sum().backward()
        #expect(x.gradient!.scalars == [0, 1, 0, 0, 0, 1])
        x.zeroGradient()
        x.min(axis: 0).sum().backward()
        #expect(x.gradient!.scalars == [1, 0, 1, 0, 1, 0])
        x.zeroGradient()
        x.max().backward()
        #expect(x.gradient!.scalars == [0, 0, 0, 0, 0, 1])
        // Ties: the first extreme element takes the whole gradient.
        let t = Tensor(shape: [4], scalars: [2, 4, 4, 1], requiresGradient: true)
        t.max(axis: 0).backward()
        #expect(t.gradient!.scalars == [0, 1, 0, 0])
        t.zeroGradient()
        let u = Tensor(shape: [3], scalars: [1, 0, 0], requiresGradient: true)
        u.min().backward()
        #expect(u.gradient!.scalars == [0, 1, 0])
    }
}
