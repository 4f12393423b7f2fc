import Engine

// Plain-Swift index arithmetic for the reference implementations the engine ops are compared with.

/// Multi-index of flat position `flat` in a row-major `shape`.
func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var index = [Int](repeating: 0, count: shape.count)
    var rest = flat
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}

/// Flat position of `index` in a row-major `shape`.
func ravel(_ index: [Int], _ shape: [Int]) -> Int {
    var flat = 0
    for (i, d) in zip(index, shape) { flat = flat * d + i }
    return flat
}

/// Reference broadcasting: applies `f` elementwise over the NumPy broadcast of two shapes.
func referenceBroadcast(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> (shape: [Int], values: [Float]) {
    let rank = Swift.max(a.rank, b.rank)
    let pa = [Int](repeating: 1, count: rank - a.rank) + a.shape
    let pb = [Int](repeating: 1, count: rank - b.rank) + b.shape
    let shape = zip(pa, pb).map { Swift.max($0, $1) }
    let av = a.scalars, bv = b.scalars
    let values = (0..<elementCount(shape)).map { flat -> Float in
        let index = unravel(flat, shape)
        let ia = zip(index, pa).map { $1 == 1 ? 0 : $0 }
        let ib = zip(index, pb).map { $1 == 1 ? 0 : $0 }
        return f(av[ravel(ia, pa)], bv[ravel(ib, pb)])
    }
    return (shape, values)
}
