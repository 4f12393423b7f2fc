@testable import Engine
import Testing
import TestSupport

/// The harness must accept correct gradients and reject wrong ones, or every other gradient test is void.
@Suite struct GradientCheckHarnessTests {
    /// y = 3x with a deliberately wrong pullback (factor 2 instead of 3).
    static func brokenTriple(_ x: Tensor) -> Tensor {
        let out = TensorStorage(copying: x.scalars.map { 3 * $0 })
        return Tensor.recording(shape: x.shape, storage: out, operands: [x]) { g, into in
            guard let t = into(0) else { return }
            for i in 0..<g.count { t[i] += 2 * g.pointer[i] }
        }
    }

    @Test func acceptsCorrectGradient() {
        var rng = RandomGenerator(seed: 1)
        let x = randomTensor([3, 4], &rng)
        let report = gradientCheck([x]) { ($0[0] * $0[0]).scaled(by: 3) }
        #expect(report.passed)
        #expect(report.checkedElements == 12)
        #expect(report.maximumError < 1e-3)
    }

    @Test func rejectsWrongGradient() {
        var rng = RandomGenerator(seed: 2)
        let x = randomTensor([5], &rng)
        let report = gradientCheck([x]) { Self.brokenTriple($0[0]) }
        #expect(!report.passed)
        #expect(report.mismatches.count == 5)
    }

    @Test func rejectsMissingGradient() {
        // An op that silently drops its input's gradient (detached) must fail the check.
        var rng = RandomGenerator(seed: 3)
        let x = randomTensor([4], &rng)
        let report = gradientCheck([x]) { $0[0].detached() * $0[0] }
        #expect(!report.passed)
    }

    @Test func skipsConstantInputs() {
        var rng = RandomGenerator(seed: 4)
        let x = randomTensor([3], &rng), c = randomTensor([3], &rng)
        let report = gradientCheck([x, c], constant: [1]) { $0[0] * $0[1] }
        #expect(report.passed)
        #expect(report.checkedElements == 3)
    }
}
