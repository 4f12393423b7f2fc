import Engine
import Imaging

/// Labelled images held as 8-bit samples `[N, H, W, C]` in memory; converted to Float32 in [0, 1]
/// (÷ 255) only per batch, so a dataset costs one byte per sample.
public struct ImageDataset: Sendable {
    /// A short name for messages and summaries (e.g. "Fashion-MNIST train").
    public var name: String
    public let height: Int
    public let width: Int
    public let channels: Int
    /// `count * height * width * channels` samples, row-major NHWC.
    public let pixels: [UInt8]
    /// One class index per image, each in `0 ..< classNames.count` (when names are given).
    public let labels: [Int]
    /// The name of each class index.
    public var classNames: [String]

    /// Wraps `pixels` and `labels`. Traps if the sizes disagree.
    public init(name: String, height: Int, width: Int, channels: Int, pixels: [UInt8], labels: [Int], classNames: [String]) {
        let size = height * width * channels
        precondition(height > 0 && width > 0 && channels > 0, "image size \(height)x\(width)x\(channels)")
        precondition(pixels.count == labels.count * size,
                     "\(labels.count) images of \(height)x\(width)x\(channels) need \(labels.count * size) bytes, got \(pixels.count)")
        self.name = name
        self.height = height
        self.width = width
        self.channels = channels
        self.pixels = pixels
        self.labels = labels
        self.classNames = classNames
    }

    /// The number of images.
    public var count: Int { labels.count }
    /// Samples per image, `height * width * channels`.
    public var imageSize: Int { height * width * channels }
    /// `[count, height, width, channels]`.
    public var shape: [Int] { [count, height, width, channels] }

    /// The images at `indices` as a `[B, H, W, C]` tensor of Float32 in [0, 1].
    public func batch(indices: [Int]) -> Tensor {
        let size = imageSize
        let storage = TensorStorage(count: indices.count * size, zeroed: false)
        let out = storage.pointer
        pixels.withUnsafeBufferPointer { src in
            for (b, index) in indices.enumerated() {
                precondition(index >= 0 && index < count, "index \(index) outside 0..<\(count)")
                UnitConversion.convert(src.baseAddress! + index * size, to: out + b * size, count: size)
            }
        }
        return Tensor(shape: [indices.count, height, width, channels], storage: storage)
    }

    /// The labels at `indices`.
    public func labels(indices: [Int]) -> [Int] { indices.map { labels[$0] } }

    /// Image `index` as an `Image`.
    public func image(at index: Int) -> Image {
        let size = imageSize
        return Image(width: width, height: height, channels: channels, bytes: Array(pixels[(index * size)..<((index + 1) * size)]))
    }

    /// A dataset of the images at `indices`, in that order.
    public func subset(indices: [Int], name: String? = nil) -> ImageDataset {
        let size = imageSize
        let selected = [UInt8](unsafeUninitializedCapacity: indices.count * size) { out, initialised in
            pixels.withUnsafeBufferPointer { src in
                for (b, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "index \(index) outside 0..<\(count)")
                    UnsafeMutableRawPointer(out.baseAddress! + b * size)
                        .copyMemory(from: src.baseAddress! + index * size, byteCount: size)
                }
            }
            initialised = indices.count * size
        }
        return ImageDataset(name: name ?? self.name, height: height, width: width, channels: channels,
                            pixels: selected, labels: indices.map { labels[$0] }, classNames: classNames)
    }

    /// The first `limit` images (all when the dataset is smaller).
    public func prefix(_ limit: Int) -> ImageDataset {
        limit >= count ? self : subset(indices: Array(0..<max(limit, 0)))
    }

    /// A seeded random split into training and validation sets; see `DatasetSplit`.
    public func split(validationFraction: Double = 0.2, seed: UInt64) throws -> (training: ImageDataset, validation: ImageDataset) {
        let parts = try DatasetSplit(count: count, validationFraction: validationFraction, seed: seed)
        return (subset(indices: parts.training, name: name + " (training)"),
                subset(indices: parts.validation, name: name + " (validation)"))
    }

    /// Index batches for one epoch; see `BatchIterator`.
    public func batches(batchSize: Int, shuffle: Bool, rng: inout RandomGenerator) -> BatchIterator {
        BatchIterator(count: count, batchSize: batchSize, shuffle: shuffle, rng: &rng)
    }
}
