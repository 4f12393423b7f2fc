import Engine

/// A trainable tensor with the stable name it has in checkpoints and optimiser state.
public struct Parameter {
    public let name: String
    public let tensor: Tensor
    /// The permutation that turns our layout into PyTorch's layout for the equivalent torch layer
    /// (`nil` when the layouts agree).
    public let torchPermutation: [Int]?

    public init(name: String, tensor: Tensor, torchPermutation: [Int]? = nil) {
        self.name = name
        self.tensor = tensor
        self.torchPermutation = torchPermutation
    }

    /// The shape this parameter has in PyTorch's layout.
    public var torchShape: [Int] { torchPermutation.map { p in p.map { tensor.shape[$0] } } ?? tensor.shape }
}

extension Array where Element == Parameter {
    /// The same parameters with `prefix.` in front of each name.
    public func prefixed(_ prefix: String) -> [Parameter] {
        map { Parameter(name: "\(prefix).\($0.name)", tensor: $0.tensor, torchPermutation: $0.torchPermutation) }
    }
}
