import Engine
import Foundation
@testable import NN
import Testing
import TestSupport

/// Optimisers against the update formulas, evaluated independently in Double (and a few worked by hand).
/// Tolerance 1e-6 relative: the optimisers run in Float32 (unit roundoff 6e-8) over 3 steps of a handful of
/// operations each, so they agree with the Double reference to a few × 1e-7.
@Suite struct OptimizerFormulaTests {
    /// Three steps on two parameters (a 3-vector and a 2×1 matrix) with the given gradients.
    static let initial: [[Float]] = [[1, -0.5, 2], [0.25, -3]]
    static let gradients: [[[Float]]] = [
        [[0.5, -1, 2], [0.01, 3]],
        [[-1, 0.2, 2], [-0.02, -1]],
        [[2, 0, -0.5], [0.005, 0.5]],
    ]

    final class TwoParameters: Module {
        let a = Tensor(shape: [3], scalars: OptimizerFormulaTests.initial[0], requiresGradient: true)
        let b = Tensor(shape: [2, 1], scalars: OptimizerFormulaTests.initial[1], requiresGradient: true)
        var parameters: [Parameter] { [Parameter(name: "a", tensor: a), Parameter(name: "b", tensor: b)] }
    }

    /// Runs `optimizer` for 3 steps and compares with `reference(step, p, g, state)` applied elementwise in Double.
    func check(_ optimizer: Optimizer, _ label: String, slots: Int, reference: (Int, inout Double, Double, inout [Double]) -> Void,
               sourceLocation: SourceLocation = #_sourceLocation) {
        let model = TwoParameters()
        var expected = Self.initial.map { $0.map(Double.init) }
        var state = Self.initial.map { $0.map { _ in [Double](repeating: 0, count: slots) } }
        for step in 1...3 {
            let g = Self.gradients[step - 1]
            setGradients(model.parameters, g)
            optimizer.update(model.parameters)
            for i in 0..<2 {
                for j in 0..<expected[i].count { reference(step, &expected[i][j], Double(g[i][j]), &state[i][j]) }
            }
            for (i, p) in [model.a, model.b].enumerated() {
                let bad = zip(p.scalars, expected[i]).filter { !(Swift.abs(Double($0) - $1) <= 1e-6 * Swift.max(1, Swift.abs($1))) }
                #expect(bad.isEmpty, "\(label) step \(step) parameter \(i): got \(p.scalars), expected \(expected[i])",
                        sourceLocation: sourceLocation)
            }
        }
        #expect(optimizer.stepCount == 3, sourceLocation: sourceLocation)
        #expect(Set(optimizer.state.keys).count == 2 * slots, sourceLocation: sourceLocation)
    }

    @Test func sgdByHand() {
        // p = 1, gradients 0.5, −1, 2, lr 0.1.
        let cases: [(SGD, [Float])] = [
            (SGD(learningRate: 0.1), [0.95, 1.05, 0.85]),
            // b: 0.5, −0.55, 1.505 → p: 0.95, 1.005, 0.8545
            (SGD(learningRate: 0.1, momentum: 0.9), [0.95, 1.005, 0.8545]),
            // d = g + μb: 0.95, −1.495, 3.3545 → p: 0.905, 1.0545, 0.71905
            (SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), [0.905, 1.0545, 0.71905]),
        ]
        for (optimizer, trajectory) in cases {
            let holder = ParameterHolder([1])
            for (g, p) in zip([Float(0.5), -1, 2], trajectory) {
                setGradients(holder.parameters, [[g]])
                optimizer.update(holder.parameters)
                #expect(Swift.abs(holder.tensor.scalar - p) < 1e-6, "SGD momentum \(optimizer.momentum) nesterov \(optimizer.nesterov)")
            }
        }
    }

    @Test func adamFirstStepIsLearningRateTimesSign() {
        // m̂ = g and v̂ = g² after one step, so the update is lr · g / (|g| + ε) ≈ lr · sign(g).
        let holder = ParameterHolder([1, 1, 1])
        setGradients(holder.parameters, [[3, -0.001, 100]])
        Adam(learningRate: 0.01).update(holder.parameters)
        expectClose(holder.tensor.scalars, [0.99, 1.01, 0.99], tolerance: 1e-6)
    }

    @Test func sgd() {
        check(SGD(learningRate: 0.1), "SGD", slots: 0) { _, p, g, _ in p -= 0.1 * g }
        check(SGD(learningRate: 0.1, momentum: 0.9), "SGD momentum", slots: 1) { step, p, g, s in
            s[0] = step == 1 ? g : 0.9 * s[0] + g
            p -= 0.1 * s[0]
        }
        check(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), "SGD nesterov", slots: 1) { step, p, g, s in
            s[0] = step == 1 ? g : 0.9 * s[0] + g
            p -= 0.1 * (g + 0.9 * s[0])
        }
        check(SGD(learningRate: 0.1, momentum: 0.5, weightDecay: 0.01), "SGD weight decay", slots: 1) { step, p, g, s in
            let d = g + 0.01 * p
            s[0] = step == 1 ? d : 0.5 * s[0] + d
            p -= 0.1 * s[0]
        }
    }

    /// ε = 0.1 makes the two conventions visibly different on these gradient sizes.
    @Test(arguments: [EpsilonConvention.pytorch, .keras], [1e-8, 0.1] as [Double])
    func adam(convention: EpsilonConvention, epsilon: Double) {
        let (lr, b1, b2) = (0.01, 0.9, 0.999)
        check(Adam(learningRate: Float(lr), beta1: Float(b1), beta2: Float(b2), epsilon: Float(epsilon), convention: convention),
              "Adam \(convention) ε \(epsilon)", slots: 2) { t, p, g, s in
            s[0] = b1 * s[0] + (1 - b1) * g
            s[1] = b2 * s[1] + (1 - b2) * g * g
            let c1 = 1 - Foundation.pow(b1, Double(t)), c2 = 1 - Foundation.pow(b2, Double(t))
            switch convention {
            case .pytorch: p -= lr / c1 * s[0] / (s[1].squareRoot() / c2.squareRoot() + epsilon)
            case .keras: p -= lr * c2.squareRoot() / c1 * s[0] / (s[1].squareRoot() + epsilon)
            }
        }
    }

    @Test(arguments: [EpsilonConvention.pytorch, .keras], [1e-8, 0.1] as [Double])
    func adamax(convention: EpsilonConvention, epsilon: Double) {
        let (lr, b1, b2) = (0.02, 0.9, 0.999)
        check(Adamax(learningRate: Float(lr), beta1: Float(b1), beta2: Float(b2), epsilon: Float(epsilon), convention: convention),
              "Adamax \(convention) ε \(epsilon)", slots: 2) { t, p, g, s in
            s[0] = b1 * s[0] + (1 - b1) * g
            let c1 = 1 - Foundation.pow(b1, Double(t))
            switch convention {
            case .pytorch:
                s[1] = Swift.max(b2 * s[1], Swift.abs(g) + epsilon)
                p -= lr / c1 * s[0] / s[1]
            case .keras:
                s[1] = Swift.max(b2 * s[1], Swift.abs(g))
                p -= lr / c1 * s[0] / (s[1] + epsilon)
            }
        }
    }

    @Test func conventionsDiffer() {
        // Same everything but the convention: with a large ε the trajectories must differ.
        func run(_ convention: EpsilonConvention) -> [Float] {
            let holder = ParameterHolder([1])
            let adam = Adam(learningRate: 0.1, epsilon: 0.1, convention: convention)
            for _ in 0..<3 { setGradients(holder.parameters, [[0.05]]); adam.update(holder.parameters) }
            return holder.tensor.scalars
        }
        #expect(Swift.abs(run(.pytorch)[0] - run(.keras)[0]) > 1e-3)
    }

    @Test func rmsprop() {
        check(RMSProp(learningRate: 0.01), "RMSprop", slots: 1) { _, p, g, s in
            s[0] = 0.99 * s[0] + 0.01 * g * g
            p -= 0.01 * g / (s[0].squareRoot() + 1e-8)
        }
        check(RMSProp(learningRate: 0.05, alpha: 0.9, epsilon: 0.1), "RMSprop α 0.9 ε 0.1", slots: 1) { _, p, g, s in
            s[0] = 0.9 * s[0] + 0.1 * g * g
            p -= 0.05 * g / (s[0].squareRoot() + 0.1)
        }
    }

    @Test func parametersWithoutGradientAreSkippedAndLearningRateIsLive() {
        let holder = ParameterHolder([1, 2])
        let untouched = Tensor(shape: [2], scalars: [5, 6], requiresGradient: true)
        let parameters = holder.parameters + [Parameter(name: "untouched", tensor: untouched)]
        let sgd = SGD(learningRate: 0.5)
        setGradients(holder.parameters, [[1, 1]])
        sgd.update(parameters)
        #expect(holder.tensor.scalars == [0.5, 1.5])
        #expect(untouched.scalars == [5, 6])
        sgd.learningRate = 0.25
        sgd.update(parameters)
        #expect(holder.tensor.scalars == [0.25, 1.25])
    }

    @Test func stateNamesAndLoadErrors() throws {
        let holder = ParameterHolder([1, 2])
        let adam = Adam()
        setGradients(holder.parameters, [[1, 1]])
        adam.update(holder.parameters)
        #expect(Set(adam.state.keys) == ["p.exp_avg", "p.exp_avg_sq"])
        #expect(throws: OptimizerError.unknownState("p.momentum_buffer")) {
            try Adam().loadState(["p.momentum_buffer": Tensor(zeros: [2])], stepCount: 1)
        }
        #expect(throws: OptimizerError.missingState("p.exp_avg_sq")) {
            try Adam().loadState(["p.exp_avg": Tensor(zeros: [2])], stepCount: 1)
        }
    }

    @Test func gradientClipping() {
        let holder = ParameterHolder([0, 0])
        setGradients(holder.parameters, [[3, 4]])
        let norm = clipGradients(holder.parameters, maxNorm: 1)
        #expect(Swift.abs(norm - 5) < 1e-6)
        expectClose(holder.tensor.gradient!.scalars, [0.6, 0.8], tolerance: 1e-5)
        #expect(Swift.abs(clipGradients(holder.parameters, maxNorm: 10) - 1) < 1e-5)
        expectClose(holder.tensor.gradient!.scalars, [0.6, 0.8], tolerance: 1e-5)
    }
}
