@testable import Engine
import Foundation
import Testing
import TestSupport

@Suite struct AutodiffTests {
    @Test func diamondGraphAccumulatesBothPaths() {
        // y = x·x + exp(x): x feeds three uses; dy/dx = 2x + exp(x).
        let values: [Float] = [-1, 0.5, 2]
        let x = Tensor(shape: [3], scalars: values, requiresGradient: true)
        (x * x + x.exp()).sum().backward()
        expectClose(x.gradient!.scalars, values.map { 2 * $0 + Foundation.exp($0) })

        // A shared intermediate: h = 3x; y = h·h + h, so dy/dx = 3(2h + 1).
        let z = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let h = z * 3
        (h * h + h).sum().backward()
        #expect(z.gradient!.scalars == [21, 39])

        // x + x
        let w = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        (w + w).sum().backward()
        #expect(w.gradient!.scalars == [2, 2])

        var rng = RandomGenerator(seed: 80)
        expectGradientsMatch([randomTensor([2, 3], &rng)]) { i in
            let a = i[0].tanh()
            let b = a * i[0]
            return (a + b).sum(axes: [1]) * b.mean(axes: [1]) - a.slice(axis: 1, 0..<1).reshaped(to: [2])
        }
    }

    @Test func backwardFromAGivenGradientMatchesTheWeightedSum() {
        // backward(gradient: g) on y gives the same gradients as (y · g).sum().backward().
        var rng = RandomGenerator(seed: 81)
        let x = Tensor.uniform([3, 4], using: &rng).copied(requiresGradient: true)
        let g = Tensor.uniform([3, 4], using: &rng)
        (x.tanh() * x).backward(gradient: g)
        let viaGradient = x.gradient!.scalars
        let y = Tensor(shape: [3, 4], scalars: x.scalars, requiresGradient: true)
        ((y.tanh() * y) * g).sum().backward()
        expectClose(viaGradient, y.gradient!.scalars, tolerance: 1e-6)
    }

    @Test func detachedBlocksGradient() {
        let x = Tensor(shape: [2], scalars: [3, 4], requiresGradient: true)
        // d/dx Σ stop(x)·x = stop(x) = x, not 2x.
        (x.detached() * x).sum().backward()
        #expect(x.gradient!.scalars == [3, 4])
        #expect(!x.detached().requiresGradient)
        #expect(x.detached().storage === x.storage)
        // A graph made only of detached values records nothing.
        let y = x.detached().exp().sum()
        #expect(!y.requiresGradient)
        y.backward()
        #expect(x.gradient!.scalars == [3, 4])
    }

    @Test func withoutGradientsRecordsNothing() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let y = withoutGradients { (x * x).exp().reshaped(to: [1, 2]).sum() }
        #expect(!y.requiresGradient)
        expectClose(y, [Float(Foundation.exp(1.0) + Foundation.exp(4.0))], shape: [])
        // Nested blocks restore the enclosing state; recording resumes afterwards.
        withoutGradients {
            withoutGradients { }
            #expect(!(x * 2).requiresGradient)
            #expect(!GradientMode.isEnabled)
        }
        #expect(GradientMode.isEnabled)
        #expect((x * 2).requiresGradient)
        // A throwing body also restores the state.
        struct Failure: Error {}
        #expect(throws: Failure.self) { try withoutGradients { throw Failure() } }
        #expect(GradientMode.isEnabled)
        #expect(x.gradient == nil)
    }

    @Test func withoutGradientsIsPerThread() {
        // Disabling recording on this thread must not stop another thread from recording.
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        nonisolated(unsafe) var otherRecorded = false
        let done = DispatchSemaphore(value: 0)
        withoutGradients {
            let thread = Thread {
                otherRecorded = (x * x).requiresGradient
                done.signal()
            }
            thread.start()
            done.wait()
            #expect(!(x * x).requiresGradient)
        }
        #expect(otherRecorded)
    }

    @Test func constantsRecordNothing() {
        let a = Tensor(shape: [2], scalars: [1, 2]), b = Tensor(shape: [2], scalars: [3, 4])
        let y = (a * b).exp().sum()
        #expect(!y.requiresGradient)
        #expect(y.gradient == nil)
        y.backward() // no-op on a constant
        let leaf = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        #expect((leaf * a).requiresGradient)
        #expect((a * leaf).requiresGradient)
    }

    @Test func gradientAccumulatesAcrossBackwardCallsAndZeroGradientResets() {
        let x = Tensor(shape: [3], scalars: [1, 2, 3], requiresGradient: true)
        #expect(x.gradient == nil)
        let loss = (x * x).sum()
        loss.backward()
        #expect(x.gradient!.scalars == [2, 4, 6])
        // The same graph can be differentiated again; contributions add up.
        loss.backward()
        #expect(x.gradient!.scalars == [4, 8, 12])
        // A fresh graph adds on top as well.
        x.sum().backward()
        #expect(x.gradient!.scalars == [5, 9, 13])
        let buffer = x.gradient!.storage
        x.zeroGradient()
        #expect(x.gradient!.scalars == [0, 0, 0])
        #expect(x.gradient!.storage === buffer) // the buffer is kept for reuse
        (x * 2).sum().backward()
        #expect(x.gradient!.scalars == [2, 2, 2])
        // zeroGradient on a constant or a leaf without a gradient yet is a no-op.
        Tensor(shape: [1], scalars: [1]).zeroGradient()
        let fresh = Tensor(shape: [1], scalars: [1], requiresGradient: true)
        fresh.zeroGradient()
        #expect(fresh.gradient == nil)
    }

    @Test func backwardOfALeafItself() {
        // A scalar leaf is its own loss: d x / d x = 1, accumulating like any other gradient.
        let x = Tensor(shape: [], scalars: [5], requiresGradient: true)
        x.backward()
        #expect(x.gradient?.scalars == [1])
        x.backward()
        #expect(x.gradient?.scalars == [2])
    }

    @Test func intermediateGradientsAreReleased() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let h = x * 3
        let loss = h.sum()
        loss.backward()
        #expect(h.gradient == nil)
        #expect(loss.gradient == nil)
        #expect(x.gradient!.scalars == [3, 3])
    }

    @Test func deepChainDoesNotOverflowTheStack() {
        // y ← 0.999·y + x, 5000 times (10,000 recorded ops): dy/dx = Σₖ 0.999ᵏ.
        let depth = 5000
        let x = Tensor(shape: [1], scalars: [0.5], requiresGradient: true)
        do {
            var y = x
            for _ in 0..<depth { y = y * 0.999 + x }
            y.sum().backward()
        } // the whole chain is released here, which must not recurse too deeply either
        let expected = (1 - Foundation.pow(0.999, Double(depth + 1))) / (1 - 0.999)
        #expect(Swift.abs(Double(x.gradient!.scalar) - expected) < 1e-3 * expected)

        // A long chain of unary and shape ops.
        let z = Tensor(shape: [2, 2], scalars: [0.1, 0.2, 0.3, 0.4], requiresGradient: true)
        do {
            var y = z
            for i in 0..<depth { y = i.isMultiple(of: 2) ? y.transposed() : y.reshaped(to: [2, 2]).tanh().scaled(by: 1.01) }
            y.sum().backward()
        }
        #expect(z.gradient!.scalars.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test func releasingAVeryDeepGraphDoesNotOverflowTheStack() {
        // 25,000 steps = 50,000 nodes. backward() is iterative; freeing the graph used to recurse once
        // per node (each node releasing its inputs from its deinit) and crashed at about 20,000 steps.
        let x = Tensor(shape: [1], scalars: [0.5], requiresGradient: true)
        do {
            var y = x
            for _ in 0..<25_000 { y = y * 0.999 + x }
            y.sum().backward()
        }
        expectClose(x.gradient!.scalars, [Float((1 - Foundation.pow(0.999, 25_001.0)) / (1 - 0.999))], tolerance: 1e-3)
        // A graph that is dropped without ever calling backward() is torn down the same way.
        do {
            var y = x
            for _ in 0..<25_000 { y = (y + x).scaled(by: 0.5) }
            #expect(y.requiresGradient)
        }
    }

    @Test func sharedSubgraphSurvivesReleaseOfOneConsumer() {
        // Tearing down one consumer must not empty nodes that another live tensor still needs.
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let shared = (x * x).exp()
        do { _ = (shared * 2).sum() }
        let kept = shared.sum()
        kept.backward()
        expectClose(x.gradient!.scalars, [2 * Float(Foundation.exp(1.0)), 4 * Float(Foundation.exp(4.0))])
    }

    @Test func gradientShapesMatchLeaves() {
        var rng = RandomGenerator(seed: 81)
        let a = randomTensor([2, 3], &rng).copied(requiresGradient: true)
        let b = randomTensor([3], &rng).copied(requiresGradient: true)
        let c = randomTensor([], &rng).copied(requiresGradient: true)
        ((a * b + c).relu() * c).mean().backward()
        #expect(a.gradient!.shape == [2, 3])
        #expect(b.gradient!.shape == [3])
        #expect(c.gradient!.shape == [])
        #expect(!a.gradient!.requiresGradient)
    }

    @Test func copiedAndAssign() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let c = x.copied()
        #expect(!c.requiresGradient && c.storage !== x.storage && c.scalars == x.scalars)
        x.assign(Tensor(shape: [2], scalars: [7, 8]))
        #expect(x.scalars == [7, 8])
        #expect(c.scalars == [1, 2])
        #expect(x.copied(requiresGradient: true).requiresGradient)
    }

    @Test func backwardNeedsAScalar() async {
        await #expect(processExitsWith: .failure) {
            let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
            (x * x).backward()
        }
    }
}
