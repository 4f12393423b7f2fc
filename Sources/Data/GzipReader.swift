import CZlib
import Engine

/// Streams the decompressed bytes of a gzip file (several concatenated members allowed) through zlib,
/// reading the compressed file in chunks so neither side needs to be in memory at once.
final class GzipReader {
    let path: String
    /// The size of the compressed file in bytes.
    var compressedSize: Int { file.size }
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 18
    private let file: ReadableFile
    private var inputExhausted = false
    private var finished = false

    init(path: String) throws {
        self.path = path
        file = try ReadableFile(path: path)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: inputCapacity)
        // 16 + MAX_WBITS: expect a gzip wrapper.
        let status = inflateInit2_(stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        // Every property is set, so a throw here still runs `deinit`, which frees the buffers (and `inflateEnd`
        // of a stream that failed to start does nothing).
        guard status == Z_OK else {
            throw DataError.corruptCompression(path: path, message: "zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Refills the input buffer when empty; returns false at end of file.
    private func refill() throws -> Bool {
        if stream.pointee.avail_in > 0 { return true }
        if inputExhausted { return false }
        let n = try file.readNext(into: UnsafeMutableRawBufferPointer(start: input, count: inputCapacity))
        if n == 0 { inputExhausted = true; return false }
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
