import CTurboJPEG
import Engine

/// JPEG decoding and encoding through TurboJPEG. Errors are returned as `ImageError`, never fatal.
///
/// Greyscale JPEGs decode to 1 channel, colour JPEGs to RGB. Writing drops an alpha channel.
public enum JPEGCodec {
    /// Decodes JPEG bytes; `path` is only used in error messages.
    public static func decode(_ data: [UInt8], path: String = "<memory>") throws -> Image {
        guard let handle = tjInitDecompress() else {
            throw ImageError.decodeFailed(path: path, format: "JPEG", message: "cannot create a TurboJPEG decompressor")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourSpace: Int32 = 0
        let headerStatus = data.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling, &colourSpace)
        }
        guard headerStatus == 0 else { throw failure(handle, data: data, path: path) }
        let channels: Int
        let pixelFormat: TJPF
        switch TJCS(rawValue: UInt32(colourSpace)) {
        case TJCS_GRAY: channels = 1; pixelFormat = TJPF_GRAY
        case TJCS_RGB, TJCS_YCbCr: channels = 3; pixelFormat = TJPF_RGB
        default: throw ImageError.unsupported(path: path, reason: "CMYK/YCCK JPEG images are not supported")
        }
        let w = Int(width), h = Int(height)
        // A few bytes can claim a huge image; refuse before allocating.
        // Each 8×8 block of each component costs at least two bits, so a JPEG holds at most 256 pixels per byte.
        guard w * h <= Image.pixelLimit(byteCount: data.count, pixelsPerByte: 256) else { throw ImageError.tooLarge(path: path, width: w, height: h) }
        var bytes = [UInt8](repeating: 0, count: w * h * channels)
        let status = data.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), out.baseAddress, width, 0, height,
                              Int32(pixelFormat.rawValue), 0)
            }
        }
        if status != 0 {
            // Warnings (e.g. extraneous bytes) still give a full image, unless the data was cut short.
            let fatal = tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue)
            if fatal || !hasEndMarker(data) { throw failure(handle, data: data, path: path) }
        }
        return Image(width: w, height: h, channels: channels, bytes: bytes)
    }

    /// Encodes `image` at `quality` (1…100) with 4:4:4 chroma (or greyscale for 1-channel images).
    public static func encode(_ image: Image, quality: Int = 95, path: String = "<memory>") throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImageError.encodeFailed(path: path, format: "JPEG", message: "cannot write an empty \(image.width)x\(image.height) image")
        }
        guard (1...100).contains(quality) else { throw ImageError.invalidArgument("JPEG quality must be 1…100, not \(quality)") }
        guard let handle = tjInitCompress() else {
            throw ImageError.encodeFailed(path: path, format: "JPEG", message: "cannot create a TurboJPEG compressor")
        }
        defer { tjDestroy(handle) }
        let pixelFormat: TJPF = image.channels == 1 ? TJPF_GRAY : (image.channels == 3 ? TJPF_RGB : TJPF_RGBA)
        let subsampling: TJSAMP = image.channels == 1 ? TJSAMP_GRAY : TJSAMP_444
        let samples = image.bytes
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let output { tjFree(output) } }
        let status = samples.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(pixelFormat.rawValue),
                        &output, &size, Int32(subsampling.rawValue), Int32(quality), TJFLAG_ACCURATEDCT)
        }
        guard status == 0, let output else {
            throw ImageError.encodeFailed(path: path, format: "JPEG", message: errorMessage(handle))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// Reads and decodes the JPEG file at `path`.
    public static func read(at path: String) throws -> Image {
        try decode(ReadableFile.contents(at: path), path: path)
    }

    /// Encodes `image` and writes it to `path` atomically.
    public static func write(_ image: Image, to path: String, quality: Int = 95) throws {
        try AtomicFile.write(encode(image, quality: quality, path: path), to: path)
    }

    static func errorMessage(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: text)
    }

    /// Whether the end-of-image marker FF D9 occurs near the end (entropy-coded data never contains it).
    static func hasEndMarker(_ data: [UInt8]) -> Bool {
        let tail = data.suffix(1024)
        var previous: UInt8 = 0
        for byte in tail {
            if previous == 0xFF && byte == 0xD9 { return true }
            previous = byte
        }
        return false
    }

    static func failure(_ handle: tjhandle, data: [UInt8], path: String) -> ImageError {
        if !hasEndMarker(data) { return .truncated(path: path, format: "JPEG") }
        return .decodeFailed(path: path, format: "JPEG", message: errorMessage(handle))
    }
}
