/// Matrix products of rank-2 tensors through `cblas_sgemm`.
extension Tensor {
    /// op(a) · op(b), where op transposes when asked.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 operands, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let out = TensorStorage(count: m * n, zeroed: false)
        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                  a: a.storage.pointer, lda: a.shape[1], b: b.storage.pointer, ldb: b.shape[1], beta: 0, c: out.pointer, ldc: n)
        return recording(shape: [m, n], storage: out, operands: [a, b]) { g, into in
            // C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC; transposed operands swap the roles accordingly.
            if let t = into(0) {
                if transposeA {
                    BLAS.gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                              a: b.storage.pointer, lda: b.shape[1], b: g.pointer, ldb: n, beta: 1, c: t, ldc: m)
                } else {
                    BLAS.gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                              a: g.pointer, lda: n, b: b.storage.pointer, ldb: b.shape[1], beta: 1, c: t, ldc: k)
                }
            }
            if let t = into(1) {
                if transposeB {
                    BLAS.gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                              a: g.pointer, lda: n, b: a.storage.pointer, ldb: a.shape[1], beta: 1, c: t, ldc: k)
                } else {
                    BLAS.gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                              a: a.storage.pointer, lda: a.shape[1], b: g.pointer, ldb: n, beta: 1, c: t, ldc: n)
                }
            }
        }
    }

    /// x · Wᵀ + b for x `[batch, in]`, W `[out, in]` (PyTorch's Linear layout) and b `[out]`, in one fused step.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                     "linear: input \(x.shape) does not fit weight \(weight.shape)")
        let batch = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
        let out = TensorStorage(count: batch * outputs, zeroed: bias == nil)
        if let bias {
            precondition(bias.shape == [outputs], "linear: bias \(bias.shape) for \(outputs) outputs")
            for r in 0..<batch { (out.pointer + r * outputs).update(from: bias.storage.pointer, count: outputs) }
        }
        BLAS.gemm(transposeA: false, transposeB: true, m: batch, n: outputs, k: inputs,
                  a: x.storage.pointer, lda: inputs, b: weight.storage.pointer, ldb: inputs,
                  beta: bias == nil ? 0 : 1, c: out.pointer, ldc: outputs)
        let operands = bias.map { [x, weight, $0] } ?? [x, weight]
        return recording(shape: [batch, outputs], storage: out, operands: operands) { g, into in
            if let t = into(0) {
                BLAS.gemm(transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs,
                          a: g.pointer, lda: outputs, b: weight.storage.pointer, ldb: inputs, beta: 1, c: t, ldc: inputs)
            }
            if let t = into(1) {
                BLAS.gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch,
                          a: g.pointer, lda: outputs, b: x.storage.pointer, ldb: inputs, beta: 1, c: t, ldc: inputs)
            }
            if bias != nil, let t = into(2) {
                for r in 0..<batch {
                    let row = g.pointer + r * outputs
                    for j in 0..<outputs { t[j] += row[j] }
                }
            }
        }
    }
}
