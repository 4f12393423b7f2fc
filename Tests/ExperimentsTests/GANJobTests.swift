import Engine
import Experiments
import Models
import Testing

@Suite struct GANJobTests {
    /// Toy set: class 0 all −1, class 1 all +1; the adversarial step makes the discriminator better at telling them apart.
    @Test func stepReducesDiscriminatorLossOnToySet() throws {
        var rng = RandomGenerator(seed: 0)
        #expect(ConditionalGenerator(using: &rng).parameterCount == 26 * 16 + 80 * 2048 + 2048 + 2048 * 2048 + 2048 + 2048 * 4096 + 4096)
        var pixels = [Float](repeating: -1, count: 4 * 4096)
        for i in (2 * 4096)..<(4 * 4096) { pixels[i] = 1 }
        var c = GANConfiguration()
        c.hiddenSize = 32
        c.learningRate = 1e-3
        c.batchSize = 4
        let job = try GANJob(configuration: c, data: LetterSet(images: pixels, labels: [0, 0, 1, 1], source: "toy"))
        let update = StepUpdate(plan: job.plan)
        let first = try job.step([0, 1, 2, 3], update: update)
        var last = first
        for _ in 0..<5 { last = try job.step([0, 1, 2, 3], update: update) }
        #expect(first.allSatisfy(\.isFinite) && last.allSatisfy(\.isFinite))
        #expect(last[0] < first[0])
        let images = withoutGradients { job.generator(Tensor.normal([2, 64], using: &rng), labels: [0, 1]) }
        #expect(images.shape == [2, 64, 64, 1])
        #expect(images.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }
}
