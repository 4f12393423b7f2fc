import Engine
import NN

/// A generator of single-channel backgrounds `[N, 64, 64]` from noise `[N, 64]`.
public protocol BackgroundModel: Module {
    func callAsFunction(_ noise: Tensor) -> Tensor
    /// `faithful` or `diverse`, stored in checkpoints.
    var kind: String { get }
}

/// Makes the background model named by `kind` (`faithful` or `diverse`).
public func makeBackgroundModel(kind: String, hiddenSize: Int = 2048, using rng: inout RandomGenerator) throws -> any BackgroundModel {
    switch kind {
    case "faithful": return BackgroundGenerator(hiddenSize: hiddenSize, using: &rng)
    case "diverse": return DiverseBackgroundGenerator(hiddenSize: hiddenSize, using: &rng)
    default: throw ModelError.invalidConfiguration(model: "background generator", problem: "unknown background model '\(kind)' (expected faithful or diverse)")
    }
}
