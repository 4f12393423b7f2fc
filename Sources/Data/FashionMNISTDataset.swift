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
