extension Image {
    /// The `width` x `height` region whose top-left pixel is at column `x`, row `y`.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) throws -> Image {
        guard x >= 0, y >= 0, cropWidth > 0, cropHeight > 0, x + cropWidth <= width, y + cropHeight <= height else {
            throw ImageError.invalidArgument("crop \(cropWidth)x\(cropHeight) at (\(x), \(y)) does not fit a \(width)x\(height) image")
        }
        let c = channels
        var out = [Float](repeating: 0, count: cropWidth * cropHeight * c)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<cropHeight {
                    let from = ((y + row) * width + x) * c
                    let to = row * cropWidth * c
                    for i in 0..<(cropWidth * c) { dst[to + i] = src[from + i] }
                }
            }
        }
        return Image(width: cropWidth, height: cropHeight, channels: c, pixels: out)
    }

    /// The centred `width` x `height` region, placed as torchvision's `center_crop`:
    /// top = round((H − h) / 2), left = round((W − w) / 2), rounding halves to even.
    public func centreCropped(width cropWidth: Int, height cropHeight: Int) throws -> Image {
        let top = Int((Double(height - cropHeight) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(width - cropWidth) / 2).rounded(.toNearestOrEven))
        return try cropped(x: left, y: top, width: cropWidth, height: cropHeight)
    }
}
