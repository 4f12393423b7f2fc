/// Max pooling over NHWC images.
extension Tensor {
    /// Max pooling of `[N, H, W, C]` with a `size` window moving by `stride`, no padding (floor).
    /// The gradient flows to the first maximal element of each window.
    public static func maxPool2d(_ input: Tensor, size: (Int, Int) = (2, 2), stride: (Int, Int)? = nil) -> Tensor {
        precondition(input.rank == 4, "maxPool2d: input must be [N, H, W, C], got \(input.shape)")
        let stride = stride ?? size
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let oh = (h - size.0) / stride.0 + 1, ow = (w - size.1) / stride.1 + 1
        precondition(h >= size.0 && w >= size.1, "maxPool2d: input \(input.shape) smaller than window \(size)")
        let count = n * oh * ow * c
        let out = TensorStorage(count: count, zeroed: false)
        var source = [Int32](repeating: 0, count: count)
        let p = input.storage.pointer, o = out.pointer
        source.withUnsafeMutableBufferPointer { src in
            for b in 0..<n {
                for y in 0..<oh {
                    for x in 0..<ow {
                        let outBase = ((b * oh + y) * ow + x) * c
                        let first = ((b * h + y * stride.0) * w + x * stride.1) * c
                        for ch in 0..<c { o[outBase + ch] = p[first + ch]; src[outBase + ch] = Int32(first + ch) }
                        for dy in 0..<size.0 {
                            for dx in 0..<size.1 where dy != 0 || dx != 0 {
                                let base = ((b * h + y * stride.0 + dy) * w + x * stride.1 + dx) * c
                                for ch in 0..<c where p[base + ch] > o[outBase + ch] {
                                    o[outBase + ch] = p[base + ch]
                                    src[outBase + ch] = Int32(base + ch)
                                }
                            }
                        }
                    }
                }
            }
        }
        return recording(shape: [n, oh, ow, c], storage: out, operands: [input]) { g, into in
            guard let t = into(0) else { return }
            source.withUnsafeBufferPointer { src in
                for i in 0..<count { t[Int(src[i])] += g.pointer[i] }
            }
        }
    }
}
