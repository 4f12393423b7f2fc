/// Why a dataset file or folder could not be loaded. Every file-related case names the file.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// None of the expected file names exists in the folder.
    case missingFile(folder: String, expected: [String])
    /// The file does not start with the format's magic number.
    case badMagic(path: String, found: [UInt8])
    /// The IDX element type is not unsigned byte (0x08).
    case unsupportedElementType(path: String, type: UInt8)
    /// The header's dimensions are not usable (wrong count, or a zero or negative size where one is required).
    case badDimensions(path: String, dims: [Int], reason: String)
    /// The header claims more data than `limit` bytes; refused before allocating.
    case tooLarge(path: String, claimedBytes: Int, limit: Int)
    /// The file (after decompression) ends before the data its header describes.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The file (after decompression) holds more bytes than its header describes.
    case trailingData(path: String, expectedBytes: Int)
    /// The gzip stream is damaged.
    case corruptCompression(path: String, message: String)
    /// An image file and its label file disagree on the number of items.
    case countMismatch(imagesPath: String, labelsPath: String, images: Int, labels: Int)
    /// A label is outside `0 ..< classCount`.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// A fixed-record file's size is not a whole number of records.
    case partialRecord(path: String, size: Int, recordSize: Int)
    /// A label-name file lists the wrong number of names.
    case badLabelNames(path: String, found: Int, expected: Int)
    /// A folder holds no PNG or JPEG files.
    case noImages(folder: String)
    /// An image's size differs from the dataset's and no resize was requested.
    case imageSizeMismatch(path: String, found: [Int], expected: [Int])
    /// An image is smaller than the requested centre crop.
    case imageSmallerThanCrop(path: String, found: [Int], crop: [Int])
    /// The path is neither a dataset file nor a dataset folder this library knows.
    case unrecognised(path: String, reason: String)
    /// An argument is out of range (a fraction, a batch size, a shape).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .missingFile(folder, expected):
            return "\(folder) holds none of: \(expected.joined(separator: ", "))"
        case let .badMagic(path, found):
            return "\(path): wrong magic number \(found.map { String(format2: $0) }.joined(separator: " "))"
        case let .unsupportedElementType(path, type):
            return "\(path): IDX element type 0x\(String(format2: type)) is not supported (only 0x08, unsigned byte)"
        case let .badDimensions(path, dims, reason):
            return "\(path): bad dimensions \(dims): \(reason)"
        case let .tooLarge(path, claimed, limit):
            return "\(path): header claims \(claimed) bytes of data, more than the limit of \(limit) bytes"
        case let .truncated(path, expected, actual):
            return "\(path) is truncated: expected \(expected) bytes, found \(actual)"
        case let .trailingData(path, expected):
            return "\(path) holds more than the \(expected) bytes its header describes"
        case let .corruptCompression(path, message):
            return "\(path): corrupt gzip data (\(message))"
        case let .countMismatch(imagesPath, labelsPath, images, labels):
            return "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels"
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): label \(label) of item \(index) is outside 0..<\(classCount)"
        case let .partialRecord(path, size, recordSize):
            return "\(path): size \(size) is not a multiple of the \(recordSize)-byte record (truncated or wrong format)"
        case let .badLabelNames(path, found, expected):
            return "\(path) lists \(found) label names, expected \(expected)"
        case let .noImages(folder):
            return "\(folder) holds no PNG or JPEG images"
        case let .imageSizeMismatch(path, found, expected):
            return "\(path) is \(found[0])x\(found[1]) but the dataset's images are \(expected[0])x\(expected[1]); set a resize size"
        case let .imageSmallerThanCrop(path, found, crop):
            return "\(path) is \(found[0])x\(found[1]), smaller than the \(crop[0])x\(crop[1]) centre crop"
        case let .unrecognised(path, reason):
            return "\(path): \(reason)"
        case let .invalidArgument(message):
            return message
        }
    }
}

extension String {
    /// Two lowercase hex digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
