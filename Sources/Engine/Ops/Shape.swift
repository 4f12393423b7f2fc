/// Operations that move elements without arithmetic: reshape, permute, slice, concatenate, pad.
extension Tensor {
    /// The same elements in a new shape; one dimension may be -1 and is inferred.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        if let unknown = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            target[unknown] = known == 0 ? 0 : scalarCount / known
        }
        precondition(elementCount(target) == scalarCount, "cannot reshape \(shape) to \(newShape)")
        guard let node, GradientMode.isEnabled else { return Tensor(shape: target, storage: storage, node: nil) }
        // Shares storage; the gradient passes through unchanged.
        let passthrough = TapeNode(count: scalarCount, inputs: [node]) { g in
            let t = node.gradientBuffer()
            for i in 0..<g.count { t[i] += g.pointer[i] }
        }
        return Tensor(shape: target, storage: storage, node: passthrough)
    }

    /// Reorders axes: result axis `i` is input axis `permutation[i]`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "invalid permutation \(permutation) for shape \(shape)")
        let newShape = permutation.map { shape[$0] }
        let inStrides = contiguousStrides(shape)
        let gatherStrides = permutation.map { inStrides[$0] }
        let out = TensorStorage(count: scalarCount, zeroed: false)
        let src = storage.pointer, dst = out.pointer
        forEachRow(newShape, gatherStrides, gatherStrides) { a, _, o, n, sa, _ in
            for j in 0..<n { dst[o + j] = src[a + j * sa] }
        }
        return Tensor.recording(shape: newShape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            forEachRow(newShape, gatherStrides, gatherStrides) { a, _, o, n, sa, _ in
                for j in 0..<n { t[a + j * sa] += g.pointer[o + j] }
            }
        }
    }

    /// Swaps the last two axes.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed() needs rank ≥ 2, got \(shape)")
        var p = Array(0..<rank)
        p.swapAt(rank - 1, rank - 2)
        return permuted(p)
    }

    /// The elements at `ranges[i]` along each axis `i` (missing trailing axes are taken whole).
    public func slice(_ ranges: [Range<Int>]) -> Tensor {
        precondition(ranges.count <= rank, "slice: \(ranges.count) ranges for shape \(shape)")
        let full = ranges + shape[ranges.count...].map { 0..<$0 }
        for (r, d) in zip(full, shape) { precondition(r.lowerBound >= 0 && r.upperBound <= d, "slice \(full) out of bounds for \(shape)") }
        let newShape = full.map(\.count)
        let strides = contiguousStrides(shape)
        let base = zip(full, strides).reduce(0) { $0 + $1.0.lowerBound * $1.1 }
        let out = TensorStorage(count: elementCount(newShape), zeroed: false)
        let src = storage.pointer + base, dst = out.pointer
        forEachRow(newShape, strides, strides) { a, _, o, n, sa, _ in
            for j in 0..<n { dst[o + j] = src[a + j * sa] }
        }
        return Tensor.recording(shape: newShape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            let tb = t + base
            forEachRow(newShape, strides, strides) { a, _, o, n, sa, _ in
                for j in 0..<n { tb[a + j * sa] += g.pointer[o + j] }
            }
        }
    }

    /// The elements `range` along one axis.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        var ranges = shape.map { 0..<$0 }
        ranges[axis < 0 ? axis + rank : axis] = range
        return slice(ranges)
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let axis = axis < 0 ? axis + first.rank : axis
        for t in tensors {
            precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "concatenate: shapes \(tensors.map(\.shape)) disagree off axis \(axis)")
        }
        var newShape = first.shape
        newShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        let rowOut = newShape[axis] * inner
        let out = TensorStorage(count: elementCount(newShape), zeroed: false)
        var offsets: [Int] = []
        var offset = 0
        for t in tensors {
            offsets.append(offset)
            let row = t.shape[axis] * inner
            for o in 0..<outer {
                (out.pointer + o * rowOut + offset).update(from: t.storage.pointer + o * row, count: row)
            }
            offset += row
        }
        return recording(shape: newShape, storage: out, operands: tensors) { g, into in
            for (i, t) in tensors.enumerated() {
                guard let target = into(i) else { continue }
                let row = t.shape[axis] * inner
                for o in 0..<outer {
                    let src = g.pointer + o * rowOut + offsets[i], dst = target + o * row
                    for j in 0..<row { dst[j] += src[j] }
                }
            }
        }
    }

    /// Pads with `value`: `padding[i]` gives the (before, after) counts on axis `i`.
    public func padded(_ padding: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        precondition(padding.count == rank, "padded: \(padding.count) pairs for shape \(shape)")
        let newShape = zip(shape, padding).map { $0 + $1.before + $1.after }
        let out = TensorStorage(count: elementCount(newShape), zeroed: false)
        out.fill(with: value)
        let outStrides = contiguousStrides(newShape)
        let base = zip(padding, outStrides).reduce(0) { $0 + $1.0.before * $1.1 }
        let src = storage.pointer, dst = out.pointer + base
        let inStrides = contiguousStrides(shape)
        forEachRow(shape, outStrides, inStrides) { o, i, _, n, so, si in
            for j in 0..<n { dst[o + j * so] = src[i + j * si] }
        }
        let shape = self.shape
        return Tensor.recording(shape: newShape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            let gb = g.pointer + base
            forEachRow(shape, outStrides, inStrides) { o, i, _, n, so, si in
                for j in 0..<n { t[i + j * si] += gb[o + j * so] }
            }
        }
    }
}

extension Tensor {
    /// The rows `indices` of the matrix this tensor is when its last axis is the row: `[indices.count, shape.last]`.
    /// Repeated indices are allowed; the gradient adds back into each source row. The sampling completion model
    /// applies its per-pixel head to hidden pixels only with it (46 % of a 28×28 image under the article's mask).
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        let width = shape.last ?? 1
        let rows = scalarCount / Swift.max(width, 1)
        let out = TensorStorage(count: indices.count * width, zeroed: false)
        let src = storage.pointer, dst = out.pointer
        for (r, index) in indices.enumerated() {
            precondition(index >= 0 && index < rows, "gatheringRows: row \(index) outside 0..<\(rows)")
            (dst + r * width).update(from: src + index * width, count: width)
        }
        return Tensor.recording(shape: [indices.count, width], storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            for (r, index) in indices.enumerated() {
                let s = g.pointer + r * width, d = t + index * width
                for j in 0..<width { d[j] += s[j] }
            }
        }
    }
}
