/// How a stride-1 convolution's output is cut into Winograd tiles: each m×m output block reads the t×t
/// input window starting m·(tile row, tile column) − padding. Tiles are numbered image by image, row by row.
struct WinogradTiling {
    let transform: WinogradTransform
    let imageHeight, imageWidth: Int
    let outputHeight, outputWidth: Int
    let padTop, padLeft: Int
    let tileRows, tileColumns: Int

    init(transform: WinogradTransform, imageHeight: Int, imageWidth: Int, outputHeight: Int, outputWidth: Int,
         padTop: Int, padLeft: Int) {
        self.transform = transform
        self.imageHeight = imageHeight; self.imageWidth = imageWidth
        self.outputHeight = outputHeight; self.outputWidth = outputWidth
        self.padTop = padTop; self.padLeft = padLeft
        let m = transform.outputTile
        tileRows = (outputHeight + m - 1) / m
        tileColumns = (outputWidth + m - 1) / m
    }

    var tilesPerImage: Int { tileRows * tileColumns }

    /// Scalars between consecutive points of transformed tiles: the matrix of `tiles × channels` plus 16, so
    /// that the t² stores of one tile do not fall on addresses 4 KiB apart (which the core mistakes for
    /// dependences between loads and stores).
    static func pointStride(tiles: Int, channels: Int) -> Int { tiles * channels + 16 }

    /// (image, first output row, first output column) of tile `index`.
    @inline(__always)
    func origin(ofTile index: Int) -> (image: Int, row: Int, column: Int) {
        let image = index / tilesPerImage
        let within = index - image * tilesPerImage
        let m = transform.outputTile
        return (image, within / tileColumns * m, within % tileColumns * m)
    }
}

/// Per-tile Winograd transforms over NHWC data, eight channels at a time.
///
/// Transformed tiles are stored point-major: entry ξ (of t²) of tile i, channel c lives at
/// `ξ · pointStride + i · channels + c`, so that each point ξ is a `tiles × channels` matrix for the products.
extension WinogradTiling {
    typealias Vector = SIMD8<Float>

    /// Bᵀ d B of the input window of each tile in `tiles`, for `channels` (a multiple of 8) channels.
    ///
    /// Each tile's t×t window is first copied row by row (t pixels are contiguous in NHWC) into `window`
    /// (room for t²·channels scalars): sequential copies the hardware prefetches, where reading the window
    /// eight channels at a time from the image waited on the cache for most of the transform's time.
    func transformInput(_ input: UnsafePointer<Float>, channels: Int, tiles: Range<Int>,
                        into v: UnsafeMutablePointer<Float>, window: UnsafeMutablePointer<Float>,
                        scratch d: UnsafeMutablePointer<Vector>) {
        let t = transform.tile
        let pointStride = Self.pointStride(tiles: tiles.count, channels: channels)
        let source = UnsafeRawPointer(window)
        for (slot, index) in tiles.enumerated() {
            let (image, oy, ox) = origin(ofTile: index)
            let y0 = oy - padTop, x0 = ox - padLeft
            let imageBase = image * imageHeight * imageWidth
            let first = Swift.max(x0, 0), last = Swift.min(x0 + t, imageWidth)
            for i in 0..<t {
                let iy = y0 + i
                let row = window + i * t * channels
                if iy < 0 || iy >= imageHeight || first >= last {
                    row.update(repeating: 0, count: t * channels)
                    continue
                }
                if first > x0 { row.update(repeating: 0, count: (first - x0) * channels) }
                (row + (first - x0) * channels).update(from: input + (imageBase + iy * imageWidth + first) * channels,
                                                       count: (last - first) * channels)
                if last < x0 + t { (row + (last - x0) * channels).update(repeating: 0, count: (x0 + t - last) * channels) }
            }
            for block in stride(from: 0, to: channels, by: 8) {
                for xi in 0..<(t * t) {
                    d[xi] = source.loadUnaligned(fromByteOffset: (xi * channels + block) * 4, as: Vector.self)
                }
                for j in 0..<t { transform.applyInput(d + j, stride: t) }
                let out = UnsafeMutableRawPointer(v + slot * channels + block)
                for p in 0..<t {
                    transform.applyInput(d + p * t, stride: 1)
                    for q in 0..<t {
                        out.storeBytes(of: d[p * t + q], toByteOffset: (p * t + q) * pointStride * 4, as: Vector.self)
                    }
                }
            }
        }
    }

    /// Aᵀ M A of each tile's products, plus `bias`, written (or added when `accumulate`) into the output
    /// `[N, outputHeight, outputWidth, channels]`; parts of tiles beyond the output are dropped.
    func transformOutput(_ products: UnsafePointer<Float>, channels: Int, tiles: Range<Int>, bias: UnsafePointer<Float>?,
                         accumulate: Bool, into output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Vector>) {
        let (t, m) = (transform.tile, transform.outputTile)
        let pointStride = Self.pointStride(tiles: tiles.count, channels: channels)
        let points = scratch, columns = scratch + t * t, block2 = columns + m * t
        for (slot, index) in tiles.enumerated() {
            let (image, oy, ox) = origin(ofTile: index)
            let imageBase = image * outputHeight * outputWidth
            for block in stride(from: 0, to: channels, by: 8) {
                let source = UnsafeRawPointer(products + slot * channels + block)
                for xi in 0..<(t * t) {
                    points[xi] = source.loadUnaligned(fromByteOffset: xi * pointStride * 4, as: Vector.self)
                }
                for q in 0..<t { transform.applyOutput(points + q, stride: t, into: columns + q, outputStride: t) }
                for u in 0..<m { transform.applyOutput(columns + u * t, stride: 1, into: block2 + u * m, outputStride: 1) }
                let b = bias.map { UnsafeRawPointer($0 + block).loadUnaligned(as: Vector.self) } ?? Vector()
                for u in 0..<m where oy + u < outputHeight {
                    for w in 0..<m where ox + w < outputWidth {
                        let target = UnsafeMutableRawPointer(output + (imageBase + (oy + u) * outputWidth + ox + w) * channels + block)
                        var value = block2[u * m + w] + b
                        if accumulate { value += target.loadUnaligned(as: Vector.self) }
                        target.storeBytes(of: value, as: Vector.self)
                    }
                }
            }
        }
    }

    /// A dY Aᵀ of each tile's m×m block of the output gradient (zero beyond the output): the gradient of
    /// the tile's products, for the filter gradient.
    func transformOutputGradient(_ gradient: UnsafePointer<Float>, channels: Int, tiles: Range<Int>,
                                 into v: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Vector>) {
        let (t, m) = (transform.tile, transform.outputTile)
        let pointStride = Self.pointStride(tiles: tiles.count, channels: channels)
        let block2 = scratch, columns = scratch + m * m, points = columns + t * m
        let raw = UnsafeRawPointer(gradient)
        for (slot, index) in tiles.enumerated() {
            let (image, oy, ox) = origin(ofTile: index)
            let imageBase = image * outputHeight * outputWidth
            for block in stride(from: 0, to: channels, by: 8) {
                for u in 0..<m {
                    for w in 0..<m {
                        if oy + u < outputHeight && ox + w < outputWidth {
                            let offset = ((imageBase + (oy + u) * outputWidth + ox + w) * channels + block) * 4
                            block2[u * m + w] = raw.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                        } else {
                            block2[u * m + w] = Vector()
                        }
                    }
                }
                for w in 0..<m { transform.applyOutputAdjoint(block2 + w, stride: m, into: columns + w, outputStride: m) }
                for p in 0..<t { transform.applyOutputAdjoint(columns + p * m, stride: 1, into: points + p * t, outputStride: 1) }
                let out = UnsafeMutableRawPointer(v + slot * channels + block)
                for xi in 0..<(t * t) {
                    out.storeBytes(of: points[xi], toByteOffset: xi * pointStride * 4, as: Vector.self)
                }
            }
        }
    }
}

/// The one-dimensional transforms on eight-lane vectors spaced `stride` apart: written out for F(2, 3),
/// F(4, 3) and F(2, 5) (points 0, ±1, ±2, ∞; the forms follow from `inputMatrix` and `outputMatrix`), and
/// through the matrices for any other size.
extension WinogradTransform {
    typealias Vector = SIMD8<Float>

    /// Bᵀ d, in place on t vectors.
    @inline(__always)
    func applyInput(_ d: UnsafeMutablePointer<Vector>, stride s: Int) {
        switch tile {
        case 4 where kernel == 3:
            let (d0, d1, d2, d3) = (d[0], d[s], d[2 * s], d[3 * s])
            d[0] = d2 - d0; d[s] = d1 + d2; d[2 * s] = d2 - d1; d[3 * s] = d3 - d1
        case 6:
            let (d0, d1, d2, d3, d4, d5) = (d[0], d[s], d[2 * s], d[3 * s], d[4 * s], d[5 * s])
            let even1 = d4 - 4 * d2, odd1 = d3 - 4 * d1
            let even2 = d4 - d2, odd2 = 2 * (d3 - d1)
            d[0] = 4 * d0 - 5 * d2 + d4
            d[s] = even1 + odd1; d[2 * s] = even1 - odd1
            d[3 * s] = even2 + odd2; d[4 * s] = even2 - odd2
            d[5 * s] = 4 * d1 - 5 * d3 + d5
        default:
            var values = [Vector](repeating: Vector(), count: tile)
            for i in 0..<tile { values[i] = d[i * s] }
            for p in 0..<tile {
                var acc = Vector()
                for i in 0..<tile { acc += inputMatrix[p * tile + i] * values[i] }
                d[p * s] = acc
            }
        }
    }

    /// Aᵀ m: t vectors to m vectors.
    @inline(__always)
    func applyOutput(_ v: UnsafePointer<Vector>, stride s: Int, into y: UnsafeMutablePointer<Vector>, outputStride o: Int) {
        switch tile {
        case 4 where kernel == 3:
            let (v1, v2) = (v[s], v[2 * s])
            y[0] = v[0] + v1 + v2; y[o] = v1 - v2 + v[3 * s]
        case 6 where outputTile == 2:
            let (v1, v2, v3, v4) = (v[s], v[2 * s], v[3 * s], v[4 * s])
            y[0] = v[0] + (v1 + v2) + (v3 + v4)
            y[o] = (v1 - v2) + 2 * (v3 - v4) + v[5 * s]
        case 6 where outputTile == 4:
            let (v1, v2, v3, v4) = (v[s], v[2 * s], v[3 * s], v[4 * s])
            let sum12 = v1 + v2, difference12 = v1 - v2, sum34 = v3 + v4, difference34 = v3 - v4
            y[0] = v[0] + sum12 + sum34
            y[o] = difference12 + 2 * difference34
            y[2 * o] = sum12 + 4 * sum34
            y[3 * o] = difference12 + 8 * difference34 + v[5 * s]
        default:
            for i in 0..<outputTile {
                var acc = Vector()
                for p in 0..<tile { acc += outputMatrix[i * tile + p] * v[p * s] }
                y[i * o] = acc
            }
        }
    }

    /// A g: m vectors to t vectors (the adjoint of `applyOutput`).
    @inline(__always)
    func applyOutputAdjoint(_ g: UnsafePointer<Vector>, stride s: Int, into v: UnsafeMutablePointer<Vector>, outputStride o: Int) {
        switch tile {
        case 4 where kernel == 3:
            let (g0, g1) = (g[0], g[s])
            v[0] = g0; v[o] = g0 + g1; v[2 * o] = g0 - g1; v[3 * o] = g1
        case 6 where outputTile == 2:
            let (g0, g1) = (g[0], g[s])
            v[0] = g0; v[o] = g0 + g1; v[2 * o] = g0 - g1
            v[3 * o] = g0 + 2 * g1; v[4 * o] = g0 - 2 * g1; v[5 * o] = g1
        case 6 where outputTile == 4:
            let (g0, g1, g2, g3) = (g[0], g[s], g[2 * s], g[3 * s])
            let even = g0 + g2, odd = g1 + g3, evenScaled = g0 + 4 * g2, oddScaled = 2 * g1 + 8 * g3
            v[0] = g0; v[o] = even + odd; v[2 * o] = even - odd
            v[3 * o] = evenScaled + oddScaled; v[4 * o] = evenScaled - oddScaled; v[5 * o] = g3
        default:
            for p in 0..<tile {
                var acc = Vector()
                for i in 0..<outputTile { acc += outputMatrix[i * tile + p] * g[i * s] }
                v[p * o] = acc
            }
        }
    }
}

extension WinogradTransform {
    /// G g Gᵀ of every kernel of `weight` `[outputs, r, r, inputs]`, stored as `[t², inputs, outputs]`;
    /// eight input channels at a time (`inputs` is a multiple of 8).
    func transformFilters(_ weight: UnsafePointer<Float>, outputs: Int, inputs: Int, into u: UnsafeMutablePointer<Float>) {
        let (t, r) = (tile, kernel)
        let values = UnsafeMutablePointer<Vector>.allocate(capacity: r * r + t * r + t * t)
        defer { values.deallocate() }
        let rows = values + r * r, points = rows + t * r
        let raw = UnsafeRawPointer(weight)
        filterMatrix.withUnsafeBufferPointer { g in
            for o in 0..<outputs {
                for block in stride(from: 0, to: inputs, by: 8) {
                    for ab in 0..<(r * r) {
                        values[ab] = raw.loadUnaligned(fromByteOffset: ((o * r * r + ab) * inputs + block) * 4, as: Vector.self)
                    }
                    Self.conjugate(values, outer: t, inner: r, by: { g[$0 * r + $1] }, scratch: rows, into: points)
                    for xi in 0..<(t * t) {
                        let target = u + xi * inputs * outputs + block * outputs + o
                        let v = points[xi]
                        for lane in 0..<8 { target[lane * outputs] = v[lane] }
                    }
                }
            }
        }
    }

    /// Adds Gᵀ dU G, the kernel gradient, to `gradient` `[outputs, r, r, inputs]` from the gradient of the
    /// transformed kernels `dU` `[t², inputs, outputs]`; eight output channels at a time (`outputs` is a
    /// multiple of 8).
    func accumulateFilterGradient(_ du: UnsafePointer<Float>, outputs: Int, inputs: Int, into gradient: UnsafeMutablePointer<Float>) {
        let (t, r) = (tile, kernel)
        let values = UnsafeMutablePointer<Vector>.allocate(capacity: t * t + r * t + r * r)
        defer { values.deallocate() }
        let rows = values + t * t, kernelValues = rows + r * t
        let raw = UnsafeRawPointer(du)
        filterMatrix.withUnsafeBufferPointer { g in
            for i in 0..<inputs {
                for block in stride(from: 0, to: outputs, by: 8) {
                    for xi in 0..<(t * t) {
                        values[xi] = raw.loadUnaligned(fromByteOffset: ((xi * inputs + i) * outputs + block) * 4, as: Vector.self)
                    }
                    Self.conjugate(values, outer: r, inner: t, by: { g[$1 * r + $0] }, scratch: rows, into: kernelValues)
                    for ab in 0..<(r * r) {
                        let v = kernelValues[ab]
                        for lane in 0..<8 { gradient[((block + lane) * r * r + ab) * inputs + i] += v[lane] }
                    }
                }
            }
        }
    }

    /// `y = M x Mᵀ` for an `outer × inner` matrix given by `m(row, column)` and `inner × inner` vectors `x`
    /// (`scratch` holds `outer × inner` vectors).
    @inline(__always)
    static func conjugate(_ x: UnsafePointer<Vector>, outer: Int, inner: Int, by m: (Int, Int) -> Float,
                          scratch rows: UnsafeMutablePointer<Vector>, into y: UnsafeMutablePointer<Vector>) {
        for p in 0..<outer {
            for b in 0..<inner {
                var acc = Vector()
                for a in 0..<inner { acc.addProduct(m(p, a), x[a * inner + b]) }
                rows[p * inner + b] = acc
            }
        }
        for p in 0..<outer {
            for q in 0..<outer {
                var acc = Vector()
                for b in 0..<inner { acc.addProduct(m(q, b), rows[p * inner + b]) }
                y[p * outer + q] = acc
            }
        }
    }
}
