import Engine

/// The index arithmetic shared by mask application and masked metrics: for batch `[B, H, W, C]` and a
/// mask of shape `[H, W, 1]`, `[H, W, C]`, `[B, H, W, 1]` or `[B, H, W, C]`, the mask offset of each element.
struct MaskLayout {
    let batch: Int, pixels: Int, channels: Int
    let maskPerSample: Bool, maskPerChannel: Bool

    init(batchShape: [Int], maskShape: [Int]) throws {
        guard batchShape.count == 4 else { throw DataError.invalidArgument("a batch has shape [B, H, W, C], not \(batchShape)") }
        let (b, h, w, c) = (batchShape[0], batchShape[1], batchShape[2], batchShape[3])
        let spatial = Array(maskShape.suffix(3))
        guard maskShape.count == 3 || (maskShape.count == 4 && maskShape[0] == b),
              spatial.count == 3, spatial[0] == h, spatial[1] == w, spatial[2] == 1 || spatial[2] == c else {
            throw DataError.invalidArgument("mask shape \(maskShape) does not fit batch shape \(batchShape)")
        }
        batch = b
        pixels = h * w
        channels = c
        maskPerSample = maskShape.count == 4
        maskPerChannel = spatial[2] == c && c != 1
    }

    /// Calls `body(elementIndex, maskIndex)` for every element of the batch.
    @inline(__always) func forEach(_ body: (Int, Int) -> Void) {
        let maskChannels = maskPerChannel ? channels : 1
        for n in 0..<batch {
            let maskBase = maskPerSample ? n * pixels * maskChannels : 0
            for p in 0..<pixels {
                let e = (n * pixels + p) * channels
                let m = maskBase + p * maskChannels
                for c in 0..<channels { body(e + c, maskPerChannel ? m + c : m) }
            }
        }
    }
}

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
