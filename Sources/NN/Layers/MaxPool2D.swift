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
