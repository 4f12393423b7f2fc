import Engine
import NN
import Testing

/// RMSprop split over threads, and RMSprop that zeroes gradients as it goes, against the plain serial update.
@Suite struct RMSPropThreadingTests {
    @Test func matchesSerialRMSPropAndRestoresState() throws {
        var rng = RandomGenerator(seed: 2)
        let a = Tensor.normal([300, 300], using: &rng).copied(requiresGradient: true)
        let b = a.copied(requiresGradient: true)
        let serial = RMSProp(learningRate: 1e-2, threads: 1), parallel = RMSProp(learningRate: 1e-2, threads: 2)
        for _ in 0..<3 {
            for t in [a, b] { t.zeroGradient(); (t * t * t).sum().backward() }
            serial.update([Parameter(name: "w", tensor: a)])
            parallel.update([Parameter(name: "w", tensor: b)])
        }
        #expect(a.scalars == b.scalars)
        #expect(parallel.state["w.square_avg"]!.scalars == serial.state["w.square_avg"]!.scalars)
        let restored = RMSProp(learningRate: 1e-2)
        try restored.loadState(parallel.state, stepCount: 3)
        #expect(restored.state["w.square_avg"]!.scalars == serial.state["w.square_avg"]!.scalars)
        #expect(throws: OptimizerError.unknownState("w.momentum")) { try restored.loadState(["w.momentum": a], stepCount: 1) }
    }

    @Test func zeroingGradientsMatchesZeroingBeforeEachStep() {
        var rng = RandomGenerator(seed: 13)
        let a = Tensor.normal([1000, 77], using: &rng).copied(requiresGradient: true)
        let b = a.copied(requiresGradient: true)
        let serial = RMSProp(learningRate: 1e-2, threads: 1), fused = RMSProp(learningRate: 1e-2, threads: 2, zeroesGradients: true)
        for _ in 0..<3 {
            a.zeroGradient()
            (a * a * a).sum().backward()
            (b * b * b).sum().backward()
            serial.update([Parameter(name: "w", tensor: a)])
            fused.update([Parameter(name: "w", tensor: b)])
            #expect(b.gradient!.scalars.allSatisfy { $0 == 0 })
        }
        #expect(a.scalars == b.scalars)
        #expect(fused.state["w.square_avg"]!.scalars == serial.state["w.square_avg"]!.scalars)
    }
}
