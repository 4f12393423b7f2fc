import Engine
import NN
import Testing

@Suite struct ShiftRangeTests {
    /// The fused layer against the composed operations it replaces, values and gradients.
    @Test func fusedShiftRangeMatchesComposedOperations() {
        var rng = RandomGenerator(seed: 12)
        var scalars = Tensor.normal([5, 300], using: &rng).scalars
        for i in 600..<900 { scalars[i] = 0.5 }      // a constant sample
        scalars[10] = scalars[20]                     // a tie (the gradient goes to the first extreme)
        let weights = Tensor.normal([5, 300], using: &rng)
        let x = Tensor(shape: [5, 300], scalars: scalars, requiresGradient: true)
        let y = Tensor(shape: [5, 300], scalars: scalars, requiresGradient: true)
        let fused = ShiftRange(low: -1, high: 2)(x)
        let minimum = y.min(axis: 1, keepingDimensions: true)
        let range = y.max(axis: 1, keepingDimensions: true) - minimum
        let guardTerm = Tensor(shape: range.shape, scalars: range.scalars.map { $0 > 0 ? 0 : 1 })
        let composed = (y - minimum) / (range + guardTerm) * 3 + -1
        #expect(fused.scalars == composed.scalars)
        (fused * weights).sum().backward()
        (composed * weights).sum().backward()
        for (a, b) in zip(x.gradient!.scalars, y.gradient!.scalars) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
    }
}
