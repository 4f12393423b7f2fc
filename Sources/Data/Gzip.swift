import CZlib
import Engine

/// Gzip helpers: signature test and in-memory compression (for writing test fixtures and exports).
public enum Gzip {
    /// Whether `bytes` starts with the gzip signature 1f 8b.
    public static func isGzip<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    /// Whether the file at `path` starts with the gzip signature.
    public static func isGzipFile(at path: String) throws -> Bool {
        let file = try ReadableFile(path: path)
        guard file.size >= 2 else { return false }
        return isGzip(try file.bytes(count: 2, at: 0))
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
