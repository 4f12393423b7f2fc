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
