import Engine

/// Layers applied one after another; parameters are named by position (`0.weight`), as in PyTorch.
public final class Sequential: Layer {
    public let layers: [any Layer]
    public init(_ layers: [any Layer]) { self.layers = layers }
    public var parameters: [Parameter] {
        layers.enumerated().flatMap { $0.element.parameters.prefixed(String($0.offset)) }
    }
    public func callAsFunction(_ input: Tensor) -> Tensor { layers.reduce(input) { $1($0) } }
}
