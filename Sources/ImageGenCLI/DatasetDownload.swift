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
            let progress = ProgressReporter()
            defer { progress.finishTransfer() }
            let lines = try DatasetDownloads.download(name, into: folder, baseURL: baseURL, attempts: attempts, deleteArchive: deleteArchive,
                                                      willFetch: { progress.startTransfer($0) },
                                                      progress: { progress.transfer(received: $1, total: $2) })
            progress.finishTransfer()
            for line in lines { print(line) }
        }
    }
}
