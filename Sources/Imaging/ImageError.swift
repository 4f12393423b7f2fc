/// Why an image could not be decoded, encoded or processed. Every file-related case names the file.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// The bytes start with neither the PNG nor the JPEG signature.
    case notAnImage(path: String)
    /// The file is empty or stops before the image data is complete.
    case truncated(path: String, format: String)
    /// The codec rejected the data.
    case decodeFailed(path: String, format: String, message: String)
    /// The codec could not produce a file.
    case encodeFailed(path: String, format: String, message: String)
    /// The requested file type or pixel layout is not supported.
    case unsupported(path: String, reason: String)
    /// A size, range or shape argument is out of range.
    case invalidArgument(String)
    /// The file claims more pixels than `Image.maximumPixels`; refused before allocating.
    case tooLarge(path: String, width: Int, height: Int)

    public var description: String {
        switch self {
        case let .notAnImage(path): return "\(path) is not a PNG or JPEG image (unknown signature)"
        case let .truncated(path, format): return "\(path) is a truncated \(format) file"
        case let .decodeFailed(path, format, message): return "cannot decode \(format) \(path): \(message)"
        case let .encodeFailed(path, format, message): return "cannot encode \(format) \(path): \(message)"
        case let .unsupported(path, reason): return "\(path): \(reason)"
        case let .invalidArgument(message): return message
        case let .tooLarge(path, width, height):
            return "\(path) claims \(width)×\(height) pixels, more than its size can hold or the \(Image.maximumPixels / 1_000_000)-megapixel limit"
        }
    }
}
