import Engine
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file and ranged byte access through POSIX calls, plus atomic writes.
public enum BinaryFile {
    /// Reads the whole file at `path`.
    public static func read(at path: String) throws -> [UInt8] {
        let file = try OpenFile(path: path)
        defer { file.closeDescriptor() }
        let size = try file.size()
        return try file.read(count: size, at: 0)
    }

    /// The size in bytes of the regular file at `path`.
    public static func size(at path: String) throws -> Int {
        let file = try OpenFile(path: path)
        defer { file.closeDescriptor() }
        return try file.size()
    }

    /// Reads `count` bytes starting at byte `offset`; fails if the file holds fewer.
    public static func read(at path: String, offset: Int, count: Int) throws -> [UInt8] {
        let file = try OpenFile(path: path)
        defer { file.closeDescriptor() }
        return try file.read(count: count, at: offset)
    }

    /// Writes `bytes` to `path` atomically: into a temporary file in the same directory, which is
    /// synced to disk and then renamed over `path`. Readers see either the old file or the whole new one.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do { try AtomicFile.write(bytes, to: path) } catch let error as FileWriteError {
            switch error {
            case .cannotCreate(_, let reason), .writeFailed(_, let reason): throw FileError.cannotWrite(path: path, reason: reason)
            }
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}

/// A file descriptor opened for reading, with its path for error messages.
struct OpenFile {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw FileError.cannotOpen(path: path, reason: BinaryFile.errorText()) }
        fd = descriptor
    }

    func closeDescriptor() { _ = close(fd) }

    func size() throws -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError.readFailed(path: path, reason: BinaryFile.errorText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileError.notAFile(path: path) }
        return Int(info.st_size)
    }

    /// Reads exactly `count` bytes at `offset`.
    func read(count: Int, at offset: Int) throws -> [UInt8] {
        var failure: FileError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .readFailed(path: path, reason: BinaryFile.errorText())
                    break
                }
                if n == 0 {
                    failure = .readFailed(path: path, reason: "file ends after \(offset + done) bytes, expected \(offset + count)")
                    break
                }
                done += n
            }
            initialised = failure == nil ? count : 0
        }
        if let failure { throw failure }
        return bytes
    }
}
