/// Where each downloadable dataset lives: the official addresses, file names and MD5 checksums
/// (see docs in `/work/shared/data.md`), and how the download is unpacked.
public struct DatasetSource: Sendable, Equatable {
    /// How the downloaded files become a dataset folder.
    public enum Packaging: Sendable, Equatable {
        /// Gzip-compressed IDX files, kept as `.gz` (the loaders read gzip directly).
        case gzipFiles
        /// One zip archive, extracted; `folder` is its top-level folder, which becomes the dataset folder.
        case zip(folder: String)
        /// One gzip-compressed tar archive, extracted; `folder` is its top-level folder, which becomes the dataset folder.
        case tarGzip(folder: String)

        /// The top-level folder inside the archive, nil for `.gzipFiles`.
        public var extractedFolder: String? {
            switch self {
            case .gzipFiles: return nil
            case .zip(let folder), .tarGzip(let folder): return folder
            }
        }
    }

    /// A file to fetch: its name at `baseURL` and its published MD5.
    public struct RemoteFile: Sendable, Equatable {
        public let name: String
        public let md5: String

        public init(name: String, md5: String) {
            self.name = name
            self.md5 = md5
        }
    }

    /// The command-line name (`mnist`, `fashion-mnist`, …).
    public let id: String
    /// The folder the dataset is installed as, below the destination (the layout `--data-dir`/`data/<name>`
    /// loaders expect: `mnist`, `fashion-mnist`, `emnist`, `cifar100`, `lfw-deepfunneled`).
    public let folder: String
    public let title: String
    /// The folder address the files are fetched from, ending in `/`.
    public let baseURL: String
    public let files: [RemoteFile]
    public let packaging: Packaging

    public init(id: String, folder: String? = nil, title: String, baseURL: String, files: [RemoteFile], packaging: Packaging) {
        self.id = id
        self.folder = folder ?? id
        self.title = title
        self.baseURL = baseURL
        self.files = files
        self.packaging = packaging
    }

    /// The address of `file`, under `baseURL` or under `override` (a mirror, or a test server).
    public func url(of file: RemoteFile, baseURL override: String? = nil) -> String {
        var base = override ?? baseURL
        if !base.hasSuffix("/") { base += "/" }
        return base + file.name
    }

    public static let mnist = DatasetSource(
        id: "mnist", title: "MNIST", baseURL: "https://ossci-datasets.s3.amazonaws.com/mnist/",
        files: [RemoteFile(name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                RemoteFile(name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432"),
                RemoteFile(name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3"),
                RemoteFile(name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c")],
        packaging: .gzipFiles)

    public static let fashionMNIST = DatasetSource(
        id: "fashion-mnist", title: "Fashion-MNIST", baseURL: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        files: [RemoteFile(name: "train-images-idx3-ubyte.gz", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                RemoteFile(name: "train-labels-idx1-ubyte.gz", md5: "25c81989df183df01b3e8a0aad5dffbe"),
                RemoteFile(name: "t10k-images-idx3-ubyte.gz", md5: "bef4ecab320f06d8554ea6380940ec79"),
                RemoteFile(name: "t10k-labels-idx1-ubyte.gz", md5: "bb300cfdad3c16e7a12a480ee83cd310")],
        packaging: .gzipFiles)

    public static let emnist = DatasetSource(
        id: "emnist", title: "EMNIST (all splits)", baseURL: "https://www.itl.nist.gov/iaui/vip/cs_links/EMNIST/",
        files: [RemoteFile(name: "gzip.zip", md5: "58c8d27c78d21e728a6bc7b3cc06412e")],
        packaging: .zip(folder: "gzip"))

    public static let cifar100 = DatasetSource(
        id: "cifar100", title: "CIFAR-100 (binary version)", baseURL: "https://www.cs.toronto.edu/~kriz/",
        files: [RemoteFile(name: "cifar-100-binary.tar.gz", md5: "03b5dce01913d631647c71ecec9e9cb8")],
        packaging: .tarGzip(folder: "cifar-100-binary"))

    public static let lfw = DatasetSource(
        id: "lfw", folder: "lfw-deepfunneled", title: "LFW, deep-funneled", baseURL: "http://vis-www.cs.umass.edu/lfw/",
        files: [RemoteFile(name: "lfw-deepfunneled.tgz", md5: "68331da3eb755a505a502b5aacb3c201")],
        packaging: .tarGzip(folder: "lfw-deepfunneled"))

    public static let all: [DatasetSource] = [mnist, fashionMNIST, emnist, cifar100, lfw]

    /// The source called `id`, or `DownloadError.unknownDataset`.
    public static func named(_ id: String) throws -> DatasetSource {
        guard let source = all.first(where: { $0.id == id.lowercased() }) else {
            throw DownloadError.unknownDataset(name: id, known: all.map(\.id))
        }
        return source
    }
}
