/// 2-D convolution and transposed convolution on NHWC images, as patch extraction plus `sgemm`.
extension Tensor {
    /// Convolution of `input` `[N, H, W, Cin]` with `weight` `[Cout, KH, KW, Cin]` and optional `bias` `[Cout]`.
    /// Returns `[N, OH, OW, Cout]`.
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
        precondition(input.rank == 4, "conv2d: input must be [N, H, W, C], got \(input.shape)")
        precondition(weight.rank == 4 && weight.shape[1] == g.kernelHeight && weight.shape[2] == g.kernelWidth
                     && weight.shape[3] == input.shape[3],
                     "conv2d: weight \(weight.shape) does not fit input \(input.shape) with kernel \(g.kernelHeight)×\(g.kernelWidth)")
        let (n, h, w, cin) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let cout = weight.shape[0]
        let (oh, ow) = g.smallSize(largeHeight: h, largeWidth: w)
        precondition(oh > 0 && ow > 0, "conv2d: input \(input.shape) is smaller than the kernel")
        let k = g.kernelHeight * g.kernelWidth * cin
        let rows = n * oh * ow
        let patches = TensorStorage(count: rows * k, zeroed: false)
        Im2Col.extract(input.storage.pointer, batch: n, height: h, width: w, channels: cin,
                       geometry: g, smallHeight: oh, smallWidth: ow, into: patches.pointer)
        let out = TensorStorage(count: rows * cout, zeroed: false)
        if let bias {
            precondition(bias.shape == [cout], "conv2d: bias \(bias.shape) for \(cout) filters")
            for r in 0..<rows { (out.pointer + r * cout).update(from: bias.storage.pointer, count: cout) }
        }
        BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: cout, k: k,
                  a: patches.pointer, lda: k, b: weight.storage.pointer, ldb: k,
                  beta: bias == nil ? 0 : 1, c: out.pointer, ldc: cout)
        let operands = bias.map { [input, weight, $0] } ?? [input, weight]
        return recording(shape: [n, oh, ow, cout], storage: out, operands: operands) { grad, into in
            if let t = into(0) {
                let dPatches = TensorStorage(count: rows * k, zeroed: false)
                BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: k, k: cout,
                          a: grad.pointer, lda: cout, b: weight.storage.pointer, ldb: k, beta: 0, c: dPatches.pointer, ldc: k)
                Im2Col.scatterAdd(dPatches.pointer, batch: n, height: h, width: w, channels: cin,
                                  geometry: g, smallHeight: oh, smallWidth: ow, into: t)
            }
            if let t = into(1) {
                BLAS.gemm(transposeA: true, transposeB: false, m: cout, n: k, k: rows,
                          a: grad.pointer, lda: cout, b: patches.pointer, ldb: k, beta: 1, c: t, ldc: k)
            }
            if bias != nil, let t = into(2) { sumRows(grad.pointer, rows: rows, columns: cout, into: t) }
        }
    }

    /// Transposed convolution (the adjoint of `conv2d` with respect to its input) of `input`
    /// `[N, H, W, Cin]` with `weight` `[Cin, KH, KW, Cout]` and optional `bias` `[Cout]`.
    /// Returns `[N, OH, OW, Cout]` with OH = (H − 1)·stride + KH − padTop − padBottom + outputPadding.
    public static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                                       outputPadding: (Int, Int) = (0, 0)) -> Tensor {
        precondition(input.rank == 4, "convTranspose2d: input must be [N, H, W, C], got \(input.shape)")
        precondition(weight.rank == 4 && weight.shape[0] == input.shape[3] && weight.shape[1] == g.kernelHeight
                     && weight.shape[2] == g.kernelWidth,
                     "convTranspose2d: weight \(weight.shape) does not fit input \(input.shape)")
        let (n, h, w, cin) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let cout = weight.shape[3]
        let (oh, ow) = g.largeSize(smallHeight: h, smallWidth: w, outputPadding: outputPadding)
        precondition(oh > 0 && ow > 0, "convTranspose2d: empty output for input \(input.shape)")
        let kc = g.kernelHeight * g.kernelWidth * cout
        let rows = n * h * w
        let columns = TensorStorage(count: rows * kc, zeroed: false)
        BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: kc, k: cin,
                  a: input.storage.pointer, lda: cin, b: weight.storage.pointer, ldb: kc, beta: 0, c: columns.pointer, ldc: kc)
        let out = TensorStorage(count: n * oh * ow * cout)
        if let bias {
            precondition(bias.shape == [cout], "convTranspose2d: bias \(bias.shape) for \(cout) filters")
            for r in 0..<(n * oh * ow) { (out.pointer + r * cout).update(from: bias.storage.pointer, count: cout) }
        }
        Im2Col.scatterAdd(columns.pointer, batch: n, height: oh, width: ow, channels: cout,
                          geometry: g, smallHeight: h, smallWidth: w, into: out.pointer)
        let operands = bias.map { [input, weight, $0] } ?? [input, weight]
        return recording(shape: [n, oh, ow, cout], storage: out, operands: operands) { grad, into in
            let needsColumns = into(0) != nil || into(1) != nil
            let dColumns = TensorStorage(count: needsColumns ? rows * kc : 0, zeroed: false)
            if needsColumns {
                Im2Col.extract(grad.pointer, batch: n, height: oh, width: ow, channels: cout,
                               geometry: g, smallHeight: h, smallWidth: w, into: dColumns.pointer)
            }
            if let t = into(0) {
                BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: cin, k: kc,
                          a: dColumns.pointer, lda: kc, b: weight.storage.pointer, ldb: kc, beta: 1, c: t, ldc: cin)
            }
            if let t = into(1) {
                BLAS.gemm(transposeA: true, transposeB: false, m: cin, n: kc, k: rows,
                          a: input.storage.pointer, lda: cin, b: dColumns.pointer, ldb: kc, beta: 1, c: t, ldc: kc)
            }
            if bias != nil, let t = into(2) { sumRows(grad.pointer, rows: n * oh * ow, columns: cout, into: t) }
        }
    }

    /// Adds the column sums of a `rows × columns` matrix into `target`.
    static func sumRows(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = matrix + r * columns
            for c in 0..<columns { target[c] += row[c] }
        }
    }
}
