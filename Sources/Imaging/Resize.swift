extension Image {
    /// Bilinear resampling to `width` x `height` with half-pixel centres (`align_corners=False`) and no
    /// antialiasing, as torchvision's `resize(..., antialias=False)` / PyTorch's `interpolate(mode="bilinear")`.
    ///
    /// Destination pixel `d` samples source coordinate `(d + 0.5) * in / out - 0.5`, clamped below at 0;
    /// the right/bottom neighbour is clamped to the last pixel.
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0, "resize to \(newWidth)x\(newHeight)")
        if newWidth == width && newHeight == height { return self }
        let xs = Self.bilinearTaps(from: width, to: newWidth)
        let ys = Self.bilinearTaps(from: height, to: newHeight)
        let c = channels, inWidth = width
        var out = [Float](repeating: 0, count: newWidth * newHeight * c)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<newHeight {
                    let ty = ys[oy]
                    let row0 = ty.low * inWidth * c, row1 = ty.high * inWidth * c
                    for ox in 0..<newWidth {
                        let tx = xs[ox]
                        let a = tx.low * c, b = tx.high * c
                        let o = (oy * newWidth + ox) * c
                        for k in 0..<c {
                            let top = src[row0 + a + k] * (1 - tx.weight) + src[row0 + b + k] * tx.weight
                            let bottom = src[row1 + a + k] * (1 - tx.weight) + src[row1 + b + k] * tx.weight
                            dst[o + k] = top * (1 - ty.weight) + bottom * ty.weight
                        }
                    }
                }
            }
        }
        return Image(width: newWidth, height: newHeight, channels: c, pixels: out)
    }

    /// For each output index: the two source indices and the weight of the second.
    static func bilinearTaps(from inSize: Int, to outSize: Int) -> [(low: Int, high: Int, weight: Float)] {
        let scale = Double(inSize) / Double(outSize)
        return (0..<outSize).map { d in
            let source = max((Double(d) + 0.5) * scale - 0.5, 0)
            let low = min(Int(source), inSize - 1)
            let high = min(low + 1, inSize - 1)
            return (low, high, Float(source - Double(low)))
        }
    }
}
