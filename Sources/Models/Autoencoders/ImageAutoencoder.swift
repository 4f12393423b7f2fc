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

extension ImageAutoencoder {
    /// Throws when `images` is not `[N, H, W, C]` with this model's H, W and C.
    public func validate(_ images: Tensor) throws {
        guard images.rank == 4, Array(images.shape.dropFirst()) == imageShape else {
            throw ModelError.inputShape(model: name, expected: imageShape, found: images.shape)
        }
    }
}
