import Engine
import Models
import Testing

@Suite struct ConditionalGANTests {
    @Test func stepReducesDiscriminatorLossOnToySet() {
        var rng = RandomGenerator(seed: 0)
        let gan = ConditionalGAN(classCount: 2, hiddenSize: 32, learningRate: 1e-3, using: &rng)
        #expect(ConditionalGenerator(using: &rng).parameterCount == 26 * 16 + 80 * 2048 + 2048 + 2048 * 2048 + 2048 + 2048 * 4096 + 4096)
        // Toy set: class 0 all −1 with a bright square, class 1 all +1.
        var pixels = [Float](repeating: -1, count: 4 * 4096)
        for i in (2 * 4096)..<(4 * 4096) { pixels[i] = 1 }
        let real = Tensor(shape: [4, 64, 64, 1], scalars: pixels)
        let labels = [0, 0, 1, 1]
        let first = gan.step(real: real, labels: labels, using: &rng)
        var last = first
        for _ in 0..<5 { last = gan.step(real: real, labels: labels, using: &rng) }
        #expect(first.discriminatorLoss.isFinite && last.generatorLoss.isFinite)
        #expect(last.discriminatorLoss < first.discriminatorLoss)
        let images = withoutGradients { gan.generator(Tensor.normal([2, 64], using: &rng), labels: [0, 1]) }
        #expect(images.shape == [2, 64, 64, 1])
        #expect(images.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }
}
