import Data
import Engine

/// The quality of a model's outputs over a dataset: MSE, PSNR and SSIM over all pixels and over the hidden ones.
public struct EvaluationResult: Codable, Equatable, Sendable {
    public var images: Int
    public var meanSquaredError: Double
    public var hiddenMeanSquaredError: Double?
    public var psnr: Double
    public var ssim: Double?
    public var hiddenSSIM: Double?
}

/// Runs `predict` over `dataset` in batches without recording gradients and measures its outputs against the
/// original images. `mask` marks the pixels that were hidden from the model.
public func evaluate(_ dataset: ImageDataset, mask: ImageMask?, batchSize: Int = 64, structuralSimilarity: Bool = false,
                     predict: (Tensor) -> Tensor) throws -> EvaluationResult {
    var errors = ErrorAccumulator()
    return try evaluate(dataset, mask: mask, batchSize: batchSize, structuralSimilarity: structuralSimilarity, errors: &errors,
                        predict: predict)
}

/// `evaluate(_:mask:batchSize:structuralSimilarity:predict:)`, also adding the squared errors into `errors`.
public func evaluate(_ dataset: ImageDataset, mask: ImageMask?, batchSize: Int = 64, structuralSimilarity: Bool = false,
                     errors: inout ErrorAccumulator, predict: (Tensor) -> Tensor) throws -> EvaluationResult {
    let hidden = mask?.hidden
    var ssimSum = 0.0, hiddenSSIMSum = 0.0, hiddenSSIMImages = 0
    try withoutGradients {
        var start = 0
        while start < dataset.count {
            let indices = Array(start..<min(start + batchSize, dataset.count))
            let images = dataset.batch(indices: indices)
            let outputs = predict(images)
            errors.add(predictions: outputs, targets: images, hidden: hidden)
            if structuralSimilarity {
                ssimSum += try StructuralSimilarity.ssim(outputs, images) * Double(indices.count)
                if let hidden, let value = try StructuralSimilarity.hiddenSSIM(outputs, images, hidden: hidden) {
                    hiddenSSIMSum += value * Double(indices.count)
                    hiddenSSIMImages += indices.count
                }
            }
            start += batchSize
        }
    }
    let mse = errors.meanSquaredError
    return EvaluationResult(images: dataset.count, meanSquaredError: mse, hiddenMeanSquaredError: errors.hiddenMeanSquaredError,
                            psnr: ErrorAccumulator.psnr(meanSquaredError: mse),
                            ssim: structuralSimilarity && dataset.count > 0 ? ssimSum / Double(dataset.count) : nil,
                            hiddenSSIM: hiddenSSIMImages > 0 ? hiddenSSIMSum / Double(hiddenSSIMImages) : nil)
}

extension EvaluationResult {
    /// One line for a terminal: `MSE 0.01629  PSNR 17.88 dB  SSIM 0.712  hidden-pixel MSE …`.
    public var summary: String {
        var parts = [String(format: "MSE %.5f  PSNR %.2f dB", meanSquaredError, psnr)]
        if let ssim { parts.append(String(format: "SSIM %.4f", ssim)) }
        if let h = hiddenMeanSquaredError { parts.append(String(format: "hidden-pixel MSE %.5f", h)) }
        if let h = hiddenSSIM { parts.append(String(format: "hidden-pixel SSIM %.4f", h)) }
        return parts.joined(separator: "  ")
    }
}
