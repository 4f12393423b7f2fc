import Engine

/// A table of learned vectors looked up by index; weights start N(0, 1) as in PyTorch.
public final class Embedding: Module {
    public let weight: Tensor

    public init(count: Int, dimensions: Int, using rng: inout RandomGenerator) {
        weight = Tensor.normal([count, dimensions], using: &rng).asParameter()
    }

    public var count: Int { weight.shape[0] }
    public var dimensions: Int { weight.shape[1] }
    public var parameters: [Parameter] { [Parameter(name: "weight", tensor: weight)] }

    /// The vectors for `indices`: `[indices.count, dimensions]`.
    public func callAsFunction(_ indices: [Int]) -> Tensor { weight.gatherRows(indices) }
}
