@testable import Engine
import Testing
import TestSupport

@Suite struct BinaryOpTests {
    /// Shape pairs covering equal shapes, trailing-axis, middle-axis, both-sides and scalar broadcasting.
    static let shapePairs: [([Int], [Int])] = [
        ([2, 3], [2, 3]),
        ([2, 3], [3]),
        ([3], [2, 3]),
        ([2, 1, 4], [3, 1]),
        ([4, 1], [1, 5]),
        ([2, 3], []),
        ([], [2, 3]),
        ([2, 3], [1]),
        ([1, 1], [2, 3]),
        ([2, 3, 4], [2, 1, 4]),
        ([3, 1, 2], [1, 4, 1]),
        ([1], []),
        ([], []),
    ]

    static let ops: [(String, (Tensor, Tensor) -> Tensor, (Float, Float) -> Float)] = [
        ("+", { $0 + $1 }, { $0 + $1 }),
        ("-", { $0 - $1 }, { $0 - $1 }),
        ("*", { $0 * $1 }, { $0 * $1 }),
        ("/", { $0 / $1 }, { $0 / $1 }),
    ]

    @Test(arguments: 0..<4)
    func broadcastingValuesAndGradients(op: Int) {
        let (name, f, reference) = Self.ops[op]
        var rng = RandomGenerator(seed: 100 + UInt64(op))
        for (sa, sb) in Self.shapePairs {
            let a = randomTensor(sa, &rng)
            // Keep divisors away from zero: |b| in [0.5, 1.5].
            let b = name == "/" ? awayFromZero(sb, &rng, margin: 0.5) : randomTensor(sb, &rng)
            let result = f(a, b)
            let expected = referenceBroadcast(a, b, reference)
            #expect(result.shape == expected.shape, "\(name) \(sa) \(sb)")
            expectClose(result.scalars, expected.values, tolerance: 1e-6)
            expectGradientsMatch([a, b], "\(name) \(sa) \(sb)") { f($0[0], $0[1]) }
        }
    }

    @Test(arguments: 0..<4)
    func randomBroadcastShapes(op: Int) {
        let (name, f, reference) = Self.ops[op]
        var rng = RandomGenerator(seed: 200 + UInt64(op))
        for _ in 0..<6 {
            let rank = 1 + rng.nextInt(below: 3)
            let full = rng.shape(rank: rank, maxDimension: 3)
            // Each operand drops some leading axes and sets some others to 1.
            func operand(_ rng: inout RandomGenerator) -> [Int] {
                let dropped = rng.nextInt(below: rank + 1)
                return full[dropped...].map { rng.nextUniform() < 0.4 ? 1 : $0 }
            }
            let sa = operand(&rng), sb = operand(&rng)
            let a = randomTensor(sa, &rng)
            let b = name == "/" ? awayFromZero(sb, &rng, margin: 0.5) : randomTensor(sb, &rng)
            let expected = referenceBroadcast(a, b, reference)
            let result = f(a, b)
            #expect(result.shape == expected.shape)
            expectClose(result.scalars, expected.values, tolerance: 1e-6)
            expectGradientsMatch([a, b], "\(name) \(sa) \(sb)") { f($0[0], $0[1]) }
        }
    }

    @Test func handComputedBroadcast() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3], scalars: [10, 20, 30])
        expectClose(a + b, [11, 22, 33, 14, 25, 36], shape: [2, 3])
        expectClose(a - b, [-9, -18, -27, -6, -15, -24], shape: [2, 3])
        expectClose(a * b, [10, 40, 90, 40, 100, 180], shape: [2, 3])
        expectClose(b / a, [10, 10, 10, 2.5, 4, 5], shape: [2, 3])
        let c = Tensor(shape: [4, 1], scalars: [1, 2, 3, 4])
        let d = Tensor(shape: [1, 5], scalars: [1, 2, 4, 5, 10])
        expectClose(c / d, [1, 0.5, 0.25, 0.2, 0.1, 2, 1, 0.5, 0.4, 0.2, 3, 1.5, 0.75, 0.6, 0.3, 4, 2, 1, 0.8, 0.4],
                    shape: [4, 5])
    }

    @Test func broadcastGradientsSumOverBroadcastAxes() {
        // d/db Σ(a + b) over [2,3]+[3] is 2 per element (each b element used by two rows).
        let a = Tensor(zeros: [2, 3], requiresGradient: true)
        let b = Tensor(zeros: [3], requiresGradient: true)
        (a + b).sum().backward()
        #expect(a.gradient!.scalars == [1, 1, 1, 1, 1, 1])
        #expect(b.gradient!.scalars == [2, 2, 2])
        let s = Tensor(shape: [], scalars: [2], requiresGradient: true)
        let m = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4], requiresGradient: true)
        (m * s).sum().backward()
        #expect(s.gradient!.scalars == [10])
        #expect(s.gradient!.shape == [])
        #expect(m.gradient!.scalars == [2, 2, 2, 2])
    }

    @Test func scalarOperatorsAndScaled() {
        var rng = RandomGenerator(seed: 300)
        let x = randomTensor([2, 3], &rng)
        let v = x.scalars
        expectClose(x + 2, v.map { $0 + 2 })
        expectClose(2 + x, v.map { 2 + $0 })
        expectClose(x - 2, v.map { $0 - 2 })
        expectClose(2 - x, v.map { 2 - $0 })
        expectClose(x * 3, v.map { $0 * 3 })
        expectClose(3 * x, v.map { 3 * $0 })
        expectClose(x / 4, v.map { $0 / 4 })
        expectClose(-x, v.map { -$0 })
        expectClose(x.scaled(by: -1.5), v.map { -1.5 * $0 }, shape: [2, 3])
        let y = awayFromZero([2, 3], &rng, margin: 0.5)
        expectClose(2 / y, y.scalars.map { 2 / $0 })

        expectGradientsMatch([x]) { $0[0].scaled(by: -1.5) }
        expectGradientsMatch([x]) { $0[0] + 2 }
        expectGradientsMatch([x]) { 2 - $0[0] }
        expectGradientsMatch([x]) { $0[0] / 4 }
        expectGradientsMatch([x]) { -$0[0] }
        expectGradientsMatch([y]) { 2 / $0[0] }
    }

    @Test func maximum() {
        var rng = RandomGenerator(seed: 400)
        for (sa, sb) in [([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1], [1, 3]), ([3], [])] as [([Int], [Int])] {
            // Spaced values with a random offset so no pair is within 2h of a tie.
            let a = distinctValues(sa, &rng, spacing: 0.2)
            let b = Tensor(shape: sb, scalars: distinctValues(sb, &rng, spacing: 0.2).scalars.map { $0 + 0.1 })
            let result = Tensor.maximum(a, b)
            let expected = referenceBroadcast(a, b) { Swift.max($0, $1) }
            #expect(result.shape == expected.shape)
            expectClose(result.scalars, expected.values)
            expectGradientsMatch([a, b], "maximum \(sa) \(sb)") { Tensor.maximum($0[0], $0[1]) }
        }
        // Ties send the gradient to the first operand.
        let a = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let b = Tensor(shape: [2], scalars: [1, 3], requiresGradient: true)
        Tensor.maximum(a, b).sum().backward()
        #expect(a.gradient!.scalars == [1, 0])
        #expect(b.gradient!.scalars == [0, 1])
    }
}
