import Engine

/// `batch` with hidden pixels (mask 0) set to `fill` and visible pixels (mask 1) kept. The result is a
/// new constant tensor. Masks broadcast as described by `MaskLayout` (`ImageMask.fill` is the one-mask-per-image form).
public func applyMask(_ mask: Tensor, to batch: Tensor, fill: Float = 0) throws -> Tensor {
    let layout = try MaskLayout(batchShape: batch.shape, maskShape: mask.shape)
    let storage = TensorStorage(count: batch.scalarCount, zeroed: false)
    let src = batch.storage.pointer, m = mask.storage.pointer, out = storage.pointer
    layout.forEach { e, k in out[e] = m[k] != 0 ? src[e] : fill }
    return Tensor(shape: batch.shape, storage: storage)
}
