import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads one file over HTTP(S) into `NAME.part`, resuming with an HTTP `Range` request after a broken
/// transfer (or restarting cleanly when the server ignores the range), verifies its MD5 and only then
/// renames it to `NAME`. A file under the final name is therefore always complete and verified.
public final class Downloader {
    /// How far a transfer has come: bytes on disk so far and the file's total size when known.
    public struct Progress: Sendable {
        public let url: String
        public let received: Int64
        public let total: Int64?
    }

    /// What `fetch` did.
    public enum Outcome: Equatable, Sendable {
        /// The file was already there with the right MD5; nothing was fetched.
        case alreadyPresent
        /// The file was fetched; `resumed` tells whether a `Range` request continued a partial file.
        case downloaded(resumed: Bool, attempts: Int)
    }

    /// Attempts per file (the first one included) before giving up on network errors.
    public var maximumAttempts: Int
    /// Seconds to wait before attempt n (multiplied by n - 1).
    public var retryDelay: Double
    /// Called on a background queue as bytes arrive.
    public var progress: (@Sendable (Progress) -> Void)?

    private let session: URLSession
    private let delegate = TransferDelegate()

    public init(maximumAttempts: Int = 5, retryDelay: Double = 2, idleTimeout: Double = 60) {
        self.maximumAttempts = maximumAttempts
        self.retryDelay = retryDelay
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = 1
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    deinit { session.invalidateAndCancel() }

    /// Fetches `url` to `path` unless a file with MD5 `md5` (lowercase hex) is already there.
    /// Throws `DownloadError` naming the address or the file; on a checksum mismatch no file is left.
    @discardableResult
    public func fetch(_ url: String, md5: String, to path: String) throws -> Outcome {
        guard let address = URL(string: url), let scheme = address.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw DownloadError.invalidURL(url)
        }
        let expected = md5.lowercased()
        if FileManager.default.fileExists(atPath: path), try MD5.hex(ofFileAt: path) == expected { return .alreadyPresent }
        let part = path + ".part"
        var attempts = 0
        var resumed = false
        var restartedAfterMismatch = false
        while true {
            try transfer(address, url: url, part: part, attempts: &attempts, resumed: &resumed)
            let actual = try MD5.hex(ofFileAt: part)
            if actual == expected { break }
            // A resumed file may have been stitched from two different versions: start once more from zero.
            if resumed && !restartedAfterMismatch {
                restartedAfterMismatch = true
                resumed = false
                unlink(part)
                continue
            }
            unlink(part)
            throw DownloadError.checksumMismatch(url: url, path: path, expected: expected, actual: actual)
        }
        guard rename(part, path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DownloadError.fileSystem(path: path, message: "cannot rename \(part) into place: \(reason)")
        }
        return .downloaded(resumed: resumed, attempts: attempts)
    }

    /// Runs attempts until `part` holds the whole response body.
    @discardableResult
    private func transfer(_ address: URL, url: String, part: String, attempts: inout Int, resumed: inout Bool) throws -> Int64 {
        let fd = open(part, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw DownloadError.fileSystem(path: part, message: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var lastMessage = ""
        var failuresThisCall = 0
        while true {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw DownloadError.fileSystem(path: part, message: String(cString: strerror(errno))) }
            let offset = Int64(info.st_size)
            if failuresThisCall >= maximumAttempts {
                throw DownloadError.transferFailed(url: url, attempts: failuresThisCall, message: lastMessage)
            }
            if failuresThisCall > 0 && retryDelay > 0 { Thread.sleep(forTimeInterval: retryDelay * Double(failuresThisCall)) }
            attempts += 1
            var request = URLRequest(url: address)
            if offset > 0 {
                request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range")
                resumed = true
            }
            let state = TransferState(fd: fd, path: part, url: url, offset: offset, progress: progress)
            let semaphore = DispatchSemaphore(value: 0)
            state.done = { semaphore.signal() }
            let task = session.dataTask(with: request)
            delegate.register(state, for: task)
            task.resume()
            semaphore.wait()
            delegate.unregister(task)

            switch state.outcome {
            case .complete:
                return state.position
            case .httpError(let status) where status == 416 && offset > 0:
                // The range starts at or past the end: the part may already be complete; the MD5 decides,
                // and a mismatch restarts from zero inside `fetch`.
                return offset
            case .httpError(let status) where status >= 500 || status == 408 || status == 429:
                lastMessage = "HTTP \(status)"
                failuresThisCall += 1
            case .httpError(let status):
                if offset == 0 { unlink(part) } // keep a partial file for a later resume, not an empty one
                throw DownloadError.httpStatus(url: url, status: status)
            case .badRange:
                lastMessage = "server answered a different range; restarting from zero"
                ftruncate(fd, 0)
                resumed = false
                failuresThisCall += 1
            case .writeFailed(let message):
                throw DownloadError.fileSystem(path: part, message: message)
            case .network(let message), .incomplete(let message):
                lastMessage = message
                failuresThisCall += 1
            case .pending:
                lastMessage = "transfer ended without a result"
                failuresThisCall += 1
            }
        }
    }
}
