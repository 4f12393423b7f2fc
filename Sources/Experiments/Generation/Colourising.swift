import Data
import Engine
import Foundation
import Imaging
import Models

/// Greyscale letters to colourise: each `side`×`side` in [−1, 1].
public struct GreyscaleLetters {
    public var images: [[Float]]
    public var labels: [Int]
    public var classNames: [String]
    public var side: Int

    /// Checks the sizes: every image must be `side`×`side`.
    public init(images: [[Float]], labels: [Int], classNames: [String], side: Int) throws {
        for (i, image) in images.enumerated() where image.count != side * side {
            throw ExperimentError.invalidArgument("image \(i) has \(image.count) values, but the images are \(side)x\(side): images of mismatched sizes")
        }
        self.images = images
        self.labels = labels
        self.classNames = classNames
        self.side = side
    }

    /// A loaded dataset (must be greyscale), resized to `side` bilinear and scaled to [−1, 1].
    public init(dataset: ImageDataset, side: Int = 64, limit: Int? = nil) throws {
        guard dataset.channels == 1 else { throw ColourisationError.notGreyscale(channels: dataset.channels) }
        let n = Swift.min(limit ?? dataset.count, dataset.count)
        let images = (0..<n).map { i -> [Float] in
            let image = dataset.image(at: i)
            let sized = image.width == side && image.height == side ? image : image.resized(width: side, height: side)
            return sized.pixels.map { $0 * 2 - 1 }
        }
        try self.init(images: images, labels: Array(dataset.labels.prefix(n)), classNames: dataset.classNames, side: side)
    }

    /// `[N, side, side, 1]` generator output.
    public init(generated: Tensor, labels: [Int]) throws {
        let side = generated.shape[1], size = side * side
        let images = (0..<generated.shape[0]).map { Array(UnsafeBufferPointer(start: generated.storage.pointer + $0 * size, count: size)) }
        try self.init(images: images, labels: labels, classNames: (97...122).map { String(UnicodeScalar(UInt8($0))) }, side: side)
    }
}

/// Colourises `letters` with backgrounds from `backgrounds` and writes the dataset to `output`: `images/NNNNNN.png`,
/// `labels.csv`, `images-idx3-ubyte` (RGB, dims [N, H, W, 3]), `labels-idx1-ubyte` and `preview.png`.
/// Everything is written into a temporary sibling folder first and moved to `output` only when complete.
/// The same seed gives the same files byte for byte.
public func writeColourisedDataset(_ letters: GreyscaleLetters, backgrounds: any BackgroundModel, options: ColourisationOptions,
                                   seed: UInt64, output: String, overwrite: Bool) throws -> [Image] {
    try options.validate()
    let manager = FileManager.default
    if manager.fileExists(atPath: output) && !overwrite {
        throw ExperimentError.invalidArgument("\(output) already exists; pass --overwrite to replace it")
    }
    let side = letters.side
    guard side == BackgroundGenerator.side else {
        throw ColourisationError.sizeMismatch(letter: [side, side], background: [BackgroundGenerator.side, BackgroundGenerator.side])
    }
    let temporary = output + ".partial-\(getpid())"
    try? manager.removeItem(atPath: temporary)
    try manager.createDirectory(atPath: "\(temporary)/images", withIntermediateDirectories: true)
    var finished = false
    defer { if !finished { try? manager.removeItem(atPath: temporary) } }
    var rng = RandomGenerator(seed: seed)
    var results: [Image] = []
    var idxBytes: [UInt8] = []
    var csv = "file,label,class,mode\n"
    let n = letters.images.count
    for start in stride(from: 0, to: n, by: 128) {
        let count = Swift.min(128, n - start)
        let noise = Tensor.uniform([3 * count, BackgroundGenerator.noiseSize], using: &rng)
        let rgb = backgroundsAsRGB(withoutGradients { backgrounds(noise) })
        let plane = side * side * 3
        for j in 0..<count {
            let background = Image(width: side, height: side, channels: 3,
                                   pixels: Array(UnsafeBufferPointer(start: rgb.storage.pointer + j * plane, count: plane)))
            let i = start + j
            let image = try colourise(letter: letters.images[i], height: side, width: side, background: background, options: options, using: &rng)
            let name = String(format: "images/%06d.png", i)
            try writeImage(image, to: "\(temporary)/\(name)")
            idxBytes += image.bytes
            let label = letters.labels[i]
            let className = label < letters.classNames.count ? letters.classNames[label] : String(label)
            csv += "\(name),\(label),\(className),\(options.mode.rawValue)\n"
            if results.count < 64 { results.append(image) }
        }
    }
    try AtomicFile.write(csv, to: "\(temporary)/labels.csv")
    try IDXFile.write(IDXArray(dims: [n, side, side, 3], bytes: idxBytes), to: "\(temporary)/images-idx3-ubyte")
    try IDXFile.write(IDXArray(dims: [n], bytes: letters.labels.map { UInt8(truncatingIfNeeded: $0) }), to: "\(temporary)/labels-idx1-ubyte")
    try writeImage(makeImageGrid(results, options: ImageGridOptions(imagesPerRow: 8)), to: "\(temporary)/preview.png")
    if manager.fileExists(atPath: output) { try manager.removeItem(atPath: output) }
    try manager.moveItem(atPath: temporary, toPath: output)
    finished = true
    return results
}

/// Greyscale letters for colourising: `count` generated by the GAN of `ganRun` (labels cycling a…z), or the first
/// `count` images of `dataset`.
public func greyscaleLetters(ganRun: String?, dataset: String, dataFolder: String?, count: Int, seed: UInt64) throws -> GreyscaleLetters {
    try Validate.positive(count, flag: "--count")
    if let ganRun {
        let generator = try loadLetterGenerator(run: ganRun)
        var rng = RandomGenerator(seed: seed &+ 11)
        let labels = (0..<count).map { $0 % 26 }
        let images = withoutGradients { generator(Tensor.normal([count, 64], using: &rng), labels: labels) }
        return try GreyscaleLetters(generated: images, labels: labels)
    }
    let data = try DatasetCatalog.load(dataset, folder: dataFolder, partition: .train)
    guard data.count > 0 else { throw ExperimentError.emptyDataset(name: dataset, partition: "train", count: 0) }
    return try GreyscaleLetters(dataset: data, side: 64, limit: count)
}

/// The generator of a background run, or an untrained diverse generator (smooth by construction) without one.
public func backgroundGenerator(run: String?, seed: UInt64) throws -> any BackgroundModel {
    if let run { return try loadBackgroundModel(run: run) }
    var rng = RandomGenerator(seed: seed)
    return DiverseBackgroundGenerator(using: &rng)
}

/// Letters spelling `text` generated by the GAN of `ganRun`, colourised with backgrounds of `backgroundRun`:
/// the dataset in `output/` and the word as `output/grid.png`.
public func writeLetterPipeline(ganRun: String, backgroundRun: String?, text: String, options: ColourisationOptions, seed: UInt64,
                                output: String, overwrite: Bool) throws {
    let generator = try loadLetterGenerator(run: ganRun)
    var rng = RandomGenerator(seed: seed)
    let images = try generateLetters(generator, text: text, using: &rng)
    let letters = try GreyscaleLetters(generated: images, labels: text.lowercased().map { Int($0.asciiValue!) - 97 })
    let colourised = try writeColourisedDataset(letters, backgrounds: try backgroundGenerator(run: backgroundRun, seed: seed), options: options,
                                                seed: seed, output: output, overwrite: overwrite)
    try writeImage(makeImageGrid(colourised, options: ImageGridOptions(imagesPerRow: Swift.min(13, colourised.count))), to: "\(output)/grid.png")
}
