import Engine
import Foundation
import NN

/// The three numbers that show (or rule out) the article's mode collapse, for a batch `[N, H, W]` of backgrounds.
public struct BackgroundMetrics: Equatable, Sendable, CustomStringConvertible {
    /// Mean over pixels of the standard deviation across the batch, ÷ the mean standard deviation within one sample.
    /// 0 when every sample is the same image; about 1 when samples are as different from each other as pixels within one.
    public var diversity: Double
    /// The smoothness loss on fresh random 16×16 crops (lower is smoother).
    public var smoothness: Double
    /// Total-variation distance of the 16-bin pixel histogram from uniform: 0 = perfectly uniform, 1 = one bin.
    public var coverage: Double
    /// The smallest and largest value over the batch.
    public var minimum: Float
    public var maximum: Float

    public var description: String {
        String(format: "diversity %.4f  smoothness %.5f  coverage %.4f  range [%.4f, %.4f]", diversity, smoothness, coverage, minimum, maximum)
    }

    public init(diversity: Double, smoothness: Double, coverage: Double, minimum: Float, maximum: Float) {
        self.diversity = diversity
        self.smoothness = smoothness
        self.coverage = coverage
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Measures `samples` `[N, H, W]`; `rng` draws the crops for the smoothness number.
    public init(samples: Tensor, using rng: inout RandomGenerator) {
        let s = samples.detached()
        diversity = backgroundDiversity(s)
        smoothness = Double(withoutGradients { smoothnessLoss(s, using: &rng) }.scalar)
        coverage = backgroundCoverage(s)
        minimum = s.scalars.min() ?? 0
        maximum = s.scalars.max() ?? 0
    }
}

/// Mean over pixels of the standard deviation across the batch, relative to the mean standard deviation within
/// one sample (both population standard deviations). 0 for identical samples (and for a batch of constants).
public func backgroundDiversity(_ samples: Tensor) -> Double {
    let n = samples.shape[0], size = samples.scalarCount / Swift.max(n, 1)
    guard n > 1, size > 1 else { return 0 }
    let x = samples.storage.pointer
    /// Population standard deviation of `count` values starting at `start`, `stride` apart.
    func standardDeviation(start: Int, count: Int, stride: Int) -> Double {
        var sum: Double = 0, squares: Double = 0
        for i in 0..<count { let v = Double(x[start + i * stride]); sum += v; squares += v * v }
        let mean = sum / Double(count)
        return Swift.max(squares / Double(count) - mean * mean, 0).squareRoot()
    }
    let across = (0..<size).reduce(0) { $0 + standardDeviation(start: $1, count: n, stride: size) } / Double(size)
    let within = (0..<n).reduce(0) { $0 + standardDeviation(start: $1 * size, count: size, stride: 1) } / Double(n)
    return within > 0 ? across / within : 0
}

/// Total-variation distance between the histogram of all values (`bins` equal bins over [0, 1]) and uniform.
public func backgroundCoverage(_ samples: Tensor, bins: Int = 16) -> Double {
    var counts = [Int](repeating: 0, count: bins)
    let x = samples.storage.pointer
    for i in 0..<samples.scalarCount {
        let bin = Swift.min(Swift.max(Int(x[i] * Float(bins)), 0), bins - 1)
        counts[bin] += 1
    }
    let total = Double(samples.scalarCount)
    return 0.5 * counts.reduce(0.0) { $0 + Swift.abs(Double($1) / total - 1 / Double(bins)) }
}
