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
