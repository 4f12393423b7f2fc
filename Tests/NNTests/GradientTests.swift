import Engine
import Foundation
@testable import NN
import Testing
import TestSupport

/// Finite-difference checks of every layer's and loss's gradients (tolerances: see `GradientTolerance`).
@Suite struct ConvolutionGradientTests {
    /// Random shapes, kernels 1–5 (odd and even), strides 1–2, and valid / same / symmetric padding.
    @Test(arguments: 0..<15)
    func conv2dMatchesFiniteDifferences(seed: Int) {
        var rng = RandomGenerator(seed: UInt64(1000 + seed))
        let kernel = (1 + seed % 5, rng.int(1...5))
        let stride = (rng.int(1...2), rng.int(1...2))
        let paddings: [Padding] = [.valid, .same, .symmetric(rng.int(1...2))]
        let padding = paddings[seed % 3]
        let n = rng.int(1...2), cin = rng.int(1...3), cout = rng.int(1...3)
        let h = rng.int(kernel.0...(kernel.0 + 4)), w = rng.int(kernel.1...(kernel.1 + 4))
        let x = randomTensor([n, h, w, cin], &rng, requiresGradient: true)
        let weight = randomTensor([cout, kernel.0, kernel.1, cin], &rng, requiresGradient: true)
        let bias = randomTensor([cout], &rng, requiresGradient: true)
        let v = padding.amounts(size: h, kernel: kernel.0, stride: stride.0)
        let u = padding.amounts(size: w, kernel: kernel.1, stride: stride.1)
        let g = ConvolutionGeometry(kernelHeight: kernel.0, kernelWidth: kernel.1, strideHeight: stride.0, strideWidth: stride.1,
                                    padTop: v.before, padLeft: u.before, padBottom: v.after, padRight: u.after)
        expectGradientsMatch([x, weight, bias], "conv2d k\(kernel) s\(stride) \(padding) in \(x.shape)") {
            Tensor.conv2d(x, weight: weight, bias: bias, geometry: g)
        }
        // Without a bias as well.
        expectGradientsMatch([x, weight], "conv2d no bias") { Tensor.conv2d(x, weight: weight, bias: nil, geometry: g) }
    }

    @Test(arguments: 0..<10)
    func convTranspose2dMatchesFiniteDifferences(seed: Int) {
        var rng = RandomGenerator(seed: UInt64(2000 + seed))
        let kernel = (1 + seed % 5, rng.int(1...5))
        let stride = seed < 5 ? (2, 2) : (rng.int(1...2), rng.int(1...2))
        let outputPadding = (rng.int(0...(stride.0 - 1)), rng.int(0...(stride.1 - 1)))
        let n = rng.int(1...2), cin = rng.int(1...3), cout = rng.int(1...3)
        let h = rng.int(1...4), w = rng.int(1...4)
        let pad = (rng.int(0...((kernel.0 - 1) / 2)), rng.int(0...((kernel.1 - 1) / 2)))
        let x = randomTensor([n, h, w, cin], &rng, requiresGradient: true)
        let weight = randomTensor([cin, kernel.0, kernel.1, cout], &rng, requiresGradient: true)
        let bias = randomTensor([cout], &rng, requiresGradient: true)
        let g = ConvolutionGeometry(kernelHeight: kernel.0, kernelWidth: kernel.1, strideHeight: stride.0, strideWidth: stride.1,
                                    padTop: pad.0, padLeft: pad.1, padBottom: pad.0, padRight: pad.1)
        let expected = g.largeSize(smallHeight: h, smallWidth: w, outputPadding: outputPadding)
        let y = withoutGradients { Tensor.convTranspose2d(x, weight: weight, bias: bias, geometry: g, outputPadding: outputPadding) }
        #expect(y.shape == [n, expected.height, expected.width, cout])
        expectGradientsMatch([x, weight, bias], "convTranspose2d k\(kernel) s\(stride) op\(outputPadding) pad\(pad) in \(x.shape)") {
            Tensor.convTranspose2d(x, weight: weight, bias: bias, geometry: g, outputPadding: outputPadding)
        }
    }

    @Test(arguments: [((2, 2), (2, 2)), ((3, 3), (2, 2)), ((2, 3), (1, 2)), ((3, 2), (3, 1))])
    func maxPoolMatchesFiniteDifferences(size: (Int, Int), stride: (Int, Int)) {
        var rng = RandomGenerator(seed: 3000)
        let x = distinctValues([2, 6, 7, 2], &rng, requiresGradient: true)
        expectGradientsMatch([x], "maxPool size \(size) stride \(stride)") { Tensor.maxPool2d(x, size: size, stride: stride) }
    }

    @Test func maxPoolRoutesGradientToTheMaximum() {
        // One 2×2 window per channel; the maximum is at a different place in each channel.
        let x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 8, 4, 2, 3, 5, 2, 7], requiresGradient: true)
        let y = Tensor.maxPool2d(x)
        #expect(y.scalars == [4, 8])
        (y * Tensor(shape: [1, 1, 1, 2], scalars: [10, 20])).sum().backward()
        #expect(x.gradient!.scalars == [0, 20, 10, 0, 0, 0, 0, 0])
    }

    @Test func convolutionPullbacksKeepTemporaryOperandsAlive() {
        // Input and weight are temporaries (permuted copies) that nothing but the tape refers to after the call;
        // the pullback must still read their values, even after the allocator has reused freed buffers.
        var rng = RandomGenerator(seed: 3200)
        let x = randomTensor([2, 5, 4, 3], &rng, requiresGradient: true)
        let w = randomTensor([2, 3, 3, 3], &rng, requiresGradient: true)
        let g = ConvolutionGeometry(kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        func loss() -> Tensor {
            Tensor.conv2d(x.permuted([0, 2, 1, 3]), weight: w.permuted([0, 2, 1, 3]), bias: nil, geometry: g).sum()
        }
        let l = loss()
        var junk: [Tensor] = []
        for _ in 0..<50 { junk.append(Tensor(repeating: 1e30, shape: [120])); junk.append(Tensor(repeating: 1e30, shape: [54])) }
        l.backward()
        let (gx, gw) = (x.gradient!.scalars, w.gradient!.scalars)
        x.zeroGradient(); w.zeroGradient()
        let reference = loss()
        reference.backward()
        expectClose(gx, x.gradient!.scalars, tolerance: 1e-6, "input gradient through temporaries")
        expectClose(gw, w.gradient!.scalars, tolerance: 1e-6, "weight gradient through temporaries")
        // The stride-1 transposed convolution builds its flipped kernel as such a temporary.
        let t = randomTensor([1, 4, 4, 2], &rng, requiresGradient: true)
        let k = randomTensor([2, 3, 3, 2], &rng, requiresGradient: true)
        expectGradientsMatch([t, k], "convTranspose2d stride 1") {
            Tensor.convTranspose2d(t, weight: k, bias: nil, geometry: g)
        }
        _ = junk
    }

    @Test func conv2dMatchesDirectSum() {
        // Direct definition: y[n,i,j,o] = b[o] + Σ w[o,a,c,k] · x[n, i·s + a − top, j·s + c − left, k] (zero outside).
        var rng = RandomGenerator(seed: 3100)
        let (n, h, w, cin, cout, kh, kw) = (2, 6, 5, 2, 3, 4, 3)
        let g = ConvolutionGeometry(kernelHeight: kh, kernelWidth: kw, strideHeight: 2, strideWidth: 1,
                                    padTop: 1, padLeft: 0, padBottom: 2, padRight: 1)
        let x = randomTensor([n, h, w, cin], &rng), weight = randomTensor([cout, kh, kw, cin], &rng), bias = randomTensor([cout], &rng)
        let y = Tensor.conv2d(x, weight: weight, bias: bias, geometry: g)
        let (oh, ow) = g.smallSize(largeHeight: h, largeWidth: w)
        #expect(y.shape == [n, oh, ow, cout])
        let xs = x.scalars, ws = weight.scalars, bs = bias.scalars
        var expected: [Float] = []
        for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for o in 0..<cout {
            var s = Double(bs[o])
            for a in 0..<kh { for c in 0..<kw { for k in 0..<cin {
                let iy = i * 2 + a - 1, ix = j + c
                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    s += Double(ws[((o * kh + a) * kw + c) * cin + k]) * Double(xs[((b * h + iy) * w + ix) * cin + k])
                }
            } } }
            expected.append(Float(s))
        } } } }
        expectClose(y.scalars, expected, tolerance: 1e-5, "direct conv")
    }
}

@Suite struct LayerGradientTests {
    @Test func linear() {
        var rng = RandomGenerator(seed: 4000)
        let layer = Linear(inputSize: 5, outputSize: 3, activation: .tanh, using: &rng)
        let x = randomTensor([4, 5], &rng, requiresGradient: true)
        expectGradientsMatch([x, layer.weight, layer.bias!], "Linear") { layer(x) }
        let noBias = Linear(inputSize: 5, outputSize: 3, useBias: false, using: &rng)
        #expect(noBias.parameters.map(\.name) == ["weight"])
        expectGradientsMatch([x, noBias.weight], "Linear without bias") { noBias(x) }
    }

    @Test(arguments: [Padding.same, .valid, .symmetric(1)])
    func conv2DLayer(padding: Padding) {
        var rng = RandomGenerator(seed: 4100)
        let layer = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: (4, 3), stride: (2, 1), padding: padding,
                           activation: .elu(alpha: 1), using: &rng)
        let x = randomTensor([2, 7, 6, 2], &rng, requiresGradient: true)
        expectGradientsMatch([x, layer.weight, layer.bias!], "Conv2D \(padding)") { layer(x) }
    }

    @Test(arguments: [(Padding.same, (0, 0)), (.valid, (1, 0)), (.symmetric(1), (1, 1))])
    func conv2DTransposeLayer(padding: Padding, outputPadding: (Int, Int)) {
        var rng = RandomGenerator(seed: 4200)
        let layer = Conv2DTranspose(inputChannels: 3, outputChannels: 2, kernelSize: (3, 4), stride: (2, 2), padding: padding,
                                    outputPadding: outputPadding, activation: .sigmoid, using: &rng)
        let x = randomTensor([2, 3, 4, 3], &rng, requiresGradient: true)
        expectGradientsMatch([x, layer.weight, layer.bias!], "Conv2DTranspose \(padding)") { layer(x) }
    }

    @Test func embedding() {
        var rng = RandomGenerator(seed: 4300)
        let layer = Embedding(count: 5, dimensions: 3, using: &rng)
        let indices = [4, 1, 1, 0, 4, 4]
        expectGradientsMatch([layer.weight], "Embedding") { layer(indices) }
        // Repeated indices accumulate; unused rows get zero.
        layer.weight.zeroGradient()
        layer(indices).sum().backward()
        let g = layer.weight.gradient!.scalars
        #expect(Array(g[0..<3]) == [1, 1, 1])
        #expect(Array(g[3..<6]) == [2, 2, 2])
        #expect(Array(g[6..<12]) == [0, 0, 0, 0, 0, 0])
        #expect(Array(g[12..<15]) == [3, 3, 3])
    }

    @Test(arguments: [3, 4])
    func lstm(steps: Int) {
        var rng = RandomGenerator(seed: 4400 + UInt64(steps))
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, using: &rng)
        let x = randomTensor([2, steps, 3], &rng, requiresGradient: true)
        let h0 = randomTensor([2, 4], &rng, low: -0.5, high: 0.5, requiresGradient: true)
        let c0 = randomTensor([2, 4], &rng, low: -0.5, high: 0.5, requiresGradient: true)
        expectGradientsMatch([x, lstm.weightIH, lstm.weightHH, lstm.biasIH, lstm.biasHH, h0, c0], "LSTM \(steps) steps") {
            let (outputs, _, cell) = lstm(x, initialHidden: h0, initialCell: c0)
            return Tensor.concatenate([outputs.reshaped(to: [2, steps * 4]), cell], axis: 1)
        }
    }

    @Test func lstmOutputsAreTheHiddenStates() {
        var rng = RandomGenerator(seed: 4500)
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, using: &rng)
        let x = randomTensor([2, 3, 2], &rng)
        let (outputs, hidden, cell) = lstm(x)
        #expect(outputs.shape == [2, 3, 3] && hidden.shape == [2, 3] && cell.shape == [2, 3])
        #expect(Array(outputs.slice(axis: 1, 2..<3).scalars) == hidden.scalars)
        // Stepping by hand gives the same states.
        var h = Tensor(zeros: [2, 3]), c = Tensor(zeros: [2, 3])
        for t in 0..<3 { (h, c) = lstm.step(x.slice(axis: 1, t..<(t + 1)).reshaped(to: [2, 2]), hidden: h, cell: c) }
        #expect(h.scalars == hidden.scalars && c.scalars == cell.scalars)
    }

    @Test func shiftRange() {
        var rng = RandomGenerator(seed: 4600)
        let layer = ShiftRange(low: -1, high: 2)
        let x = distinctValues([3, 2, 2, 3], &rng, spacing: 0.2, requiresGradient: true)
        expectGradientsMatch([x], "ShiftRange") { layer(x) }
        let y = layer(x)
        for sample in 0..<3 {
            let row = Array(y.scalars[(sample * 12)..<((sample + 1) * 12)])
            #expect(Swift.abs(row.min()! - -1) < 1e-6 && Swift.abs(row.max()! - 2) < 1e-6)
        }
    }

    @Test func shiftRangeConstantSampleGivesLowWithoutNaN() {
        let layer = ShiftRange(low: 0.25, high: 1)
        // Sample 0 is constant, sample 1 is not.
        let x = Tensor(shape: [2, 2, 2, 1], scalars: [3, 3, 3, 3, 0, 1, 2, 4], requiresGradient: true)
        let y = layer(x)
        #expect(Array(y.scalars[0..<4]) == [0.25, 0.25, 0.25, 0.25])
        expectClose(Array(y.scalars[4..<8]), [0.25, 0.4375, 0.625, 1], tolerance: 1e-6)
        (y * Tensor(shape: [2, 2, 2, 1], scalars: [1, -2, 3, 0.5, 1, 1, 1, 1])).sum().backward()
        #expect(x.gradient!.scalars.allSatisfy { $0.isFinite })
        // A constant sample everywhere: all outputs `low`, all gradients finite.
        let flat = Tensor(repeating: -7, shape: [3, 4]).copied(requiresGradient: true)
        let z = layer(flat)
        #expect(z.scalars.allSatisfy { $0 == 0.25 })
        z.sum().backward()
        #expect(flat.gradient!.scalars.allSatisfy { $0.isFinite })
    }

    @Test func sequentialNamesAndFlatten() {
        var rng = RandomGenerator(seed: 4700)
        let model = Sequential([
            Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: (3, 3), using: &rng), ActivationLayer(.relu),
            MaxPool2D(), Flatten(), Linear(inputSize: 8, outputSize: 2, using: &rng), Reshape([1, 2]),
        ])
        #expect(model.parameters.map(\.name) == ["0.weight", "0.bias", "4.weight", "4.bias"])
        #expect(model.parameterCount == 2 * 9 + 2 + 16 + 2)
        let x = randomTensor([3, 4, 4, 1], &rng, requiresGradient: true)
        #expect(model(x).shape == [3, 1, 2])
    }
}

@Suite struct LossGradientTests {
    @Test func mse() {
        var rng = RandomGenerator(seed: 5000)
        let p = randomTensor([3, 4], &rng, requiresGradient: true), t = randomTensor([3, 4], &rng, requiresGradient: true)
        expectGradientsMatch([p, t], "mse") { mseLoss(predictions: p, targets: t) }
        let loss = mseLoss(predictions: p, targets: t).scalar
        let expected = zip(p.scalars, t.scalars).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / 12
        #expect(Swift.abs(Double(loss) - expected) < 1e-6)
    }

    @Test func l1() {
        var rng = RandomGenerator(seed: 5100)
        let t = randomTensor([3, 4], &rng)
        // Keep |p − t| ≥ 0.1, away from the kink.
        let offsets = (0..<12).map { _ -> Float in (rng.nextUniform() < 0.5 ? -1 : 1) * rng.uniform(0.1, 1) }
        let p = Tensor(shape: [3, 4], scalars: zip(t.scalars, offsets).map { $0 + $1 }, requiresGradient: true)
        expectGradientsMatch([p], "l1") { l1Loss(predictions: p, targets: t) }
        let loss = l1Loss(predictions: p, targets: t).scalar
        #expect(Swift.abs(loss - offsets.map(Swift.abs).reduce(0, +) / 12) < 1e-5)
    }

    @Test func binaryCrossEntropyMatchesFiniteDifferencesAndTorchFormula() {
        var rng = RandomGenerator(seed: 5200)
        let p = randomTensor([3, 5], &rng, low: 0.1, high: 0.9, requiresGradient: true)
        let t = randomTensor([3, 5], &rng, low: 0, high: 1, requiresGradient: true)
        expectGradientsMatch([p, t], "bce") { binaryCrossEntropy(predictions: p, targets: t) }
        // PyTorch's backward: grad · (p − t) / max(p(1 − p), 1e-12) / n.
        p.zeroGradient()
        (binaryCrossEntropy(predictions: p, targets: t) * 3).backward()
        let expected = zip(p.scalars, t.scalars).map { p, t in 3 * (p - t) / Swift.max(p * (1 - p), 1e-12) / 15 }
        expectClose(p.gradient!.scalars, expected, tolerance: 1e-5, "bce vs torch formula")
        let loss = zip(p.scalars, t.scalars).map { p, t in -(Double(t) * Foundation.log(Double(p)) + Double(1 - t) * Foundation.log(Double(1 - p))) }
            .reduce(0, +) / 15
        #expect(Swift.abs(Double(binaryCrossEntropy(predictions: p, targets: t).scalar) - loss) < 1e-5)
    }

    @Test func binaryCrossEntropyClampsLogAtMinus100() {
        // p = 0 with t = 1 and p = 1 with t = 0 each cost 100 (PyTorch's clamp); p = t ∈ {0, 1} costs 0.
        let p = Tensor(shape: [4], scalars: [0, 1, 0, 1], requiresGradient: true)
        let t = Tensor(shape: [4], scalars: [1, 0, 0, 1])
        let loss = binaryCrossEntropy(predictions: p, targets: t)
        #expect(loss.scalar == 50)
        loss.backward()
        // PyTorch: (p − t) / max(p(1 − p), 1e-12) / n = ∓1e12 / 4 at the wrong ends, 0 at the right ones.
        let g = p.gradient!.scalars
        #expect(g.allSatisfy { $0.isFinite })
        expectClose(g, [-2.5e11, 2.5e11, 0, 0], tolerance: 1e-6)
    }

    @Test func binaryCrossEntropyKeepsItsInputsAlive() {
        // The pullback must not depend on the caller keeping `predictions`/`targets` around.
        var rng = RandomGenerator(seed: 5300)
        let logits = randomTensor([64], &rng, requiresGradient: true)
        func makeLoss() -> Tensor {
            binaryCrossEntropy(predictions: logits.sigmoid(), targets: Tensor(repeating: 1, shape: [64]))
        }
        let loss = makeLoss()
        // Churn the allocator so freed buffers get reused.
        var junk: [Tensor] = []
        for _ in 0..<50 { junk.append(Tensor(repeating: 123, shape: [64])) }
        loss.backward()
        let expected = logits.scalars.map { x -> Float in (1 / (1 + Foundation.exp(-x)) - 1) / 64 }
        expectClose(logits.gradient!.scalars, expected, tolerance: 1e-5, "bce gradient after inputs went out of scope")
        _ = junk
    }
}
