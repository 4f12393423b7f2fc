import Engine
#if canImport(Glibc)
import Glibc
#endif

/// Extracts POSIX/GNU tar archives, plain or gzip-compressed (`.tar.gz`, `.tgz`), streaming through the file.
///
/// Handled: regular files, directories, ustar name prefixes, GNU long names (`L`) and pax `path`/`size`
/// records. Symbolic and hard links, devices and FIFOs are skipped (never created). Every header's checksum
/// is verified, and an entry whose name is absolute or contains `..` stops extraction with `ArchiveError.unsafePath`.
public enum TarArchive {
    /// An entry found in the archive.
    public struct Entry: Equatable, Sendable {
        public enum Kind: Equatable, Sendable { case file, directory, skipped }
        public let name: String
        public let kind: Kind
        public let size: Int
    }

    /// Extracts the archive at `path` (gzip detected by signature) into `folder`, which is created if needed.
    /// Returns the entries in archive order. On failure `folder` may hold part of the archive; callers
    /// extract into a temporary folder and rename it once this returns.
    @discardableResult
    public static func extract(archiveAt path: String, to folder: String) throws -> [Entry] {
        let source: ByteSource = try Gzip.isGzipFile(at: path) ? GzipReader(path: path) : PlainFileSource(path: path)
        try ArchiveExtraction.makeDirectories(folder)
        let reader = BlockReader(source: source, archive: path)
        var entries: [Entry] = []
        var longName: String?
        var paxPath: String?
        var paxSize: Int?
        while true {
            guard let header = try reader.block(allowEnd: true) else { break } // no end-of-archive blocks: accept
            if header.allSatisfy({ $0 == 0 }) { break }
            try verifyChecksum(header, archive: path)
            let type = header[156]
            var size = try paxSize ?? number(header[124..<136], field: "size", archive: path)
            var name = paxPath ?? longName ?? headerName(header)
            if type == UInt8(ascii: "L") || type == UInt8(ascii: "x") || type == UInt8(ascii: "g") {
                guard size <= 1 << 20 else { throw ArchiveError.corrupt(archive: path, message: "extended header of \(size) bytes") }
                let data = try reader.data(count: size)
                if type == UInt8(ascii: "L") {
                    longName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
                } else if type == UInt8(ascii: "x") {
                    let records = try paxRecords(data, archive: path)
                    if let p = records["path"] { paxPath = p }
                    if let s = records["size"] {
                        guard let value = Int(s), value >= 0 else { throw ArchiveError.corrupt(archive: path, message: "pax size \(s)") }
                        paxSize = value
                    }
                }
                continue
            }
            longName = nil; paxPath = nil; paxSize = nil
            if name.isEmpty { throw ArchiveError.corrupt(archive: path, message: "entry without a name") }
            let components = try ArchiveExtraction.safeComponents(of: name, archive: path)
            switch type {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                if name.hasSuffix("/") && size == 0 { fallthrough } // old tars mark folders by a trailing slash
                guard !components.isEmpty else { throw ArchiveError.unsafePath(archive: path, entry: name) }
                let fd = try ArchiveExtraction.createFile(root: folder, components: components)
                defer { close(fd) }
                let target = folder + "/" + components.joined(separator: "/")
                try reader.copy(count: size) { try ArchiveExtraction.writeAll(fd, $0, path: target) }
                entries.append(Entry(name: components.joined(separator: "/"), kind: .file, size: size))
            case UInt8(ascii: "5"):
                if !components.isEmpty { try ArchiveExtraction.makeDirectories(folder + "/" + components.joined(separator: "/")) }
                try reader.skip(count: size)
                name = components.joined(separator: "/")
                entries.append(Entry(name: name, kind: .directory, size: 0))
                size = 0
            default:
                // Links, devices, FIFOs, vendor types: never created; a link's size is 0 anyway.
                try reader.skip(count: (type == UInt8(ascii: "1") || type == UInt8(ascii: "2")) ? 0 : size)
                entries.append(Entry(name: components.joined(separator: "/"), kind: .skipped, size: size))
            }
        }
        return entries
    }

    static func headerName(_ header: [UInt8]) -> String {
        let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
        let isUstar = header[257..<262].elementsEqual("ustar".utf8)
        let prefix = isUstar ? String(decoding: header[345..<500].prefix { $0 != 0 }, as: UTF8.self) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// Octal (NUL/space padded) or GNU base-256 (high bit of the first byte set).
    static func number(_ field: ArraySlice<UInt8>, field name: String, archive: String) throws -> Int {
        if let first = field.first, first & 0x80 != 0 {
            guard first & 0x40 == 0 else { throw ArchiveError.corrupt(archive: archive, message: "negative \(name)") }
            var value = Int(first & 0x3F)
            for byte in field.dropFirst() {
                guard value < (1 << 54) else { throw ArchiveError.corrupt(archive: archive, message: "\(name) too large") }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var value = 0
        var seenDigit = false
        for byte in field {
            if byte == 0 || byte == 0x20 { if seenDigit { break } else { continue } }
            guard (0x30...0x37).contains(byte) else {
                throw ArchiveError.corrupt(archive: archive, message: "bad octal \(name) field")
            }
            guard value < (1 << 58) else { throw ArchiveError.corrupt(archive: archive, message: "\(name) too large") }
            value = value * 8 + Int(byte - 0x30)
            seenDigit = true
        }
        return value
    }

    static func verifyChecksum(_ header: [UInt8], archive: String) throws {
        let stored = try number(header[148..<156], field: "checksum", archive: archive)
        var unsigned = 0, signed = 0
        for (i, byte) in header.enumerated() {
            let b = (148..<156).contains(i) ? 0x20 : byte
            unsigned += Int(b)
            signed += Int(Int8(bitPattern: b))
        }
        guard stored == unsigned || stored == signed else {
            throw ArchiveError.corrupt(archive: archive, message: "header checksum mismatch (not a tar file, or damaged)")
        }
    }

    /// `length key=value\n` records of a pax extended header.
    static func paxRecords(_ data: [UInt8], archive: String) throws -> [String: String] {
        var records: [String: String] = [:]
        var i = 0
        while i < data.count {
            guard let space = data[i...].firstIndex(of: 0x20), let length = Int(String(decoding: data[i..<space], as: UTF8.self)),
                  length > 0, i + length <= data.count, data[i + length - 1] == 0x0A else {
                if data[i...].allSatisfy({ $0 == 0 }) { break }
                throw ArchiveError.corrupt(archive: archive, message: "bad pax record")
            }
            let record = data[(space + 1)..<(i + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[..<equals], as: UTF8.self)] = String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            i += length
        }
        return records
    }
}

/// Reads 512-byte blocks and entry data from a byte source.
private final class BlockReader {
    let source: ByteSource
    let archive: String
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)

    init(source: ByteSource, archive: String) {
        self.source = source
        self.archive = archive
    }

    deinit { buffer.deallocate() }

    /// The next 512-byte block; nil at a clean end when `allowEnd`.
    func block(allowEnd: Bool) throws -> [UInt8]? {
        var block = [UInt8](repeating: 0, count: 512)
        let got = try block.withUnsafeMutableBytes { try source.read(into: $0) }
        if got == 0 && allowEnd { return nil }
        guard got == 512 else { throw ArchiveError.corrupt(archive: archive, message: "ends inside a header block") }
        return block
    }

    /// `count` bytes of entry data plus padding to the next block, as an array (for small extended headers).
    func data(count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        try copy(count: count) { out.append(contentsOf: $0) }
        return out
    }

    func skip(count: Int) throws { try copy(count: count) { _ in } }

    /// Passes `count` bytes of entry data to `sink` in chunks, then consumes the padding.
    func copy(count: Int, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let padded = (count + 511) / 512 * 512
        var remaining = padded, dataLeft = count
        while remaining > 0 {
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(remaining, buffer.count)])
            let got = try source.read(into: chunk)
            guard got == chunk.count else { throw ArchiveError.corrupt(archive: archive, message: "ends inside an entry's data") }
            let useful = min(got, dataLeft)
            if useful > 0 { try sink(UnsafeRawBufferPointer(rebasing: chunk[0..<useful])) }
            dataLeft -= useful
            remaining -= got
        }
    }
}
