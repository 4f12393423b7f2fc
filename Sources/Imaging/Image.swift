import Engine

/// A decoded image: `height` rows of `width` pixels with `channels` values each (1 grey, 3 RGB, 4 RGBA),
/// stored row-major HWC as `Float` in [0, 1].
public struct Image: Equatable, Sendable {
    /// The most pixels a decoder accepts (64 Mpx, e.g. 8192×8192): PNG and JPEG headers can claim up to
    /// 4 Gpx in a few bytes.
    public static let maximumPixels = 1 << 26

    /// The most pixels an encoded file of `byteCount` bytes may claim: `pixelsPerByte` bounds what the format
    /// can expand to (PNG: deflate's 1032:1 at one bit per pixel; JPEG: two bits per 8×8 block), never more
    /// than `maximumPixels`, so a tiny file cannot make a decoder allocate and work for gigabytes.
    public static func pixelLimit(byteCount: Int, pixelsPerByte: Int) -> Int {
        Swift.min(maximumPixels, byteCount.multipliedReportingOverflow(by: pixelsPerByte).overflow ? maximumPixels : byteCount * pixelsPerByte)
    }
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `height * width * channels` values, row-major, channels last.
    public var pixels: [Float]

    /// Wraps `pixels` (row-major HWC). Traps if the count does not match or `channels` is not 1, 3 or 4.
    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0, "image size \(width)x\(height) is negative")
        precondition([1, 3, 4].contains(channels), "an image has 1, 3 or 4 channels, not \(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(width)x\(height)x\(channels) image needs \(width * height * channels) values, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image filled with `value`.
    public init(width: Int, height: Int, channels: Int, filledWith value: Float = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [Float](repeating: value, count: width * height * channels))
    }

    /// Converts 8-bit samples (row-major HWC) to [0, 1] by dividing by 255.
    public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
        precondition(bytes.count == width * height * channels,
                     "\(width)x\(height)x\(channels) image needs \(width * height * channels) bytes, got \(bytes.count)")
        let pixels = [Float](unsafeUninitializedCapacity: bytes.count) { out, initialised in
            bytes.withUnsafeBufferPointer { src in
                if let from = src.baseAddress, let to = out.baseAddress { UnitConversion.convert(from, to: to, count: src.count) }
            }
            initialised = bytes.count
        }
        self.init(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// An image from a tensor of shape `[H, W, C]` (or `[H, W]` for grey). Values are copied unchanged.
    public init(tensor: Tensor) throws {
        let shape = tensor.shape
        guard shape.count == 2 || shape.count == 3 else { throw ImageError.invalidArgument("an image tensor has shape [H, W, C] or [H, W], not \(shape)") }
        let channels = shape.count == 3 ? shape[2] : 1
        guard [1, 3, 4].contains(channels) else { throw ImageError.invalidArgument("an image tensor has 1, 3 or 4 channels, not \(channels) (shape \(shape))") }
        self.init(width: shape[1], height: shape[0], channels: channels, pixels: tensor.scalars)
    }

    /// The pixels as a tensor of shape `[H, W, C]`.
    public var tensor: Tensor { Tensor(shape: [height, width, channels], scalars: pixels) }

    /// The value of channel `c` of the pixel at row `y`, column `x`.
    @inlinable public subscript(y: Int, x: Int, c: Int) -> Float {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    /// Samples clamped to [0, 1] and rounded to 8 bits, row-major HWC.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: pixels.count) { out, initialised in
            pixels.withUnsafeBufferPointer { src in
                for i in 0..<src.count { out[i] = quantise(src[i]) }
            }
            initialised = pixels.count
        }
    }
}

/// `Float(i) / 255` for every byte value `i`, so byte → float conversion is exact and fast.
public let byteToUnit: [Float] = (0..<256).map { Float($0) / 255 }

/// Rounds a [0, 1] value to the nearest 8-bit level, clamping out-of-range values and NaN (to 0).
@inline(__always) func quantise(_ value: Float) -> UInt8 {
    let scaled = value * 255 + 0.5
    if !(scaled > 0) { return 0 }
    if scaled >= 255 { return 255 }
    return UInt8(scaled)
}
