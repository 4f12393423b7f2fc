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
