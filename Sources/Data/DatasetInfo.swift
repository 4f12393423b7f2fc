import Engine
import Foundation
import Imaging

/// A summary of a dataset file or folder: what it is, how many items, their shape, value range and classes.
/// Backs `imagegen datasets info PATH`.
public struct DatasetInfo: Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// What was recognised, e.g. "IDX images (gzip)", "CIFAR-100 binary", "image folder".
    public var format: String
    /// Number of images (or labels, for a label file).
    public var count: Int
    /// `[H, W, C]` of one image; empty for a label file.
    public var itemShape: [Int]
    /// Smallest and largest sample value, scaled to [0, 1] for image data (raw values for label files).
    public var valueRange: ClosedRange<Float>
    /// Class names in label order (empty when unknown).
    public var classNames: [String]

    public var description: String {
        var lines = ["\(path): \(format)", "  items: \(count)"]
        if !itemShape.isEmpty { lines.append("  item shape (H, W, C): \(itemShape.map(String.init).joined(separator: " x "))") }
        lines.append("  value range: \(valueRange.lowerBound) … \(valueRange.upperBound)")
        if !classNames.isEmpty {
            let shown = classNames.prefix(12).joined(separator: ", ")
            lines.append("  classes (\(classNames.count)): \(shown)\(classNames.count > 12 ? ", …" : "")")
        }
        return lines.joined(separator: "\n")
    }

    /// Inspects a dataset file (IDX, CIFAR `.bin`, PNG/JPEG) or folder (MNIST/EMNIST layout, CIFAR, image folder).
    public static func inspect(path: String) throws -> DatasetInfo {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileReadError.cannotOpen(path: path, reason: "no such file or folder")
        }
        return isDirectory.boolValue ? try inspectFolder(path) : try inspectFile(path)
    }

    /// The summary of a loaded dataset.
    public init(path: String, format: String, dataset: ImageDataset) {
        var low: UInt8 = 255, high: UInt8 = 0
        dataset.pixels.withUnsafeBufferPointer { p in
            for v in p { low = Swift.min(low, v); high = Swift.max(high, v) }
        }
        if dataset.pixels.isEmpty { low = 0 }
        self.init(path: path, format: format, count: dataset.count, itemShape: [dataset.height, dataset.width, dataset.channels],
                  valueRange: Float(low) / 255...Float(high) / 255, classNames: dataset.classNames)
    }

    public init(path: String, format: String, count: Int, itemShape: [Int], valueRange: ClosedRange<Float>, classNames: [String]) {
        self.path = path
        self.format = format
        self.count = count
        self.itemShape = itemShape
        self.valueRange = valueRange
        self.classNames = classNames
    }

    static func inspectFolder(_ folder: String) throws -> DatasetInfo {
        let exists = { (name: String) in FileManager.default.fileExists(atPath: folder + "/" + name) }
        if ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-images.idx3-ubyte"].contains(where: exists) {
            let names = IDXDataset.standardNames(.train)
            let dataset = try IDXDataset.load(imagesAt: IDXDataset.locate(in: folder, names: names.images),
                                              labelsAt: IDXDataset.locate(in: folder, names: names.labels),
                                              classNames: (0..<256).map(String.init), name: folder)
            var info = DatasetInfo(path: folder, format: "IDX folder (MNIST layout), train partition", dataset: dataset)
            info.classNames = Array(info.classNames.prefix((dataset.labels.max() ?? -1) + 1))
            return info
        }
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if let emnist = listing.sorted().first(where: { $0.hasPrefix("emnist-") && $0.contains("-train-images-idx3-ubyte") }) {
            let splitName = String(emnist.dropFirst("emnist-".count).prefix { $0 != "-" })
            if let split = EMNISTDataset.Split(rawValue: splitName) {
                return DatasetInfo(path: folder, format: "EMNIST \(splitName), train partition",
                                   dataset: try EMNISTDataset.load(from: folder, split: split))
            }
        }
        let cifar100 = CIFARRecords.resolve(folder: folder, subfolder: "cifar-100-binary", marker: "train.bin")
        if FileManager.default.fileExists(atPath: cifar100 + "/train.bin") {
            return DatasetInfo(path: folder, format: "CIFAR-100 binary, train partition (fine labels)",
                               dataset: try CIFAR100Dataset.load(from: folder))
        }
        let cifar10 = CIFARRecords.resolve(folder: folder, subfolder: "cifar-10-batches-bin", marker: "data_batch_1.bin")
        if FileManager.default.fileExists(atPath: cifar10 + "/data_batch_1.bin") {
            return DatasetInfo(path: folder, format: "CIFAR-10 binary, train partition", dataset: try CIFAR10Dataset.load(from: folder))
        }
        // An image folder: summarise without requiring equal sizes.
        let entries = try ImageFolderDataset.entries(in: folder)
        guard let first = entries.first else { throw DataError.noImages(folder: folder) }
        let image = try readImage(at: first.path)
        let classes = Array(Set(entries.map(\.className))).sorted()
        return DatasetInfo(path: folder, format: "image folder (shape and range of the first image)", count: entries.count,
                           itemShape: [image.height, image.width, image.channels],
                           valueRange: (image.pixels.min() ?? 0)...(image.pixels.max() ?? 0), classNames: classes)
    }

    static func inspectFile(_ path: String) throws -> DatasetInfo {
        let file = try ReadableFile(path: path)
        let head = try file.bytes(count: Swift.min(file.size, 8), at: 0)
        if ImageFormat.detect(head) != nil {
            let image = try readImage(at: path)
            return DatasetInfo(path: path, format: "\(ImageFormat.detect(head)!.rawValue) image", count: 1,
                               itemShape: [image.height, image.width, image.channels],
                               valueRange: (image.pixels.min() ?? 0)...(image.pixels.max() ?? 0), classNames: [])
        }
        if Gzip.isGzip(head) || (head.count >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08) {
            let array = try IDXFile.read(at: path)
            let compression = Gzip.isGzip(head) ? " (gzip)" : ""
            var low: UInt8 = 255, high: UInt8 = 0
            for v in array.bytes { low = Swift.min(low, v); high = Swift.max(high, v) }
            if array.bytes.isEmpty { low = 0 }
            if array.dims.count == 1 {
                return DatasetInfo(path: path, format: "IDX labels\(compression)", count: array.dims[0], itemShape: [],
                                   valueRange: Float(low)...Float(high), classNames: [])
            }
            let channels = array.dims.count >= 4 ? array.dims[3] : 1
            return DatasetInfo(path: path, format: "IDX images\(compression)", count: array.dims[0],
                               itemShape: [array.dims[1], array.dims.count > 2 ? array.dims[2] : 1, channels],
                               valueRange: Float(low) / 255...Float(high) / 255, classNames: [])
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".bin") {
            let isCIFAR100 = file.size % 3074 == 0 && (name == "train.bin" || name == "test.bin")
            let decoded = isCIFAR100
                ? try CIFARRecords.decode(path: path, labelBytes: 2, labelByte: 1, classCount: 100)
                : try CIFARRecords.decode(path: path, labelBytes: 1, labelByte: 0, classCount: 10)
            let dataset = ImageDataset(name: name, height: 32, width: 32, channels: 3, pixels: decoded.pixels,
                                       labels: decoded.labels, classNames: isCIFAR100 ? [] : CIFAR10Dataset.classNames)
            return DatasetInfo(path: path, format: isCIFAR100 ? "CIFAR-100 binary records" : "CIFAR-10 binary records", dataset: dataset)
        }
        throw DataError.unrecognised(path: path, reason: "not an IDX, CIFAR binary, PNG or JPEG file")
    }
}
