#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file opened for reading: the one place that opens, sizes and reads files, so that every reader
/// (images, datasets, archives, checkpoints) fails with the same `FileReadError` naming the file.
///
/// Reads are positional (`pread`), so one open file serves ranged access and, through `readNext(into:)`,
/// sequential streaming alike.
///
/// ```swift
/// let bytes = try ReadableFile.contents(at: "labels.csv")
/// let file = try ReadableFile(path: "train.idx")
/// let header = try file.bytes(count: 16, at: 0)
/// ```
public final class ReadableFile {
    public let path: String
    /// The size in bytes when the file was opened.
    public let size: Int
    private let descriptor: Int32
    /// Where `readNext(into:)` continues.
    private var position = 0

    /// Opens the regular file at `path`.
    public init(path: String) throws(FileReadError) {
        self.path = path
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: Self.systemReason()) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = Self.systemReason()
            close(descriptor)
            throw .readFailed(path: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .notAFile(path: path)
        }
        self.descriptor = descriptor
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes at `offset` and returns how many were read: fewer only where the file ends.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileReadError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, reason: Self.systemReason())
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `buffer.count` bytes at `offset`; a file that ends sooner is `.truncated`.
    public func readExactly(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileReadError) {
        let done = try read(into: buffer, at: offset)
        guard done == buffer.count else { throw .truncated(path: path, size: offset + done, needed: offset + buffer.count) }
    }

    /// Exactly `count` bytes starting at `offset`.
    public func bytes(count: Int, at offset: Int) throws(FileReadError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var failure: FileReadError?
        bytes.withUnsafeMutableBytes { buffer in
            do throws(FileReadError) { try readExactly(into: buffer, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads the next bytes in file order (from the start, then on from where the last call stopped) and
    /// returns how many: fewer than `buffer.count` only at the end of the file.
    public func readNext(into buffer: UnsafeMutableRawBufferPointer) throws(FileReadError) -> Int {
        let done = try read(into: buffer, at: position)
        position += done
        return done
    }

    /// The whole file at `path`.
    public static func contents(at path: String) throws(FileReadError) -> [UInt8] {
        let file = try ReadableFile(path: path)
        return try file.bytes(count: file.size, at: 0)
    }

    /// The whole file at `path` as UTF-8 text (invalid sequences become U+FFFD).
    public static func text(at path: String) throws(FileReadError) -> String {
        String(decoding: try contents(at: path), as: UTF8.self)
    }

    /// Whether `path` names a regular file that can be opened for reading.
    public static func isReadable(at path: String) -> Bool {
        (try? ReadableFile(path: path)) != nil
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }
}
