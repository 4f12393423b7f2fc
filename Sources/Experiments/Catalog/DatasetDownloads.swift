import Data
import Foundation
import Imaging
import NN

/// The colourisation choices, as the CLI names them.
public typealias ColourisationMode = Imaging.ColourisationMode
public typealias FirstChannelEdit = Imaging.FirstChannelEdit
public typealias ColourisationOptions = Imaging.ColourisationOptions

/// Fetching and inspecting datasets, for the CLI.
public enum DatasetDownloads {
    /// The dataset names `download` knows.
    public static var names: [String] { DatasetSource.all.map(\.id) }

    /// Downloads, verifies and unpacks dataset `name` under `folder`; returns one line per file and a final line.
    /// `willFetch` gets each address before it is fetched; `progress` (address, bytes received, total) as bytes arrive.
    public static func download(_ name: String, into folder: String, baseURL: String?, attempts: Int, deleteArchive: Bool,
                                willFetch: @escaping @Sendable (String) -> Void,
                                progress: @escaping @Sendable (String, Int64, Int64?) -> Void) throws -> [String] {
        let source = try DatasetSource.named(name)
        let downloader = Downloader(maximumAttempts: attempts)
        downloader.progress = { progress($0.url, $0.received, $0.total) }
        var installer = DatasetInstaller(downloader: downloader, baseURL: baseURL)
        installer.deleteArchive = deleteArchive
        installer.willFetch = willFetch
        let result = try installer.install(source, into: folder)
        var lines = result.files.map { path, outcome -> String in
            switch outcome {
            case .alreadyPresent: return "\(path): already present, MD5 verified"
            case .downloaded(let resumed, _): return "\(path): downloaded\(resumed ? " (resumed)" : ""), MD5 verified"
            }
        }
        if source.packaging.extractedFolder != nil {
            lines.append(result.extracted ? "extracted to \(result.datasetFolder)" : "\(result.datasetFolder) already exists; nothing fetched")
        }
        lines.append("\(source.title) is in \(result.datasetFolder)")
        return lines
    }

    /// What a dataset file or folder holds: count, shape, value range, classes.
    public static func describe(path: String) throws -> String { try DatasetInfo.inspect(path: path).description }
}

/// The optimisers' ε conventions, as the CLI names them.
public typealias EpsilonConvention = NN.EpsilonConvention
