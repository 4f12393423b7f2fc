import Engine
import CArchive
import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// Extracts zip and tar archives, plain or gzip-compressed (`.tar.gz`, `.tgz`), with libarchive's read API.
///
/// libarchive decodes the formats and checks their own integrity (tar header checksums, zip CRC-32s and sizes,
/// gzip trailers); ImageGen decides what reaches the disk and writes it itself, so its rules hold whatever an
/// archive claims:
/// - an entry whose name is absolute, has a drive letter or a `..` component stops extraction with
///   `ArchiveError.unsafePath`. A zip's names are all checked before anything is written (its central directory
///   makes the extra pass cheap); a tar is checked entry by entry as the stream reaches it, which is why callers
///   extract into a temporary folder and rename it into place only on success (see `DatasetInstaller`);
/// - only regular files and folders are created, with fixed permissions; symbolic and hard links, devices and
///   FIFOs are listed as `.skipped` and never created, so no later entry can be redirected through a link.
public enum ArchiveReader {
    /// An entry of the archive, in archive order.
    public struct Entry: Equatable, Sendable {
        public enum Kind: Equatable, Sendable { case file, directory, skipped }
        /// The path below the destination: `/`-separated, without `.` components or a trailing slash.
        public let name: String
        public let kind: Kind
        /// Bytes of data: those written for an extracted file, the recorded size when listing.
        public let size: Int
    }

    /// The entries of the archive at `path`, every name checked, without extracting anything.
    public static func entries(archiveAt path: String) throws -> [Entry] {
        let pass = try ArchivePass(path: path)
        var entries: [Entry] = []
        while let header = try pass.nextHeader() {
            let (name, kind) = try classify(header, archive: path)
            entries.append(Entry(name: name, kind: kind, size: kind == .file ? max(0, Int(archive_entry_size(header))) : 0))
        }
        return entries
    }

    /// Extracts the archive at `path` (format and compression detected from its contents) into `folder`,
    /// created if needed, and returns its entries. On failure `folder` may hold part of a tar archive.
    @discardableResult
    public static func extract(archiveAt path: String, to folder: String) throws -> [Entry] {
        let pass = try ArchivePass(path: path)
        var next = try pass.nextHeader()
        if next != nil && pass.isZip { _ = try entries(archiveAt: path) }
        try ArchiveExtraction.makeDirectories(folder)
        var entries: [Entry] = []
        while let header = next {
            let (name, kind) = try classify(header, archive: path)
            switch kind {
            case .file:
                if archive_entry_is_encrypted(header) != 0 {
                    throw ArchiveError.unsupported(archive: path, message: "encrypted entry \(name)")
                }
                let components = name.split(separator: "/").map(String.init)
                let fd = try ArchiveExtraction.createFile(root: folder, components: components)
                defer { close(fd) }
                let size = try pass.copyData(of: header, named: name, to: fd, path: folder + "/" + name)
                entries.append(Entry(name: name, kind: .file, size: size))
            case .directory:
                if !name.isEmpty { try ArchiveExtraction.makeDirectories(folder + "/" + name) }
                entries.append(Entry(name: name, kind: .directory, size: 0))
            case .skipped:
                entries.append(Entry(name: name, kind: .skipped, size: 0))
            }
            next = try pass.nextHeader()
        }
        return entries
    }

    /// The entry's checked relative name and what extraction does with it.
    private static func classify(_ header: OpaquePointer, archive: String) throws -> (name: String, kind: Entry.Kind) {
        // The UTF-8 form does not depend on the process locale; the raw form is the fallback for names
        // libarchive cannot convert.
        guard let raw = archive_entry_pathname_utf8(header) ?? archive_entry_pathname(header), raw.pointee != 0 else {
            throw ArchiveError.corrupt(archive: archive, message: "entry without a name")
        }
        let original = String(cString: raw)
        let name = try ArchiveExtraction.safeComponents(of: original, archive: archive).joined(separator: "/")
        // A hard link is reported with the type of its target, so it is recognised by its link name first.
        if archive_entry_hardlink(header) != nil { return (name, .skipped) }
        switch archive_entry_filetype(header) {
        case S_IFREG:
            guard !name.isEmpty else { throw ArchiveError.unsafePath(archive: archive, entry: original) }
            return (name, .file)
        case S_IFDIR:
            return (name, .directory)
        default:
            return (name, .skipped)
        }
    }
}

/// One pass through an archive with a libarchive reader, freed with the pass.
private final class ArchivePass {
    let path: String
    private let reader: OpaquePointer

    init(path: String) throws {
        // A missing or unreadable file is a `FileReadError`, as for every other reader, not a damaged archive.
        _ = try ReadableFile(path: path)
        guard let reader = archive_read_new() else {
            throw ArchiveError.corrupt(archive: path, message: "libarchive could not allocate a reader")
        }
        self.path = path
        self.reader = reader
        archive_read_support_filter_gzip(reader)
        archive_read_support_format_tar(reader)
        archive_read_support_format_zip(reader)
        // By file name rather than descriptor: only then can libarchive seek, which its zip reader needs to
        // use the central directory (authoritative for names and sizes) instead of streaming local headers.
        guard archive_read_open_filename(reader, path, 1 << 16) == ARCHIVE_OK else {
            throw ArchiveError.corrupt(archive: path, message: lastError)
        }
    }

    deinit { archive_read_free(reader) }

    /// libarchive's description of the last failure.
    private var lastError: String {
        archive_error_string(reader).map { String(cString: $0) } ?? "libarchive error \(archive_errno(reader))"
    }

    /// Whether the archive is a zip (known once the first header has been read).
    var isZip: Bool { archive_format(reader) & ARCHIVE_FORMAT_BASE_MASK == ARCHIVE_FORMAT_ZIP }

    /// The next entry's header (valid until the next call), or nil at the end of the archive.
    func nextHeader() throws -> OpaquePointer? {
        var header: OpaquePointer?
        switch archive_read_next_header(reader, &header) {
        case ARCHIVE_OK, ARCHIVE_WARN: return header // warnings concern metadata ImageGen does not use
        case ARCHIVE_EOF: return nil
        default: throw ArchiveError.corrupt(archive: path, message: lastError)
        }
    }

    /// Writes the current entry's data to `fd` (`target` for errors) and returns its size in bytes.
    /// A damaged entry libarchive can step over is an `entryMismatch`; anything worse makes the archive `corrupt`.
    func copyData(of header: OpaquePointer, named name: String, to fd: Int32, path target: String) throws -> Int {
        var block: UnsafeRawPointer?
        var count = 0
        var offset: la_int64_t = 0
        var position: Int64 = 0
        while true {
            let status = archive_read_data_block(reader, &block, &count, &offset)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK else {
                if status == ARCHIVE_FATAL { throw ArchiveError.corrupt(archive: path, message: lastError) }
                throw ArchiveError.entryMismatch(archive: path, entry: name, message: lastError)
            }
            // Sparse tar entries leave holes between blocks; they read back as zeros.
            if offset != position {
                guard offset > position, lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
                    throw ArchiveError.corrupt(archive: path, message: "entry \(name) has data at offset \(offset) after \(position)")
                }
                position = offset
            }
            if count > 0, let block {
                try ArchiveExtraction.writeAll(fd, UnsafeRawBufferPointer(start: block, count: count), path: target)
            }
            position += Int64(count)
        }
        // A trailing hole: extend the file to its recorded size.
        if archive_entry_size_is_set(header) != 0, archive_entry_size(header) > position {
            position = archive_entry_size(header)
            guard ftruncate(fd, off_t(position)) == 0 else {
                throw DownloadError.fileSystem(path: target, message: "cannot extend file: \(String(cString: strerror(errno)))")
            }
        }
        return Int(position)
    }
}
