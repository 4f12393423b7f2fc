import Engine
import NN

/// The article's smooth-background generator (seed 000, spec §1): dense 64 → 2048 (ReLU) → 2048 (ReLU) → 4096,
/// then `ShiftRange(0, 1)` per sample, reshaped to one 64×64 channel. 12,722,176 parameters, PyTorch's default init.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let generator = BackgroundGenerator(using: &rng)
/// let images = generator(Tensor.normal([128, 64], using: &rng)) // [128, 64, 64], each spanning [0, 1]
/// ```
public final class BackgroundGenerator: BackgroundModel {
    public static let noiseSize = 64
    public static let side = 64
    public let hidden1: Linear
    public let hidden2: Linear
    public let output: Linear
    public let shift = ShiftRange(low: 0, high: 1)

    public init(hiddenSize: Int = 2048, using rng: inout RandomGenerator) {
        hidden1 = Linear(inputSize: Self.noiseSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        hidden2 = Linear(inputSize: hiddenSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        output = Linear(inputSize: hiddenSize, outputSize: Self.side * Self.side, using: &rng)
    }

    public var kind: String { "faithful" }

    public var parameters: [Parameter] {
        hidden1.parameters.prefixed("fc1") + hidden2.parameters.prefixed("fc2") + output.parameters.prefixed("fc3")
    }

    /// Noise `[N, 64]` → backgrounds `[N, 64, 64]` in [0, 1].
    public func callAsFunction(_ noise: Tensor) -> Tensor {
        shift(output(hidden2(hidden1(noise)))).reshaped(to: [noise.shape[0], Self.side, Self.side])
    }
}
