import Engine
import Foundation

/// Sums of squared errors over a set of images, all pixels and hidden pixels kept apart, turned into
/// MSE and PSNR (for values in [0, 1]).
public struct ErrorAccumulator: Sendable {
    public private(set) var squaredError: Double = 0
    public private(set) var count: Int = 0
    public private(set) var hiddenSquaredError: Double = 0
    public private(set) var hiddenCount: Int = 0

    public init() {}

    /// Adds a batch; `hidden` (broadcastable to the images, 1 = hidden) marks the pixels a mask removed.
    public mutating func add(predictions: Tensor, targets: Tensor, hidden: Tensor? = nil) {
        precondition(predictions.shape == targets.shape, "metrics: \(predictions.shape) vs \(targets.shape)")
        let p = predictions.storage.pointer, t = targets.storage.pointer
        var total: Double = 0
        for i in 0..<predictions.scalarCount {
            let d = Double(p[i] - t[i])
            total += d * d
        }
        squaredError += total
        count += predictions.scalarCount
        if let hidden {
            let expanded = withoutGradients { (hidden * Tensor(repeating: 1, shape: predictions.shape)) }
            let h = expanded.storage.pointer
            var hiddenTotal: Double = 0
            var hiddenPixels = 0
            for i in 0..<predictions.scalarCount where h[i] > 0.5 {
                let d = Double(p[i] - t[i])
                hiddenTotal += d * d
                hiddenPixels += 1
            }
            hiddenSquaredError += hiddenTotal
            hiddenCount += hiddenPixels
        }
    }

    public var meanSquaredError: Double { count == 0 ? .nan : squaredError / Double(count) }
    public var hiddenMeanSquaredError: Double? { hiddenCount == 0 ? nil : hiddenSquaredError / Double(hiddenCount) }

    /// Peak signal-to-noise ratio in dB for a peak value of 1.
    public static func psnr(meanSquaredError mse: Double) -> Double { mse > 0 ? -10 * Foundation.log10(mse) : .infinity }
}
