/// Elementwise binary arithmetic with broadcasting, and its gradients summed back over broadcast axes.
extension Tensor {
    @inline(__always)
    static func broadcastBinary(_ a: Tensor, _ b: Tensor, _ name: String, _ f: (Float, Float) -> Float) -> ([Int], TensorStorage) {
        guard let shape = broadcastShape(a.shape, b.shape) else {
            preconditionFailure("\(name): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let out = TensorStorage(count: elementCount(shape), zeroed: false)
        let pa = a.storage.pointer, pb = b.storage.pointer, po = out.pointer
        if a.shape == b.shape {
            for i in 0..<out.count { po[i] = f(pa[i], pb[i]) }
        } else if b.scalarCount == 1 {
            let y = pb[0]
            for i in 0..<out.count { po[i] = f(pa[i], y) }
        } else if a.scalarCount == 1 {
            let x = pa[0]
            for i in 0..<out.count { po[i] = f(x, pb[i]) }
        } else {
            forEachRow(shape, broadcastStrides(a.shape, to: shape), broadcastStrides(b.shape, to: shape)) { oa, ob, oo, n, sa, sb in
                for j in 0..<n { po[oo + j] = f(pa[oa + j * sa], pb[ob + j * sb]) }
            }
        }
        return (shape, out)
    }

    /// Accumulates `local` (an output-shaped gradient contribution) into an operand's gradient buffer.
    static func accumulate(_ local: TensorStorage, shape: [Int], into target: UnsafeMutablePointer<Float>?, operandShape: [Int]) {
        guard let target else { return }
        accumulateReduced(local.pointer, from: shape, into: target, to: operandShape)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = broadcastBinary(a, b, "+", +)
        return recording(shape: shape, storage: out, operands: [a, b]) { g, into in
            accumulate(g, shape: shape, into: into(0), operandShape: a.shape)
            accumulate(g, shape: shape, into: into(1), operandShape: b.shape)
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = broadcastBinary(a, b, "-", -)
        return recording(shape: shape, storage: out, operands: [a, b]) { g, into in
            accumulate(g, shape: shape, into: into(0), operandShape: a.shape)
            if let t = into(1) {
                let neg = TensorStorage(count: g.count, zeroed: false)
                for i in 0..<g.count { neg.pointer[i] = -g.pointer[i] }
                accumulateReduced(neg.pointer, from: shape, into: t, to: b.shape)
            }
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = broadcastBinary(a, b, "*", *)
        return recording(shape: shape, storage: out, operands: [a, b]) { g, into in
            if let t = into(0) { accumulate(gradientProduct(g, b, shape) { g, y in g * y }, shape: shape, into: t, operandShape: a.shape) }
            if let t = into(1) { accumulate(gradientProduct(g, a, shape) { g, x in g * x }, shape: shape, into: t, operandShape: b.shape) }
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (shape, out) = broadcastBinary(a, b, "/", /)
        return recording(shape: shape, storage: out, operands: [a, b]) { g, into in
            if let t = into(0) { accumulate(gradientProduct(g, b, shape) { g, y in g / y }, shape: shape, into: t, operandShape: a.shape) }
            if let t = into(1) {
                // d(a/b)/db = -(a/b)/b
                let q = Tensor(shape: shape, storage: out)
                let local = TensorStorage(count: g.count, zeroed: false)
                let (_, qb) = broadcastBinary(q, b, "/", /)
                for i in 0..<g.count { local.pointer[i] = -g.pointer[i] * qb.pointer[i] }
                accumulate(local, shape: shape, into: t, operandShape: b.shape)
            }
        }
    }

    /// `f(g, other)` over the output shape, reading `other` through broadcasting.
    @inline(__always)
    static func gradientProduct(_ g: TensorStorage, _ other: Tensor, _ shape: [Int], _ f: (Float, Float) -> Float) -> TensorStorage {
        let (_, r) = broadcastBinary(Tensor(shape: shape, storage: g), other, "gradient", f)
        return r
    }

    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func * (a: Tensor, b: Float) -> Tensor { a.scaled(by: b) }
    public static func / (a: Tensor, b: Float) -> Tensor { a.scaled(by: 1 / b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    public static func * (a: Float, b: Tensor) -> Tensor { b.scaled(by: a) }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }
    public static prefix func - (a: Tensor) -> Tensor { a.scaled(by: -1) }

    /// Multiplies every element by a constant.
    public func scaled(by factor: Float) -> Tensor {
        let out = TensorStorage(count: scalarCount, zeroed: false)
        let p = storage.pointer, o = out.pointer
        for i in 0..<scalarCount { o[i] = p[i] * factor }
        return Tensor.recording(shape: shape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            for i in 0..<g.count { t[i] += g.pointer[i] * factor }
        }
    }

    /// Elementwise maximum with broadcasting; the gradient goes to `a` where `a >= b`, else to `b`.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (shape, out) = broadcastBinary(a, b, "maximum") { Swift.max($0, $1) }
        return recording(shape: shape, storage: out, operands: [a, b]) { g, into in
            let aBig = Tensor(shape: shape, storage: broadcastBinary(a, b, "maximum") { $0 >= $1 ? 1 : 0 }.1)
            let ga = TensorStorage(count: g.count, zeroed: false), gb = TensorStorage(count: g.count, zeroed: false)
            for i in 0..<g.count {
                let m = aBig.storage.pointer[i]
                ga.pointer[i] = g.pointer[i] * m
                gb.pointer[i] = g.pointer[i] * (1 - m)
            }
            accumulate(ga, shape: shape, into: into(0), operandShape: a.shape)
            accumulate(gb, shape: shape, into: into(1), operandShape: b.shape)
        }
    }
}
