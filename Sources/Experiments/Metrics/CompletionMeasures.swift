import Data
import Engine
import Foundation
import Models

/// Mean negative log-likelihood of the hidden pixels of `dataset` under `model`, in bits per hidden pixel (and
/// channel) of 8-bit levels: the measure published likelihood models report (PixelCNN, PixelCNN++).
public func bitsPerHiddenPixel(_ model: any SamplingCompletionModel, on dataset: ImageDataset, mask: ImageMask,
                               batchSize: Int = 64) throws -> Double {
    guard dataset.count > 0 else { throw ExperimentError.emptyDataset(name: dataset.name, partition: "measured", count: 0) }
    var total = 0.0
    withoutGradients {
        var start = 0
        while start < dataset.count {
            let indices = Array(start..<min(start + batchSize, dataset.count))
            total += Double(model.negativeLogLikelihood(dataset.batch(indices: indices), visible: mask.visible).scalar) * Double(indices.count)
            start += batchSize
        }
    }
    return total / Double(dataset.count) / M_LN2
}
