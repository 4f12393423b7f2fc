import Data
import Foundation

/// Finds a dataset by the name users type (`fashion-mnist`, `mnist`, `emnist-letters`, `cifar100`, …)
/// and loads its training and test partitions.
public enum DatasetCatalog {
    public static let names = ["mnist", "fashion-mnist", "emnist-<split>", "cifar100", "cifar10", "lfw", "folder:PATH"]

    /// The folder a dataset is read from when the user gives none.
    public static func defaultFolder(for name: String) -> String {
        switch name {
        case "fashion-mnist": return FashionMNISTDataset.systemFolder
        case "lfw": return "data/lfw-deepfunneled"
        default: return "data/\(name.hasPrefix("emnist") ? "emnist" : name)"
        }
    }

    /// Loads `partition` of dataset `name` from `folder` (or its default folder).
    public static func load(_ name: String, folder: String?, partition: DatasetPartition) throws -> ImageDataset {
        let folder = folder ?? defaultFolder(for: name)
        switch name {
        case "mnist": return try MNISTDataset.load(from: folder, partition: partition)
        case "fashion-mnist": return try FashionMNISTDataset.load(from: folder, partition: partition)
        case "cifar100": return try CIFAR100Dataset.load(from: folder, partition: partition)
        case "cifar10": return try CIFAR10Dataset.load(from: folder, partition: partition)
        case "lfw":
            // LFW has no test split: the article's LFW numbers are validation numbers.
            guard partition == .train else { throw ExperimentError.missingFile("\(folder) (LFW has no test partition)") }
            return try LFWDataset.load(from: folder)
        default:
            if name.hasPrefix("folder:") {
                guard partition == .train else { throw ExperimentError.missingFile("\(name) (an image folder has no test partition)") }
                return try ImageFolderDataset.load(from: String(name.dropFirst("folder:".count)))
            }
            if name.hasPrefix("emnist-"), let split = EMNISTDataset.Split(rawValue: String(name.dropFirst("emnist-".count))) {
                return try EMNISTDataset.load(from: folder, split: split, partition: partition)
            }
            throw ExperimentError.unknownDataset(name)
        }
    }
}
