import Dispatch
import Engine

// The article's background-generator losses (spec §1) and the batch-level term that keeps ImageGen's diverse
// generator from collapsing.

/// The article's distribution loss (spec §1), labelled `compute_distribution_loss` there.
///
/// For each image of `images` `[N, H, W]`, every column's H values are sorted ascending and compared with the
/// equally sorted columns of a fresh uniform [0, 1) sample of the same shape; the loss is the L1 *sum* over the
/// H·W entries, averaged over the batch. The gradient, sign(sorted − target) / N, flows back to each value's
/// original position.
public func distributionLoss(_ images: Tensor, using rng: inout RandomGenerator) -> Tensor {
    let uniform = Tensor.uniform(images.shape, using: &rng)
    return distributionLoss(images, uniformSample: uniform)
}

/// The distribution loss against a given (unsorted) uniform sample of the same shape as `images`.
///
/// Columns are sorted by `SortingNetwork` over blocks of (image, up to 64 columns), ordering each value by
/// (its sort key, its row): the same total order, so the same permutation, as a stable sort. Work is split
/// over two threads by blocks.
public func distributionLoss(_ images: Tensor, uniformSample: Tensor) -> Tensor {
    precondition(images.rank == 3 && uniformSample.shape == images.shape,
                 "distributionLoss: images \(images.shape) and sample \(uniformSample.shape) must both be [N, H, W]")
    let (n, h, w) = (images.shape[0], images.shape[1], images.shape[2])
    let count = n * h * w
    // sign[i] = d loss / d image[i] · N, stored at the value's original position.
    let signs = TensorStorage(count: count, zeroed: false)
    let x = images.storage.pointer, u = uniformSample.storage.pointer, s = signs.pointer
    let blockWidth = Swift.min(w, 64)
    let blocksPerImage = (w + blockWidth - 1) / blockWidth
    let blocks = n * blocksPerImage
    let workers = blocks >= 2 && count >= 4096 ? 2 : 1
    let network = SortingNetwork(count: h)
    // Per column: the column's Float total, summed in row order; the totals are added in Double.
    var columnTotals = [Float](repeating: 0, count: n * w)
    columnTotals.withUnsafeMutableBufferPointer { columnTotals in
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let keys = UnsafeMutablePointer<Int32>.allocate(capacity: h * blockWidth)
            let rows = UnsafeMutablePointer<Int32>.allocate(capacity: h * blockWidth)
            let targets = UnsafeMutablePointer<Float>.allocate(capacity: h * blockWidth)
            defer { keys.deallocate(); rows.deallocate(); targets.deallocate() }
            for block in stride(from: worker, to: blocks, by: workers) {
                let b = block / blocksPerImage, c0 = (block % blocksPerImage) * blockWidth
                let width = Swift.min(blockWidth, w - c0)
                let base = b * h * w + c0
                for r in 0..<h {
                    for c in 0..<width {
                        keys[r * width + c] = SortingNetwork.key(x[base + r * w + c])
                        rows[r * width + c] = Int32(r)
                        targets[r * width + c] = u[base + r * w + c]
                    }
                }
                network.sortColumns(keys: keys, rows: rows, values: targets, width: width)
                for c in 0..<width {
                    var columnTotal: Float = 0
                    for k in 0..<h {
                        let at = base + Int(rows[k * width + c]) * w + c
                        let d = x[at] - targets[k * width + c]
                        columnTotal += Swift.abs(d)
                        s[at] = d > 0 ? 1 : (d < 0 ? -1 : 0)
                    }
                    columnTotals[b * w + c0 + c] = columnTotal
                }
            }
        }
    }
    var total: Double = 0
    for t in columnTotals { total += Double(t) }
    let out = TensorStorage(count: 1, zeroed: false)
    out.pointer[0] = Float(total / Double(n))
    return Tensor.recording(shape: [], storage: out, operands: [images]) { g, into in
        guard let t = into(0) else { return }
        let scale = g.pointer[0] / Float(n)
        let s = signs.pointer
        for i in 0..<count { t[i] += scale * s[i] }
    }
}

/// The distribution loss taken across the batch: for every pixel, its N values over the batch are sorted and
/// compared with N sorted uniform samples; L1 sum over pixels and batch positions, divided by N
/// (so it is on the scale of `distributionLoss`). Used by `DiverseBackgroundGenerator` training against collapse.
public func batchDistributionLoss(_ images: Tensor, using rng: inout RandomGenerator) -> Tensor {
    let n = images.shape[0]
    let columns = images.reshaped(to: [1, n, images.scalarCount / n])
    return distributionLoss(columns, using: &rng) * (1 / Float(n))
}

/// The top-left corners of one random `size`×`size` crop per image, each coordinate uniform in 0…side − size.
public func randomCropCorners(count: Int, height: Int, width: Int, size: Int, using rng: inout RandomGenerator) -> [(row: Int, column: Int)] {
    (0..<count).map { _ in (rng.nextInt(below: height - size + 1), rng.nextInt(below: width - size + 1)) }
}

/// The article's smoothness loss (spec §1), labelled `compute_var_loss` there: for each image one random
/// 16×16 crop; loss = unbiased variance of the crop ÷ (max − min of the crop); mean over the batch.
public func smoothnessLoss(_ images: Tensor, cropSize: Int = 16, using rng: inout RandomGenerator) -> Tensor {
    let corners = randomCropCorners(count: images.shape[0], height: images.shape[1], width: images.shape[2], size: cropSize, using: &rng)
    return smoothnessLoss(images, cropCorners: corners, cropSize: cropSize)
}

/// The smoothness loss with given crop corners. All crops are handled in one fused pass (no per-crop tensors).
/// A constant crop (max = min) contributes 0, not NaN: its range is taken as 1, which leaves the gradient finite.
/// The gradient of max and min flows to the first maximal and minimal element, as for `Tensor.max(axis:)`.
public func smoothnessLoss(_ images: Tensor, cropCorners: [(row: Int, column: Int)], cropSize: Int = 16) -> Tensor {
    precondition(images.rank == 3, "smoothnessLoss: images must be [N, H, W], got \(images.shape)")
    let (n, h, w) = (images.shape[0], images.shape[1], images.shape[2])
    precondition(cropCorners.count == n, "smoothnessLoss: \(cropCorners.count) crops for \(n) images")
    precondition(cropSize >= 2 && cropSize <= h && cropSize <= w, "smoothnessLoss: crop \(cropSize) does not fit \(h)×\(w)")
    let m = cropSize * cropSize
    let x = images.storage.pointer
    var means = [Float](repeating: 0, count: n), ranges = [Float](repeating: 0, count: n)
    var variances = [Float](repeating: 0, count: n)
    var argMax = [Int](repeating: 0, count: n), argMin = [Int](repeating: 0, count: n)
    var total: Double = 0
    for b in 0..<n {
        let (r0, c0) = cropCorners[b]
        precondition(r0 >= 0 && c0 >= 0 && r0 + cropSize <= h && c0 + cropSize <= w, "smoothnessLoss: crop at (\(r0), \(c0)) leaves the image")
        let base = b * h * w + r0 * w + c0
        var sum: Float = 0
        var hi = x[base], lo = x[base], hiAt = base, loAt = base
        for r in 0..<cropSize {
            let row = base + r * w
            for c in 0..<cropSize {
                let v = x[row + c]
                sum += v
                if v > hi { hi = v; hiAt = row + c }
                if v < lo { lo = v; loAt = row + c }
            }
        }
        let mean = sum / Float(m)
        var squares: Float = 0
        for r in 0..<cropSize {
            let row = base + r * w
            for c in 0..<cropSize { let d = x[row + c] - mean; squares += d * d }
        }
        let variance = hi > lo ? squares / Float(m - 1) : 0
        let range = hi - lo > 0 ? hi - lo : 1
        means[b] = mean; ranges[b] = range; variances[b] = variance
        argMax[b] = hiAt; argMin[b] = loAt
        total += Double(variance / range)
    }
    let out = TensorStorage(count: 1, zeroed: false)
    out.pointer[0] = Float(total / Double(n))
    let imageStorage = images.storage
    return Tensor.recording(shape: [], storage: out, operands: [images]) { g, into in
        guard let t = into(0) else { return }
        let scale = g.pointer[0] / Float(n)
        let x = imageStorage.pointer
        for b in 0..<n {
            let (r0, c0) = cropCorners[b]
            let base = b * h * w + r0 * w + c0
            let k = scale * 2 / (Float(m - 1) * ranges[b])
            for r in 0..<cropSize {
                let row = base + r * w
                for c in 0..<cropSize { t[row + c] += k * (x[row + c] - means[b]) }
            }
            if argMax[b] != argMin[b] {
                let d = scale * variances[b] / (ranges[b] * ranges[b])
                t[argMax[b]] -= d
                t[argMin[b]] += d
            }
        }
    }
}

/// The article's total loss: 10⁴ · smoothness + 0.1 · distribution.
public func backgroundLoss(_ images: Tensor, using rng: inout RandomGenerator) -> (total: Tensor, smoothness: Tensor, distribution: Tensor) {
    let distribution = distributionLoss(images, using: &rng)
    let smoothness = smoothnessLoss(images, using: &rng)
    return (smoothness * 1e4 + distribution * 0.1, smoothness, distribution)
}
