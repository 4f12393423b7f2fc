import Data
import Engine
import Foundation
import Imaging
import Models

/// How `imagegen complete` draws from a sampling model.
public struct SamplingOptions: Equatable, Sendable {
    /// Completions to draw (1 for a deterministic model).
    public var samples = 1
    /// Below 1 sharper and less varied, 0 the most likely level of each pixel.
    public var temperature: Float = 1
    public var seed: UInt64 = 0
    public init(samples: Int = 1, temperature: Float = 1, seed: UInt64 = 0) {
        self.samples = samples
        self.temperature = temperature
        self.seed = seed
    }

    /// Errors name the flag: `--samples` ≥ 1, `--temperature` finite and ≥ 0.
    public func validate() throws {
        try Validate.positive(samples, flag: "--samples")
        guard temperature.isFinite, temperature >= 0 else {
            throw ExperimentError.invalidFlag(flag: "--temperature", value: "\(temperature)", allowed: "must be a finite number ≥ 0")
        }
    }
}

/// Completes (or reconstructs) the PNG/JPEG at `image` with the model of `run` and writes the result atomically to
/// `output` (PNG, or JPEG by extension). With `pasteVisible`, the visible pixels of the input are kept as they are.
/// A sampling model draws `sampling.samples` completions in one batch: `output` is then a grid of them (input first)
/// and each is also written beside it as `<name>-<k>.<ext>`. Returns the paths written.
@discardableResult
public func completeImage(run: String, image: String, output: String, pasteVisible: Bool,
                          sampling: SamplingOptions = SamplingOptions()) throws -> [String] {
    try sampling.validate()
    // One image is far below the size where a second thread pays; waking OpenBLAS's pool costs more.
    let threads = BLAS.maximumThreads
    BLAS.maximumThreads = 1
    defer { BLAS.maximumThreads = threads }
    let trained = try TrainedModel(runFolder: run)
    let picture = try readImage(at: image)
    let expected = trained.model.imageShape
    guard picture.height == expected[0], picture.width == expected[1], picture.channels == expected[2] else {
        throw ExperimentError.invalidFile(image, "is \(picture.width)×\(picture.height) with \(picture.channels) channel(s); "
                                          + "the model in \(run) expects \(expected[1])×\(expected[0]) with \(expected[2])")
    }
    let batch = picture.tensor.reshaped(to: [1] + expected)
    guard let sampler = trained.model as? any SamplingCompletionModel, let mask = trained.mask else {
        guard sampling.samples == 1 else {
            throw ExperimentError.invalidFlag(flag: "--samples", value: "\(sampling.samples)",
                                              allowed: "must be 1: the \(trained.model.name) in \(run) is deterministic (use a pixelcnn run)")
        }
        var result = try trained.predict(batch)
        if pasteVisible, let mask = trained.mask { result = mask.pasteVisible(from: batch, into: result) }
        try writeImage(try Image(tensor: result.reshaped(to: expected).clamped(min: 0, max: 1)), to: output)
        return [output]
    }
    var rng = RandomGenerator(seed: sampling.seed)
    let drawn = sampler.sample(batch, visible: mask.visible, count: sampling.samples, temperature: sampling.temperature, using: &rng)
    let size = expected.reduce(1, *)
    let images = try (0..<sampling.samples).map { k in
        try Image(tensor: Tensor(shape: expected, scalars: Array(UnsafeBufferPointer(start: drawn.storage.pointer + k * size, count: size))))
    }
    if sampling.samples == 1 {
        try writeImage(images[0], to: output)
        return [output]
    }
    let shown = try mask.fill(batch, with: 0.5).reshaped(to: expected)
    let grid = try makeImageGrid([try Image(tensor: shown)] + images,
                                 options: ImageGridOptions(imagesPerRow: min(sampling.samples + 1, 9), padding: 2, padValue: 1))
    let url = URL(fileURLWithPath: output)
    let stem = url.deletingPathExtension().path, ext = url.pathExtension.isEmpty ? "png" : url.pathExtension
    var written = [output]
    for (k, single) in images.enumerated() {
        let path = "\(stem)-\(k + 1).\(ext)"
        try writeImage(single, to: path)
        written.append(path)
    }
    try writeImage(grid, to: output)
    return written
}

/// The images a trained autoencoder is measured on.
public enum EvaluationPartition: String, CaseIterable, Sendable {
    case test, validation
}

/// Measures the model of `run` on its dataset's `partition` (the run's own validation split, or the test images):
/// MSE, PSNR and SSIM over all pixels and the hidden ones. Returns the model's name and the measures.
public func evaluateRun(_ run: String, partition: EvaluationPartition, dataFolder: String?) throws -> (model: String, result: EvaluationResult) {
    let trained = try TrainedModel(runFolder: run)
    let dataset = try partitionImages(trained.configuration, partition: partition, dataFolder: dataFolder)
    let result = try evaluate(dataset, mask: trained.mask, structuralSimilarity: true) { trained.model(trained.input(for: $0)) }
    return (trained.model.name, result)
}

/// How `model` completes images under `mask`: drawn at `temperature` for a sampling model, its output otherwise.
public func completer(for model: any ImageAutoencoder, mask: ImageMask, temperature: Float = 1) -> Completer {
    if let sampler = model as? any SamplingCompletionModel {
        return .sampling { images, count, rng in sampler.sample(images, visible: mask.visible, count: count, temperature: temperature, using: &rng) }
    }
    return .deterministic { images, _ in model(images) }
}

/// A completion method that is not a trained model, measured beside the models.
public enum CompletionBaseline: Equatable, Sendable {
    /// Every hidden pixel set to the mean training image.
    case meanImage
    /// Completed images made elsewhere (e.g. OpenCV's Telea inpainting, `bench/inpainting_baselines.py`): an IDX
    /// file of 8-bit images `[N, H, W]` or `[N, H, W, C]`, one per image of the measured partition, in order.
    case completions(String)
}

/// The completion measures of the model of `run` on its dataset's `partition`: one and the mean of `samples`
/// samples, diversity, bits per hidden pixel (sampling models), and with `judge` (a classifier run) class
/// consistency and the Fréchet distance in the judge's features. Returns the model's name too.
public func measureCompletions(run: String, judge: String?, samples: Int = 8, temperature: Float = 1, seed: UInt64 = 0,
                               partition: EvaluationPartition = .test, dataFolder: String? = nil) throws -> (model: String, measures: CompletionMeasures) {
    try Validate.atLeast(2, samples, flag: "--samples")
    guard temperature.isFinite, temperature >= 0 else {
        throw ExperimentError.invalidFlag(flag: "--temperature", value: "\(temperature)", allowed: "must be a finite number ≥ 0")
    }
    let trained = try TrainedModel(runFolder: run)
    guard let mask = trained.mask else {
        throw ExperimentError.invalidArgument("\(run) holds a reconstruction run: completion measures need a --task complete run")
    }
    let classifier = try judge.map { try loadClassifier(run: $0) }
    let dataset = try partitionImages(trained.configuration, partition: partition, dataFolder: dataFolder)
    let sampler = trained.model as? any SamplingCompletionModel
    let bits = try sampler.map { try bitsPerHiddenPixel($0, on: dataset, mask: mask) }
    let measures = try CompletionMeasures.measure(completer(for: trained.model, mask: mask, temperature: temperature), on: dataset,
                                                  mask: mask, samples: samples, judge: classifier, bitsPerHiddenPixel: bits, seed: seed)
    return (trained.model.name, measures)
}

/// The completion measures of `baseline` on the test images of `dataset` under `mask`.
public func measureBaseline(_ baseline: CompletionBaseline, dataset name: String, mask kind: MaskKind, judge: String?,
                            samples: Int = 8, dataFolder: String? = nil, seed: UInt64 = 0) throws -> CompletionMeasures {
    let test = try DatasetCatalog.load(name, folder: dataFolder, partition: .test)
    guard test.count > 0 else { throw ExperimentError.emptyDataset(name: name, partition: "test", count: 0) }
    let mask = try ImageMask(kind, height: test.height, width: test.width, seed: seed)
    let classifier = try judge.map { try loadClassifier(run: $0) }
    let completer: Completer
    switch baseline {
    case .meanImage:
        let training = try DatasetCatalog.load(name, folder: dataFolder, partition: .train)
        var sum = [Double](repeating: 0, count: training.imageSize)
        training.pixels.withUnsafeBufferPointer { p in
            for i in 0..<training.count { for j in 0..<training.imageSize { sum[j] += Double(p[i * training.imageSize + j]) } }
        }
        let mean = Tensor(shape: [1, test.height, test.width, test.channels], scalars: sum.map { Float($0 / Double(max(training.count, 1)) / 255) })
        completer = .deterministic { images, _ in images * mask.visible + mean * (1 - mask.visible) }
    case .completions(let path):
        let array = try IDXFile.read(at: path)
        let expected = [test.count, test.height, test.width] + (test.channels == 1 ? [] : [test.channels])
        guard array.dims == expected || array.dims == [test.count, test.height, test.width, test.channels] else {
            throw ExperimentError.invalidFile(path, "holds \(array.dims), expected \(expected): one completed image per test image")
        }
        let images = ImageDataset(name: path, height: test.height, width: test.width, channels: test.channels, pixels: array.bytes,
                                  labels: test.labels, classNames: test.classNames)
        completer = .deterministic { _, indices in images.batch(indices: indices) }
    }
    return try CompletionMeasures.measure(completer, on: test, mask: mask, samples: samples, judge: classifier, seed: seed)
}

/// The images of `partition` for a run: the test images, or the run's own validation split.
func partitionImages(_ c: TrainingConfiguration, partition: EvaluationPartition, dataFolder: String?) throws -> ImageDataset {
    let folder = dataFolder ?? c.dataFolder
    let dataset: ImageDataset
    switch partition {
    case .test: dataset = try DatasetCatalog.load(c.dataset, folder: folder, partition: .test)
    case .validation:
        dataset = try DatasetCatalog.load(c.dataset, folder: folder, partition: .train).split(validationFraction: c.validationFraction, seed: c.seed).validation
    }
    guard dataset.count > 0 else { throw ExperimentError.emptyDataset(name: c.dataset, partition: partition.rawValue, count: 0) }
    return dataset
}
