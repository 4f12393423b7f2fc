/// MNIST: 28x28 grey handwritten digits, classes "0"…"9".
public enum MNISTDataset {
    public static let classNames = (0..<10).map(String.init)

    /// Loads a partition from a folder holding `train-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`, etc.
    public static func load(from folder: String, partition: DatasetPartition = .train) throws -> ImageDataset {
        let names = IDXDataset.standardNames(partition)
        return try IDXDataset.load(imagesAt: IDXDataset.locate(in: folder, names: names.images),
                                   labelsAt: IDXDataset.locate(in: folder, names: names.labels),
                                   classNames: classNames, name: "MNIST \(partition.rawValue)")
    }
}

/// Fashion-MNIST: 28x28 grey clothing images in 10 classes, files named as MNIST's.
public enum FashionMNISTDataset {
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// Where Debian's `dataset-fashion-mnist` package installs the files.
    public static let systemFolder = "/usr/share/datasets/fashion-mnist"

    /// Loads a partition from a folder holding the four standard files (raw or `.gz`).
    public static func load(from folder: String = systemFolder, partition: DatasetPartition = .train) throws -> ImageDataset {
        let names = IDXDataset.standardNames(partition)
        return try IDXDataset.load(imagesAt: IDXDataset.locate(in: folder, names: names.images),
                                   labelsAt: IDXDataset.locate(in: folder, names: names.labels),
                                   classNames: classNames, name: "Fashion-MNIST \(partition.rawValue)")
    }
}

/// EMNIST: 28x28 grey handwritten characters, files `emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte[.gz]`.
/// Images are stored transposed; by default they are transposed back so characters stand upright.
public enum EMNISTDataset {
    public enum Split: String, Sendable, CaseIterable {
        case byclass, bymerge, balanced, letters, digits, mnist

        /// Class names in label order. `letters` names a…z for labels mapped from 1…26 to 0…25.
        public var classNames: [String] {
            let digits = (0..<10).map(String.init)
            let upper = (65...90).map { String(UnicodeScalar(UInt8($0))) }
            let lower = (97...122).map { String(UnicodeScalar(UInt8($0))) }
            switch self {
            case .byclass: return digits + upper + lower
            case .bymerge, .balanced: return digits + upper + ["a", "b", "d", "e", "f", "g", "h", "n", "q", "r", "t"]
            case .letters: return lower
            case .digits, .mnist: return digits
            }
        }

        /// Added to stored labels: `letters` stores 1…26.
        public var labelOffset: Int { self == .letters ? -1 : 0 }
    }

    /// Loads a split and partition from a folder holding the EMNIST files (raw or `.gz`).
    public static func load(from folder: String, split: Split, partition: DatasetPartition = .train,
                            transposeUpright: Bool = true) throws -> ImageDataset {
        let names = IDXDataset.standardNames(partition, prefix: "emnist-\(split.rawValue)-")
        return try IDXDataset.load(imagesAt: IDXDataset.locate(in: folder, names: names.images),
                                   labelsAt: IDXDataset.locate(in: folder, names: names.labels),
                                   classNames: split.classNames, name: "EMNIST \(split.rawValue) \(partition.rawValue)",
                                   transposeImages: transposeUpright, labelOffset: split.labelOffset)
    }
}
