import Dispatch
import Engine
import NN

/// RMSprop with PyTorch's rule (v ← αv + (1−α)g², p ← p − lr·g / (√v + ε)), the same state names as
/// `NN.RMSProp` (`<parameter>.square_avg`), with each parameter's update split over `threads` threads.
/// The background generator's 12.7 M-parameter update is otherwise a single-threaded pass per step.
public final class ParallelRMSProp: Optimizer {
    public var learningRate: Float
    public let alpha: Float
    public let epsilon: Float
    public let threads: Int
    public private(set) var stepCount = 0
    private var squares: [String: Tensor] = [:]

    public init(learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8, threads: Int = 2) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.threads = Swift.max(1, threads)
    }

    public func update(_ parameters: [Parameter]) {
        stepCount += 1
        let (a, eps, lr) = (alpha, epsilon, learningRate)
        for parameter in parameters {
            guard let gradient = parameter.tensor.gradient else { continue }
            let v = squares[parameter.name] ?? Tensor(zeros: parameter.tensor.shape)
            squares[parameter.name] = v
            let count = parameter.tensor.scalarCount
            let pp = parameter.tensor.storage.pointer, gp = gradient.storage.pointer, vp = v.storage.pointer
            let chunks = count >= 1 << 16 ? threads : 1
            let chunk = (count + chunks - 1) / chunks
            DispatchQueue.concurrentPerform(iterations: chunks) { t in
                let lo = t * chunk, hi = Swift.min(count, lo + chunk)
                guard lo < hi else { return }
                for i in lo..<hi {
                    let g = gp[i]
                    let s = a * vp[i] + (1 - a) * g * g
                    vp[i] = s
                    pp[i] -= lr * g / (s.squareRoot() + eps)
                }
            }
        }
    }

    public var state: [String: Tensor] {
        squares.reduce(into: [:]) { $0["\($1.key).square_avg"] = $1.value.copied() }
    }

    public func loadState(_ state: [String: Tensor], stepCount: Int) throws {
        var loaded: [String: Tensor] = [:]
        for (key, value) in state {
            guard key.hasSuffix(".square_avg") else { throw OptimizerError.unknownState(key) }
            loaded[String(key.dropLast(".square_avg".count))] = value.copied()
        }
        squares = loaded
        self.stepCount = stepCount
    }
}
