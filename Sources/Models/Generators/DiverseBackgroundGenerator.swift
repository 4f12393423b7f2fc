import Engine
import Foundation
import NN

/// Backgrounds that do not collapse: ImageGen's variant of the article's generator.
///
/// Why the article's network collapses: both of its losses are *per image*. A single smooth image whose columns
/// are uniform ramps minimises them perfectly, so nothing rewards the network for using its input, and the
/// biases of the last layer win: every noise vector gives the same picture.
///
/// This design changes two things and keeps everything else (hidden layers 64 → 2048 → 2048, ReLU, ShiftRange,
/// the article's two losses with their weights, RMSprop, fresh N(0, 1) noise each step):
/// 1. **Smooth by construction.** The last layer emits 15 coefficients of the low-frequency 2-D cosine basis
///    cos(πu(y+½)/64)·cos(πv(x+½)/64), 0 ≤ u, v < 4 (without the constant term), and the image is their fixed
///    weighted sum before ShiftRange. Every output is smooth whatever the coefficients, so the smoothness loss no
///    longer has to be bought by ignoring the input.
/// 2. **A batch-level distribution term.** `batchDistributionLoss` applies the article's distribution loss across
///    the batch: for every pixel, the N values the batch gives it are sorted and compared with N sorted uniform
///    samples. It is zero only when each pixel takes values spread over [0, 1] from sample to sample, which is
///    exactly what a collapsed generator cannot do. Its weight equals the distribution loss's (0.1).
///
/// ShiftRange still maps every sample onto exactly [0, 1].
public final class DiverseBackgroundGenerator: BackgroundModel {
    public static let frequencies = 4
    public let hidden1: Linear
    public let hidden2: Linear
    public let coefficients: Linear
    /// The fixed cosine basis, `[15, 4096]` (not a parameter).
    public let basis: Tensor
    public let shift = ShiftRange(low: 0, high: 1)

    public init(hiddenSize: Int = 2048, using rng: inout RandomGenerator) {
        let side = BackgroundGenerator.side
        hidden1 = Linear(inputSize: BackgroundGenerator.noiseSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        hidden2 = Linear(inputSize: hiddenSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        let f = Self.frequencies
        var rows: [Float] = []
        for u in 0..<f {
            for v in 0..<f where u + v > 0 {
                for y in 0..<side {
                    let cy = cos(Double.pi * Double(u) * (Double(y) + 0.5) / Double(side))
                    for x in 0..<side {
                        rows.append(Float(cy * cos(Double.pi * Double(v) * (Double(x) + 0.5) / Double(side))))
                    }
                }
            }
        }
        basis = Tensor(shape: [f * f - 1, side * side], scalars: rows)
        coefficients = Linear(inputSize: hiddenSize, outputSize: f * f - 1, using: &rng)
    }

    public var kind: String { "diverse" }

    public var parameters: [Parameter] {
        hidden1.parameters.prefixed("fc1") + hidden2.parameters.prefixed("fc2") + coefficients.parameters.prefixed("coefficients")
    }

    /// Noise `[N, 64]` → backgrounds `[N, 64, 64]` in [0, 1].
    public func callAsFunction(_ noise: Tensor) -> Tensor {
        let side = BackgroundGenerator.side
        let c = coefficients(hidden2(hidden1(noise)))
        return shift(Tensor.matmul(c, basis)).reshaped(to: [noise.shape[0], side, side])
    }
}
