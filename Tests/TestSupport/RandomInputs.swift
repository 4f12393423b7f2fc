import Engine

extension RandomGenerator {
    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUniform() }

    /// Uniform in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + nextInt(below: range.count) }

    /// A random shape of `rank` with dimensions in 1...maxDimension.
    public mutating func shape(rank: Int, maxDimension: Int = 4) -> [Int] {
        (0..<rank).map { _ in 1 + nextInt(below: maxDimension) }
    }
}

/// Uniform values in [low, high).
public func randomTensor(_ shape: [Int], _ rng: inout RandomGenerator, low: Float = -1, high: Float = 1,
                         requiresGradient: Bool = false) -> Tensor {
    Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in rng.uniform(low, high) }, requiresGradient: requiresGradient)
}

/// Values with |x| in [margin, 1.5), random sign: safely away from the kink at 0 (relu, abs, …).
public func awayFromZero(_ shape: [Int], _ rng: inout RandomGenerator, margin: Float = 0.1) -> Tensor {
    Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in
        let m = rng.uniform(margin, 1.5)
        return rng.nextUniform() < 0.5 ? -m : m
    })
}

/// Distinct integer multiples of `spacing` (centred on 0) in random order: no ties for sort/min/max, even after
/// a ±h probe when spacing > 2h. Adding spacing/2 to one operand keeps two such tensors apart.
public func distinctValues(_ shape: [Int], _ rng: inout RandomGenerator, spacing: Float = 0.1,
                           requiresGradient: Bool = false) -> Tensor {
    let n = elementCount(shape)
    return Tensor(shape: shape, scalars: rng.permutation(n).map { Float($0 - n / 2) * spacing }, requiresGradient: requiresGradient)
}
