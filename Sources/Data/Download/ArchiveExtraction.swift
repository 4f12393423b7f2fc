import Engine
#if canImport(Glibc)
import Glibc
#endif

/// Checking entry names and writing entries below a destination folder, for `ArchiveReader` and `DatasetInstaller`.
enum ArchiveExtraction {
    /// The entry's path components, or `ArchiveError.unsafePath` for an absolute path, a `..` component,
    /// a drive letter or a NUL byte. `.` and empty components are dropped; an empty result is allowed
    /// only for directories (the archive's root).
    static func safeComponents(of name: String, archive: String) throws -> [String] {
        let unsafe = ArchiveError.unsafePath(archive: archive, entry: name)
        if name.hasPrefix("/") || name.hasPrefix("\\") || name.utf8.contains(0) { throw unsafe }
        if name.count >= 2, name.dropFirst().first == ":" { throw unsafe } // C:… on Windows-made archives
        // Backslashes count as separators for the check, so "..\\x" is refused as well.
        let parts = name.split(omittingEmptySubsequences: true) { $0 == "/" || $0 == "\\" }.map(String.init)
        if parts.contains("..") { throw unsafe }
        return name.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
    }

    /// Creates `folder` and its missing parents.
    static func makeDirectories(_ folder: String) throws {
        var path = folder.hasPrefix("/") ? "" : "."
        for part in folder.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw DownloadError.fileSystem(path: path, message: "cannot create folder: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Opens (creating parents, replacing an earlier entry of the same name) the file for an entry.
    static func createFile(root: String, components: [String]) throws -> Int32 {
        if components.count > 1 { try makeDirectories(root + "/" + components.dropLast().joined(separator: "/")) }
        let path = root + "/" + components.joined(separator: "/")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DownloadError.fileSystem(path: path, message: "cannot create file: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Writes all of `bytes` to `fd` (`path` for errors).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw DownloadError.fileSystem(path: path, message: "write failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Removes `path` and everything below it (no symbolic links are followed).
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR, let dir = opendir(path) {
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
