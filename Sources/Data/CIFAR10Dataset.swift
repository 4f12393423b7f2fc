
/// CIFAR-10 (binary version): 32x32 RGB images, `data_batch_1.bin` … `data_batch_5.bin` (train) and
/// `test_batch.bin`, 3,073-byte records of label and planar pixels; names from `batches.meta.txt`.
public enum CIFAR10Dataset {
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    /// The record files of a partition, in order.
    public static func fileNames(_ partition: DatasetPartition) -> [String] {
        partition == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }

    /// Loads from `cifar-10-batches-bin` (or a folder that contains it).
    public static func load(from folder: String, partition: DatasetPartition = .train) throws -> ImageDataset {
        let files = fileNames(partition)
        let root = CIFARRecords.resolve(folder: folder, subfolder: "cifar-10-batches-bin", marker: files[0])
        var pixels: [UInt8] = []
        var labels: [Int] = []
        for file in files {
            let decoded = try CIFARRecords.decode(path: try IDXDataset.locate(in: root, names: [file], allowCompressed: false),
                                                  labelBytes: 1, labelByte: 0, classCount: 10)
            pixels += decoded.pixels
            labels += decoded.labels
        }
        let names = try CIFARRecords.labelNames(at: root + "/batches.meta.txt", expected: 10, fallback: classNames)
        return ImageDataset(name: "CIFAR-10 \(partition.rawValue)", height: 32, width: 32, channels: 3,
                            pixels: pixels, labels: labels, classNames: names)
    }
}
