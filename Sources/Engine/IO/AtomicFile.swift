import Foundation

/// Writes whole files so that a reader (or a crash) never sees a partial file under the final name:
/// the bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write(UnsafeRawBufferPointer($0), to: path) }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write($0, to: path) }
    }

    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw FileWriteError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        var written = 0
        while written < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                throw FileWriteError.writeFailed(path: path, reason: reason)
            }
            written += n
        }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd); unlink(temporary)
            throw FileWriteError.writeFailed(path: path, reason: reason)
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FileWriteError.writeFailed(path: path, reason: reason)
        }
        let dfd = open(directory, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }
}
