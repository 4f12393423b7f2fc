/// 2-D convolution and transposed convolution on NHWC images, as patch extraction plus `sgemm`.
extension Tensor {
    /// Convolution of `input` `[N, H, W, Cin]` with `weight` `[Cout, KH, KW, Cin]` and optional `bias` `[Cout]`.
    /// Returns `[N, OH, OW, Cout]`.
    ///
    /// Stride-1 3×3 and 5×5 kernels over enough channels and pixels go through Winograd's algorithm
    /// (`conv2dWinograd`); everything else through patch extraction and `sgemm` (`conv2dPatches`).
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
        if input.rank == 4, weight.rank == 4, weight.shape[1] == g.kernelHeight, weight.shape[2] == g.kernelWidth,
           weight.shape[3] == input.shape[3], bias == nil || bias!.shape == [weight.shape[0]] {
            let (oh, ow) = g.smallSize(largeHeight: input.shape[1], largeWidth: input.shape[2])
            if oh > 0, ow > 0, let transform = winogradTransform(images: input.shape[0], inputChannels: input.shape[3], outputChannels: weight.shape[0],
                                                                 outputHeight: oh, outputWidth: ow, geometry: g) {
                return conv2dWinograd(input, weight: weight, bias: bias, geometry: g, transform: transform)
            }
        }
        return conv2dPatches(input, weight: weight, bias: bias, geometry: g)
    }

    /// `conv2d` as patch extraction plus `sgemm`. Images are split between two workers when the product
    /// is large enough; each worker extracts patches for a few images at a time into its own reused buffer
    /// and multiplies them on one thread.
    static func conv2dPatches(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
        precondition(input.rank == 4, "conv2d: input must be [N, H, W, C], got \(input.shape)")
        precondition(weight.rank == 4 && weight.shape[1] == g.kernelHeight && weight.shape[2] == g.kernelWidth
                     && weight.shape[3] == input.shape[3],
                     "conv2d: weight \(weight.shape) does not fit input \(input.shape) with kernel \(g.kernelHeight)×\(g.kernelWidth)")
        let (n, h, w, cin) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let cout = weight.shape[0]
        let (oh, ow) = g.smallSize(largeHeight: h, largeWidth: w)
        precondition(oh > 0 && ow > 0, "conv2d: input \(input.shape) is smaller than the kernel")
        let k = g.kernelHeight * g.kernelWidth * cin
        let pixels = oh * ow
        let plan = ConvolutionPlan(images: n, pixelsPerImage: pixels, patchLength: k, filters: cout)
        let out = TensorStorage(count: n * pixels * cout, zeroed: false)
        if let bias {
            precondition(bias.shape == [cout], "conv2d: bias \(bias.shape) for \(cout) filters")
            for r in 0..<(n * pixels) { (out.pointer + r * cout).update(from: bias.storage.pointer, count: cout) }
        }
        let x = input.storage.pointer, wt = weight.storage.pointer, o = out.pointer
        parallelRanges(n, workers: plan.workers) { _, images in
            let patches = Workspace.current.buffer(0, count: plan.imagesPerChunk * pixels * k)
            for chunk in plan.chunks(images) {
                let rows = chunk.count * pixels
                Im2Col.extract(x + chunk.lowerBound * h * w * cin, batch: chunk.count, height: h, width: w, channels: cin,
                               geometry: g, smallHeight: oh, smallWidth: ow, into: patches)
                BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: cout, k: k, a: patches, lda: k, b: wt, ldb: k,
                          beta: bias == nil ? 0 : 1, c: o + chunk.lowerBound * pixels * cout, ldc: cout)
            }
        }
        let operands = bias.map { [input, weight, $0] } ?? [input, weight]
        // The pullback must own the operands' storages: they may belong to temporaries (the flipped kernel of a
        // stride-1 transposed convolution, a permuted input) that are freed long before `backward()` runs.
        let inputStorage = input.storage, weightStorage = weight.storage
        return recording(shape: [n, oh, ow, cout], storage: out, operands: operands) { grad, into in
            let x = inputStorage.pointer, wt = weightStorage.pointer
            let dInput = into(0), dWeight = into(1)
            let gp = grad.pointer
            if dInput != nil || dWeight != nil {
                let partials = TensorStorage(count: dWeight == nil ? 0 : Swift.max(plan.workers - 1, 0) * cout * k)
                parallelRanges(n, workers: plan.workers) { worker, images in
                    let workspace = Workspace.current
                    let patches = workspace.buffer(0, count: plan.imagesPerChunk * pixels * k)
                    let dPatches = workspace.buffer(1, count: plan.imagesPerChunk * pixels * k)
                    let weightTarget = worker == 0 ? dWeight : partials.pointer + (worker - 1) * cout * k
                    for chunk in plan.chunks(images) {
                        let rows = chunk.count * pixels
                        let gChunk = gp + chunk.lowerBound * pixels * cout
                        if let weightTarget {
                            Im2Col.extract(x + chunk.lowerBound * h * w * cin, batch: chunk.count, height: h, width: w, channels: cin,
                                           geometry: g, smallHeight: oh, smallWidth: ow, into: patches)
                            BLAS.gemm(transposeA: true, transposeB: false, m: cout, n: k, k: rows, a: gChunk, lda: cout,
                                      b: patches, ldb: k, beta: 1, c: weightTarget, ldc: k)
                        }
                        if let dInput {
                            BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: k, k: cout, a: gChunk, lda: cout,
                                      b: wt, ldb: k, beta: 0, c: dPatches, ldc: k)
                            Im2Col.scatterAdd(dPatches, batch: chunk.count, height: h, width: w, channels: cin, geometry: g,
                                              smallHeight: oh, smallWidth: ow, into: dInput + chunk.lowerBound * h * w * cin)
                        }
                    }
                }
                if let dWeight, partials.count > 0 {
                    for i in 0..<partials.count { dWeight[i % (cout * k)] += partials.pointer[i] }
                }
            }
            if bias != nil, let t = into(2) { sumRows(gp, rows: n * pixels, columns: cout, into: t) }
        }
    }

    /// Transposed convolution (the adjoint of `conv2d` with respect to its input) of `input`
    /// `[N, H, W, Cin]` with `weight` `[Cin, KH, KW, Cout]` and optional `bias` `[Cout]`.
    /// Returns `[N, OH, OW, Cout]` with OH = (H − 1)·stride + KH − padTop − padBottom + outputPadding.
    ///
    /// With stride 1 this is a convolution with the spatially flipped kernel and complementary padding,
    /// which gathers instead of scattering; other strides scatter patch products back into the output.
    public static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                                       outputPadding: (Int, Int) = (0, 0)) -> Tensor {
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        guard g.strideHeight == 1, g.strideWidth == 1, outputPadding == (0, 0), input.rank == 4, weight.rank == 4,
              weight.shape[0] == input.shape[3], weight.shape[1] == kh, weight.shape[2] == kw,
              [g.padTop, g.padBottom].allSatisfy({ $0 < kh }), [g.padLeft, g.padRight].allSatisfy({ $0 < kw })
        else {
            return convTranspose2dScatter(input, weight: weight, bias: bias, geometry: g, outputPadding: outputPadding)
        }
        let (cin, cout) = (weight.shape[0], weight.shape[3])
        var indices = [Int](repeating: 0, count: weight.scalarCount)
        var i = 0
        for co in 0..<cout {
            for a in 0..<kh {
                for b in 0..<kw {
                    for ci in 0..<cin {
                        indices[i] = ((ci * kh + (kh - 1 - a)) * kw + (kw - 1 - b)) * cout + co
                        i += 1
                    }
                }
            }
        }
        let flipped = weight.gather(flatIndices: indices, shape: [cout, kh, kw, cin])
        let gathering = ConvolutionGeometry(kernelHeight: kh, kernelWidth: kw,
                                            padTop: kh - 1 - g.padTop, padLeft: kw - 1 - g.padLeft,
                                            padBottom: kh - 1 - g.padBottom, padRight: kw - 1 - g.padRight)
        return conv2d(input, weight: flipped, bias: bias, geometry: gathering)
    }

    static func convTranspose2dScatter(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
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
