import Engine
import Experiments
import Foundation
import Testing

/// The deterministic pair of batches also generated in Python for the scikit-image reference values:
/// `x = ((7n + 13i + 29j + 5c) · 37 mod 101) / 100`, `y = clip(0.8x + 0.1 + ((3n + 11i + 5j + 7c) · 53 mod 23) / 100 − 0.11, 0, 1)`,
/// both rounded to Float.
private func referencePair(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> (Tensor, Tensor) {
    var x = [Float](), y = [Float]()
    for a in 0..<n {
        for i in 0..<h {
            for j in 0..<w {
                for k in 0..<c {
                    let xv = Double((a * 7 + i * 13 + j * 29 + k * 5) * 37 % 101) / 100
                    let noise = Double((a * 3 + i * 11 + j * 5 + k * 7) * 53 % 23) / 100 - 0.11
                    x.append(Float(xv))
                    y.append(Float(min(max(0.8 * xv + 0.1 + noise, 0), 1)))
                }
            }
        }
    }
    return (Tensor(shape: [n, h, w, c], scalars: x), Tensor(shape: [n, h, w, c], scalars: y))
}

/// Bottom-half hidden mask `[H, W, 1]` (rows ⌊W/2⌋+1 … H−1), 1 = hidden.
private func bottomHidden(_ h: Int, _ w: Int) -> Tensor {
    Tensor(shape: [h, w, 1], scalars: (0..<(h * w)).map { $0 / w > w / 2 ? 1 : 0 })
}

@Test func ssimOfIdenticalImagesIsOne() throws {
    let (x, _) = referencePair(2, 16, 13, 3)
    #expect(abs(try StructuralSimilarity.ssim(x, x) - 1) < 1e-12)
    let hidden = try #require(try StructuralSimilarity.hiddenSSIM(x, x, hidden: bottomHidden(16, 13)))
    #expect(abs(hidden - 1) < 1e-12)
}

@Test func ssimMatchesScikitImage() throws {
    // skimage 0.26 structural_similarity(data_range=1, gaussian_weights=True, sigma=1.5,
    // use_sample_covariance=False, channel_axis=-1), mean over images; hidden = full map averaged over rows ⌊W/2⌋+1….
    let (x, y) = referencePair(2, 16, 13, 3)
    #expect(abs(try StructuralSimilarity.ssim(x, y) - 0.9431258297937124) < 1e-9)
    #expect(abs(try StructuralSimilarity.hiddenSSIM(x, y, hidden: bottomHidden(16, 13))! - 0.9413068743196357) < 1e-9)
    let (g, f) = referencePair(1, 28, 28, 1)
    #expect(abs(try StructuralSimilarity.ssim(g, f) - 0.9404009809908634) < 1e-9)
    #expect(abs(try StructuralSimilarity.hiddenSSIM(g, f, hidden: bottomHidden(28, 28))! - 0.9408701437724883) < 1e-9)
    // Per image: the accumulator's mean over the two images is the mean of each image's SSIM.
    var accumulator = SSIMAccumulator()
    let size = 16 * 13 * 3
    for i in 0..<2 {
        let xi = Tensor(shape: [1, 16, 13, 3], scalars: Array(x.scalars[(i * size)..<((i + 1) * size)]))
        let yi = Tensor(shape: [1, 16, 13, 3], scalars: Array(y.scalars[(i * size)..<((i + 1) * size)]))
        try accumulator.add(predictions: xi, targets: yi)
    }
    #expect(accumulator.imageCount == 2)
    #expect(abs(accumulator.mean - 0.9431258297937124) < 1e-9)
    // Grey batches may drop the channel axis.
    let g3 = Tensor(shape: [1, 28, 28], scalars: g.scalars), f3 = Tensor(shape: [1, 28, 28], scalars: f.scalars)
    #expect(abs(try StructuralSimilarity.ssim(g3, f3) - 0.9404009809908634) < 1e-9)
}

@Test func ssimOfConstantImagesIsTheLuminanceTerm() throws {
    // Flat images have zero variance and covariance, so SSIM = (2ab + C1) / (a² + b² + C1) with C1 = 0.0001;
    // a = 0.5, b = 0.25: 0.2501 / 0.3126 = 0.80006398 (skimage: 0.8000639795265515).
    let a = Tensor(repeating: 0.5, shape: [1, 12, 12, 1]), b = Tensor(repeating: 0.25, shape: [1, 12, 12, 1])
    #expect(abs(try StructuralSimilarity.ssim(a, b) - 0.2501 / 0.3126) < 1e-12)
    #expect(abs(try StructuralSimilarity.ssim(a, b) - 0.8000639795265515) < 1e-12)
}

@Test func ssimOfShiftedCopyIsBelowOneAndSymmetric() throws {
    let (x, y) = referencePair(2, 16, 13, 3)
    // A constant shift leaves variances and covariance alone, so only the luminance term drops.
    let shifted = Tensor(shape: x.shape, scalars: x.scalars.map { $0 * 0.8 + 0.15 })
    let shiftedMore = Tensor(shape: x.shape, scalars: x.scalars.map { $0 * 0.8 + 0.2 })
    let base = Tensor(shape: x.shape, scalars: x.scalars.map { $0 * 0.8 })
    let s1 = try StructuralSimilarity.ssim(base, shifted), s2 = try StructuralSimilarity.ssim(base, shiftedMore)
    #expect(s1 < 1 && s1 > 0.5)
    #expect(s2 < s1)
    #expect(abs(try StructuralSimilarity.ssim(x, y) - StructuralSimilarity.ssim(y, x)) < 1e-12)
    #expect(abs(try StructuralSimilarity.ssim(base, shifted) - StructuralSimilarity.ssim(shifted, base)) < 1e-12)
    // Inverting an image anticorrelates it: SSIM well below that of a noisy copy.
    let inverted = Tensor(shape: x.shape, scalars: x.scalars.map { 1 - $0 })
    #expect(try StructuralSimilarity.ssim(x, inverted) < 0)
}

@Test func ssimMapMirrorsEdgesAsSciPyReflect() {
    // The kernel is SciPy's: symmetric, normalised, 11 taps for σ 1.5.
    #expect(StructuralSimilarity.kernel.count == 11)
    #expect(abs(StructuralSimilarity.kernel.reduce(0, +) - 1) < 1e-15)
    #expect(abs(StructuralSimilarity.kernel[0] - StructuralSimilarity.kernel[10]) < 1e-18)
    // A map of identical images is 1 everywhere, border included.
    let values = (0..<(12 * 11)).map { Double($0 % 7) / 7 }
    let map = StructuralSimilarity.map(values, values, height: 12, width: 11)
    #expect(map.count == 132 && map.allSatisfy { abs($0 - 1) < 1e-12 })
}

@Test func ssimRejectsBadShapes() throws {
    let small = Tensor(zeros: [1, 8, 8, 1])
    #expect(throws: ExperimentError.self) { try StructuralSimilarity.ssim(small, small) }
    let a = Tensor(zeros: [1, 12, 12, 1]), b = Tensor(zeros: [1, 12, 13, 1])
    #expect(throws: ExperimentError.self) { try StructuralSimilarity.ssim(a, b) }
    #expect(throws: ExperimentError.self) { try StructuralSimilarity.hiddenSSIM(a, a, hidden: Tensor(zeros: [12, 11, 1])) }
    // Nothing hidden → nil.
    #expect(try StructuralSimilarity.hiddenSSIM(a, a, hidden: Tensor(zeros: [12, 12, 1])) == nil)
}

@Test func ssimOfLargeBatchEqualsMeanOfImages() throws {
    // 64 images are measured in parallel chunks; the result equals the mean of one-image measurements.
    let (x, y) = referencePair(64, 28, 28, 1)
    let hidden = bottomHidden(28, 28)
    var single = 0.0, hiddenSum = 0.0
    let size = 28 * 28
    for i in 0..<64 {
        let xi = Tensor(shape: [1, 28, 28, 1], scalars: Array(x.scalars[(i * size)..<((i + 1) * size)]))
        let yi = Tensor(shape: [1, 28, 28, 1], scalars: Array(y.scalars[(i * size)..<((i + 1) * size)]))
        single += try StructuralSimilarity.ssim(xi, yi)
        hiddenSum += try StructuralSimilarity.hiddenSSIM(xi, yi, hidden: hidden)!
    }
    var accumulator = SSIMAccumulator()
    try accumulator.add(predictions: x, targets: y, hidden: hidden)
    #expect(accumulator.imageCount == 64)
    #expect(accumulator.hiddenCount == 64 * 13 * 28)
    #expect(abs(accumulator.mean - single / 64) < 1e-12)
    #expect(abs(accumulator.hiddenMean! - hiddenSum / 64) < 1e-12)
    // Deterministic across calls.
    #expect(try StructuralSimilarity.ssim(x, y) == StructuralSimilarity.ssim(x, y))
}
