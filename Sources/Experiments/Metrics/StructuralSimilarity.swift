import Engine
import Foundation

/// The structural similarity index (SSIM) of Wang, Bovik, Sheikh and Simoncelli (2004), computed as
/// scikit-image's `structural_similarity(data_range=1, gaussian_weights=True, sigma=1.5,
/// use_sample_covariance=False, channel_axis=-1)`:
///
/// - local means, variances and covariance are Gaussian-weighted (σ 1.5, truncated at 3.5σ: an 11×11
///   window), filtering separably with the image edges mirrored as SciPy's `reflect` mode (`d c b a | a b c d`);
/// - `SSIM = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))` with `C1 = (0.01 L)²`,
///   `C2 = (0.03 L)²` and `L` the data range (1);
/// - an image's SSIM is the mean of the map over the pixels at least 5 from every edge (skimage crops the
///   border the window does not fully cover), computed per channel and then averaged over channels;
/// - a batch's SSIM is the mean over its images.
///
/// The masked variant averages the uncropped map (skimage's `full=True` map) over hidden pixels only,
/// pooled over images and channels, so that a hidden strip touching the border still counts in full.
public enum StructuralSimilarity {
    public static let sigma = 1.5
    public static let k1 = 0.01
    public static let k2 = 0.03
    /// Window radius: `Int(3.5 σ + 0.5)` = 5, so the window is 11×11.
    public static let radius = 5
    public static var windowSize: Int { 2 * radius + 1 }

    /// The normalised 1-D Gaussian weights, `2 * radius + 1` of them (SciPy's `_gaussian_kernel1d`).
    public static let kernel: [Double] = {
        let raw = (-radius...radius).map { x in Foundation.exp(-0.5 * Double(x * x) / (sigma * sigma)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    /// Mean SSIM over a batch of images `[N, H, W, C]` (or `[N, H, W]` for grey images) with
    /// values in [0, `dataRange`]. Images must be at least 11×11.
    public static func ssim(_ x: Tensor, _ y: Tensor, dataRange: Double = 1) throws -> Double {
        var accumulator = SSIMAccumulator(dataRange: dataRange)
        try accumulator.add(predictions: x, targets: y)
        return accumulator.mean
    }

    /// Mean of the SSIM map over hidden pixels only; `hidden` (1 = hidden) has shape `[H, W]`, `[H, W, 1]`,
    /// `[H, W, C]`, `[N, H, W, 1]` or `[N, H, W, C]`. `nil` when nothing is hidden.
    public static func hiddenSSIM(_ x: Tensor, _ y: Tensor, hidden: Tensor, dataRange: Double = 1) throws -> Double? {
        var accumulator = SSIMAccumulator(dataRange: dataRange)
        try accumulator.add(predictions: x, targets: y, hidden: hidden)
        return accumulator.hiddenMean
    }

    /// The full (uncropped) SSIM map of one single-channel image pair, row-major `height * width`.
    public static func map(_ x: [Double], _ y: [Double], height: Int, width: Int, dataRange: Double = 1) -> [Double] {
        precondition(x.count == height * width && y.count == height * width, "ssim map: \(x.count), \(y.count) values for \(height)x\(width)")
        var workspace = Workspace(height: height, width: width)
        var result = [Double](repeating: 0, count: height * width)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                result.withUnsafeMutableBufferPointer { out in
                    workspace.map(xp.baseAddress!, yp.baseAddress!, stride: 1, dataRange: dataRange, into: out.baseAddress!)
                }
            }
        }
        return result
    }

    /// SciPy `reflect` boundary: mirrors indices so that -1 → 0, -2 → 1, n → n-1, n+1 → n-2.
    @inline(__always) static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        var i = i
        let period = 2 * n
        i %= period
        if i < 0 { i += period }
        return i < n ? i : period - 1 - i
    }

    /// Buffers for the five filtered maps of one channel.
    struct Workspace {
        let height: Int, width: Int
        var planes: [Double]      // x, y, xx, yy, xy (5 × H × W)
        var rowFiltered: [Double] // 5 × H × W
        var filtered: [Double]    // 5 × H × W
        let rowTaps: [[Int]]      // per column, the 11 source columns
        let columnTaps: [[Int]]   // per row, the 11 source rows

        init(height: Int, width: Int) {
            self.height = height
            self.width = width
            let size = 5 * height * width
            planes = [Double](repeating: 0, count: size)
            rowFiltered = planes
            filtered = planes
            let r = StructuralSimilarity.radius
            rowTaps = (0..<width).map { x in (-r...r).map { StructuralSimilarity.reflect(x + $0, width) } }
            columnTaps = (0..<height).map { y in (-r...r).map { StructuralSimilarity.reflect(y + $0, height) } }
        }

        /// Computes the SSIM map of one channel; `x` and `y` point at the channel's first value and step
        /// `stride` between pixels (the channel count for interleaved HWC data).
        mutating func map<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, stride: Int, dataRange: Double,
                                                  into out: UnsafeMutablePointer<Double>) {
            let n = height * width
            let kernel = StructuralSimilarity.kernel
            planes.withUnsafeMutableBufferPointer { p in
                for i in 0..<n {
                    let a = Double(x[i * stride]), b = Double(y[i * stride])
                    p[i] = a
                    p[n + i] = b
                    p[2 * n + i] = a * a
                    p[3 * n + i] = b * b
                    p[4 * n + i] = a * b
                }
            }
            let (h, w) = (height, width)
            // Along rows (x direction), then along columns (y direction).
            planes.withUnsafeBufferPointer { src in
                rowFiltered.withUnsafeMutableBufferPointer { dst in
                    for plane in 0..<5 {
                        let base = plane * n
                        for row in 0..<h {
                            let rowBase = base + row * w
                            for column in 0..<w {
                                let taps = rowTaps[column]
                                var sum = 0.0
                                for k in 0..<kernel.count { sum += kernel[k] * src[rowBase + taps[k]] }
                                dst[rowBase + column] = sum
                            }
                        }
                    }
                }
            }
            rowFiltered.withUnsafeBufferPointer { src in
                filtered.withUnsafeMutableBufferPointer { dst in
                    for plane in 0..<5 {
                        let base = plane * n
                        for row in 0..<h {
                            let taps = columnTaps[row]
                            for column in 0..<w {
                                var sum = 0.0
                                for k in 0..<kernel.count { sum += kernel[k] * src[base + taps[k] * w + column] }
                                dst[base + row * w + column] = sum
                            }
                        }
                    }
                }
            }
            let c1 = (StructuralSimilarity.k1 * dataRange) * (StructuralSimilarity.k1 * dataRange)
            let c2 = (StructuralSimilarity.k2 * dataRange) * (StructuralSimilarity.k2 * dataRange)
            filtered.withUnsafeBufferPointer { f in
                for i in 0..<n {
                    let ux = f[i], uy = f[n + i]
                    let vx = f[2 * n + i] - ux * ux, vy = f[3 * n + i] - uy * uy, vxy = f[4 * n + i] - ux * uy
                    out[i] = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
                }
            }
        }
    }
}

/// Accumulates SSIM over batches, as `ErrorAccumulator` does squared errors: the mean SSIM over all images
/// added, and the mean of the SSIM map over hidden pixels.
public struct SSIMAccumulator: Sendable {
    public let dataRange: Double
    /// Sum of per-image SSIM (each the mean over its channels of the border-cropped map mean).
    public private(set) var imageSum: Double = 0
    public private(set) var imageCount: Int = 0
    /// Sum and count of map values at hidden pixels (over channels).
    public private(set) var hiddenSum: Double = 0
    public private(set) var hiddenCount: Int = 0

    public init(dataRange: Double = 1) { self.dataRange = dataRange }

    /// Mean SSIM over the images added; NaN when none were.
    public var mean: Double { imageCount == 0 ? .nan : imageSum / Double(imageCount) }
    /// Mean SSIM over hidden pixels; `nil` when no hidden pixel was seen.
    public var hiddenMean: Double? { hiddenCount == 0 ? nil : hiddenSum / Double(hiddenCount) }

    /// Adds a batch `[N, H, W, C]` (or `[N, H, W]` for grey images). `hidden` (1 = hidden) has shape
    /// `[H, W]`, `[H, W, 1]`, `[H, W, C]`, `[N, H, W, 1]` or `[N, H, W, C]`; values above 0.5 count as hidden.
    public mutating func add(predictions: Tensor, targets: Tensor, hidden: Tensor? = nil) throws {
        let layout = try SSIMBatchLayout(predictions: predictions, targets: targets, hidden: hidden)
        let (n, h, w, c) = (layout.images, layout.height, layout.width, layout.channels)
        let (maskPerImage, maskChannels) = (layout.maskPerImage, layout.maskChannels)
        guard n > 0, c > 0 else { return }
        let pixels = h * w
        let pad = StructuralSimilarity.radius
        let p = predictions.storage.pointer, t = targets.storage.pointer
        let maskPointer = hidden?.storage.pointer
        let range = dataRange
        // Images are independent: split them into chunks measured in parallel, then add the chunks' sums in
        // chunk order so the result does not depend on scheduling.
        let chunkCount = min(n, max(1, ProcessInfo.processInfo.activeProcessorCount), max(1, n * pixels * c / 20_000))
        var partial = [SSIMAccumulator](repeating: SSIMAccumulator(dataRange: range), count: chunkCount)
        partial.withUnsafeMutableBufferPointer { results in
            let out = results.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                var local = SSIMAccumulator(dataRange: range)
                var workspace = StructuralSimilarity.Workspace(height: h, width: w)
                var map = [Double](repeating: 0, count: pixels)
                for image in (chunk * n / chunkCount)..<((chunk + 1) * n / chunkCount) {
                    var channelSum = 0.0
                    for channel in 0..<c {
                        let offset = image * pixels * c + channel
                        map.withUnsafeMutableBufferPointer { m in
                            workspace.map(UnsafePointer(p + offset), UnsafePointer(t + offset), stride: c, dataRange: range,
                                          into: m.baseAddress!)
                        }
                        var cropped = 0.0
                        for row in pad..<(h - pad) {
                            for column in pad..<(w - pad) { cropped += map[row * w + column] }
                        }
                        channelSum += cropped / Double((h - 2 * pad) * (w - 2 * pad))
                        if let mask = maskPointer {
                            let base = (maskPerImage ? image * pixels * maskChannels : 0) + (maskChannels == 1 ? 0 : channel)
                            for i in 0..<pixels where mask[base + i * maskChannels] > 0.5 {
                                local.hiddenSum += map[i]
                                local.hiddenCount += 1
                            }
                        }
                    }
                    local.imageSum += channelSum / Double(c)
                    local.imageCount += 1
                }
                out[chunk] = local
            }
        }
        for part in partial { merge(part) }
    }

    /// Combines two accumulators (e.g. from parallel workers).
    public mutating func merge(_ other: SSIMAccumulator) {
        imageSum += other.imageSum
        imageCount += other.imageCount
        hiddenSum += other.hiddenSum
        hiddenCount += other.hiddenCount
    }
}

/// The shapes of a batch measured by `SSIMAccumulator.add`, checked: `[N, H, W, C]` (or `[N, H, W]`) images at least
/// one window wide, and a hidden mask `[H, W]`, `[H, W, 1|C]` or `[N, H, W, 1|C]`.
struct SSIMBatchLayout {
    let images: Int, height: Int, width: Int, channels: Int
    let maskPerImage: Bool
    let maskChannels: Int

    init(predictions: Tensor, targets: Tensor, hidden: Tensor?) throws {
        guard predictions.shape == targets.shape else {
            throw ExperimentError.invalidArgument("ssim: prediction shape \(predictions.shape) differs from target shape \(targets.shape)")
        }
        let shape = predictions.shape
        let (n, h, w, c): (Int, Int, Int, Int)
        switch shape.count {
        case 4: (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        case 3: (n, h, w, c) = (shape[0], shape[1], shape[2], 1)
        default: throw ExperimentError.invalidArgument("ssim: images have shape [N, H, W, C], not \(shape)")
        }
        let window = StructuralSimilarity.windowSize
        guard h >= window, w >= window else {
            throw ExperimentError.invalidArgument("ssim needs images of at least \(window)x\(window) pixels, not \(h)x\(w)")
        }
        var maskPerImage = false, maskChannels = 1
        if let hidden {
            var m = hidden.shape
            if m.count == 2 { m.append(1) }
            let fits = (m.count == 3 || (m.count == 4 && m[0] == n)) && m[m.count - 3] == h && m[m.count - 2] == w
                && (m[m.count - 1] == 1 || m[m.count - 1] == c)
            guard fits else { throw ExperimentError.invalidArgument("ssim: hidden mask shape \(hidden.shape) does not fit images \(shape)") }
            maskPerImage = m.count == 4
            maskChannels = m.last!
        }
        (images, height, width, channels) = (n, h, w, c)
        self.maskPerImage = maskPerImage
        self.maskChannels = maskChannels
    }
}
