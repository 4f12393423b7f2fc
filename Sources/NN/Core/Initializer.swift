import Engine

/// How a weight tensor is filled before training.
public enum Initializer: Equatable, Sendable {
    /// U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear and Conv weights and biases.
    case uniformFanIn
    /// U(−√(6/(fanIn+fanOut)), +…): Keras's default kernel initialiser.
    case glorotUniform
    /// N(0, σ²).
    case normal(standardDeviation: Float)
    case zeros

    /// A tensor of `shape` drawn from this initialiser.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .uniformFanIn:
            let bound = 1 / Float(fanIn).squareRoot()
            return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
        case .glorotUniform:
            let bound = (6 / Float(fanIn + fanOut)).squareRoot()
            return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
        case .normal(let sd):
            return Tensor.normal(shape, standardDeviation: sd, using: &rng)
        case .zeros:
            return Tensor(zeros: shape)
        }
    }

    /// The bias initialiser that goes with this weight initialiser (PyTorch: same bound; Keras: zeros).
    public var matchingBias: Initializer { self == .uniformFanIn ? .uniformFanIn : .zeros }
}

extension Tensor {
    /// The same values as a new trainable leaf.
    public func asParameter() -> Tensor { copied(requiresGradient: true) }
}
