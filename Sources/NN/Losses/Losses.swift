import Foundation
import Engine

/// Mean squared error over all elements, in one pass (targets of another shape are broadcast).
public func mseLoss(predictions: Tensor, targets: Tensor) -> Tensor {
    guard predictions.shape == targets.shape else { return (predictions - targets).squared().mean() }
    let n = predictions.scalarCount
    let p = predictions.storage.pointer, t = targets.storage.pointer
    var total: Float = 0
    for i in 0..<n {
        let d = p[i] - t[i]
        total += d * d
    }
    let out = TensorStorage(count: 1, zeroed: false)
    out.pointer[0] = total / Float(n)
    let (predictionStorage, targetStorage) = (predictions.storage, targets.storage)
    return Tensor.recording(shape: [], storage: out, operands: [predictions, targets]) { g, into in
        let scale = 2 * g.pointer[0] / Float(n)
        let p = predictionStorage.pointer, t = targetStorage.pointer
        if let d = into(0) { for i in 0..<n { d[i] += scale * (p[i] - t[i]) } }
        if let d = into(1) { for i in 0..<n { d[i] -= scale * (p[i] - t[i]) } }
    }
}

/// Mean absolute error over all elements.
public func l1Loss(predictions: Tensor, targets: Tensor) -> Tensor {
    (predictions - targets).abs().mean()
}

/// Binary cross-entropy, mean over elements, with each log clamped at −100 as in PyTorch.
/// `predictions` are probabilities in [0, 1] of the same shape as `targets`. The gradient with respect to
/// the predictions is PyTorch's: (p − t) / max(p(1 − p), 10⁻¹²) / n.
public func binaryCrossEntropy(predictions: Tensor, targets: Tensor) -> Tensor {
    precondition(predictions.shape == targets.shape,
                 "binaryCrossEntropy: predictions \(predictions.shape) and targets \(targets.shape) differ")
    let n = predictions.scalarCount
    // The pullback keeps the storages alive: the caller's tensors may be gone by the time `backward()` runs.
    let predictionStorage = predictions.storage, targetStorage = targets.storage
    let p = predictionStorage.pointer, t = targetStorage.pointer
    var total: Double = 0
    for i in 0..<n {
        let logP = Swift.max(Double(Foundation.log(p[i])), -100)
        let logQ = Swift.max(Double(Foundation.log(1 - p[i])), -100)
        total -= Double(t[i]) * logP + Double(1 - t[i]) * logQ
    }
    let out = TensorStorage(count: 1, zeroed: false)
    out.pointer[0] = Float(total / Double(n))
    return Tensor.recording(shape: [], storage: out, operands: [predictions, targets]) { g, into in
        let p = predictionStorage.pointer, t = targetStorage.pointer
        let scale = g.pointer[0] / Float(n)
        if let d = into(0) {
            for i in 0..<n { d[i] += scale * (p[i] - t[i]) / Swift.max(p[i] * (1 - p[i]), 1e-12) }
        }
        if let d = into(1) {
            for i in 0..<n {
                let logP = Swift.max(Foundation.log(p[i]), -100), logQ = Swift.max(Foundation.log(1 - p[i]), -100)
                d[i] += scale * (logQ - logP)
            }
        }
    }
}

/// Softmax cross-entropy of logits `[N, K]` against class indices, mean over the batch.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == n, "softmaxCrossEntropy: \(labels.count) labels for \(n) rows")
    let probabilities = TensorStorage(count: n * k, zeroed: false)
    let x = logits.storage.pointer, p = probabilities.pointer
    var total: Double = 0
    for r in 0..<n {
        var m = x[r * k]
        for j in 1..<k { m = Swift.max(m, x[r * k + j]) }
        var s: Float = 0
        for j in 0..<k { let e = expf(x[r * k + j] - m); p[r * k + j] = e; s += e }
        for j in 0..<k { p[r * k + j] /= s }
        total -= Double(logf(Swift.max(p[r * k + labels[r]], 1e-30)))
    }
    let out = TensorStorage(count: 1, zeroed: false)
    out.pointer[0] = Float(total / Double(n))
    return Tensor.recording(shape: [], storage: out, operands: [logits]) { g, into in
        guard let t = into(0) else { return }
        let scale = g.pointer[0] / Float(n)
        let p = probabilities.pointer
        for r in 0..<n {
            for j in 0..<k { t[r * k + j] += scale * (p[r * k + j] - (j == labels[r] ? 1 : 0)) }
        }
    }
}
