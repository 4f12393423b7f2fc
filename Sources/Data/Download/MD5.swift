import Engine
#if canImport(Glibc)
import Glibc
#endif

/// MD5 (RFC 1321), used only to check downloads against their published checksums (not for security).
///
/// Incremental: `update` any number of times, then `finalize`. `MD5.hex(ofFileAt:)` hashes a file in chunks.
public struct MD5 {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    private var buffer = [UInt8](repeating: 0, count: 64)
    private var buffered = 0
    private var length: UInt64 = 0

    public init() {}

    /// Per-round left-rotation amounts.
    private static let shifts: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                           5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                           4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                           6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]
    /// `floor(abs(sin(i + 1)) * 2^32)`.
    private static let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296.0)) }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if buffered > 0 {
            let take = min(64 - buffered, remaining)
            buffer.withUnsafeMutableBytes { ($0.baseAddress! + buffered).copyMemory(from: pointer, byteCount: take) }
            buffered += take; pointer += take; remaining -= take
            if buffered < 64 { return }
            buffer.withUnsafeBytes { compress($0.baseAddress!) }
            buffered = 0
        }
        while remaining >= 64 {
            compress(pointer)
            pointer += 64; remaining -= 64
        }
        if remaining > 0 {
            buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: pointer, byteCount: remaining) }
            buffered = remaining
        }
    }

    /// The 16-byte digest. The value should not be updated afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var padding: [UInt8] = [0x80]
        let padded = (buffered + 1) % 64
        padding += [UInt8](repeating: 0, count: padded <= 56 ? 56 - padded : 120 - padded)
        for i in 0..<8 { padding.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        let savedLength = length
        update(padding)
        length = savedLength
        precondition(buffered == 0)
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { digest.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return digest
    }

    /// The digest as 32 lowercase hex digits.
    public mutating func finalizeHex() -> String {
        finalize().map { String(format2: $0) }.joined()
    }

    /// The MD5 of `bytes` as lowercase hex.
    public static func hex(of bytes: [UInt8]) -> String {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finalizeHex()
    }

    /// The MD5 of the file at `path` as lowercase hex, read in 1 MiB chunks.
    public static func hex(ofFileAt path: String) throws -> String {
        let file = try ReadableFile(path: path)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        var md5 = MD5()
        while case let n = try file.readNext(into: chunk), n > 0 {
            md5.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return md5.finalizeHex()
    }

    /// One 64-byte block.
    private mutating func compress(_ block: UnsafeRawPointer) {
        var (a, b, c, d) = state
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { m in
            for i in 0..<16 { m[i] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            Self.constants.withUnsafeBufferPointer { k in
                Self.shifts.withUnsafeBufferPointer { s in
                    for i in 0..<64 {
                        var f: UInt32
                        let g: Int
                        switch i >> 4 {
                        case 0: f = (b & c) | (~b & d); g = i
                        case 1: f = (d & b) | (~d & c); g = (5 &* i &+ 1) & 15
                        case 2: f = b ^ c ^ d; g = (3 &* i &+ 5) & 15
                        default: f = c ^ (b | ~d); g = (7 &* i) & 15
                        }
                        f = f &+ a &+ k[i] &+ m[g]
                        a = d; d = c; c = b
                        b = b &+ ((f << s[i]) | (f >> (32 - s[i])))
                    }
                }
            }
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
