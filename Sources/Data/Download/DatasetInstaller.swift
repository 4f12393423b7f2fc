import Foundation

/// Installs a `DatasetSource` below a folder: downloads every file (see `Downloader`) into
/// `FOLDER/<id>/`, then for archives extracts into a temporary folder there and renames the archive's
/// top-level folder into place, so `FOLDER/<id>/<folder>` exists only once extraction has succeeded.
public struct DatasetInstaller {
    /// What an installation left on disk.
    public struct Result: Sendable {
        /// The folder to point a loader at (`FOLDER/<id>` or `FOLDER/<id>/<archive folder>`).
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

    public func install(_ source: DatasetSource, into folder: String) throws -> Result {
        let root = folder + "/" + source.id
        try ArchiveExtraction.makeDirectories(root)
        if let extracted = source.packaging.extractedFolder, directoryExists(root + "/" + extracted) {
            return Result(datasetFolder: root + "/" + extracted, files: [], extracted: false)
        }
        var files: [(path: String, outcome: Downloader.Outcome)] = []
        for file in source.files {
            let url = source.url(of: file, baseURL: baseURL)
            willFetch?(url)
            let path = root + "/" + file.name
            files.append((path, try downloader.fetch(url, md5: file.md5, to: path)))
        }
        guard let extracted = source.packaging.extractedFolder else {
            return Result(datasetFolder: root, files: files, extracted: false)
        }
        let archive = files[0].path
        try extract(archive, packaging: source.packaging, into: root, expecting: extracted)
        if deleteArchive { unlink(archive) }
        return Result(datasetFolder: root + "/" + extracted, files: files, extracted: true)
    }

    /// Extracts into `root/.extracting-<random>`, then renames `<expected>` to `root/<expected>`.
    func extract(_ archive: String, packaging: DatasetSource.Packaging, into root: String, expecting expected: String) throws {
        let temporary = root + "/.extracting-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { ArchiveExtraction.removeTree(temporary) }
        switch packaging {
        case .zip: try ZipArchive.extract(archiveAt: archive, to: temporary)
        case .tarGzip: try TarArchive.extract(archiveAt: archive, to: temporary)
        case .gzipFiles: return
        }
        guard directoryExists(temporary + "/" + expected) else {
            throw ArchiveError.corrupt(archive: archive, message: "it does not contain the folder \(expected)")
        }
        guard rename(temporary + "/" + expected, root + "/" + expected) == 0 else {
            throw DownloadError.fileSystem(path: root + "/" + expected, message: "cannot move the extracted folder into place: \(String(cString: strerror(errno)))")
        }
    }

    func directoryExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
