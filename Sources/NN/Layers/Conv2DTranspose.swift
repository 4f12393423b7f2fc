import Engine

/// A 2-D transposed convolution over NHWC images. The weight is stored `[in, kh, kw, out]`; checkpoints hold
/// PyTorch's ConvTranspose2d layout `[in, out, kh, kw]`. With `.same` padding the output is `stride ×` the input.
public final class Conv2DTranspose: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int)
    public let padding: Padding
    public let outputPadding: (Int, Int)
    public let activation: Activation

    public init(inputChannels: Int, outputChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: Padding = .same, outputPadding: (Int, Int) = (0, 0), activation: Activation = .identity,
                useBias: Bool = true, initializer: Initializer = .glorotUniform, using rng: inout RandomGenerator) {
        let receptive = kernelSize.0 * kernelSize.1
        // PyTorch computes ConvTranspose2d's fan-in from dimension 1 of its weight (the output channels).
        let fanIn = outputChannels * receptive, fanOut = inputChannels * receptive
        weight = initializer.parameter([inputChannels, kernelSize.0, kernelSize.1, outputChannels], fanIn: fanIn, fanOut: fanOut, using: &rng)
        bias = useBias ? initializer.matchingBias.parameter([outputChannels], fanIn: fanIn, fanOut: fanOut, using: &rng) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.activation = activation
    }

    public var inputChannels: Int { weight.shape[0] }
    public var outputChannels: Int { weight.shape[3] }
    public var kernelSize: (Int, Int) { (weight.shape[1], weight.shape[2]) }

    public var parameters: [Parameter] {
        [Parameter(name: "weight", tensor: weight, torchPermutation: [0, 3, 1, 2])]
            + (bias.map { [Parameter(name: "bias", tensor: $0)] } ?? [])
    }

    public var geometry: ConvolutionGeometry {
        let v = padding.transposedAmounts(size: 0, kernel: kernelSize.0, stride: stride.0)
        let h = padding.transposedAmounts(size: 0, kernel: kernelSize.1, stride: stride.1)
        return ConvolutionGeometry(kernelHeight: kernelSize.0, kernelWidth: kernelSize.1, strideHeight: stride.0, strideWidth: stride.1,
                                   padTop: v.before, padLeft: h.before, padBottom: v.after, padRight: h.after)
    }

    /// The output padding passed to the transposed convolution. With `same`, a kernel smaller than the stride leaves
    /// the output `stride − kernel` pixels short of `stride ×` the input; Keras puts them at the bottom/right.
    public var effectiveOutputPadding: (Int, Int) {
        guard padding == .same else { return outputPadding }
        return (outputPadding.0 + Swift.max(stride.0 - kernelSize.0, 0), outputPadding.1 + Swift.max(stride.1 - kernelSize.1, 0))
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(Tensor.convTranspose2d(input, weight: weight, bias: bias, geometry: geometry, outputPadding: effectiveOutputPadding))
    }
}
