import Engine
#if canImport(Glibc)
import Glibc
#endif

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
        if Self.placeholdersRequested {
            return Tensor(shape: shape, storage: TensorStorage(count: shape.reduce(1, *), zeroed: false))
        }
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

    /// A new trainable leaf of `shape` drawn from this initialiser (its fresh storage, not a copy).
    public func parameter(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape, storage: make(shape, fanIn: fanIn, fanOut: fanOut, using: &rng).storage, requiresGradient: true)
    }

    /// Builds the model in `body` with placeholder weights (uninitialised memory, no random draws), for a model
    /// whose every weight is about to be replaced from a checkpoint: a multi-million-weight model is then ready
    /// in a fraction of the time. Per thread, like `withoutGradients`.
    public static func withPlaceholderWeights<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(placeholderKey)
        pthread_setspecific(placeholderKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(placeholderKey, previous) }
        return try body()
    }

    private static let placeholderKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()

    static var placeholdersRequested: Bool { pthread_getspecific(placeholderKey) != nil }

    /// The bias initialiser that goes with this weight initialiser (PyTorch: same bound; Keras: zeros).
    public var matchingBias: Initializer { self == .uniformFanIn ? .uniformFanIn : .zeros }
}

extension Tensor {
    /// The same values as a new trainable leaf.
    public func asParameter() -> Tensor { copied(requiresGradient: true) }
}
