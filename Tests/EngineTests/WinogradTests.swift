@testable import Engine
import Testing
import TestSupport

/// The output of `convolution` on fresh leaves copied from `inputs`, then each input's gradient after a backward
/// pass seeded with `upstream`.
func outputAndGradients(_ inputs: [Tensor], upstream: Tensor, _ convolution: (Tensor, Tensor, Tensor) -> Tensor) -> [[Float]] {
    let leaves = inputs.map { $0.copied(requiresGradient: true) }
    let y = convolution(leaves[0], leaves[1], leaves[2])
    y.backward(gradient: upstream)
    return [y.scalars] + leaves.map { $0.gradient!.scalars }
}

/// Elementwise agreement relative to the largest value of each expected array (Winograd spreads its rounding
/// error over a tile).
func expectCloseToScale(_ actual: [[Float]], _ expected: [[Float]], tolerance: Float = 2e-5,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    for (a, b) in zip(actual, expected) {
        let scale = b.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
        expectClose(a.map { $0 / scale }, b.map { $0 / scale }, tolerance: tolerance, sourceLocation: sourceLocation)
    }
}

@Suite struct WinogradTests {
    /// The 1-D algorithm Aᵀ[(G g) ⊙ (Bᵀ d)] computes the correlation yᵢ = Σₖ dᵢ₊ₖ gₖ.
    @Test(arguments: [(2, 3), (2, 5), (4, 3)])
    func oneDimensionalTransformIsACorrelation(outputTile: Int, kernel: Int) {
        let transform = WinogradTransform(outputTile: outputTile, kernel: kernel)
        let (m, r, t) = (outputTile, kernel, transform.tile)
        var rng = RandomGenerator(seed: UInt64(10 * m + r))
        let d = (0..<t).map { _ in Double(rng.uniform(-1, 1)) }
        let g = (0..<r).map { _ in Double(rng.uniform(-1, 1)) }
        let filtered = (0..<t).map { p in (0..<r).reduce(0.0) { $0 + Double(transform.filterMatrix[p * r + $1]) * g[$1] } }
        let data = (0..<t).map { p in (0..<t).reduce(0.0) { $0 + Double(transform.inputMatrix[p * t + $1]) * d[$1] } }
        for i in 0..<m {
            let winograd = (0..<t).reduce(0.0) { $0 + Double(transform.outputMatrix[i * t + $1]) * filtered[$1] * data[$1] }
            let direct = (0..<r).reduce(0.0) { $0 + d[i + $1] * g[$1] }
            #expect(abs(winograd - direct) < 1e-5, "F(\(m), \(r)) output \(i): \(winograd) vs \(direct)")
        }
    }

    /// Output and all three gradients agree with patch extraction + sgemm, for paddings that leave tiles
    /// overhanging the output, odd sizes, both kernel sizes and both worker counts.
    @Test(arguments: [
        (3, Padding.same, 2, 9, 7, 8, 16), (3, .valid, 3, 10, 11, 16, 8), (5, .same, 2, 13, 11, 8, 24),
        (5, .valid, 1, 12, 12, 16, 16), (3, .symmetric(2), 2, 8, 8, 24, 16), (3, .same, 32, 14, 14, 32, 64),
    ])
    func matchesPatchExtraction(kernel: Int, padding: Padding, n: Int, h: Int, w: Int, cin: Int, cout: Int) throws {
        var rng = RandomGenerator(seed: UInt64(kernel * 1000 + h * 10 + w))
        let v = padding.amounts(size: h, kernel: kernel, stride: 1), u = padding.amounts(size: w, kernel: kernel, stride: 1)
        let g = ConvolutionGeometry(kernelHeight: kernel, kernelWidth: kernel, padTop: v.before, padLeft: u.before,
                                    padBottom: v.after, padRight: u.after)
        let (oh, ow) = g.smallSize(largeHeight: h, largeWidth: w)
        let x = randomTensor([n, h, w, cin], &rng), weight = randomTensor([cout, kernel, kernel, cin], &rng)
        let bias = randomTensor([cout], &rng), upstream = randomTensor([n, oh, ow, cout], &rng)

        let run = { outputAndGradients([x, weight, bias], upstream: upstream, $0) }
        let patches = run { Tensor.conv2dPatches($0, weight: $1, bias: $2, geometry: g) }
        let transforms = Tensor.winogradTransforms.filter { $0.kernel == kernel }
        #expect(!transforms.isEmpty)
        for transform in transforms {
            expectCloseToScale(run { Tensor.conv2dWinograd($0, weight: $1, bias: $2, geometry: g, transform: transform) }, patches)
        }
    }

    @Test(arguments: [0, 1, 2])
    func gradientsMatchFiniteDifferences(transformIndex: Int) {
        var rng = RandomGenerator(seed: 77)
        let transform = Tensor.winogradTransforms[transformIndex]
        let (r, p) = (transform.kernel, transform.kernel / 2)
        let g = ConvolutionGeometry(kernelHeight: r, kernelWidth: r, padTop: p, padLeft: p, padBottom: p, padRight: p)
        let x = randomTensor([1, 5, 6, 8], &rng), weight = randomTensor([8, r, r, 8], &rng), bias = randomTensor([8], &rng)
        expectGradientsMatch([x, weight, bias], "Winograd F(\(transform.outputTile), \(r))") {
            Tensor.conv2dWinograd($0[0], weight: $0[1], bias: $0[2], geometry: g, transform: transform)
        }
    }

    /// A stride-1 transposed convolution (the article's decoder layers) runs as a Winograd correlation with the
    /// flipped kernel; it agrees with the independent scatter implementation, gradients included.
    @Test(arguments: [3, 5])
    func transposedConvolutionMatchesScatter(kernel: Int) throws {
        var rng = RandomGenerator(seed: UInt64(500 + kernel))
        let (n, h, w, cin, cout) = (8, 24, 22, 16, 24)
        let pad = Padding.same.transposedAmounts(size: h, kernel: kernel, stride: 1)
        let g = ConvolutionGeometry(kernelHeight: kernel, kernelWidth: kernel, padTop: pad.before, padLeft: pad.before,
                                    padBottom: pad.after, padRight: pad.after)
        #expect(Tensor.winogradTransform(images: n, inputChannels: cin, outputChannels: cout, outputHeight: h, outputWidth: w,
                                         geometry: g) != nil)
        let x = randomTensor([n, h, w, cin], &rng), weight = randomTensor([cin, kernel, kernel, cout], &rng)
        let bias = randomTensor([cout], &rng), upstream = randomTensor([n, h, w, cout], &rng)
        let run = { outputAndGradients([x, weight, bias], upstream: upstream, $0) }
        let viaWinograd = run { Tensor.convTranspose2d($0, weight: $1, bias: $2, geometry: g) }
        let viaScatter = run { Tensor.convTranspose2dScatter($0, weight: $1, bias: $2, geometry: g) }
        expectCloseToScale(viaWinograd, viaScatter)
    }

    @Test func conv2dChoosesWinogradOnlyWhereItSaves() {
        let same3 = ConvolutionGeometry(kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        #expect(Tensor.winogradTransform(images: 32, inputChannels: 64, outputChannels: 32, outputHeight: 28, outputWidth: 28, geometry: same3) != nil)
        // One input channel, a stride, a 3×3 image (tiles overhang by half) or a small batch stay with patches.
        #expect(Tensor.winogradTransform(images: 1, inputChannels: 64, outputChannels: 32, outputHeight: 28, outputWidth: 28, geometry: same3) != nil)
        #expect(Tensor.winogradTransform(images: 3, inputChannels: 64, outputChannels: 32, outputHeight: 16, outputWidth: 16, geometry: same3) == nil)
        #expect(Tensor.winogradTransform(images: 32, inputChannels: 1, outputChannels: 32, outputHeight: 28, outputWidth: 28, geometry: same3) == nil)
        #expect(Tensor.winogradTransform(images: 32, inputChannels: 128, outputChannels: 256, outputHeight: 3, outputWidth: 3, geometry: same3) == nil)
        var strided = same3
        strided.strideHeight = 2
        #expect(Tensor.winogradTransform(images: 32, inputChannels: 64, outputChannels: 32, outputHeight: 14, outputWidth: 28, geometry: strided) == nil)
    }
}
