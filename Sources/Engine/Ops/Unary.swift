import Foundation

/// Elementwise functions of one tensor. Each derivative is written in terms of the input `x`
/// and the output `y`, whichever is cheaper.
extension Tensor {
    @inline(__always)
    func unary(_ f: (Float) -> Float, derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let out = TensorStorage(count: scalarCount, zeroed: false)
        let p = storage.pointer, o = out.pointer
        for i in 0..<scalarCount { o[i] = f(p[i]) }
        let input = storage
        return Tensor.recording(shape: shape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            let x = input.pointer, y = out.pointer, gp = g.pointer
            for i in 0..<g.count { t[i] += gp[i] * derivative(x[i], y[i]) }
        }
    }

    public func exp() -> Tensor { unary({ Foundation.exp($0) }, derivative: { _, y in y }) }
    public func log() -> Tensor { unary({ Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    public func squareRoot() -> Tensor { unary({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    public func squared() -> Tensor { unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    /// |x|; the gradient at 0 is 0, as in PyTorch.
    public func abs() -> Tensor { unary({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    /// max(x, 0); the gradient at 0 is 0, as in PyTorch. Both passes run eight lanes at a time.
    public func relu() -> Tensor {
        typealias Vector = SIMD8<Float>
        let count = scalarCount
        let out = TensorStorage(count: count, zeroed: false)
        let x = UnsafeRawPointer(storage.pointer), y = UnsafeMutableRawPointer(out.pointer)
        var i = 0
        while i + 8 <= count {
            let v = x.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            y.storeBytes(of: v.replacing(with: 0, where: .!(v .> 0)), toByteOffset: i * 4, as: Vector.self)
            i += 8
        }
        while i < count { out.pointer[i] = storage.pointer[i] > 0 ? storage.pointer[i] : 0; i += 1 }
        return Tensor.recording(shape: shape, storage: out, operands: [self]) { g, into in
            guard let t = into(0) else { return }
            // y > 0 exactly where x > 0, so the output (kept alive here anyway) serves as the mask.
            let y = UnsafeRawPointer(out.pointer), gp = UnsafeRawPointer(g.pointer), target = UnsafeMutableRawPointer(t)
            var i = 0
            while i + 8 <= count {
                let mask = y.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) .> 0
                let gradient = gp.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
                let sum = target.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) + gradient.replacing(with: 0, where: .!mask)
                target.storeBytes(of: sum, toByteOffset: i * 4, as: Vector.self)
                i += 8
            }
            while i < count { if out.pointer[i] > 0 { t[i] += g.pointer[i] }; i += 1 }
        }
    }
    public func leakyRelu(negativeSlope: Float = 0.01) -> Tensor {
        unary({ $0 > 0 ? $0 : negativeSlope * $0 }, derivative: { x, _ in x > 0 ? 1 : negativeSlope })
    }
    /// ELU: x for x > 0, α(eˣ − 1) otherwise.
    public func elu(alpha: Float = 1) -> Tensor {
        unary({ $0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1) }, derivative: { x, y in x > 0 ? 1 : y + alpha })
    }
    public func sigmoid() -> Tensor {
        unary({ x in x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) },
              derivative: { _, y in y * (1 - y) })
    }
    public func tanh() -> Tensor { unary({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y }) }
    /// Limits values to [low, high]; the gradient is 1 inside and 0 outside.
    public func clamped(min low: Float, max high: Float) -> Tensor {
        unary({ Swift.min(Swift.max($0, low), high) }, derivative: { x, _ in x >= low && x <= high ? 1 : 0 })
    }
    public func pow(_ exponent: Float) -> Tensor {
        unary({ Foundation.pow($0, exponent) }, derivative: { x, _ in exponent * Foundation.pow(x, exponent - 1) })
    }
}
