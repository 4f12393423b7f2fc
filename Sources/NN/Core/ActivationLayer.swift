import Engine

/// An activation as a parameter-free layer, for use in `Sequential`.
public final class ActivationLayer: Layer {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }
    public var parameters: [Parameter] { [] }
    public func callAsFunction(_ input: Tensor) -> Tensor { activation(input) }
}
