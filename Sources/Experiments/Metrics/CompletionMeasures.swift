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

/// How a completion method fills the hidden pixels of a batch of images (given with their dataset indices).
public enum Completer {
    /// One answer per image (MSE-trained models, baselines): `samples` copies of it are identical.
    case deterministic((_ images: Tensor, _ indices: [Int]) throws -> Tensor)
    /// `count` draws per image, image-major `[N · count, H, W, C]`.
    case sampling((_ images: Tensor, _ count: Int, _ rng: inout RandomGenerator) throws -> Tensor)
}

/// Completion measures beside MSE, over a dataset's images (the test images for `imagegen evaluate`). The judge
/// and the Fréchet distance are ImageGen's own classifier and its 128 penultimate features: comparable between
/// ImageGen's models, not with Inception-FID numbers. Completed images keep the visible pixels of their input.
public struct CompletionMeasures: Codable, Equatable, Sendable {
    public var images: Int
    /// Samples drawn per image for the mean and the diversity.
    public var samples: Int
    /// Hidden-pixel MSE of the first sample of each image.
    public var hiddenMSE: Double
    /// Hidden-pixel MSE of the mean of the samples (the same as `hiddenMSE` for a deterministic method).
    public var hiddenMSEOfMean: Double
    /// Mean over images and pairs of samples of the RMS difference over the hidden pixels (0 when deterministic).
    public var diversity: Double
    public var bitsPerHiddenPixel: Double?
    /// The judge's accuracy on the completed images (first sample), the originals and the occluded inputs.
    public var judgeAccuracy: Double?
    public var judgeAccuracyOnOriginals: Double?
    public var judgeAccuracyOnOccluded: Double?
    /// Fréchet distance in the judge's features between the completed (first sample) and the original images,
    /// and between the occluded inputs and the originals for reference.
    public var frechetDistance: Double?
    public var frechetDistanceOfOccluded: Double?

    /// Measures `completer` on `dataset` under `mask`, 32 images at a time; `judge` adds class consistency and the
    /// Fréchet distance. Samples are drawn from a generator seeded with `seed`.
    public static func measure(_ completer: Completer, on dataset: ImageDataset, mask: ImageMask, samples: Int = 8,
                               judge: ImageClassifier?, bitsPerHiddenPixel: Double? = nil, seed: UInt64 = 0,
                               batchSize: Int = 32) throws -> CompletionMeasures {
        guard dataset.count >= 2 else { throw ExperimentError.emptyDataset(name: dataset.name, partition: "measured", count: dataset.count) }
        guard samples >= 2 else { throw ExperimentError.invalidFlag(flag: "--samples", value: "\(samples)", allowed: "must be ≥ 2 to measure diversity") }
        if let judge, judge.imageShape != [dataset.height, dataset.width, dataset.channels] {
            throw ExperimentError.invalidArgument("the judge classifies \(judge.imageShape) images, \(dataset.name) holds "
                                                  + "\([dataset.height, dataset.width, dataset.channels])")
        }
        var rng = RandomGenerator(seed: seed)
        let visible = mask.visible.storage.pointer
        let c = dataset.channels, size = dataset.imageSize
        let hiddenIndices = (0..<size).filter { visible[$0 / c] < 0.5 }
        guard !hiddenIndices.isEmpty else { throw ExperimentError.invalidFlag(flag: "--mask", value: "", allowed: "must hide some pixels") }
        var squared = 0.0, squaredOfMean = 0.0, diversity = 0.0
        var correct = [0, 0, 0]
        // Judge features of the completed images, the originals and the occluded inputs, batch by batch.
        var features: [[Tensor]] = [[], [], []]
        var start = 0
        while start < dataset.count {
            let indices = Array(start..<min(start + batchSize, dataset.count))
            let originals = dataset.batch(indices: indices)
            let n = indices.count
            let drawn: Tensor, count: Int
            switch completer {
            case .deterministic(let complete):
                drawn = try withoutGradients { try complete(mask.occlude(originals), indices) }
                count = 1
            case .sampling(let sample):
                drawn = try withoutGradients { try sample(mask.occlude(originals), samples, &rng) }
                count = samples
            }
            guard drawn.shape == [n * count, dataset.height, dataset.width, c] else {
                throw ExperimentError.invalidArgument("a completion batch has shape \(drawn.shape), expected \([n * count, dataset.height, dataset.width, c])")
            }
            let o = originals.storage.pointer, d = drawn.storage.pointer
            var mean = [Double](repeating: 0, count: hiddenIndices.count)
            for i in 0..<n {
                for k in 0..<count {
                    let s = d + (i * count + k) * size
                    for (h, j) in hiddenIndices.enumerated() {
                        let value = Double(min(max(s[j], 0), 1))
                        if k == 0 { squared += (value - Double(o[i * size + j])) * (value - Double(o[i * size + j])) }
                        mean[h] += value / Double(count)
                    }
                    for l in 0..<k {
                        let t = d + (i * count + l) * size
                        var sum = 0.0
                        for j in hiddenIndices {
                            let e = Double(min(max(s[j], 0), 1)) - Double(min(max(t[j], 0), 1))
                            sum += e * e
                        }
                        diversity += (sum / Double(hiddenIndices.count)).squareRoot()
                    }
                }
                for (h, j) in hiddenIndices.enumerated() {
                    squaredOfMean += (mean[h] - Double(o[i * size + j])) * (mean[h] - Double(o[i * size + j]))
                    mean[h] = 0
                }
            }
            if let judge {
                let first = count == 1 ? drawn : drawn.reshaped(to: [n, count * size]).slice(axis: 1, 0..<size).reshaped(to: originals.shape)
                let completed = mask.pasteVisible(from: originals, into: first.clamped(min: 0, max: 1))
                let labels = dataset.labels(indices: indices)
                for (slot, images) in [completed, originals, mask.occlude(originals)].enumerated() {
                    let judged = judge.classify(images)
                    correct[slot] += zip(judged.classes, labels).filter { $0 == $1 }.count
                    features[slot].append(judged.features)
                }
            }
            start += batchSize
        }
        let total = Double(dataset.count), pairs = Double(samples * (samples - 1) / 2)
        var result = CompletionMeasures(images: dataset.count, samples: samples,
                                        hiddenMSE: squared / total / Double(hiddenIndices.count),
                                        hiddenMSEOfMean: squaredOfMean / total / Double(hiddenIndices.count),
                                        diversity: diversity / total / pairs, bitsPerHiddenPixel: bitsPerHiddenPixel)
        if judge != nil {
            result.judgeAccuracy = Double(correct[0]) / total
            result.judgeAccuracyOnOriginals = Double(correct[1]) / total
            result.judgeAccuracyOnOccluded = Double(correct[2]) / total
            let statistics = features.map { FeatureStatistics(Tensor.concatenate($0, axis: 0)) }
            result.frechetDistance = statistics[0].frechetDistance(to: statistics[1])
            result.frechetDistanceOfOccluded = statistics[2].frechetDistance(to: statistics[1])
        }
        return result
    }

    /// Terminal lines, one measure each.
    public var lines: [String] {
        var lines = [String(format: "hidden-pixel MSE, one sample %.5f; mean of %d samples %.5f", hiddenMSE, samples, hiddenMSEOfMean),
                     String(format: "diversity (RMS distance between samples, hidden pixels) %.4f", diversity)]
        if let b = bitsPerHiddenPixel { lines.append(String(format: "negative log-likelihood %.4f bits per hidden pixel", b)) }
        if let a = judgeAccuracy, let o = judgeAccuracyOnOriginals, let q = judgeAccuracyOnOccluded {
            lines.append(String(format: "judge accuracy on completions %.2f%% (originals %.2f%%, occluded inputs %.2f%%)", a * 100, o * 100, q * 100))
        }
        if let f = frechetDistance, let q = frechetDistanceOfOccluded {
            lines.append(String(format: "Fréchet distance to the originals in ImageGen's judge features (not Inception-FID) %.3f (occluded inputs %.3f)", f, q))
        }
        return lines
    }
}
