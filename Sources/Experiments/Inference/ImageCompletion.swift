import Data
import Engine
import Foundation
import Imaging

/// Completes (or reconstructs) the PNG/JPEG at `image` with the model of `run` and writes the result atomically to
/// `output` (PNG, or JPEG by extension). With `pasteVisible`, the visible pixels of the input are kept as they are.
public func completeImage(run: String, image: String, output: String, pasteVisible: Bool) throws {
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
    var result = try trained.predict(batch)
    if pasteVisible, let mask = trained.mask { result = mask.pasteVisible(from: batch, into: result) }
    try writeImage(try Image(tensor: result.reshaped(to: expected).clamped(min: 0, max: 1)), to: output)
}

/// The images a trained autoencoder is measured on.
public enum EvaluationPartition: String, CaseIterable, Sendable {
    case test, validation
}

/// Measures the model of `run` on its dataset's `partition` (the run's own validation split, or the test images):
/// MSE, PSNR and SSIM over all pixels and the hidden ones. Returns the model's name and the measures.
public func evaluateRun(_ run: String, partition: EvaluationPartition, dataFolder: String?) throws -> (model: String, result: EvaluationResult) {
    let trained = try TrainedModel(runFolder: run)
    let c = trained.configuration
    let folder = dataFolder ?? c.dataFolder
    let dataset: ImageDataset
    switch partition {
    case .test: dataset = try DatasetCatalog.load(c.dataset, folder: folder, partition: .test)
    case .validation:
        dataset = try DatasetCatalog.load(c.dataset, folder: folder, partition: .train).split(validationFraction: c.validationFraction, seed: c.seed).validation
    }
    guard dataset.count > 0 else { throw ExperimentError.emptyDataset(name: c.dataset, partition: partition.rawValue, count: 0) }
    let result = try evaluate(dataset, mask: trained.mask, structuralSimilarity: true) { trained.model(trained.input(for: $0)) }
    return (trained.model.name, result)
}
