import Engine
import NN

/// ImageGen's own completion model, built to fill hidden pixels as well as possible.
///
/// Why it is shaped this way:
/// - **The mask is an input channel.** The network sees which pixels are missing rather than guessing from
///   zeros (a black visible pixel and a hidden one look the same to the article's models).
/// - **Skip connections from the visible part.** A U-Net: features at full, half and quarter resolution
///   are concatenated into the decoder, so edges and textures of the visible part reach the output without
///   squeezing through a small code (the article's latent bottleneck blurs them).
/// - **A dense bottleneck for global context.** Convolutions see only nearby pixels; the hidden half needs
///   the whole visible half (a shirt's sleeves, a face's symmetry). A dense layer over the quarter-resolution
///   features gives every output position that view.
/// - **Visible pixels are pasted back.** The output is `mask · input + (1 − mask) · prediction`, so all the
///   capacity goes to the hidden pixels and the visible ones are exact.
public final class CompletionNetwork: ImageAutoencoder {
    public let imageShape: [Int]
    public let mask: Tensor
    let encoder1, encoder2, encoder3: Conv2D
    let bottleneckIn, bottleneckOut: Linear
    let up2, up1: Conv2DTranspose
    let decoder2, decoder1: Conv2D
    let output: Conv2D
    let pool = MaxPool2D()
    let sizes: [(Int, Int)]
    public var name: String { "completion U-Net (mask channel, skips, dense context)" }

    /// `mask` is `[H, W, 1]` with 1 = visible.
    public init(imageShape: [Int], mask: Tensor, width: Int = 32, contextSize: Int = 128, using rng: inout RandomGenerator) throws {
        guard imageShape.count == 3, imageShape[0] >= 4, imageShape[1] >= 4 else {
            throw ModelError.invalidConfiguration(model: "completion network", problem: "images must be at least 4×4, got \(imageShape)")
        }
        guard mask.shape == [imageShape[0], imageShape[1], 1] else {
            throw ModelError.invalidConfiguration(model: "completion network", problem: "mask \(mask.shape) does not fit images \(imageShape)")
        }
        self.imageShape = imageShape
        self.mask = mask
        let c = imageShape[2]
        let (h, w) = (imageShape[0], imageShape[1])
        sizes = [(h, w), (h / 2, w / 2), (h / 4, w / 4)]
        let k = (3, 3)
        encoder1 = Conv2D(inputChannels: c + 1, outputChannels: width, kernelSize: k, activation: .relu, using: &rng)
        encoder2 = Conv2D(inputChannels: width, outputChannels: 2 * width, kernelSize: k, activation: .relu, using: &rng)
        encoder3 = Conv2D(inputChannels: 2 * width, outputChannels: 2 * width, kernelSize: k, activation: .relu, using: &rng)
        let quarter = sizes[2].0 * sizes[2].1 * 2 * width
        bottleneckIn = Linear(inputSize: quarter, outputSize: contextSize, activation: .relu, initializer: .glorotUniform, using: &rng)
        bottleneckOut = Linear(inputSize: contextSize, outputSize: quarter, activation: .relu, initializer: .glorotUniform, using: &rng)
        up2 = Conv2DTranspose(inputChannels: 4 * width, outputChannels: 2 * width, kernelSize: (2, 2), stride: (2, 2), padding: .valid,
                              outputPadding: (sizes[1].0 - 2 * sizes[2].0, sizes[1].1 - 2 * sizes[2].1), activation: .relu, using: &rng)
        decoder2 = Conv2D(inputChannels: 4 * width, outputChannels: 2 * width, kernelSize: k, activation: .relu, using: &rng)
        up1 = Conv2DTranspose(inputChannels: 2 * width, outputChannels: width, kernelSize: (2, 2), stride: (2, 2), padding: .valid,
                              outputPadding: (h - 2 * sizes[1].0, w - 2 * sizes[1].1), activation: .relu, using: &rng)
        decoder1 = Conv2D(inputChannels: 2 * width, outputChannels: width, kernelSize: k, activation: .relu, using: &rng)
        output = Conv2D(inputChannels: width, outputChannels: c, kernelSize: k, activation: .sigmoid, using: &rng)
    }

    public var parameters: [Parameter] {
        let named: [(String, any Module)] = [("encoder1", encoder1), ("encoder2", encoder2), ("encoder3", encoder3),
                                             ("context_in", bottleneckIn), ("context_out", bottleneckOut), ("up2", up2),
                                             ("decoder2", decoder2), ("up1", up1), ("decoder1", decoder1), ("output", output)]
        return named.flatMap { $0.1.parameters.prefixed($0.0) }
    }

    /// Completes `images` (their hidden pixels are ignored: the mask is applied here).
    public func callAsFunction(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        let visible = images * mask
        let maskChannel = mask.reshaped(to: [1] + mask.shape) * Tensor(repeating: 1, shape: [n, imageShape[0], imageShape[1], 1])
        let s1 = encoder1(Tensor.concatenate([visible, maskChannel], axis: 3))
        let s2 = encoder2(pool(s1))
        let s3 = encoder3(pool(s2))
        let context = bottleneckOut(bottleneckIn(s3.reshaped(to: [n, -1]))).reshaped(to: s3.shape)
        let u2 = decoder2(Tensor.concatenate([up2(Tensor.concatenate([s3, context], axis: 3)), s2], axis: 3))
        let u1 = decoder1(Tensor.concatenate([up1(u2), s1], axis: 3))
        let prediction = output(u1)
        return visible + prediction * (1 - mask)
    }
}
