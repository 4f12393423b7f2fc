import Engine

/// Builds an `ImageDataset` from an IDX image file `[N, H, W]` (or `[N, H, W, C]`) and an IDX label file `[N]`.
public enum IDXDataset {
    /// Loads images and labels; counts must agree and every label (after `labelOffset`) must index `classNames`.
    ///
    /// - Parameters:
    ///   - transposeImages: swap rows and columns of every image (EMNIST stores images column-major).
    ///   - labelOffset: added to each stored label (EMNIST `letters` uses −1 to map 1…26 to 0…25).
    public static func load(imagesAt imagesPath: String, labelsAt labelsPath: String, classNames: [String],
                            name: String, transposeImages: Bool = false, labelOffset: Int = 0) throws -> ImageDataset {
        let images = try IDXFile.read(at: imagesPath)
        let labels = try IDXFile.read(at: labelsPath)
        guard images.dims.count == 3 || images.dims.count == 4 else {
            throw DataError.badDimensions(path: imagesPath, dims: images.dims, reason: "an image file has dimensions [N, H, W] or [N, H, W, C]")
        }
        guard labels.dims.count == 1 else {
            throw DataError.badDimensions(path: labelsPath, dims: labels.dims, reason: "a label file has one dimension [N]")
        }
        let count = images.dims[0], height = images.dims[1], width = images.dims[2]
        let channels = images.dims.count == 4 ? images.dims[3] : 1
        guard height > 0, width > 0, channels > 0 else {
            throw DataError.badDimensions(path: imagesPath, dims: images.dims, reason: "image sides must be positive")
        }
        guard labels.dims[0] == count else {
            throw DataError.countMismatch(imagesPath: imagesPath, labelsPath: labelsPath, images: count, labels: labels.dims[0])
        }
        let classCount = classNames.count
        var decoded = [Int](repeating: 0, count: count)
        try labels.bytes.withUnsafeBufferPointer { src in
            for i in 0..<count {
                let label = Int(src[i]) + labelOffset
                guard label >= 0 && label < classCount else {
                    throw DataError.labelOutOfRange(path: labelsPath, index: i, label: label, classCount: classCount)
                }
                decoded[i] = label
            }
        }
        let pixels = transposeImages ? transposed(images.bytes, count: count, height: height, width: width, channels: channels)
                                     : images.bytes
        return ImageDataset(name: name, height: transposeImages ? width : height, width: transposeImages ? height : width,
                            channels: channels, pixels: pixels, labels: decoded, classNames: classNames)
    }

    /// Every image's rows and columns swapped: output pixel (r, c) is input pixel (c, r).
    static func transposed(_ bytes: [UInt8], count: Int, height: Int, width: Int, channels: Int) -> [UInt8] {
        let size = height * width * channels
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { out, initialised in
            bytes.withUnsafeBufferPointer { src in
                for n in 0..<count {
                    let base = n * size
                    for r in 0..<width {          // output rows = input columns
                        for c in 0..<height {     // output columns = input rows
                            let to = base + (r * height + c) * channels, from = base + (c * width + r) * channels
                            for k in 0..<channels { out[to + k] = src[from + k] }
                        }
                    }
                }
            }
            initialised = bytes.count
        }
    }

    /// The path of the first of `names` (each also tried with `.gz` when `allowCompressed`) that exists in `folder`.
    public static func locate(in folder: String, names: [String], allowCompressed: Bool = true) throws -> String {
        let candidates = allowCompressed ? names.flatMap { [$0, $0 + ".gz"] } : names
        for name in candidates {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            if ReadableFile.isReadable(at: path) { return path }
        }
        throw DataError.missingFile(folder: folder, expected: candidates)
    }

    /// The standard MNIST-layout file names for a partition: (images, labels), each with the dotted variant.
    public static func standardNames(_ partition: DatasetPartition, prefix: String = "") -> (images: [String], labels: [String]) {
        let stem = partition == .train ? "train" : (prefix.isEmpty ? "t10k" : "test")
        return (["\(prefix)\(stem)-images-idx3-ubyte", "\(prefix)\(stem)-images.idx3-ubyte"],
                ["\(prefix)\(stem)-labels-idx1-ubyte", "\(prefix)\(stem)-labels.idx1-ubyte"])
    }
}
