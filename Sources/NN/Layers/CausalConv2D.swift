import Engine

/// A convolution that sees only the pixels before the centre in raster order: PixelCNN's mask "A" (van den Oord
/// et al., 2016). The output at (y, x) depends on rows above y and on the pixels left of x in row y, never on
/// (y, x) itself, so the output can predict the pixel at (y, x) from the pixels already drawn.
///
/// The weight is stored whole (`[out, kh, kw, in]`, PyTorch's `[out, in, kh, kw]` in checkpoints); the entries
/// at and after the centre are multiplied by 0 on every call, so they never receive gradient.
public final class CausalConv2D: Layer {
    public let convolution: Conv2D
    /// 1 before the centre, 0 at and after it, in the weight's layout.
    public let mask: Tensor

    /// `kernelSize` is odd; `same` padding keeps the image size.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, using rng: inout RandomGenerator) {
        precondition(kernelSize % 2 == 1, "a causal convolution needs an odd kernel, got \(kernelSize)")
        convolution = Conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: (kernelSize, kernelSize),
                             padding: .same, using: &rng)
        let centre = kernelSize / 2
        var values = [Float](repeating: 0, count: outputChannels * kernelSize * kernelSize * inputChannels)
        for o in 0..<outputChannels {
            for (dy, dx) in CausalConv2D.offsets(kernelSize: kernelSize) {
                let base = ((o * kernelSize + centre + dy) * kernelSize + centre + dx) * inputChannels
                for i in 0..<inputChannels { values[base + i] = 1 }
            }
        }
        mask = Tensor(shape: [outputChannels, kernelSize, kernelSize, inputChannels], scalars: values)
    }

    /// The (row, column) offsets from the centre that the kernel sees, in raster order: every row above, then
    /// the pixels to the left.
    public static func offsets(kernelSize: Int) -> [(dy: Int, dx: Int)] {
        let r = kernelSize / 2
        return (-r...0).flatMap { dy in (-r...r).compactMap { dx in dy < 0 || dx < 0 ? (dy, dx) : nil } }
    }

    public var kernelSize: Int { convolution.kernelSize.0 }
    public var parameters: [Parameter] { convolution.parameters }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.conv2d(input, weight: convolution.weight * mask, bias: convolution.bias,
                      geometry: convolution.geometry(height: input.shape[1], width: input.shape[2]))
    }
}
