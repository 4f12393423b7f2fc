import Engine
import Foundation

/// Which pixels of an image are hidden: the one mask type of training, metrics, samples and `complete`.
/// `visible` is `[H, W, 1]` with 1 where a pixel is visible and 0 where it is hidden; it broadcasts over channels
/// and over a batch.
public struct ImageMask: Sendable {
    public let visible: Tensor

    public var height: Int { visible.shape[0] }
    public var width: Int { visible.shape[1] }
    /// 1 where hidden.
    public var hidden: Tensor { withoutGradients { 1 - visible } }
    /// The number of hidden pixels.
    public var hiddenCount: Int { visible.scalars.filter { $0 < 0.5 }.count }

    /// A mask from a `[H, W, 1]` tensor of 0s (hidden) and 1s (visible).
    public init(visible: Tensor) throws {
        guard visible.rank == 3, visible.shape[2] == 1 else {
            throw DataError.invalidArgument("a mask has shape [H, W, 1], not \(visible.shape)")
        }
        guard visible.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw DataError.invalidArgument("a mask holds only 0 (hidden) and 1 (visible)")
        }
        self.visible = visible
    }

    /// The network's input: hidden pixels set to 0 (differentiable in `batch`).
    public func occlude(_ batch: Tensor) -> Tensor { batch * visible }

    /// `batch` with hidden pixels set to `value` (mid-grey shows the hole apart from black image content).
    public func fill(_ batch: Tensor, with value: Float) throws -> Tensor { try applyMask(visible, to: batch, fill: value) }

    /// `output` with the visible pixels of `input` copied in.
    public func pasteVisible(from input: Tensor, into output: Tensor) -> Tensor {
        withoutGradients { input * visible + output * (1 - visible) }
    }
}
