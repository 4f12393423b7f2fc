import CZlib
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// Extracts zip archives (stored and deflated entries) by reading the central directory at the end of the
/// file, then each entry's local header and data, inflating raw deflate streams with zlib.
///
/// Each entry's CRC-32 and size are checked. Names that are absolute or contain `..` stop extraction with
/// `ArchiveError.unsafePath` before anything is written (the whole directory is checked first).
/// Zip64 archives (more than 65,535 entries or 4 GiB) and encrypted entries are refused as unsupported.
public enum ZipArchive {
    /// An entry of the central directory.
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let method: Int
        public let crc32: UInt32
        public let compressedSize: Int
        public let size: Int
        let localHeaderOffset: Int
        let flags: Int
        public var isDirectory: Bool { name.hasSuffix("/") }
    }

    /// The entries listed in the central directory of the archive at `path`.
    public static func entries(archiveAt path: String) throws -> [Entry] {
        let file = try ReadableFile(path: path)
        return try readDirectory(file)
    }

    /// Extracts every entry into `folder` (created if needed) and returns the entries.
    @discardableResult
    public static func extract(archiveAt path: String, to folder: String) throws -> [Entry] {
        let file = try ReadableFile(path: path)
        let entries = try readDirectory(file)
        let safe = try entries.map { ($0, try ArchiveExtraction.safeComponents(of: $0.name, archive: path)) }
        try ArchiveExtraction.makeDirectories(folder)
        for (entry, components) in safe {
            if entry.isDirectory {
                if !components.isEmpty { try ArchiveExtraction.makeDirectories(folder + "/" + components.joined(separator: "/")) }
                continue
            }
            guard !components.isEmpty else { throw ArchiveError.unsafePath(archive: path, entry: entry.name) }
            try extract(entry, from: file, to: folder, components: components)
        }
        return entries
    }

    static func readDirectory(_ file: ReadableFile) throws -> [Entry] {
        let path = file.path
        let size = file.size
        guard size >= 22 else { throw ArchiveError.corrupt(archive: path, message: "too short to be a zip file") }
        // The end-of-central-directory record is in the last 22 + up to 65,535 (comment) bytes.
        let tailSize = min(size, 22 + 65_535)
        let tail = try file.bytes(count: tailSize, at: size - tailSize)
        var eocd: Int?
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4B, tail[i + 2] == 0x05, tail[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard let e = eocd else { throw ArchiveError.corrupt(archive: path, message: "no end-of-central-directory record (not a zip file?)") }
        let count = Int(le16(tail, e + 10))
        let directorySize = Int(le32(tail, e + 12))
        let directoryOffset = Int(le32(tail, e + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw ArchiveError.unsupported(archive: path, message: "Zip64")
        }
        guard directoryOffset + directorySize <= size else {
            throw ArchiveError.corrupt(archive: path, message: "central directory outside the file (truncated?)")
        }
        let directory = try file.bytes(count: directorySize, at: directoryOffset)
        var entries: [Entry] = []
        var p = 0
        for _ in 0..<count {
            guard p + 46 <= directory.count, le32(directory, p) == 0x0201_4B50 else {
                throw ArchiveError.corrupt(archive: path, message: "bad central directory entry \(entries.count)")
            }
            let nameLength = Int(le16(directory, p + 28)), extraLength = Int(le16(directory, p + 30))
            let commentLength = Int(le16(directory, p + 32))
            guard p + 46 + nameLength <= directory.count else { throw ArchiveError.corrupt(archive: path, message: "central directory ends early") }
            let entry = Entry(name: String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self),
                              method: Int(le16(directory, p + 10)), crc32: le32(directory, p + 16),
                              compressedSize: Int(le32(directory, p + 20)), size: Int(le32(directory, p + 24)),
                              localHeaderOffset: Int(le32(directory, p + 42)), flags: Int(le16(directory, p + 8)))
            if entry.compressedSize == 0xFFFF_FFFF || entry.size == 0xFFFF_FFFF || entry.localHeaderOffset == 0xFFFF_FFFF {
                throw ArchiveError.unsupported(archive: path, message: "Zip64 entry \(entry.name)")
            }
            entries.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    static func extract(_ entry: Entry, from file: ReadableFile, to folder: String, components: [String]) throws {
        let archive = file.path
        if entry.flags & 1 != 0 { throw ArchiveError.unsupported(archive: archive, message: "encrypted entry \(entry.name)") }
        guard entry.method == 0 || entry.method == 8 else {
            throw ArchiveError.unsupported(archive: archive, message: "compression method \(entry.method) of \(entry.name)")
        }
        guard entry.localHeaderOffset + 30 <= file.size else {
            throw ArchiveError.corrupt(archive: archive, message: "local header of \(entry.name) outside the file (truncated?)")
        }
        let local = try file.bytes(count: 30, at: entry.localHeaderOffset)
        guard le32(local, 0) == 0x0403_4B50 else {
            throw ArchiveError.corrupt(archive: archive, message: "bad local header of \(entry.name)")
        }
        let dataStart = entry.localHeaderOffset + 30 + Int(le16(local, 26)) + Int(le16(local, 28))
        guard dataStart + entry.compressedSize <= file.size else {
            throw ArchiveError.corrupt(archive: archive, message: "data of \(entry.name) extends past the end (truncated?)")
        }
        let target = folder + "/" + components.joined(separator: "/")
        let fd = try ArchiveExtraction.createFile(root: folder, components: components)
        defer { close(fd) }
        var crc = crc32(0, nil, 0)
        var written = 0
        let sink: (UnsafeRawBufferPointer) throws -> Void = { bytes in
            guard written + bytes.count <= entry.size else {
                throw ArchiveError.entryMismatch(archive: archive, entry: entry.name, message: "more than the recorded \(entry.size) bytes")
            }
            try ArchiveExtraction.writeAll(fd, bytes, path: target)
            crc = crc32(crc, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count))
            written += bytes.count
        }
        let chunkSize = 1 << 20
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { input.deallocate() }
        if entry.method == 0 {
            var offset = 0
            while offset < entry.compressedSize {
                let n = min(chunkSize, entry.compressedSize - offset)
                try file.readExactly(into: UnsafeMutableRawBufferPointer(rebasing: input[0..<n]), at: dataStart + offset)
                try sink(UnsafeRawBufferPointer(rebasing: input[0..<n]))
                offset += n
            }
        } else {
            try inflateRaw(file: file, start: dataStart, count: entry.compressedSize, input: input, entry: entry.name, sink: sink)
        }
        guard written == entry.size else {
            throw ArchiveError.entryMismatch(archive: archive, entry: entry.name, message: "\(written) bytes, recorded \(entry.size)")
        }
        guard UInt32(crc) == entry.crc32 else {
            throw ArchiveError.entryMismatch(archive: archive, entry: entry.name, message: "CRC-32 mismatch")
        }
    }

    static func inflateRaw(file: ReadableFile, start: Int, count: Int, input: UnsafeMutableRawBufferPointer, entry: String,
                           sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let archive = file.path
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ArchiveError.corrupt(archive: archive, message: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let outputSize = 1 << 20
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: outputSize, alignment: 64)
        defer { output.deallocate() }
        var offset = 0
        var finished = false
        while !finished {
            if stream.avail_in == 0 {
                guard offset < count else {
                    throw ArchiveError.entryMismatch(archive: archive, entry: entry, message: "deflate data ends early")
                }
                let n = min(input.count, count - offset)
                try file.readExactly(into: UnsafeMutableRawBufferPointer(rebasing: input[0..<n]), at: start + offset)
                offset += n
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_in = UInt32(n)
            }
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(outputSize)
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END: finished = true
            case Z_OK, Z_BUF_ERROR: break
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw ArchiveError.entryMismatch(archive: archive, entry: entry, message: "corrupt deflate data (\(message))")
            }
            let produced = outputSize - Int(stream.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            if status == Z_BUF_ERROR && produced == 0 && stream.avail_in > 0 {
                throw ArchiveError.entryMismatch(archive: archive, entry: entry, message: "corrupt deflate data (no progress)")
            }
        }
    }

    static func le16(_ bytes: [UInt8], _ i: Int) -> UInt16 { UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 }
    static func le32(_ bytes: [UInt8], _ i: Int) -> UInt32 {
        UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }
}
