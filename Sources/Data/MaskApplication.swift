import Engine


/// `batch` with hidden pixels (mask 0) set to `fill` and visible pixels (mask 1) kept. The result is a
/// new constant tensor. Masks broadcast as described by `OcclusionMask`.
public func applyMask(_ mask: Tensor, to batch: Tensor, fill: Float = 0) throws -> Tensor {
    let layout = try MaskLayout(batchShape: batch.shape, maskShape: mask.shape)
    let storage = TensorStorage(count: batch.scalarCount, zeroed: false)
    let src = batch.storage.pointer, m = mask.storage.pointer, out = storage.pointer
    layout.forEach { e, k in out[e] = m[k] != 0 ? src[e] : fill }
    return Tensor(shape: batch.shape, storage: storage)
}

/// `batch` `[B, H, W, C]` with rows ⌊W/2⌋+1 … H−1 set to 0, the autoencoder study's occlusion.
public func occludeBottomHalf(_ batch: Tensor) throws -> Tensor {
    guard batch.rank == 4 else { throw DataError.invalidArgument("a batch has shape [B, H, W, C], not \(batch.shape)") }
    return try applyMask(OcclusionMask.bottomHalf(height: batch.shape[1], width: batch.shape[2]), to: batch)
}
