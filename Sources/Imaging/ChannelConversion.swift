extension Image {
    /// The same image with `count` channels (1, 3 or 4).
    ///
    /// Grey → RGB repeats the value; RGB → grey uses ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B, as PIL's "L");
    /// dropping alpha keeps the colour values; adding alpha makes the image opaque.
    public func converted(toChannels count: Int) -> Image {
        precondition([1, 3, 4].contains(count), "an image has 1, 3 or 4 channels, not \(count)")
        if count == channels { return self }
        let n = width * height, from = channels
        var out = [Float](repeating: 1, count: n * count)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<n {
                    let s = p * from, d = p * count
                    if from == 1 {
                        let v = src[s]
                        for k in 0..<min(count, 3) { dst[d + k] = v }
                    } else if count == 1 {
                        dst[d] = 0.299 * src[s] + 0.587 * src[s + 1] + 0.114 * src[s + 2]
                    } else {
                        for k in 0..<3 { dst[d + k] = src[s + k] }
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: count, pixels: out)
    }
}
