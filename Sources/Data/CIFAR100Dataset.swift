/// CIFAR-100 (binary version): 32x32 RGB images, `train.bin` (50,000) and `test.bin` (10,000), 3,074-byte
/// records of coarse label, fine label and planar pixels. Names come from `fine_label_names.txt` /
/// `coarse_label_names.txt` when present (else the label numbers).
public enum CIFAR100Dataset {
    public enum LabelKind: String, Sendable, CaseIterable {
        /// 100 classes.
        case fine
        /// 20 superclasses.
        case coarse
    }

    /// Loads from `cifar-100-binary` (or a folder that contains it).
    public static func load(from folder: String, partition: DatasetPartition = .train, labels kind: LabelKind = .fine) throws -> ImageDataset {
        let root = CIFARRecords.resolve(folder: folder, subfolder: "cifar-100-binary", marker: "\(partition.rawValue).bin")
        let path = try IDXDataset.locate(in: root, names: ["\(partition.rawValue).bin"], allowCompressed: false)
        let classCount = kind == .fine ? 100 : 20
        let decoded = try CIFARRecords.decode(path: path, labelBytes: 2, labelByte: kind == .fine ? 1 : 0, classCount: classCount)
        let names = try CIFARRecords.labelNames(at: root + "/\(kind.rawValue)_label_names.txt", expected: classCount,
                                                fallback: (0..<classCount).map(String.init))
        return ImageDataset(name: "CIFAR-100 \(partition.rawValue)", height: 32, width: 32, channels: 3,
                            pixels: decoded.pixels, labels: decoded.labels, classNames: names)
    }
}
