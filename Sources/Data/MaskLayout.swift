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
