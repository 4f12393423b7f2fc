import Foundation

/// Installs a `DatasetSource` below a destination folder DIR as `DIR/<source.folder>`:
/// - gzip IDX files are downloaded (see `Downloader`) straight into `DIR/<folder>/`, each verified and renamed;
/// - an archive is downloaded to `DIR/archives/<name>`, extracted into a temporary folder in DIR, and its
///   top-level folder is renamed to `DIR/<folder>`, so that folder exists only once extraction has succeeded.
/// A dataset whose extracted folder exists is not fetched again.
public struct DatasetInstaller {
    /// What an installation left on disk.
    public struct Result: Sendable {
        /// The folder to point a loader at (`DIR/<folder>`).
        public let datasetFolder: String
        /// Per downloaded file: its path and what the downloader did.
        public let files: [(path: String, outcome: Downloader.Outcome)]
        /// Whether an archive was extracted in this run (false when it was already extracted).
        public let extracted: Bool
    }

    public let downloader: Downloader
    /// Replaces the official folder address (a mirror, or a test server).
    public var baseURL: String?
    /// Removes the archive once it has been extracted.
    public var deleteArchive = false
    /// Called before each file with its address.
    public var willFetch: ((String) -> Void)?

    public init(downloader: Downloader = Downloader(), baseURL: String? = nil) {
        self.downloader = downloader
        self.baseURL = baseURL
    }

    /// Downloads and verifies every file of `source` into `folder` (created when missing).
    private func fetchFiles(of source: DatasetSource, into folder: String) throws -> [(path: String, outcome: Downloader.Outcome)] {
        try ArchiveExtraction.makeDirectories(folder)
        return try source.files.map { file in
            let url = source.url(of: file, baseURL: baseURL)
            willFetch?(url)
            let path = folder + "/" + file.name
            return (path, try downloader.fetch(url, md5: file.md5, to: path))
        }
    }

    public func install(_ source: DatasetSource, into destination: String) throws -> Result {
        let target = destination + "/" + source.folder
        guard let archiveFolder = source.packaging.extractedFolder else {
            return Result(datasetFolder: target, files: try fetchFiles(of: source, into: target), extracted: false)
        }
        if directoryExists(target) { return Result(datasetFolder: target, files: [], extracted: false) }
        let archives = destination + "/archives"
        let files = try fetchFiles(of: source, into: archives)
        let archive = files[0].path
        try extract(archive, packaging: source.packaging, archiveFolder: archiveFolder, in: destination, to: target)
        if deleteArchive {
            unlink(archive)
            rmdir(archives) // only when empty
        }
        return Result(datasetFolder: target, files: files, extracted: true)
    }

    /// Extracts into `destination/.extracting-<random>`, then renames `<archiveFolder>` to `target`.
    func extract(_ archive: String, packaging: DatasetSource.Packaging, archiveFolder: String, in destination: String,
                 to target: String) throws {
        let temporary = destination + "/.extracting-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { ArchiveExtraction.removeTree(temporary) }
        if case .gzipFiles = packaging { return }
        try ArchiveReader.extract(archiveAt: archive, to: temporary)
        guard directoryExists(temporary + "/" + archiveFolder) else {
            throw ArchiveError.corrupt(archive: archive, message: "it does not contain the folder \(archiveFolder)")
        }
        guard rename(temporary + "/" + archiveFolder, target) == 0 else {
            throw DownloadError.fileSystem(path: target, message: "cannot move the extracted folder into place: \(String(cString: strerror(errno)))")
        }
    }

    func directoryExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
