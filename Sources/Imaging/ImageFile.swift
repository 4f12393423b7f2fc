import Engine

/// Decodes image bytes, choosing the codec from the signature (magic bytes), not from any file name.
public func decodeImage(_ data: [UInt8], path: String = "<memory>") throws -> Image {
    if data.isEmpty { throw ImageError.truncated(path: path, format: "image (empty file)") }
    switch ImageFormat.detect(data) {
    case .png: return try PNGCodec.decode(data, path: path)
    case .jpeg: return try JPEGCodec.decode(data, path: path)
    case nil:
        if data.count < 8, PNGCodec.signature.starts(with: data) { throw ImageError.truncated(path: path, format: "PNG") }
        if data.count < 3, [0xFF, 0xD8, 0xFF].starts(with: data) { throw ImageError.truncated(path: path, format: "JPEG") }
        throw ImageError.notAnImage(path: path)
    }
}

/// Reads the PNG or JPEG file at `path`, whatever its extension.
public func readImage(at path: String) throws -> Image {
    try decodeImage(ReadableFile.contents(at: path), path: path)
}

/// Writes `image` atomically to `path` as `format`, or by the path's extension (`.png`, `.jpg`, `.jpeg`) when `nil`.
public func writeImage(_ image: Image, to path: String, format: ImageFormat? = nil, jpegQuality: Int = 95) throws {
    guard let format = format ?? ImageFormat.fromExtension(of: path) else {
        throw ImageError.unsupported(path: path, reason: "cannot tell the image format from the extension; use .png, .jpg or .jpeg")
    }
    switch format {
    case .png: try PNGCodec.write(image, to: path)
    case .jpeg: try JPEGCodec.write(image, to: path, quality: jpegQuality)
    }
}
