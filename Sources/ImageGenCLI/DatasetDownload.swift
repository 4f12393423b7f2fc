import ArgumentParser
import Experiments
import Foundation

extension Datasets {
    /// `imagegen datasets download NAME [--to DIR]`: fetch, verify and unpack a dataset.
    struct Download: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a dataset from its official address, verify its MD5 and unpack it.",
            discussion: """
            Files are fetched to NAME.part (resumed with an HTTP Range request after a broken transfer), checked \
            against the published MD5 and only then renamed; archives are extracted into a temporary folder that is \
            renamed once complete. Gzip IDX files are kept as .gz (the loaders read gzip). Running the command again \
            skips what is already complete.
            Installs to DIR/mnist, DIR/fashion-mnist (the four .gz files each), DIR/emnist (the .gz files of gzip.zip), \
            DIR/cifar100 (train.bin, test.bin, label names) and DIR/lfw-deepfunneled (a folder per person); archives \
            are kept in DIR/archives unless --delete-archive is given. DIR defaults to data, where the other commands \
            look for datasets.
            """)

        @Argument(help: ArgumentHelp("The dataset.", valueName: DatasetDownloads.names.joined(separator: "|")))
        var name: String

        @Option(name: .customLong("to"), help: ArgumentHelp("The folder to install under.", valueName: "dir"))
        var folder = "data"

        @Option(help: ArgumentHelp("Fetch the files from this folder address instead of the official one (a mirror).", valueName: "url"))
        var baseURL: String?

        @Option(help: "Attempts per file before giving up on network errors.")
        var attempts = 5

        @Flag(help: "Remove the downloaded archive once it has been extracted.")
        var deleteArchive = false

        func validate() throws {
            guard DatasetDownloads.names.contains(name.lowercased()) else {
                throw ValidationError("unknown dataset \(name); choose one of \(DatasetDownloads.names.joined(separator: ", "))")
            }
            guard attempts >= 1 else { throw ValidationError("--attempts must be at least 1") }
        }

        func run() throws {
            let bar = ProgressBar(enabled: isatty(STDERR_FILENO) != 0)
            let lines: [String]
            do {
                lines = try DatasetDownloads.download(name, into: folder, baseURL: baseURL, attempts: attempts, deleteArchive: deleteArchive,
                                                      willFetch: { url in
                                                          bar.start(label: String(url.split(separator: "/").last ?? ""))
                                                          if !bar.enabled { FileHandle.standardError.write(Data("fetching \(url)\n".utf8)) }
                                                      }, progress: { bar.update(received: $1, total: $2) })
                bar.finish()
            } catch {
                bar.finish()
                throw error
            }
            for line in lines { print(line) }
        }
    }
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var label = ""
    private var lastDraw = 0.0
    private var started = 0.0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func start(label: String) {
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
        self.label = label
        started = Date().timeIntervalSince1970
        lastDraw = 0
    }

    func update(received: Int64, total: Int64?) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date().timeIntervalSince1970
        let complete = total.map { received >= $0 } ?? false
        guard now - lastDraw >= 0.1 || complete else { return }
        lastDraw = now
        let mb = Double(received) / 1e6
        let rate = now > started ? mb / (now - started) : 0
        var line = "\r\(label) "
        if let total = total, total > 0 {
            let fraction = min(Double(received) / Double(total), 1)
            let width = 30, filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += String(format: "%3.0f%% %.1f/%.1f MB", fraction * 100, mb, Double(total) / 1e6)
        } else {
            line += String(format: "%.1f MB", mb)
        }
        line += String(format: " %.1f MB/s\u{1B}[K", rate)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }
}
