import CPNG
import Engine

/// PNG decoding and encoding through libpng's simplified API.
///
/// Reading accepts every PNG colour type and bit depth. Grey stays 1 channel, RGB 3, and anything
/// with alpha (grey+alpha, RGBA, palette with transparency) becomes RGBA. 16-bit files are read at
/// full precision as linear values (how libpng treats untagged 16-bit data), with alpha un-premultiplied.
/// Writing produces 8-bit grey, RGB or RGBA.
public enum PNGCodec {
    // PNG_FORMAT_FLAG_* from png.h.
    static let alphaFlag: UInt32 = 0x01
    static let colourFlag: UInt32 = 0x02
    static let linearFlag: UInt32 = 0x04

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let iendChunk: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    /// Decodes PNG bytes; `path` is only used in error messages.
    public static func decode(_ data: [UInt8], path: String = "<memory>") throws -> Image {
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&control) }
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&control, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw failure(control, data: data, path: path) }

        let width = Int(control.width), height = Int(control.height)
        let source = control.format
        let sixteenBit = source & linearFlag != 0
        let hasAlpha = source & alphaFlag != 0
        let channels = hasAlpha ? 4 : (source & colourFlag != 0 ? 3 : 1)
        var format: UInt32 = channels == 1 ? 0 : (channels == 3 ? colourFlag : colourFlag | alphaFlag)
        if sixteenBit { format |= linearFlag }
        control.format = format
        let count = width * height * channels
        guard width > 0, height > 0, count / width / height == channels else {
            throw ImageError.decodeFailed(path: path, format: "PNG", message: "unusable size \(width)x\(height)")
        }
        // A few bytes can claim a huge image; refuse before allocating.
        // Deflate expands at most 1032:1 and a 1-bit PNG holds 8 pixels per byte.
        guard width * height <= Image.pixelLimit(byteCount: data.count, pixelsPerByte: 1032 * 8) else { throw ImageError.tooLarge(path: path, width: width, height: height) }

        if sixteenBit {
            var samples = [UInt16](repeating: 0, count: count)
            let finished = samples.withUnsafeMutableBytes {
                png_image_finish_read(&control, nil, $0.baseAddress, Int32(width * channels), nil)
            }
            guard finished != 0 else { throw failure(control, data: data, path: path) }
            guard hasEnd(data) else { throw ImageError.truncated(path: path, format: "PNG") }
            return Image(width: width, height: height, channels: channels, pixels: linearPixels(samples, channels: channels))
        }
        var bytes = [UInt8](repeating: 0, count: count)
        let finished = bytes.withUnsafeMutableBytes {
            png_image_finish_read(&control, nil, $0.baseAddress, Int32(width * channels), nil)
        }
        guard finished != 0 else { throw failure(control, data: data, path: path) }
        guard hasEnd(data) else { throw ImageError.truncated(path: path, format: "PNG") }
        return Image(width: width, height: height, channels: channels, bytes: bytes)
    }

    /// Scales 16-bit samples to [0, 1], undoing libpng's alpha premultiplication of linear output.
    static func linearPixels(_ samples: [UInt16], channels: Int) -> [Float] {
        var pixels = [Float](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { out in
                for i in 0..<src.count { out[i] = Float(src[i]) * (1 / 65535) }
                guard channels == 4 else { return }
                var p = 0
                while p < out.count {
                    let alpha = out[p + 3]
                    if alpha > 0 && alpha < 1 {
                        for c in 0..<3 { out[p + c] = min(out[p + c] / alpha, 1) }
                    }
                    p += 4
                }
            }
        }
        return pixels
    }

    /// Encodes `image` as an 8-bit PNG of the same channel count.
    public static func encode(_ image: Image, path: String = "<memory>") throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImageError.encodeFailed(path: path, format: "PNG", message: "cannot write an empty \(image.width)x\(image.height) image")
        }
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        control.width = UInt32(image.width)
        control.height = UInt32(image.height)
        control.format = image.channels == 1 ? 0 : (image.channels == 3 ? colourFlag : colourFlag | alphaFlag)
        let samples = image.bytes
        var capacity = samples.count + image.height + 1024
        for _ in 0..<2 {
            var output = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            let ok = output.withUnsafeMutableBytes { out in
                samples.withUnsafeBytes { src in
                    png_image_write_to_memory(&control, out.baseAddress, &size, 0, src.baseAddress, 0, nil)
                }
            }
            if ok != 0 {
                output.removeSubrange(size...)
                return output
            }
            guard size > capacity else { break }
            capacity = size
            control.warning_or_error = 0
        }
        throw ImageError.encodeFailed(path: path, format: "PNG", message: message(of: control))
    }

    /// Reads and decodes the PNG file at `path`.
    public static func read(at path: String) throws -> Image {
        try decode(ReadableFile.contents(at: path), path: path)
    }

    /// Encodes `image` and writes it to `path` atomically.
    public static func write(_ image: Image, to path: String) throws {
        try AtomicFile.write(encode(image, path: path), to: path)
    }

    static func message(of control: png_image) -> String {
        var text = control.message
        return withUnsafeBytes(of: &text) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Whether a complete IEND chunk (length 0, type, CRC) occurs in the last 4 KiB, allowing trailing bytes.
    static func hasEnd(_ data: [UInt8]) -> Bool {
        let tail = Array(data.suffix(4096))
        guard tail.count >= iendChunk.count else { return false }
        for start in stride(from: tail.count - iendChunk.count, through: 0, by: -1)
        where tail[start + 4] == 0x49 && tail[start..<(start + iendChunk.count)].elementsEqual(iendChunk) {
            return true
        }
        return false
    }

    /// A truncation error when the data has no IEND chunk at its end, otherwise libpng's message.
    static func failure(_ control: png_image, data: [UInt8], path: String) -> ImageError {
        if !data.starts(with: signature) { return .notAnImage(path: path) }
        if data.count < 8 + 25 || !hasEnd(data) {
            return .truncated(path: path, format: "PNG")
        }
        return .decodeFailed(path: path, format: "PNG", message: message(of: control))
    }
}
