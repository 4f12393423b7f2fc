import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request's bookkeeping, touched only on the session's serial delegate queue until `done`.
final class TransferState: @unchecked Sendable {
    enum Outcome { case pending, complete, httpError(Int), badRange, writeFailed(String), network(String), incomplete(String) }
    let fd: Int32
    let path: String
    let url: String
    let progress: (@Sendable (Downloader.Progress) -> Void)?
    var position: Int64
    var total: Int64?
    var outcome: Outcome = .pending
    var done: () -> Void = {}

    init(fd: Int32, path: String, url: String, offset: Int64, progress: (@Sendable (Downloader.Progress) -> Void)?) {
        self.fd = fd
        self.path = path
        self.url = url
        self.position = offset
        self.progress = progress
    }

    /// Checks the status and `Content-Range` against the bytes already on disk.
    func accept(_ response: URLResponse) -> Bool {
        guard let http = response as? HTTPURLResponse else { outcome = .network("not an HTTP response"); return false }
        switch http.statusCode {
        case 206:
            let header = (http.value(forHTTPHeaderField: "Content-Range") ?? "").lowercased()
            // "bytes START-END/TOTAL"
            let fields = header.replacingOccurrences(of: "bytes", with: "").trimmingCharacters(in: .whitespaces)
                .split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
            guard fields.count == 3, let start = Int64(fields[0]), start == position else { outcome = .badRange; return false }
            total = Int64(fields[2])
        case 200:
            if position > 0 { // the server ignored the range: start again from zero
                guard ftruncate(fd, 0) == 0 else { outcome = .writeFailed(String(cString: strerror(errno))); return false }
                position = 0
            }
            total = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        default:
            outcome = .httpError(http.statusCode)
            return false
        }
        progress?(Downloader.Progress(url: url, received: position, total: total))
        return true
    }

    func append(_ data: Data) -> Bool {
        let ok: Bool = data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(position) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    outcome = .writeFailed("write failed: \(String(cString: strerror(errno)))")
                    return false
                }
                done += n
            }
            return true
        }
        if ok {
            position += Int64(data.count)
            progress?(Downloader.Progress(url: url, received: position, total: total))
        }
        return ok
    }

    func finish(_ error: Error?) {
        if case .pending = outcome {
            if let error {
                outcome = .network(error.localizedDescription)
            } else if let total, position < total {
                outcome = .incomplete("connection closed after \(position) of \(total) bytes")
            } else {
                fsync(fd)
                outcome = .complete
            }
        }
        done()
    }
}
