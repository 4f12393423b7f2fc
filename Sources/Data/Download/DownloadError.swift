/// Why a dataset download failed. Every case names the address or the file concerned.
public enum DownloadError: Error, CustomStringConvertible, Equatable {
    /// The server answered with an HTTP status other than 200/206 (e.g. 404).
    case httpStatus(url: String, status: Int)
    /// The transfer failed and retries (resuming from the `.part` file) did not complete it.
    case transferFailed(url: String, attempts: Int, message: String)
    /// The downloaded bytes do not have the published MD5; the `.part` file has been removed.
    case checksumMismatch(url: String, path: String, expected: String, actual: String)
    /// A local file could not be created, written or renamed.
    case fileSystem(path: String, message: String)
    /// The address is not a usable http(s) URL.
    case invalidURL(String)
    /// The dataset name is not one this command knows.
    case unknownDataset(name: String, known: [String])

    public var description: String {
        switch self {
        case let .httpStatus(url, status):
            return "\(url): server answered HTTP \(status)"
        case let .transferFailed(url, attempts, message):
            return "\(url): download failed after \(attempts) attempt\(attempts == 1 ? "" : "s") (\(message)); run again to resume"
        case let .checksumMismatch(url, path, expected, actual):
            return "\(url): MD5 of the downloaded file is \(actual), expected \(expected); \(path) was not kept"
        case let .fileSystem(path, message):
            return "\(path): \(message)"
        case let .invalidURL(url):
            return "\(url) is not a usable http or https address"
        case let .unknownDataset(name, known):
            return "unknown dataset \(name); known: \(known.joined(separator: ", "))"
        }
    }
}

/// Why an archive (zip, tar, tar.gz) could not be extracted. Every case names the archive.
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    /// An entry's name is absolute or climbs out of the destination with `..`; extraction stops.
    case unsafePath(archive: String, entry: String)
    /// The archive's structure is damaged or truncated (bad header checksum, unknown format, ends early), or it
    /// lacks the folder a dataset needs; `message` is libarchive's or ImageGen's description.
    case corrupt(archive: String, message: String)
    /// A feature ImageGen does not handle (e.g. an encrypted entry).
    case unsupported(archive: String, message: String)
    /// An entry's data does not match its recorded CRC-32 or size, or cannot be decoded (e.g. an unknown
    /// compression method); libarchive could step over it, but ImageGen stops.
    case entryMismatch(archive: String, entry: String, message: String)

    public var description: String {
        switch self {
        case let .unsafePath(archive, entry):
            return "\(archive): refusing entry \"\(entry)\" (absolute path or \"..\" would write outside the destination)"
        case let .corrupt(archive, message):
            return "\(archive): damaged archive (\(message))"
        case let .unsupported(archive, message):
            return "\(archive): unsupported archive feature (\(message))"
        case let .entryMismatch(archive, entry, message):
            return "\(archive): entry \(entry) is damaged (\(message))"
        }
    }
}
