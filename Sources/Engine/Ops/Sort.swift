/// Sorting and gathering: the operations that move elements by computed indices.
extension Tensor {
    /// Sorts ascending along `axis`; the gradient flows back to each value's original position.
    public func sorted(axis: Int) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        let (outer, length, inner) = split(at: axis)
        let out = TensorStorage(count: scalarCount, zeroed: false)
        var source = [Int](repeating: 0, count: scalarCount)
        let p = storage.pointer
        var order = [Int](repeating: 0, count: length)
        var values = [Float](repeating: 0, count: length)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                for k in 0..<length { order[k] = k; values[k] = p[base + k * inner] }
                order.sort { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
                for k in 0..<length {
                    out.pointer[base + k * inner] = values[order[k]]
                    source[base + k * inner] = base + order[k] * inner
                }
            }
        }
        return Tensor.recording(shape: shape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            for j in 0..<g.count { t[source[j]] += g.pointer[j] }
        }
    }

    /// Rows of a rank-2 table picked by index: the result has shape `[indices.count, columns]`.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank == 2, "gatherRows needs a rank-2 table, got \(shape)")
        let columns = shape[1]
        let out = TensorStorage(count: indices.count * columns, zeroed: false)
        for (r, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[0], "row index \(index) out of range 0..<\(shape[0])")
            (out.pointer + r * columns).update(from: storage.pointer + index * columns, count: columns)
        }
        return Tensor.recording(shape: [indices.count, columns], storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            for (r, index) in indices.enumerated() {
                let dst = t + index * columns, src = g.pointer + r * columns
                for j in 0..<columns { dst[j] += src[j] }
            }
        }
    }

    /// Elements picked from flat positions: `result[i] = self.flat[indices[i]]`, shaped as `shape`.
    public func gather(flatIndices indices: [Int], shape newShape: [Int]) -> Tensor {
        precondition(indices.count == elementCount(newShape), "gather: \(indices.count) indices for shape \(newShape)")
        let out = TensorStorage(count: indices.count, zeroed: false)
        for (i, index) in indices.enumerated() { out.pointer[i] = storage.pointer[index] }
        return Tensor.recording(shape: newShape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            for (i, index) in indices.enumerated() { t[index] += g.pointer[i] }
        }
    }
}
