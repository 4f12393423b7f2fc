import Engine
import Dispatch
import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Adam with bias correction: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², then the update of `convention`.
/// ε is 1e-8 in PyTorch and 1e-7 in Keras.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let convention: EpsilonConvention
    public private(set) var stepCount = 0
    private let store = SlotStore(slotNames: ["exp_avg", "exp_avg_sq"])

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                convention: EpsilonConvention = .pytorch) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.convention = convention
    }

    public func update(_ parameters: [Parameter]) {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = Float(1 - Foundation.pow(Double(beta1), t))
        let correction2 = Float(1 - Foundation.pow(Double(beta2), t))
        for parameter in parameters {
            guard let gradient = parameter.tensor.gradient else { continue }
            let slots = store.buffers(for: parameter)
            let m = slots[0], v = slots[1]
            let p = parameter.tensor.storage.pointer, g = gradient.storage.pointer
            let (b1, b2, eps) = (beta1, beta2, epsilon)
            // PyTorch: p −= (lr/c₁)·m / (√v/√c₂ + ε); Keras: p −= (lr·√c₂/c₁)·m / (√v + ε).
            let pytorch = convention == .pytorch
            let stepSize = pytorch ? learningRate / correction1 : learningRate * correction2.squareRoot() / correction1
            let vScale = pytorch ? 1 / correction2.squareRoot() : 1
            let count = parameter.tensor.scalarCount
            let job = AdamJob(p: p, g: g, m: m, v: v, beta1: b1, beta2: b2, epsilon: eps, stepSize: stepSize, vScale: vScale)
            let workers = count >= 1 << 18 ? BLAS.maximumThreads : 1
            if workers == 1 {
                job.run(0, count)
            } else {
                let share = ((count + workers - 1) / workers + 7) / 8 * 8
                DispatchQueue.concurrentPerform(iterations: workers) { w in job.run(Swift.min(count, w * share), Swift.min(count, (w + 1) * share)) }
            }
        }
    }

    public var state: [String: Tensor] { store.tensors }
    public func loadState(_ state: [String: Tensor], stepCount: Int) throws {
        try store.load(state)
        self.stepCount = stepCount
    }
}


/// One Adam update over elements start..<end, eight lanes at a time; the vector and scalar loops do the same
/// float operations in the same order, so splitting the work does not change results.
private struct AdamJob {
    let p, g, m, v: UnsafeMutablePointer<Float>
    let beta1, beta2, epsilon, stepSize, vScale: Float

    func run(_ start: Int, _ end: Int) {
        var i = start
        #if arch(x86_64)
        let b1 = SIMD8<Float>(repeating: beta1), c1 = SIMD8<Float>(repeating: 1 - beta1)
        let b2 = SIMD8<Float>(repeating: beta2), c2 = SIMD8<Float>(repeating: 1 - beta2)
        let eps = SIMD8<Float>(repeating: epsilon), step = SIMD8<Float>(repeating: stepSize), scale = SIMD8<Float>(repeating: vScale)
        let rp = UnsafeMutableRawPointer(p), rg = UnsafeMutableRawPointer(g), rm = UnsafeMutableRawPointer(m), rv = UnsafeMutableRawPointer(v)
        while i + 8 <= end {
            let o = i &* 4
            let gi = rg.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let mi = b1 * rm.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + c1 * gi
            let vi = b2 * rv.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + c2 * gi * gi
            rm.storeBytes(of: mi, toByteOffset: o, as: SIMD8<Float>.self)
            rv.storeBytes(of: vi, toByteOffset: o, as: SIMD8<Float>.self)
            let pi = rp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            rp.storeBytes(of: pi - step * mi / (_mm256_sqrt_ps(vi) * scale + eps), toByteOffset: o, as: SIMD8<Float>.self)
            i &+= 8
        }
        #endif
        while i < end {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            p[i] -= stepSize * m[i] / (v[i].squareRoot() * vScale + epsilon)
            i += 1
        }
    }
}
