import Engine

/// Reshapes each sample: `[N, …] → [N] + shape`.
public final class Reshape: Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public var parameters: [Parameter] { [] }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.reshaped(to: [input.shape[0]] + shape) }
}
