import Engine
import Foundation
@testable import NN
import Testing
import TestSupport

/// Keras `same` padding: output ⌈input / stride⌉, total pad max((out − 1)·s + k − in, 0), the odd pixel bottom/right.
@Suite struct SamePaddingTests {
    /// (input, kernel, stride) → (padBefore, padAfter, output), worked out by hand from TensorFlow's rule.
    static let cases: [(Int, Int, Int, Int, Int, Int)] = [
        (28, 3, 1, 1, 1, 28), (28, 4, 1, 1, 2, 28), (28, 5, 1, 2, 2, 28), (28, 2, 1, 0, 1, 28), (28, 1, 1, 0, 0, 28),
        (28, 3, 2, 0, 1, 14), (28, 4, 2, 1, 1, 14), (28, 5, 2, 1, 2, 14), (28, 2, 2, 0, 0, 14), (28, 1, 2, 0, 0, 14),
        (7, 3, 2, 1, 1, 4), (7, 4, 2, 1, 2, 4), (7, 2, 2, 0, 1, 4), (7, 1, 2, 0, 0, 4), (5, 5, 2, 2, 2, 3),
    ]

    @Test func amountsFollowTensorFlow() {
        for (size, k, s, before, after, out) in Self.cases {
            let a = Padding.same.amounts(size: size, kernel: k, stride: s)
            #expect(a.before == before && a.after == after, "in \(size) k \(k) s \(s): got \(a)")
            let g = ConvolutionGeometry(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s,
                                        padTop: a.before, padLeft: a.before, padBottom: a.after, padRight: a.after)
            #expect(g.smallSize(largeHeight: size, largeWidth: size).height == out)
            #expect(out == (size + s - 1) / s)
        }
    }

    @Test(arguments: [3, 4, 5], [1, 2])
    func conv2DLayerOutputSize(kernel: Int, stride: Int) {
        var rng = RandomGenerator(seed: 6000)
        let layer = Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: (kernel, kernel), stride: (stride, stride), padding: .same, using: &rng)
        let y = withoutGradients { layer(Tensor(zeros: [1, 28, 27, 1])) }
        #expect(y.shape == [1, (28 + stride - 1) / stride, (27 + stride - 1) / stride, 2])
    }

    @Test func evenKernelExtraPadGoesBottomRight() {
        // All-ones 3×3 image and 2×2 kernel: with the extra row/column of zeros at the bottom/right, the top-left
        // output sees 4 pixels and the bottom-right one only 1 (with top/left padding it would be the reverse).
        var rng = RandomGenerator(seed: 6100)
        let layer = Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: (2, 2), padding: .same, useBias: false, using: &rng)
        layer.weight.assign(Tensor(repeating: 1, shape: [1, 2, 2, 1]))
        let y = withoutGradients { layer(Tensor(repeating: 1, shape: [1, 3, 3, 1])) }
        #expect(y.scalars == [4, 4, 2, 4, 4, 2, 2, 2, 1])
        // 4×4 kernel on a 4×4 one-hot image: pads (1 top, 2 bottom). Output (0,0) covers rows −1…2, so the pixel at
        // row 2, column 2 lands at kernel position (3, 3) for output (0, 0).
        let big = Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: (4, 4), padding: .same, useBias: false, using: &rng)
        big.weight.assign(Tensor(shape: [1, 4, 4, 1], scalars: (0..<16).map(Float.init)))
        var image = [Float](repeating: 0, count: 16)
        image[2 * 4 + 2] = 1
        let z = withoutGradients { big(Tensor(shape: [1, 4, 4, 1], scalars: image)) }
        // Output (i, j) sees pixel (2, 2) at kernel position (2 − i + 1, 2 − j + 1) when that is inside 0…3.
        var expected = [Float](repeating: 0, count: 16)
        for i in 0..<4 { for j in 0..<4 {
            let (a, b) = (3 - i, 3 - j)
            if a >= 0 && a < 4 && b >= 0 && b < 4 { expected[i * 4 + j] = Float(a * 4 + b) }
        } }
        #expect(z.scalars == expected)
        #expect(z.scalars[0] == 15)
    }

    @Test(arguments: [1, 2, 3, 4, 5], [1, 2])
    func conv2DTransposeSameGivesStrideTimesInput(kernel: Int, stride: Int) {
        var rng = RandomGenerator(seed: 6200)
        let layer = Conv2DTranspose(inputChannels: 2, outputChannels: 3, kernelSize: (kernel, kernel), stride: (stride, stride),
                                    padding: .same, using: &rng)
        let x = randomTensor([2, 5, 4, 2], &rng)
        let y = withoutGradients { layer(x) }
        #expect(y.shape == [2, 5 * stride, 4 * stride, 3])
        // `same` transposed convolution is the adjoint of the `same` convolution from the large side:
        // ⟨convT(x), r⟩ = ⟨x, conv(r)⟩ with the same weight memory (ours [in, kh, kw, out] = a conv's [out', kh, kw, in']).
        let r = randomTensor(y.shape, &rng)
        let convGeometry = ConvolutionGeometry(
            kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
            padTop: Padding.same.amounts(size: 5 * stride, kernel: kernel, stride: stride).before,
            padLeft: Padding.same.amounts(size: 4 * stride, kernel: kernel, stride: stride).before,
            padBottom: Padding.same.amounts(size: 5 * stride, kernel: kernel, stride: stride).after,
            padRight: Padding.same.amounts(size: 4 * stride, kernel: kernel, stride: stride).after)
        let back = withoutGradients { Tensor.conv2d(r, weight: layer.weight.detached(), bias: nil, geometry: convGeometry) }
        #expect(back.shape == x.shape)
        let bias = layer.bias!.scalars
        var lhs = 0.0, rhs = 0.0
        for (i, v) in y.scalars.enumerated() { lhs += Double(v - bias[i % 3]) * Double(r.scalars[i]) }
        for (a, b) in zip(x.scalars, back.scalars) { rhs += Double(a) * Double(b) }
        #expect(Swift.abs(lhs - rhs) <= 1e-4 * Swift.max(1, Swift.abs(lhs)), "k \(kernel) s \(stride): \(lhs) vs \(rhs)")
    }
}
