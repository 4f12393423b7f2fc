import Engine
import NN

/// A completion model that learns a distribution over the hidden pixels and draws completions from it, instead
/// of predicting their average: an MSE-trained model returns the blur of every plausible completion, a sampling
/// model returns one of them, different on each draw.
public protocol SamplingCompletionModel: ImageAutoencoder {
    /// The mask the model was trained with, `[H, W, 1]`, 1 = visible.
    var mask: Tensor { get }
    /// Mean negative log-likelihood of the hidden pixels of `images` (8-bit levels, each channel), in nats per
    /// hidden pixel and channel: the training loss. `visible` is `[H, W, 1]`.
    func negativeLogLikelihood(_ images: Tensor, visible: Tensor) -> Tensor
    /// `count` completions of each image, image-major: `[N · count, H, W, C]`, the visible pixels of `images`
    /// kept exactly. `temperature` scales the logits (1 = the learned distribution, below 1 sharper, 0 the most
    /// likely level of each pixel given the ones drawn before it).
    func sample(_ images: Tensor, visible: Tensor, count: Int, temperature: Float, using rng: inout RandomGenerator) -> Tensor
}

extension SamplingCompletionModel {
    /// One completion per image under the training mask, drawn at temperature 1 from a generator seeded with 0, so
    /// that the model is a function of its input like the deterministic models (for `evaluate` and sample grids).
    public func callAsFunction(_ images: Tensor) -> Tensor {
        var rng = RandomGenerator(seed: 0)
        return sample(images, visible: mask, count: 1, temperature: 1, using: &rng)
    }
}
