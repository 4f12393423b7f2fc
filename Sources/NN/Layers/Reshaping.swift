import Engine

/// Max pooling over NHWC images (floor mode, no padding).
public final class MaxPool2D: Layer {
    public let size: (Int, Int)
    public let stride: (Int, Int)
    public init(size: (Int, Int) = (2, 2), stride: (Int, Int)? = nil) {
        self.size = size
        self.stride = stride ?? size
    }
    public var parameters: [Parameter] { [] }
    public func callAsFunction(_ input: Tensor) -> Tensor { Tensor.maxPool2d(input, size: size, stride: stride) }
}

/// Flattens every dimension after the first: `[N, …] → [N, product]`.
public final class Flatten: Layer {
    public init() {}
    public var parameters: [Parameter] { [] }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.reshaped(to: [input.shape[0], -1]) }
}

/// Reshapes each sample: `[N, …] → [N] + shape`.
public final class Reshape: Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public var parameters: [Parameter] { [] }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.reshaped(to: [input.shape[0]] + shape) }
}

/// Layers applied one after another; parameters are named by position (`0.weight`), as in PyTorch.
public final class Sequential: Layer {
    public let layers: [any Layer]
    public init(_ layers: [any Layer]) { self.layers = layers }
    public var parameters: [Parameter] {
        layers.enumerated().flatMap { $0.element.parameters.prefixed(String($0.offset)) }
    }
    public func callAsFunction(_ input: Tensor) -> Tensor { layers.reduce(input) { $1($0) } }
}
