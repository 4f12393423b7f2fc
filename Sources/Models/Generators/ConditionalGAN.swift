import Engine
import NN


/// Both networks with their Adam optimisers (lr 2e-4, β (0.5, 0.999)) and the training step of spec §3.
public final class ConditionalGAN: Module {
    public let generator: ConditionalGenerator
    public let discriminator: ConditionalDiscriminator
    public let generatorOptimizer: Adam
    public let discriminatorOptimizer: Adam
    private let generatorParameters: [Parameter]
    private let discriminatorParameters: [Parameter]

    public init(classCount: Int = 26, hiddenSize: Int = 2048, learningRate: Float = 2e-4, using rng: inout RandomGenerator) {
        generator = ConditionalGenerator(classCount: classCount, hiddenSize: hiddenSize, using: &rng)
        discriminator = ConditionalDiscriminator(classCount: classCount, hiddenSize: hiddenSize, using: &rng)
        generatorOptimizer = Adam(learningRate: learningRate, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, convention: .pytorch)
        discriminatorOptimizer = Adam(learningRate: learningRate, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, convention: .pytorch)
        generatorParameters = generator.parameters
        discriminatorParameters = discriminator.parameters
    }

    public var parameters: [Parameter] { generator.parameters.prefixed("generator") + discriminator.parameters.prefixed("discriminator") }

    /// One discriminator step (real batch → 1, generated batch with the same labels → 0, generator output detached),
    /// then one generator step on fresh noise with target 1. `real` is `[N, 64, 64, 1]` in [−1, 1].
    @discardableResult
    public func step(real: Tensor, labels: [Int], using rng: inout RandomGenerator) -> (discriminatorLoss: Float, generatorLoss: Float) {
        let n = real.shape[0]
        let ones = Tensor(repeating: 1, shape: [n, 1]), zeros = Tensor(repeating: 0, shape: [n, 1])
        // Discriminator.
        for p in discriminatorParameters { p.tensor.zeroGradient() }
        let noise = Tensor.normal([n, ConditionalGenerator.noiseSize], using: &rng)
        let fake = withoutGradients { generator(noise, labels: labels) }
        let realLoss = binaryCrossEntropy(predictions: discriminator(real, labels: labels), targets: ones)
        let fakeLoss = binaryCrossEntropy(predictions: discriminator(fake, labels: labels), targets: zeros)
        let dLoss = realLoss + fakeLoss
        dLoss.backward()
        discriminatorOptimizer.update(discriminatorParameters)
        // Generator.
        for p in generatorParameters { p.tensor.zeroGradient() }
        let noise2 = Tensor.normal([n, ConditionalGenerator.noiseSize], using: &rng)
        let gLoss = binaryCrossEntropy(predictions: discriminator(generator(noise2, labels: labels), labels: labels), targets: ones)
        gLoss.backward()
        generatorOptimizer.update(generatorParameters)
        for p in discriminatorParameters { p.tensor.zeroGradient() }
        return (dLoss.scalar, gLoss.scalar)
    }
}
