import Engine

/// A 2-D convolution over NHWC images. The weight is stored `[out, kh, kw, in]`; checkpoints hold
/// PyTorch's Conv2d layout `[out, in, kh, kw]`.
public final class Conv2D: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int)
    public let padding: Padding
    public let activation: Activation

    public init(inputChannels: Int, outputChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: Padding = .same, activation: Activation = .identity, useBias: Bool = true,
                initializer: Initializer = .glorotUniform, using rng: inout RandomGenerator) {
        let receptive = kernelSize.0 * kernelSize.1
        let fanIn = inputChannels * receptive, fanOut = outputChannels * receptive
        weight = initializer.parameter([outputChannels, kernelSize.0, kernelSize.1, inputChannels], fanIn: fanIn, fanOut: fanOut, using: &rng)
        bias = useBias ? initializer.matchingBias.parameter([outputChannels], fanIn: fanIn, fanOut: fanOut, using: &rng) : nil
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    public var inputChannels: Int { weight.shape[3] }
    public var outputChannels: Int { weight.shape[0] }
    public var kernelSize: (Int, Int) { (weight.shape[1], weight.shape[2]) }

    public var parameters: [Parameter] {
        [Parameter(name: "weight", tensor: weight, torchPermutation: [0, 3, 1, 2])]
            + (bias.map { [Parameter(name: "bias", tensor: $0)] } ?? [])
    }

    /// The window geometry for an input of `height × width`.
    public func geometry(height: Int, width: Int) -> ConvolutionGeometry {
        let v = padding.amounts(size: height, kernel: kernelSize.0, stride: stride.0)
        let h = padding.amounts(size: width, kernel: kernelSize.1, stride: stride.1)
        return ConvolutionGeometry(kernelHeight: kernelSize.0, kernelWidth: kernelSize.1, strideHeight: stride.0, strideWidth: stride.1,
                                   padTop: v.before, padLeft: h.before, padBottom: v.after, padRight: h.after)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry(height: input.shape[1], width: input.shape[2])))
    }
}
