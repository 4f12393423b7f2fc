/// Why an archive (zip, tar, tar.gz) could not be extracted. Every case names the archive.
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    /// An entry's name is absolute or climbs out of the destination with `..`; nothing is extracted.
    case unsafePath(archive: String, entry: String)
    /// The archive's structure is damaged (bad header checksum, missing signature, ends early).
    case corrupt(archive: String, message: String)
    /// A feature this reader does not handle (e.g. an unknown compression method, Zip64).
    case unsupported(archive: String, message: String)
    /// An entry's data does not match its recorded CRC-32 or size.
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
