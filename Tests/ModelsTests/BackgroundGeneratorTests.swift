import Engine
import Models
import Testing

@Suite struct BackgroundGeneratorTests {
    @Test func shiftRangeOutputSpansUnitInterval() {
        var rng = RandomGenerator(seed: 3)
        let generator = BackgroundGenerator(hiddenSize: 32, using: &rng)
        #expect(BackgroundGenerator(using: &rng).parameterCount == 12_722_176)
        let images = generator(Tensor.normal([4, 64], using: &rng))
        #expect(images.shape == [4, 64, 64])
        for b in 0..<4 {
            let values = Array(images.scalars[(b * 4096)..<((b + 1) * 4096)])
            #expect(abs(values.min()! - 0) <= 1e-6)
            #expect(abs(values.max()! - 1) <= 1e-6)
        }
    }

    @Test func diversityIsZeroForIdenticalSamples() {
        var rng = RandomGenerator(seed: 1)
        let one = Tensor.uniform([1, 8, 8], using: &rng).scalars
        let same = Tensor(shape: [4, 8, 8], scalars: one + one + one + one)
        #expect(abs(backgroundDiversity(same)) <= 1e-9)
        let different = Tensor.uniform([4, 8, 8], using: &rng)
        #expect(backgroundDiversity(different) > 0.5)
        #expect(backgroundCoverage(Tensor.uniform([4, 64, 64], using: &rng)) < 0.05)
        #expect(abs(backgroundCoverage(Tensor(repeating: 0.5, shape: [2, 4, 4])) - 15.0 / 16.0) <= 1e-9)
    }
}
