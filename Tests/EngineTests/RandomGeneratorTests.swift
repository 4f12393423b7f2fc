import Testing
@testable import Engine

@Suite struct RandomGeneratorTests {
    @Test func sameSeedSameSequence() {
        var a = RandomGenerator(seed: 1234), b = RandomGenerator(seed: 1234)
        for _ in 0..<1000 { #expect(a.next() == b.next()) }
        #expect(a == b)
        var c = RandomGenerator(seed: 99), d = RandomGenerator(seed: 99)
        #expect((0..<100).map { _ in c.nextNormal() } == (0..<100).map { _ in d.nextNormal() })
    }

    @Test func differentSeedsDiffer() {
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 2)
        let sa = (0..<100).map { _ in a.next() }, sb = (0..<100).map { _ in b.next() }
        #expect(zip(sa, sb).filter { $0 == $1 }.count == 0)
        #expect(RandomGenerator(seed: 0) != RandomGenerator(seed: 1))
        // Seed 0 must not give the all-zero xoshiro state (which would output zeros forever).
        var z = RandomGenerator(seed: 0)
        #expect(z.stateWords != [0, 0, 0, 0])
        #expect((0..<10).map { _ in z.next() }.contains { $0 != 0 })
    }

    @Test func stateWordsRoundTrip() {
        var a = RandomGenerator(seed: 77)
        for _ in 0..<37 { _ = a.next() }
        _ = a.nextNormal()
        let saved = a.stateWords
        #expect(saved.count == 4)
        var b = RandomGenerator(stateWords: saved)
        #expect(a == b)
        for _ in 0..<500 { #expect(a.next() == b.next()) }
        #expect((0..<50).map { _ in a.nextUniform() } == (0..<50).map { _ in b.nextUniform() })
        #expect(a.permutation(20) == b.permutation(20))
    }

    @Test func goldenValuesForSeed42() {
        var rng = RandomGenerator(seed: 42)
        #expect(rng.stateWords == RandomGeneratorTests.goldenState42)
        #expect((0..<4).map { _ in rng.next() } == RandomGeneratorTests.goldenNext42)
        var u = RandomGenerator(seed: 42)
        #expect((0..<3).map { _ in u.nextUniform() } == RandomGeneratorTests.goldenUniform42)
        var n = RandomGenerator(seed: 42)
        #expect((0..<3).map { _ in n.nextNormal() } == RandomGeneratorTests.goldenNormal42)
        var i = RandomGenerator(seed: 42)
        #expect((0..<6).map { _ in i.nextInt(below: 10) } == RandomGeneratorTests.goldenInt42)
        var p = RandomGenerator(seed: 42)
        #expect(p.permutation(8) == RandomGeneratorTests.goldenPermutation42)
    }

    @Test func uniformRangeAndMean() {
        var rng = RandomGenerator(seed: 5)
        let count = 100_000
        var sum = 0.0, sumDouble = 0.0
        var minimum: Float = 1, maximum: Float = 0
        for _ in 0..<count {
            let u = rng.nextUniform()
            #expect(u >= 0 && u < 1)
            minimum = Swift.min(minimum, u); maximum = Swift.max(maximum, u)
            sum += Double(u)
            let d = rng.nextUniformDouble()
            #expect(d >= 0 && d < 1)
            sumDouble += d
        }
        // Standard error of the mean is √(1/12/n) ≈ 9e-4; 0.01 is > 10σ.
        #expect(Swift.abs(sum / Double(count) - 0.5) < 0.01)
        #expect(Swift.abs(sumDouble / Double(count) - 0.5) < 0.01)
        #expect(minimum < 1e-3 && maximum > 1 - 1e-3)
        let t = Tensor.uniform([1000], low: -2, high: 3, using: &rng)
        #expect(t.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    @Test func uniformNeverReachesTheUpperBound() {
        // A state whose first output has all 24 top bits set, so nextUniform() = 1 − 2⁻²⁴, the largest value.
        // (s1 solves rotl(s1·5, 7)·9 = 0xFFFFFF << 40 | 0x12345; only state word 1 affects the first output.)
        let extreme = RandomGenerator(stateWords: [0, 2_683_745_057_755_050_816, 0, 0])
        var rng = extreme
        #expect(rng.next() >> 40 == 0xFF_FFFF)
        rng = extreme
        #expect(rng.nextUniform() == 1 - 1.0 / 16_777_216)
        // low + (high − low)·u rounds up to `high` in Float32 for such u; [low, high) must still hold.
        for (low, high) in [(Float(1), Float(2)), (0, 1), (-1, 1), (-0.5, 0.25), (10, 11), (-3, -2)] {
            rng = extreme
            let t = Tensor.uniform([1], low: low, high: high, using: &rng)
            #expect(t.scalar >= low && t.scalar < high, "uniform(\(low), \(high)) gave \(t.scalar)")
        }
    }

    @Test func normalMomentsAndTails() {
        var rng = RandomGenerator(seed: 6)
        let count = 100_000
        var sum = 0.0, sumSquares = 0.0, beyond2 = 0
        for _ in 0..<count {
            let x = Double(rng.nextNormal())
            #expect(x.isFinite)
            sum += x; sumSquares += x * x
            if Swift.abs(x) > 2 { beyond2 += 1 }
        }
        let mean = sum / Double(count)
        let std = (sumSquares / Double(count) - mean * mean).squareRoot()
        // Standard errors: mean 1/√n ≈ 3.2e-3, std 1/√(2n) ≈ 2.2e-3.
        #expect(Swift.abs(mean) < 0.01)
        #expect(Swift.abs(std - 1) < 0.02)
        // P(|x| > 2) = 0.0455.
        #expect(Swift.abs(Double(beyond2) / Double(count) - 0.0455) < 0.004)
        let t = Tensor.normal([20_000], mean: 3, standardDeviation: 0.5, using: &rng)
        let m = t.scalars.reduce(0, +) / 20_000
        #expect(Swift.abs(m - 3) < 0.02)
        #expect(Swift.abs(t.variance().scalar.squareRoot() - 0.5) < 0.02)
    }

    @Test(arguments: [2, 3, 7, 10, 100])
    func nextIntCoversAllValuesWithoutBias(bound: Int) {
        var rng = RandomGenerator(seed: 7 + UInt64(bound))
        let draws = 1000 * bound
        var counts = [Int](repeating: 0, count: bound)
        for _ in 0..<draws {
            let v = rng.nextInt(below: bound)
            #expect(v >= 0 && v < bound)
            counts[v] += 1
        }
        #expect(counts.allSatisfy { $0 > 0 })
        // Pearson χ² with bound − 1 degrees of freedom: mean k, sd √(2k). Reject beyond k + 6√(2k) (~1e-6 level).
        let expected = Double(draws) / Double(bound)
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        let k = Double(bound - 1)
        #expect(chiSquare < k + 6 * (2 * k).squareRoot() + 6)
        #expect(rng.nextInt(below: 1) == 0)
    }

    @Test func nextIntHandlesHugeBounds() {
        // A bound just above 2⁶³ makes the rejection threshold large; values must stay in range.
        var rng = RandomGenerator(seed: 8)
        let bound = Int.max
        for _ in 0..<1000 {
            let v = rng.nextInt(below: bound)
            #expect(v >= 0 && v < bound)
        }
    }

    @Test func permutationIsAPermutation() {
        var rng = RandomGenerator(seed: 9)
        for count in [0, 1, 2, 5, 17, 100] {
            let p = rng.permutation(count)
            #expect(p.sorted() == Array(0..<count))
        }
        // Every one of the 6 orders of 3 elements turns up, roughly equally often.
        var seen: [[Int]: Int] = [:]
        for _ in 0..<6000 { seen[rng.permutation(3), default: 0] += 1 }
        #expect(seen.count == 6)
        #expect(seen.values.allSatisfy { $0 > 850 && $0 < 1150 })
        // Shuffle keeps the multiset.
        var words = ["a", "b", "c", "d", "e", "f"]
        rng.shuffle(&words)
        #expect(words.sorted() == ["a", "b", "c", "d", "e", "f"])
    }

    // Golden values, computed once from this implementation and cross-checked against an independent
    // (Python) SplitMix64 + xoshiro256** implementation for the state and raw outputs. Any change to the
    // generator, the seeding, or the float/int/normal/permutation derivations breaks reproducibility of
    // every seeded experiment, so it must show up here.
    static let goldenState42: [UInt64] = [13679457532755275413, 2949826092126892291, 5139283748462763858, 6349198060258255764]
    static let goldenNext42: [UInt64] = [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193]
    static let goldenUniform42: [Float] = [0.08386296, 0.37898022, 0.6800434]
    static let goldenNormal42: [Float] = [-0.30326307, 1.3438118, 0.3834618]
    static let goldenInt42: [Int] = [0, 3, 6, 9, 9, 7]
    static let goldenPermutation42: [Int] = [7, 1, 6, 3, 5, 4, 2, 0]
}
