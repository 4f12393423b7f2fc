import Engine

/// Flattens every dimension after the first: `[N, …] → [N, product]`.
public final class Flatten: Layer {
    public init() {}
    public var parameters: [Parameter] { [] }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.reshaped(to: [input.shape[0], -1]) }
}
