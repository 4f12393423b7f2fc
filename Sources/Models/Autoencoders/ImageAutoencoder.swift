import Engine
import NN

/// A model that maps a batch of images `[N, H, W, C]` to images of the same shape.
public protocol ImageAutoencoder: Module {
    /// The shape of one image, `[H, W, C]`.
    var imageShape: [Int] { get }
    /// A short name for reports and errors.
    var name: String { get }
    func callAsFunction(_ images: Tensor) -> Tensor
}

/// A model that takes the mask as an input, so it completes any mask, not only the one it was trained on.
public protocol MaskConditionedModel: ImageAutoencoder {
    /// Completes `images` with `visible` (1 = visible) either `[H, W, 1]` for every image or `[N, H, W, 1]`, one
    /// per image; the visible pixels are kept exactly.
    func complete(_ images: Tensor, visible: Tensor) -> Tensor
}

extension ImageAutoencoder {
    /// Throws when `images` is not `[N, H, W, C]` with this model's H, W and C.
    public func validate(_ images: Tensor) throws {
        guard images.rank == 4, Array(images.shape.dropFirst()) == imageShape else {
            throw ModelError.inputShape(model: name, expected: imageShape, found: images.shape)
        }
    }
}
