/// Stride-1 convolutions with 3×3 kernels through Winograd's F(4×4, 3×3) and 5×5 kernels through F(2×2, 5×5):
/// per tile, the input window and the kernels are transformed so that the t² points of the tile each become
/// one matrix product over channels, and the three passes (output, input gradient, kernel gradient) need 4×
/// (3×3) and 2.8× (5×5) fewer multiplications than patch extraction and `sgemm`.
extension Tensor {
    /// The transform `conv2d` uses for these shapes, or `nil` when patch extraction is faster. Measured on
    /// the article's CNN: Winograd wins when the kernel is 3×3 or 5×5 at stride 1, channel counts are
    /// multiples of 8, the output is at least 8×8 (smaller images leave tiles overhanging) and the batch has
    /// at least 784 output pixels (one 28×28 image; the kernel transforms cost the same for any batch). Serving
    /// the CNN at batches of about 4 (`bench/studio_load.py`): 648 images/s, against 366 with a bound of 4,096.
    static func winogradTransform(images: Int, inputChannels: Int, outputChannels: Int, outputHeight: Int, outputWidth: Int,
                                  geometry g: ConvolutionGeometry) -> WinogradTransform? {
        guard usesWinograd, g.strideHeight == 1, g.strideWidth == 1, g.kernelHeight == g.kernelWidth,
              g.kernelHeight == 3 || g.kernelHeight == 5,
              inputChannels % 8 == 0, outputChannels % 8 == 0, inputChannels >= 16, outputChannels >= 16,
              outputHeight >= 8, outputWidth >= 8, images * outputHeight * outputWidth >= 784
        else { return nil }
        return winogradTransforms[g.kernelHeight == 3 ? 0 : 1]
    }

    /// Whether `conv2d` may use Winograd's algorithm (benchmarks switch it off to compare).
    nonisolated(unsafe) public static var usesWinograd = true

    static let winogradTransforms = [WinogradTransform(outputTile: 4, kernel: 3), WinogradTransform(outputTile: 2, kernel: 5),
                                     WinogradTransform(outputTile: 2, kernel: 3)]

    /// `conv2d` through the Winograd transform; same contract.
    static func conv2dWinograd(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                               transform: WinogradTransform) -> Tensor {
        let (n, h, w, cin) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let cout = weight.shape[0]
        let r = transform.kernel
        let (oh, ow) = g.smallSize(largeHeight: h, largeWidth: w)
        let tiling = WinogradTiling(transform: transform, imageHeight: h, imageWidth: w, outputHeight: oh, outputWidth: ow,
                                    padTop: g.padTop, padLeft: g.padLeft)
        let points = transform.tile * transform.tile
        let filters = TensorStorage(count: points * cin * cout, zeroed: false)
        transform.transformFilters(weight.storage.pointer, outputs: cout, inputs: cin, into: filters.pointer)
        let out = TensorStorage(count: n * oh * ow * cout, zeroed: false)
        winogradCorrelate(input.storage.pointer, images: n, tiling: tiling, inputChannels: cin, filters: filters.pointer,
                          outputChannels: cout, bias: bias?.storage.pointer, accumulate: false, into: out.pointer)
        let operands = bias.map { [input, weight, $0] } ?? [input, weight]
        let inputStorage = input.storage, weightStorage = weight.storage
        return recording(shape: [n, oh, ow, cout], storage: out, operands: operands) { grad, into in
            if let dInput = into(0) {
                // The input gradient is the correlation of the output gradient with the flipped, transposed
                // kernels under the complementary padding: again a stride-1 correlation.
                let flipped = TensorStorage(count: weightStorage.count, zeroed: false)
                for o in 0..<cout {
                    for a in 0..<r {
                        for b in 0..<r {
                            for i in 0..<cin {
                                flipped.pointer[(((i * r) + (r - 1 - a)) * r + (r - 1 - b)) * cout + o] =
                                    weightStorage.pointer[((o * r + a) * r + b) * cin + i]
                            }
                        }
                    }
                }
                let backFilters = TensorStorage(count: points * cin * cout, zeroed: false)
                transform.transformFilters(flipped.pointer, outputs: cin, inputs: cout, into: backFilters.pointer)
                let back = WinogradTiling(transform: transform, imageHeight: oh, imageWidth: ow, outputHeight: h, outputWidth: w,
                                          padTop: r - 1 - g.padTop, padLeft: r - 1 - g.padLeft)
                winogradCorrelate(grad.pointer, images: n, tiling: back, inputChannels: cout, filters: backFilters.pointer,
                                  outputChannels: cin, bias: nil, accumulate: true, into: dInput)
            }
            if let dWeight = into(1) {
                winogradFilterGradient(inputStorage.pointer, gradient: grad.pointer, images: n, tiling: tiling,
                                       inputChannels: cin, outputChannels: cout, into: dWeight)
            }
            if bias != nil, let t = into(2) { sumRows(grad.pointer, rows: n * oh * ow, columns: cout, into: t) }
        }
    }

    /// Tiles per chunk so that one chunk's transformed tiles take about 256 KiB and stay in the core's L2 cache for the products.
    private static func winogradChunk(points: Int, channels: Int) -> Int {
        Swift.max(16, (256 << 10) / (points * channels * 4))
    }

    /// One worker's buffers for one chunk of consecutive tiles: the transformed input tiles and the transformed
    /// output-side tiles (products or output gradients), each `t²` matrices `pointStride` apart.
    struct WinogradChunk {
        let tiles: Range<Int>
        let input, output: UnsafeMutablePointer<Float>
        let inputStride, outputStride: Int
        let window: UnsafeMutablePointer<Float>
        let scratch: UnsafeMutablePointer<SIMD8<Float>>
    }

    /// Splits `tiles` between `workers` and calls `body(worker, chunk)` for consecutive chunks of each part, with
    /// buffers reused from the worker's workspace.
    static func forEachWinogradChunk(tiles: Int, points: Int, inputChannels cin: Int, outputChannels cout: Int, workers: Int,
                                     _ body: (Int, WinogradChunk) -> Void) {
        let chunk = winogradChunk(points: points, channels: Swift.max(cin, cout))
        parallelRanges(tiles, workers: workers) { worker, range in
            let workspace = Workspace.current
            let input = workspace.buffer(0, count: points * WinogradTiling.pointStride(tiles: chunk, channels: cin))
            let output = workspace.buffer(1, count: points * WinogradTiling.pointStride(tiles: chunk, channels: cout))
            let window = workspace.buffer(2, count: points * cin)
            let scratch = workspace.vectors(count: 3 * points)
            for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
                let part = start..<Swift.min(start + chunk, range.upperBound)
                body(worker, WinogradChunk(tiles: part, input: input, output: output,
                                           inputStride: WinogradTiling.pointStride(tiles: part.count, channels: cin),
                                           outputStride: WinogradTiling.pointStride(tiles: part.count, channels: cout),
                                           window: window, scratch: scratch))
            }
        }
    }

    /// Workers for `work` multiply-adds over `tiles` tiles: two when it pays, one below that.
    static func winogradWorkers(tiles: Int, work: Int) -> Int {
        Swift.max(1, Swift.min(work >= ConvolutionPlan.parallelWork ? BLAS.maximumThreads : 1, tiles))
    }

    /// The correlation of `input` with transformed `filters` `[t², inputChannels, outputChannels]`, written
    /// (or added) into `output`. Tiles are split between two workers, each transforming a chunk of tiles,
    /// multiplying each of its t² points on one thread and transforming the products back.
    static func winogradCorrelate(_ input: UnsafePointer<Float>, images: Int, tiling: WinogradTiling, inputChannels cin: Int,
                                  filters: UnsafePointer<Float>, outputChannels cout: Int, bias: UnsafePointer<Float>?,
                                  accumulate: Bool, into output: UnsafeMutablePointer<Float>) {
        let points = tiling.transform.tile * tiling.transform.tile
        let tiles = images * tiling.tilesPerImage
        let workers = winogradWorkers(tiles: tiles, work: tiles * points * cin * cout)
        forEachWinogradChunk(tiles: tiles, points: points, inputChannels: cin, outputChannels: cout, workers: workers) { _, c in
            tiling.transformInput(input, channels: cin, tiles: c.tiles, into: c.input, window: c.window, scratch: c.scratch)
            for xi in 0..<points {
                BLAS.gemm(transposeA: false, transposeB: false, m: c.tiles.count, n: cout, k: cin,
                          a: c.input + xi * c.inputStride, lda: cin, b: filters + xi * cin * cout, ldb: cout,
                          beta: 0, c: c.output + xi * c.outputStride, ldc: cout)
            }
            tiling.transformOutput(c.output, channels: cout, tiles: c.tiles, bias: bias, accumulate: accumulate,
                                   into: output, scratch: c.scratch)
        }
    }

    /// Adds the kernel gradient `[outputChannels, r, r, inputChannels]` of the correlation of `input` whose
    /// output gradient is `gradient`: per point, transformed inputs times transformed output gradients summed
    /// over tiles, then mapped back through G.
    static func winogradFilterGradient(_ input: UnsafePointer<Float>, gradient: UnsafePointer<Float>, images: Int,
                                       tiling: WinogradTiling, inputChannels cin: Int, outputChannels cout: Int,
                                       into dWeight: UnsafeMutablePointer<Float>) {
        let points = tiling.transform.tile * tiling.transform.tile
        let tiles = images * tiling.tilesPerImage
        let workers = winogradWorkers(tiles: tiles, work: tiles * points * cin * cout)
        let partials = TensorStorage(count: workers * points * cin * cout)
        forEachWinogradChunk(tiles: tiles, points: points, inputChannels: cin, outputChannels: cout, workers: workers) { worker, c in
            let target = partials.pointer + worker * points * cin * cout
            tiling.transformInput(input, channels: cin, tiles: c.tiles, into: c.input, window: c.window, scratch: c.scratch)
            tiling.transformOutputGradient(gradient, channels: cout, tiles: c.tiles, into: c.output, scratch: c.scratch)
            for xi in 0..<points {
                BLAS.gemm(transposeA: true, transposeB: false, m: cin, n: cout, k: c.tiles.count,
                          a: c.input + xi * c.inputStride, lda: cin, b: c.output + xi * c.outputStride, ldb: cout,
                          beta: 1, c: target + xi * cin * cout, ldc: cout)
            }
        }
        let size = points * cin * cout
        for worker in 1..<workers {
            let source = partials.pointer + worker * size
            for i in 0..<size { partials.pointer[i] += source[i] }
        }
        tiling.transform.accumulateFilterGradient(partials.pointer, outputs: cout, inputs: cin, into: dWeight)
    }
}
