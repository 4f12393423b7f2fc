import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests: serves in-memory files,
/// honours `Range: bytes=N-`, answers 404 for unknown paths, and can drop a connection mid-file.
/// One connection at a time, each closed after its response.
final class LocalHTTPServer: @unchecked Sendable {
    struct Request: Equatable { let path: String; let range: String? }

    private let listener: Int32
    let port: UInt16
    private let lock = NSLock()
    private var files: [String: [UInt8]] = [:]
    /// Paths whose next response stops after `dropAfter` bytes of the body (then the socket is closed).
    private var drops: [String: Int] = [:]
    private var ignoreRanges = false
    private var log: [Request] = []
    private var stopped = false
    /// Signalled when the serving thread has left `accept`, so `stop` closes the socket only after that:
    /// closing it earlier would let the thread accept on a descriptor number another test has reused.
    private let finished = DispatchSemaphore(value: 0)

    var baseURL: String { "http://127.0.0.1:\(port)/" }

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        // The thread holds the server strongly until it has stopped serving; every test calls `stop()`.
        Thread { self.serve(); self.finished.signal() }.start()
    }

    /// Stops accepting connections and waits for the serving thread to finish before closing the socket.
    func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        finished.wait()
        close(listener)
    }

    func serve(_ bytes: [UInt8], at name: String) { lock.lock(); files["/" + name] = bytes; lock.unlock() }
    func dropNextResponse(to name: String, after bytes: Int) { lock.lock(); drops["/" + name] = bytes; lock.unlock() }
    func setIgnoresRanges(_ value: Bool) { lock.lock(); ignoreRanges = value; lock.unlock() }
    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    var requests: [Request] { lock.lock(); defer { lock.unlock() }; return log }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR && !isStopped { continue }
                return // listener shut down
            }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.ends(with: [13, 10, 13, 10]) && request.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            request += chunk[0..<n]
            if let end = request.firstRange(of: [13, 10, 13, 10]) { request.removeSubrange(end.upperBound...); break }
        }
        let lines = String(decoding: request, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return }
        let path = String(parts[1])
        var range: String?
        for line in lines.dropFirst() where line.lowercased().hasPrefix("range:") {
            range = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
        }
        lock.lock()
        log.append(Request(path: path, range: range))
        let body = files[path]
        let drop = drops.removeValue(forKey: path)
        let ignore = ignoreRanges
        lock.unlock()

        guard let body else {
            send(client, Array("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found".utf8))
            return
        }
        var start = 0
        if let range, !ignore, range.hasPrefix("bytes="), range.hasSuffix("-"), let from = Int(range.dropFirst(6).dropLast()) {
            start = from
        }
        var header: String
        if start >= body.count && start > 0 {
            header = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */\(body.count)\r\nContent-Length: 0\r\n"
            send(client, Array((header + "Connection: close\r\n\r\n").utf8))
            return
        }
        if start > 0 {
            header = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(start)-\(body.count - 1)/\(body.count)\r\n"
        } else {
            header = "HTTP/1.1 200 OK\r\n"
        }
        header += "Content-Length: \(body.count - start)\r\nContent-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n"
        send(client, Array(header.utf8))
        let end = drop.map { min(start + $0, body.count) } ?? body.count
        send(client, Array(body[start..<end]))
    }

    private func send(_ client: Int32, _ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            done += n
        }
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
