import Engine

/// Error measures between a model's output and its target, accumulated in Double.
public enum ReconstructionMetrics {
    /// Mean squared error over every element (the study's reported metric).
    public static func meanSquaredError(_ output: Tensor, _ target: Tensor) throws -> Double {
        guard output.shape == target.shape else {
            throw DataError.invalidArgument("output shape \(output.shape) differs from target shape \(target.shape)")
        }
        let a = output.storage.pointer, b = target.storage.pointer
        var sum = 0.0
        for i in 0..<output.scalarCount {
            let d = Double(a[i] - b[i])
            sum += d * d
        }
        return output.scalarCount == 0 ? 0 : sum / Double(output.scalarCount)
    }

    /// Mean squared error over hidden elements only (mask 0), i.e. how well occluded parts are filled in.
    /// Returns 0 when nothing is hidden.
    public static func hiddenMeanSquaredError(_ output: Tensor, _ target: Tensor, mask: Tensor) throws -> Double {
        guard output.shape == target.shape else {
            throw DataError.invalidArgument("output shape \(output.shape) differs from target shape \(target.shape)")
        }
        let layout = try MaskLayout(batchShape: output.shape, maskShape: mask.shape)
        let a = output.storage.pointer, b = target.storage.pointer, m = mask.storage.pointer
        var sum = 0.0
        var count = 0
        layout.forEach { e, k in
            if m[k] == 0 {
                let d = Double(a[e] - b[e])
                sum += d * d
                count += 1
            }
        }
        return count == 0 ? 0 : sum / Double(count)
    }
}
