/// The shape two operands broadcast to (NumPy rules), or `nil` when they are incompatible.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 { result[i] = da } else if da == 1 { result[i] = db } else { return nil }
    }
    return result
}

/// Strides that read an operand of `shape` as if it had `target` shape (0 on broadcast axes).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let offset = target.count - shape.count
    let own = contiguousStrides(shape)
    return (0..<target.count).map { i in
        i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
}

/// Visits every innermost row of `shape`, giving the start offsets of each operand (read through its
/// strides) and of the contiguous output, plus the row length and the operands' inner strides.
@inline(__always)
func forEachRow(_ shape: [Int], _ stridesA: [Int], _ stridesB: [Int],
                _ body: (_ a: Int, _ b: Int, _ out: Int, _ n: Int, _ sa: Int, _ sb: Int) -> Void) {
    let rank = shape.count
    if rank == 0 { body(0, 0, 0, 1, 0, 0); return }
    let n = shape[rank - 1]
    let rows = n == 0 ? 0 : elementCount(shape) / n
    var index = [Int](repeating: 0, count: rank)
    var offA = 0, offB = 0
    for row in 0..<rows {
        body(offA, offB, row * n, n, stridesA[rank - 1], stridesB[rank - 1])
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            offA += stridesA[axis]
            offB += stridesB[axis]
            if index[axis] < shape[axis] { break }
            offA -= stridesA[axis] * shape[axis]
            offB -= stridesB[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}

/// Adds `source` (of shape `from`) into `target` (of shape `to`), summing over the axes that `to` broadcasts.
func accumulateReduced(_ source: UnsafePointer<Float>, from: [Int], into target: UnsafeMutablePointer<Float>, to: [Int]) {
    if from == to {
        let n = elementCount(from)
        for i in 0..<n { target[i] += source[i] }
        return
    }
    if elementCount(to) == 1 {
        target[0] += sumOfElements(source, count: elementCount(from))
        return
    }
    let st = broadcastStrides(to, to: from)
    let ss = contiguousStrides(from)
    forEachRow(from, st, ss) { t, s, _, n, tStride, sStride in
        if tStride == 0 && sStride == 1 {
            target[t] += sumOfElements(source + s, count: n)
        } else if tStride == 0 {
            var acc: Float = 0
            for j in 0..<n { acc += source[s + j * sStride] }
            target[t] += acc
        } else {
            for j in 0..<n { target[t + j * tStride] += source[s + j * sStride] }
        }
    }
}

/// The sum of `count` contiguous scalars, accumulated in four eight-lane partial sums.
func sumOfElements(_ source: UnsafePointer<Float>, count: Int) -> Float {
    let raw = UnsafeRawPointer(source)
    var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), d = SIMD8<Float>()
    var i = 0
    while i + 32 <= count {
        a += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        b += raw.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
        c += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD8<Float>.self)
        d += raw.loadUnaligned(fromByteOffset: (i + 24) * 4, as: SIMD8<Float>.self)
        i += 32
    }
    var total = ((a + b) + (c + d)).sum()
    while i < count { total += source[i]; i += 1 }
    return total
}
