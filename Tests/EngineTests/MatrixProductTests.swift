@testable import Engine
import Testing
import TestSupport

@Suite struct MatrixProductTests {
    /// Plain triple-loop op(A)·op(B) in Double.
    static func referenceMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> (shape: [Int], values: [Float]) {
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        let av = a.scalars, bv = b.scalars
        func opA(_ i: Int, _ p: Int) -> Double { Double(transposeA ? av[p * a.shape[1] + i] : av[i * a.shape[1] + p]) }
        func opB(_ p: Int, _ j: Int) -> Double { Double(transposeB ? bv[j * b.shape[1] + p] : bv[p * b.shape[1] + j]) }
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n { out[i * n + j] = Float((0..<k).reduce(0.0) { $0 + opA(i, $1) * opB($1, j) }) }
        }
        return ([m, n], out)
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmul(transposeA: Bool, transposeB: Bool) {
        var rng = RandomGenerator(seed: 60 + (transposeA ? 1 : 0) + (transposeB ? 2 : 0))
        for trial in 0..<5 {
            // Include degenerate 1-sized dimensions in the first trial.
            let m = trial == 0 ? 1 : 1 + rng.nextInt(below: 5)
            let k = trial == 0 ? 1 : 1 + rng.nextInt(below: 5)
            let n = 1 + rng.nextInt(below: 5)
            let a = randomTensor(transposeA ? [k, m] : [m, k], &rng)
            let b = randomTensor(transposeB ? [n, k] : [k, n], &rng)
            let (shape, expected) = Self.referenceMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
            expectClose(Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB), expected, shape: shape)
            expectGradientsMatch([a, b], "matmul m\(m) k\(k) n\(n) tA \(transposeA) tB \(transposeB)") {
                Tensor.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB)
            }
            // Only one operand on the tape.
            expectGradientsMatch([a, b], constant: [1]) { Tensor.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
            expectGradientsMatch([a, b], constant: [0]) { Tensor.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
        }
    }

    @Test func handComputedMatmul() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        expectClose(Tensor.matmul(a, b), [58, 64, 139, 154], shape: [2, 2])
        expectClose(Tensor.matmul(a, a, transposeB: true), [14, 32, 32, 77], shape: [2, 2])
        expectClose(Tensor.matmul(a, a, transposeA: true), [17, 22, 27, 22, 29, 36, 27, 36, 45], shape: [3, 3])
        expectClose(Tensor.matmul(b, a, transposeA: true, transposeB: true), [58, 139, 64, 154], shape: [2, 2])
        // The gradient of Σ A·B with respect to A is 1·Bᵀ: row sums of B, repeated.
        let w = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], requiresGradient: true)
        Tensor.matmul(w, b).sum().backward()
        #expect(w.gradient!.scalars == [15, 19, 23, 15, 19, 23])
    }

    @Test func linear() {
        var rng = RandomGenerator(seed: 70)
        for trial in 0..<4 {
            let batch = 1 + rng.nextInt(below: 4), inputs = 1 + rng.nextInt(below: 5), outputs = 1 + rng.nextInt(below: 4)
            let x = randomTensor([batch, inputs], &rng)
            let w = randomTensor([outputs, inputs], &rng)
            let bias = randomTensor([outputs], &rng)
            let product = Self.referenceMatmul(x, w, transposeA: false, transposeB: true).values
            let withBias = product.enumerated().map { $0.element + bias.scalars[$0.offset % outputs] }
            expectClose(Tensor.linear(x, weight: w, bias: nil), product, shape: [batch, outputs])
            expectClose(Tensor.linear(x, weight: w, bias: bias), withBias, shape: [batch, outputs])
            expectGradientsMatch([x, w], "linear no bias \(trial)") { Tensor.linear($0[0], weight: $0[1], bias: nil) }
            expectGradientsMatch([x, w, bias], "linear bias \(trial)") { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
            // Frozen weights, trainable bias (and the reverse).
            expectGradientsMatch([x, w, bias], constant: [0, 1]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
            expectGradientsMatch([x, w, bias], constant: [2]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
        }
        // Hand-computed: bias gradient is the column sum of the output gradient.
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let w = Tensor(shape: [1, 2], scalars: [1, -1])
        let b = Tensor(shape: [1], scalars: [0.5], requiresGradient: true)
        let y = Tensor.linear(x, weight: w, bias: b)
        #expect(y.scalars == [-0.5, -0.5])
        y.sum().backward()
        #expect(b.gradient!.scalars == [2])
    }

    @Test func linearMatchesMatmulPlusBias() {
        var rng = RandomGenerator(seed: 71)
        let x = randomTensor([3, 4], &rng), w = randomTensor([2, 4], &rng), b = randomTensor([2], &rng)
        let fused = Tensor.linear(x, weight: w, bias: b)
        let composed = Tensor.matmul(x, w, transposeB: true) + b
        expectClose(fused.scalars, composed.scalars)
    }
}
