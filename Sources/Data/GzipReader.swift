import CZlib
import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// Streams the decompressed bytes of a gzip file (several concatenated members allowed) through zlib,
/// reading the compressed file in chunks so neither side needs to be in memory at once.
final class GzipReader {
    let path: String
    /// The size of the compressed file in bytes.
    let compressedSize: Int
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 18
    private let fd: Int32
    private var inputExhausted = false
    private var finished = false
    private var filePosition = 0

    init(path: String) throws {
        self.path = path
        compressedSize = try BinaryFile.size(at: path)
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: inputCapacity)
        // 16 + MAX_WBITS: expect a gzip wrapper.
        let status = inflateInit2_(stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            close(fd)
            input.deallocate()
            stream.deallocate()
            throw DataError.corruptCompression(path: path, message: "zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
        close(fd)
    }

    /// Refills the input buffer when empty; returns false at end of file.
    private func refill() throws -> Bool {
        if stream.pointee.avail_in > 0 { return true }
        if inputExhausted { return false }
        var n: Int
        repeat { n = pread(fd, input, inputCapacity, off_t(filePosition)) } while n < 0 && errno == EINTR
        guard n >= 0 else { throw FileError.readFailed(path: path, reason: String(cString: strerror(errno))) }
        if n == 0 { inputExhausted = true; return false }
        filePosition += n
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(n)
        return true
    }

    /// Fills `buffer` with decompressed bytes and returns how many were written; fewer than
    /// `buffer.count` only when the compressed data has ended.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var produced = 0
        while produced < buffer.count && !finished {
            let chunk = min(buffer.count - produced, Int(UInt32.max))
            stream.pointee.next_out = buffer.baseAddress!.advanced(by: produced).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(chunk)
            var stalls = 0
            while stream.pointee.avail_out > 0 && !finished {
                let haveInput = try refill()
                let status = inflate(stream, Z_NO_FLUSH)
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another gzip member may follow; anything else after the end is ignored.
                    if try refill(), stream.pointee.next_in.pointee == 0x1F {
                        inflateReset(stream)
                    } else {
                        finished = true
                    }
                case Z_BUF_ERROR where haveInput && stalls < 4:
                    stalls += 1 // zlib made no progress although input and output space remain; retry briefly
                    continue
                case Z_BUF_ERROR where !haveInput:
                    throw DataError.corruptCompression(path: path, message: "compressed stream ends early (file truncated)")
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DataError.corruptCompression(path: path, message: message)
                }
            }
            produced += chunk - Int(stream.pointee.avail_out)
        }
        return produced
    }

    /// Reads exactly `count` bytes, or fewer at the end of the data.
    func read(count: Int) throws -> [UInt8] {
        var got = 0
        var bytes = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised in
            got = try read(into: UnsafeMutableRawBufferPointer(buffer))
            initialised = got
        }
        if got < count { bytes.removeSubrange(got...) }
        return bytes
    }

    /// Whether any decompressed data remains.
    func hasMoreData() throws -> Bool {
        var byte: UInt8 = 0
        let count = try withUnsafeMutableBytes(of: &byte) { try read(into: $0) }
        return count > 0
    }
}

/// Gzip helpers: signature test and in-memory compression (for writing test fixtures and exports).
public enum Gzip {
    /// Whether `bytes` starts with the gzip signature 1f 8b.
    public static func isGzip<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    /// Whether the file at `path` starts with the gzip signature.
    public static func isGzipFile(at path: String) throws -> Bool {
        let size = try BinaryFile.size(at: path)
        guard size >= 2 else { return false }
        return isGzip(try BinaryFile.read(at: path, offset: 0, count: 2))
    }

    /// `bytes` compressed as one gzip member at `level` (0…9).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed with status \(status)")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        var written = 0
        bytes.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate did not finish (status \(result))")
                written = dst.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }
}
