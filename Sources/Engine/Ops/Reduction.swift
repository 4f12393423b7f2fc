/// Reductions over chosen axes: sum, mean, min, max, variance.
extension Tensor {
    func normalisedAxes(_ axes: [Int]?) -> [Int] {
        let list = axes ?? Array(0..<rank)
        let normalised = list.map { $0 < 0 ? $0 + rank : $0 }
        for a in normalised { precondition(a >= 0 && a < rank, "axis \(a) out of range for shape \(shape)") }
        return Array(Set(normalised)).sorted()
    }

    /// Splits the shape around `axis` into (outer, length, inner) counts.
    func split(at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func reducedShape(_ axes: [Int], keepingDimensions: Bool) -> [Int] {
        var result: [Int] = []
        for (i, d) in shape.enumerated() {
            if axes.contains(i) { if keepingDimensions { result.append(1) } } else { result.append(d) }
        }
        return result
    }

    /// The sum over `axes` (all axes when `nil`).
    public func sum(axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let axes = normalisedAxes(axes)
        let kept = reducedShape(axes, keepingDimensions: true)
        let out = TensorStorage(count: elementCount(kept))
        // Broadcast-aware accumulation reduces every requested axis in one pass.
        accumulateReduced(storage.pointer, from: shape, into: out.pointer, to: kept)
        let inputShape = shape
        let result = Tensor.recording(shape: kept, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            let gt = Tensor(shape: kept, storage: g)
            forEachRow(inputShape, contiguousStrides(inputShape), broadcastStrides(kept, to: inputShape)) { _, b, o, n, _, sb in
                for j in 0..<n { t[o + j] += gt.storage.pointer[b + j * sb] }
            }
        }
        return keepingDimensions ? result : result.reshaped(to: reducedShape(axes, keepingDimensions: false))
    }

    /// The mean over `axes` (all axes when `nil`).
    public func mean(axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let axes = normalisedAxes(axes)
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepingDimensions: keepingDimensions).scaled(by: 1 / Float(n))
    }

    /// The variance over `axes`: divided by n − 1 when `unbiased`, by n otherwise.
    public func variance(axes: [Int]? = nil, unbiased: Bool = true, keepingDimensions: Bool = false) -> Tensor {
        let axes = normalisedAxes(axes)
        let n = axes.reduce(1) { $0 * shape[$1] }
        let centred = self - mean(axes: axes, keepingDimensions: true)
        let divisor = Float(unbiased ? n - 1 : n)
        return centred.squared().sum(axes: axes, keepingDimensions: keepingDimensions).scaled(by: 1 / divisor)
    }

    /// The maximum over one axis; the gradient flows to the first maximal element.
    public func max(axis: Int, keepingDimensions: Bool = false) -> Tensor { extreme(axis: axis, keepingDimensions: keepingDimensions, greater: true) }
    /// The minimum over one axis; the gradient flows to the first minimal element.
    public func min(axis: Int, keepingDimensions: Bool = false) -> Tensor { extreme(axis: axis, keepingDimensions: keepingDimensions, greater: false) }

    /// The maximum over all elements.
    public func max() -> Tensor { reshaped(to: [scalarCount]).max(axis: 0) }
    /// The minimum over all elements.
    public func min() -> Tensor { reshaped(to: [scalarCount]).min(axis: 0) }

    func extreme(axis: Int, keepingDimensions: Bool, greater: Bool) -> Tensor {
        let axis = normalisedAxes([axis])[0]
        let (outer, length, inner) = split(at: axis)
        precondition(length > 0, "min/max over an empty axis of shape \(shape)")
        let out = TensorStorage(count: outer * inner, zeroed: false)
        var where_ = [Int](repeating: 0, count: outer * inner)
        let p = storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = p[o * length * inner + i], bestIndex = 0
                for k in 1..<length {
                    let v = p[(o * length + k) * inner + i]
                    if greater ? v > best : v < best { best = v; bestIndex = k }
                }
                out.pointer[o * inner + i] = best
                where_[o * inner + i] = (o * length + bestIndex) * inner + i
            }
        }
        let shape = reducedShape([axis], keepingDimensions: keepingDimensions)
        return Tensor.recording(shape: shape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            for j in 0..<g.count { t[where_[j]] += g.pointer[j] }
        }
    }
}
