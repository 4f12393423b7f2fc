/// Why an archive (zip, tar, tar.gz) could not be extracted. Every case names the archive.
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    /// An entry's name is absolute or climbs out of the destination with `..`; extraction stops.
    case unsafePath(archive: String, entry: String)
    /// The archive's structure is damaged or truncated (bad header checksum, unknown format, ends early), or it
    /// lacks the folder a dataset needs; `message` is libarchive's or ImageGen's description.
    case corrupt(archive: String, message: String)
    /// A feature ImageGen does not handle (e.g. an encrypted entry).
    case unsupported(archive: String, message: String)
    /// An entry's data does not match its recorded CRC-32 or size, or cannot be decoded (e.g. an unknown
    /// compression method); libarchive could step over it, but ImageGen stops.
    case entryMismatch(archive: String, entry: String, message: String)

    public var description: String {
        switch self {
        case let .unsafePath(archive, entry):
            return "\(archive): refusing entry \"\(entry)\" (absolute path or \"..\" would write outside the destination)"
        case let .corrupt(archive, message):
            return "\(archive): damaged archive (\(message))"
        case let .unsupported(archive, message):
            return "\(archive): unsupported archive feature (\(message))"
        case let .entryMismatch(archive, entry, message):
            return "\(archive): entry \(entry) is damaged (\(message))"
        }
    }
}
