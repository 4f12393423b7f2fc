import CZlib
import Foundation

/// Test-side writers for tar and zip archives, free to write the unsafe names the readers must refuse.
enum TarWriter {
    enum Member { case file(String, [UInt8]), directory(String), symlink(String, target: String) }

    static func octal(_ value: Int, width: Int) -> [UInt8] {
        let digits = Array(String(value, radix: 8).utf8)
        return [UInt8](repeating: 0x30, count: width - 1 - digits.count) + digits + [0]
    }

    static func header(name: String, size: Int, type: UInt8, linkName: String = "") -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        let nameBytes = Array(name.utf8)
        precondition(nameBytes.count <= 100)
        h.replaceSubrange(0..<nameBytes.count, with: nameBytes)
        h.replaceSubrange(100..<108, with: octal(0o644, width: 8))
        h.replaceSubrange(108..<116, with: octal(0, width: 8))
        h.replaceSubrange(116..<124, with: octal(0, width: 8))
        h.replaceSubrange(124..<136, with: octal(size, width: 12))
        h.replaceSubrange(136..<148, with: octal(0, width: 12))
        h[156] = type
        let link = Array(linkName.utf8)
        h.replaceSubrange(157..<(157 + link.count), with: link)
        h.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
        h.replaceSubrange(263..<265, with: Array("00".utf8))
        h.replaceSubrange(148..<156, with: [UInt8](repeating: 0x20, count: 8))
        let sum = h.reduce(0) { $0 + Int($1) }
        h.replaceSubrange(148..<155, with: octal(sum, width: 7))
        return h
    }

    static func tar(_ members: [Member]) -> [UInt8] {
        var out: [UInt8] = []
        for member in members {
            switch member {
            case let .file(name, data):
                out += header(name: name, size: data.count, type: UInt8(ascii: "0"))
                out += data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
            case let .directory(name):
                out += header(name: name, size: 0, type: UInt8(ascii: "5"))
            case let .symlink(name, target):
                out += header(name: name, size: 0, type: UInt8(ascii: "2"), linkName: target)
            }
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }
}

enum ZipWriter {
    static func rawDeflate(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var written = 0
        var input = bytes
        input.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                written = dst.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }

    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }

    /// A zip holding `entries` (name ending in "/" = folder), deflated when `deflated`.
    static func zip(_ entries: [(String, [UInt8])], deflated: Bool = true, corruptCRCOf: String? = nil) -> [UInt8] {
        var out: [UInt8] = [], directory: [UInt8] = []
        for (name, data) in entries {
            let nameBytes = Array(name.utf8)
            let method = deflated && !name.hasSuffix("/") ? 8 : 0
            let stored = method == 8 ? rawDeflate(data) : data
            var crc = UInt32(data.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
            if name == corruptCRCOf { crc ^= 1 }
            let offset = out.count
            let common = le16(20) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(stored.count)) + le32(UInt32(data.count)) + le16(nameBytes.count) + le16(0)
            out += le32(0x0403_4B50) + common + nameBytes + stored
            directory += le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0)
                + le32(UInt32(offset)) + nameBytes
        }
        let directoryOffset = out.count
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            + le32(UInt32(directory.count)) + le32(UInt32(directoryOffset)) + le16(0)
        return out
    }
}
