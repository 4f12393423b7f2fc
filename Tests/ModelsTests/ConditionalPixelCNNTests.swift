import Engine
import Foundation
import NN
import Testing
@testable import Models

@Suite struct CausalConvolutionTests {
    @Test func outputNeverSeesItsOwnPixelOrLaterOnes() {
        var rng = RandomGenerator(seed: 1)
        let conv = CausalConv2D(inputChannels: 2, outputChannels: 3, kernelSize: 5, using: &rng)
        let x = Tensor.uniform([1, 6, 6, 2], using: &rng)
        let before = conv(x).scalars
        // Change pixel (3, 2): outputs at and before it in raster order keep their values, some later one changes.
        var changed = x.scalars
        for ch in 0..<2 { changed[(3 * 6 + 2) * 2 + ch] += 1 }
        let after = conv(Tensor(shape: x.shape, scalars: changed)).scalars
        for position in 0...(3 * 6 + 2) {
            for o in 0..<3 { #expect(before[position * 3 + o] == after[position * 3 + o], "output \(position) saw pixel 20") }
        }
        #expect((21..<36).contains { p in (0..<3).contains { before[p * 3 + $0] != after[p * 3 + $0] } })
    }

    @Test func offsetsAreTheRowsAboveAndThePixelsToTheLeft() {
        let offsets = CausalConv2D.offsets(kernelSize: 3)
        #expect(offsets.map { [$0.dy, $0.dx] } == [[-1, -1], [-1, 0], [-1, 1], [0, -1]])
        #expect(CausalConv2D.offsets(kernelSize: 7).count == 24)
    }
}

@Suite struct ConditionalPixelCNNTests {
    func tinyModel(mask: Tensor, channels: Int = 1) throws -> ConditionalPixelCNN {
        var rng = RandomGenerator(seed: 4)
        return try ConditionalPixelCNN(imageShape: [8, 8, channels], mask: mask, width: 4, contextSize: 16, globalChannels: 2, headSize: 8,
                                       kernelSize: 3, using: &rng)
    }

    static func bottomMask() -> Tensor {
        Tensor(shape: [8, 8, 1], scalars: (0..<64).map { $0 < 40 ? 1 : 0 })
    }

    /// The reference: at temperature 0 every hidden pixel is the most likely level under the full network's logits,
    /// recomputed from scratch with the pixels drawn so far. The incremental sampler must draw the same pixels.
    /// A free-form mask: hidden pixels scattered through the image, visible ones after them in raster order.
    static func strokesMask() -> Tensor {
        Tensor(shape: [8, 8, 1], scalars: (0..<64).map { p in (p / 8 + p % 8) % 3 == 0 || p % 8 == 7 ? 0 : 1 })
    }

    @Test(arguments: [(1, false), (3, false), (1, true)])
    func greedySamplingMatchesTheFullNetworkPixelByPixel(channels: Int, freeForm: Bool) throws {
        let mask = freeForm ? Self.strokesMask() : Self.bottomMask()
        let model = try tinyModel(mask: mask, channels: channels)
        var rng = RandomGenerator(seed: 9)
        let images = Tensor.uniform([2, 8, 8, channels], using: &rng)
        let sampled = model.sample(images, visible: mask, count: 1, temperature: 0, using: &rng).scalars
        let kept = images.scalars
        for p in 0..<(2 * 64) where mask.scalars[p % 64] == 1 {
            for ch in 0..<channels { #expect(sampled[p * channels + ch] == kept[p * channels + ch]) }
        }
        var reference = (images * mask).scalars
        let positions = ConditionalPixelCNN.hiddenPositions(mask)
        for (index, position) in positions.enumerated() {
            let logits = withoutGradients { model.logits(Tensor(shape: images.shape, scalars: reference), visible: mask) }.scalars
            for b in 0..<2 {
                for ch in 0..<channels {
                    let row = ((b * positions.count + index) * channels + ch) * 256
                    let best = (0..<256).max { logits[row + $0] < logits[row + $1] }!
                    reference[(b * 64 + position) * channels + ch] = Float(best) / 255
                }
            }
        }
        #expect(sampled == reference)
    }

    @Test func samplesKeepVisiblePixelsDifferPerDrawAndRepeatPerSeed() throws {
        let mask = Self.bottomMask()
        let model = try tinyModel(mask: mask)
        var data = RandomGenerator(seed: 2)
        let images = Tensor.uniform([2, 8, 8, 1], using: &data)
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let first = model.sample(images, visible: mask, count: 3, temperature: 1, using: &a)
        let again = model.sample(images, visible: mask, count: 3, temperature: 1, using: &b)
        #expect(first.shape == [6, 8, 8, 1])
        #expect(first.scalars == again.scalars)
        let s = first.scalars, x = images.scalars
        for k in 0..<6 { for p in 0..<40 { #expect(s[k * 64 + p] == x[(k / 3) * 64 + p]) } }
        #expect((40..<64).contains { s[$0] != s[64 + $0] }, "two draws of one image are identical")
        #expect(s.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func likelihoodIsUniformAtTheStartAndItsGradientMatchesFiniteDifferences() throws {
        let mask = Self.bottomMask()
        let model = try tinyModel(mask: mask)
        var rng = RandomGenerator(seed: 3)
        let images = Tensor.uniform([2, 8, 8, 1], using: &rng)
        let nll = model.negativeLogLikelihood(images, visible: mask)
        #expect(abs(nll.scalar - logf(256)) < 1.0, "far from ln 256 at initialisation: \(nll.scalar)")
        // d NLL / d output bias = mean over hidden pixels of (softmax − one-hot): checked against the tape.
        model.zeroGradients()
        nll.backward()
        let logits = withoutGradients { model.logits(images, visible: mask) }
        let rows = logits.shape[0]
        let l = logits.scalars, x = images.scalars
        let positions = ConditionalPixelCNN.hiddenPositions(mask)
        var expected = [Double](repeating: 0, count: 256)
        for r in 0..<rows {
            let m = (0..<256).map { Double(l[r * 256 + $0]) }.max()!
            let e = (0..<256).map { Foundation.exp(Double(l[r * 256 + $0]) - m) }
            let total = e.reduce(0, +)
            let label = ConditionalPixelCNN.level(x[(r / positions.count) * 64 + positions[r % positions.count]])
            for j in 0..<256 { expected[j] += (e[j] / total - (j == label ? 1 : 0)) / Double(rows) }
        }
        let gradient = try #require(model.output.bias?.gradient).scalars
        for j in 0..<256 { #expect(abs(Double(gradient[j]) - expected[j]) < 1e-5) }
    }
}
