import ArgumentParser
import Experiments

/// `imagegen datasets`: look at dataset files.
struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect and download dataset files.", subcommands: [Info.self, Download.self])

    /// `imagegen datasets info PATH`: what a file or folder holds.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what a dataset file or folder holds: count, shape, value range, classes.")

        @Argument(help: "An IDX file (raw or gzip), a CIFAR binary file or folder, or a folder of images.") var path: String

        func run() throws {
            print(try DatasetDownloads.describe(path: path))
        }
    }
}
