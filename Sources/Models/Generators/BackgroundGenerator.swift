import Dispatch
import Engine
import NN

/// The article's smooth-background generator (seed 000, spec §1): dense 64 → 2048 (ReLU) → 2048 (ReLU) → 4096,
/// then `ShiftRange(0, 1)` per sample, reshaped to one 64×64 channel. 12,722,176 parameters, PyTorch's default init.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let generator = BackgroundGenerator(using: &rng)
/// let images = generator(Tensor.normal([128, 64], using: &rng)) // [128, 64, 64], each spanning [0, 1]
/// ```
public final class BackgroundGenerator: BackgroundModel {
    public static let noiseSize = 64
    public static let side = 64
    public let hidden1: Linear
    public let hidden2: Linear
    public let output: Linear
    public let shift = ShiftRange(low: 0, high: 1)

    public init(hiddenSize: Int = 2048, using rng: inout RandomGenerator) {
        hidden1 = Linear(inputSize: Self.noiseSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        hidden2 = Linear(inputSize: hiddenSize, outputSize: hiddenSize, activation: .relu, using: &rng)
        output = Linear(inputSize: hiddenSize, outputSize: Self.side * Self.side, using: &rng)
    }

    public var kind: String { "faithful" }

    public var parameters: [Parameter] {
        hidden1.parameters.prefixed("fc1") + hidden2.parameters.prefixed("fc2") + output.parameters.prefixed("fc3")
    }

    /// Noise `[N, 64]` → backgrounds `[N, 64, 64]` in [0, 1].
    public func callAsFunction(_ noise: Tensor) -> Tensor {
        shift(output(hidden2(hidden1(noise)))).reshaped(to: [noise.shape[0], Self.side, Self.side])
    }
}

/// A generator of single-channel backgrounds `[N, 64, 64]` from noise `[N, 64]`.
public protocol BackgroundModel: Module {
    func callAsFunction(_ noise: Tensor) -> Tensor
    /// `faithful` or `diverse`, stored in checkpoints.
    var kind: String { get }
}

/// Makes the background model named by `kind` (`faithful` or `diverse`).
public func makeBackgroundModel(kind: String, hiddenSize: Int = 2048, using rng: inout RandomGenerator) throws -> any BackgroundModel {
    switch kind {
    case "faithful": return BackgroundGenerator(hiddenSize: hiddenSize, using: &rng)
    case "diverse": return DiverseBackgroundGenerator(hiddenSize: hiddenSize, using: &rng)
    default: throw ModelError.invalidConfiguration(model: "background generator", problem: "unknown background model '\(kind)' (expected faithful or diverse)")
    }
}

// MARK: - Losses

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
/// Columns are sorted with Batcher's odd–even merge network applied to whole rows at once (eight columns per
/// SIMD lane group), ordering each value by (its order-preserving key, its row): the same total order, so the
/// same permutation, as a stable sort. Work is split over two threads by blocks of (image, up to 64 columns).
public func distributionLoss(_ images: Tensor, uniformSample: Tensor) -> Tensor {
    precondition(images.rank == 3 && uniformSample.shape == images.shape,
                 "distributionLoss: images \(images.shape) and sample \(uniformSample.shape) must both be [N, H, W]")
    let (n, h, w) = (images.shape[0], images.shape[1], images.shape[2])
    let count = n * h * w
    // sign[i] = d loss / d image[i] · N, stored at the value's original position.
    let signs = TensorStorage(count: count, zeroed: false)
    let x = images.storage.pointer, u = uniformSample.storage.pointer, s = signs.pointer
    let blockWidth = w % 8 == 0 ? Swift.min(w, 64) : w
    let blocksPerImage = (w + blockWidth - 1) / blockWidth
    let blocks = n * blocksPerImage
    let workers = blocks >= 2 && count >= 4096 ? 2 : 1
    let network = w % 8 == 0 && h > 1 ? sortingNetwork(h) : []
    // Per column: the column's Float total, summed in row order as before; the totals are added in Double.
    var columnTotals = [Float](repeating: 0, count: n * w)
    columnTotals.withUnsafeMutableBufferPointer { columnTotals in
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            if w % 8 != 0 || h < 2 {
                // Scalar path: each column sorted as packed (key, row) pairs.
                var keys = [UInt64](repeating: 0, count: h)
                var targets = [Float](repeating: 0, count: h)
                for b in stride(from: worker, to: n, by: workers) {
                    for c in 0..<w {
                        let base = b * h * w + c
                        for r in 0..<h {
                            keys[r] = UInt64(sortableBits(x[base + r * w])) << 32 | UInt64(r)
                            targets[r] = u[base + r * w]
                        }
                        keys.sort()
                        targets.sort()
                        var columnTotal: Float = 0
                        for k in 0..<h {
                            let source = Int(keys[k] & 0xFFFF_FFFF)
                            let d = x[base + source * w] - targets[k]
                            columnTotal += Swift.abs(d)
                            s[base + source * w] = d > 0 ? 1 : (d < 0 ? -1 : 0)
                        }
                        columnTotals[b * w + c] = columnTotal
                    }
                }
                return
            }
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
                        // Signed order of the key = float order (the unsigned key with its top bit flipped).
                        keys[r * width + c] = Int32(bitPattern: sortableBits(x[base + r * w + c]) ^ 0x8000_0000)
                        rows[r * width + c] = Int32(r)
                        targets[r * width + c] = u[base + r * w + c]
                    }
                }
                sortColumns(keys: keys, rows: rows, targets: targets, width: width, network: network)
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

/// The comparators (i < j; the smaller value goes to i) of Batcher's odd–even merge sort for `n` elements
/// (the power-of-two network with every comparator that touches an index ≥ n dropped).
func sortingNetwork(_ n: Int) -> [(Int, Int)] {
    var pairs: [(Int, Int)] = []
    var p = 1
    while p < n {
        var k = p
        while k >= 1 {
            var j = k % p
            while j + k < n {
                for i in 0..<k where i + j + k < n && (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                    pairs.append((i + j, i + j + k))
                }
                j += 2 * k
            }
            k /= 2
        }
        p *= 2
    }
    return pairs
}

/// Sorts every column of the row-major `[rows, width]` blocks: `keys` ascending with `rows` as the tie-break
/// (both moved together), and `targets` ascending on their own. `width` is a multiple of 8.
private func sortColumns(keys: UnsafeMutablePointer<Int32>, rows: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Float>,
                         width: Int, network: [(Int, Int)]) {
    let rk = UnsafeMutableRawPointer(keys), rr = UnsafeMutableRawPointer(rows), rt = UnsafeMutableRawPointer(targets)
    for (i, j) in network {
        var c = 0
        while c < width {
            let oi = (i * width + c) * 4, oj = (j * width + c) * 4
            let ki = rk.loadUnaligned(fromByteOffset: oi, as: SIMD8<Int32>.self), kj = rk.loadUnaligned(fromByteOffset: oj, as: SIMD8<Int32>.self)
            let ri = rr.loadUnaligned(fromByteOffset: oi, as: SIMD8<Int32>.self), rj = rr.loadUnaligned(fromByteOffset: oj, as: SIMD8<Int32>.self)
            let swap = (ki .> kj) .| ((ki .== kj) .& (ri .> rj))
            rk.storeBytes(of: ki.replacing(with: kj, where: swap), toByteOffset: oi, as: SIMD8<Int32>.self)
            rk.storeBytes(of: kj.replacing(with: ki, where: swap), toByteOffset: oj, as: SIMD8<Int32>.self)
            rr.storeBytes(of: ri.replacing(with: rj, where: swap), toByteOffset: oi, as: SIMD8<Int32>.self)
            rr.storeBytes(of: rj.replacing(with: ri, where: swap), toByteOffset: oj, as: SIMD8<Int32>.self)
            let ti = rt.loadUnaligned(fromByteOffset: oi, as: SIMD8<Float>.self), tj = rt.loadUnaligned(fromByteOffset: oj, as: SIMD8<Float>.self)
            // A select, not pointwiseMin/Max (which do not inline to single instructions).
            let less = tj .< ti
            rt.storeBytes(of: ti.replacing(with: tj, where: less), toByteOffset: oi, as: SIMD8<Float>.self)
            rt.storeBytes(of: tj.replacing(with: ti, where: less), toByteOffset: oj, as: SIMD8<Float>.self)
            c += 8
        }
    }
}

/// The bits of a float, mapped so that unsigned integer order is the float order (NaN aside).
@inline(__always)
private func sortableBits(_ v: Float) -> UInt32 {
    let bits = v.bitPattern
    return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
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

// MARK: - Metrics

/// The three numbers that show (or rule out) the article's mode collapse, for a batch `[N, H, W]` of backgrounds.
public struct BackgroundMetrics: Equatable, Sendable, CustomStringConvertible {
    /// Mean over pixels of the standard deviation across the batch, ÷ the mean standard deviation within one sample.
    /// 0 when every sample is the same image; about 1 when samples are as different from each other as pixels within one.
    public var diversity: Double
    /// The smoothness loss on fresh random 16×16 crops (lower is smoother).
    public var smoothness: Double
    /// Total-variation distance of the 16-bin pixel histogram from uniform: 0 = perfectly uniform, 1 = one bin.
    public var coverage: Double
    /// The smallest and largest value over the batch.
    public var minimum: Float
    public var maximum: Float

    public var description: String {
        String(format: "diversity %.4f  smoothness %.5f  coverage %.4f  range [%.4f, %.4f]", diversity, smoothness, coverage, minimum, maximum)
    }

    public init(diversity: Double, smoothness: Double, coverage: Double, minimum: Float, maximum: Float) {
        self.diversity = diversity
        self.smoothness = smoothness
        self.coverage = coverage
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Measures `samples` `[N, H, W]`; `rng` draws the crops for the smoothness number.
    public init(samples: Tensor, using rng: inout RandomGenerator) {
        let s = samples.detached()
        diversity = backgroundDiversity(s)
        smoothness = Double(withoutGradients { smoothnessLoss(s, using: &rng) }.scalar)
        coverage = backgroundCoverage(s)
        minimum = s.scalars.min() ?? 0
        maximum = s.scalars.max() ?? 0
    }
}

/// Mean over pixels of the standard deviation across the batch, relative to the mean standard deviation within
/// one sample (both population standard deviations). 0 for identical samples (and for a batch of constants).
public func backgroundDiversity(_ samples: Tensor) -> Double {
    let n = samples.shape[0], size = samples.scalarCount / Swift.max(n, 1)
    guard n > 1, size > 1 else { return 0 }
    let x = samples.storage.pointer
    /// Population standard deviation of `count` values starting at `start`, `stride` apart.
    func standardDeviation(start: Int, count: Int, stride: Int) -> Double {
        var sum: Double = 0, squares: Double = 0
        for i in 0..<count { let v = Double(x[start + i * stride]); sum += v; squares += v * v }
        let mean = sum / Double(count)
        return Swift.max(squares / Double(count) - mean * mean, 0).squareRoot()
    }
    let across = (0..<size).reduce(0) { $0 + standardDeviation(start: $1, count: n, stride: size) } / Double(size)
    let within = (0..<n).reduce(0) { $0 + standardDeviation(start: $1 * size, count: size, stride: 1) } / Double(n)
    return within > 0 ? across / within : 0
}

/// Total-variation distance between the histogram of all values (`bins` equal bins over [0, 1]) and uniform.
public func backgroundCoverage(_ samples: Tensor, bins: Int = 16) -> Double {
    var counts = [Int](repeating: 0, count: bins)
    let x = samples.storage.pointer
    for i in 0..<samples.scalarCount {
        let bin = Swift.min(Swift.max(Int(x[i] * Float(bins)), 0), bins - 1)
        counts[bin] += 1
    }
    let total = Double(samples.scalarCount)
    return 0.5 * counts.reduce(0.0) { $0 + Swift.abs(Double($1) / total - 1 / Double(bins)) }
}
