import Engine
import Testing

/// Tolerances for comparing reverse-mode gradients with central finite differences in Float32.
///
/// Why these numbers:
/// * Float32's unit roundoff is 2⁻²⁴ ≈ 6e-8; after the handful of ops of an engine op or the dozen of a layer
///   (a conv's sums of up to ~100 products, an LSTM's 4 steps) an output element carries a relative error of ~1e-6.
/// * The probe loss L = Σ out·R is accumulated in Double, so its error is ≈ 1e-6 · Σ|out·R| ≲ 1e-4 for the
///   small, O(1)-valued tensors the tests use.
/// * The central difference divides that by 2h (h = 1e-2 · max(1, |x|)): ≲ 5e-4 absolute in the numeric
///   derivative — hence `absolute` = 2e-3, a few times larger.
/// * Truncation error h²/6 · |f‴| ≈ 1.7e-5 · |f‴|: zero for piecewise-linear ops and ≲ 1e-3 relative for the
///   curved ones (exp, log, 1/x, pow, sigmoid, tanh) on the bounded ranges used — hence `relative` = 2e-2.
/// A wrong gradient (a missing factor, a sign, a transposed weight, a dropped broadcast sum) misses by O(1).
public struct GradientTolerance: Sendable {
    public var absolute: Double
    public var relative: Double
    /// The finite-difference step, relative to max(1, |x|).
    public var step: Float

    public init(absolute: Double = 2e-3, relative: Double = 2e-2, step: Float = 1e-2) {
        self.absolute = absolute
        self.relative = relative
        self.step = step
    }

    public static let standard = GradientTolerance()
}

/// One element whose analytic gradient disagrees with the numeric one.
public struct GradientMismatch: CustomStringConvertible, Sendable {
    /// The position of the tensor in the list that was checked.
    public let input: Int
    public let element: Int
    public let analytic: Double
    public let numeric: Double
    public var description: String { "input \(input)[\(element)]: analytic \(analytic), numeric \(numeric)" }
}

/// The outcome of a gradient check.
public struct GradientCheckReport: Sendable {
    public var mismatches: [GradientMismatch] = []
    public var checkedElements = 0
    public var maximumError: Double = 0
    /// Something was checked and nothing disagreed (a check of nothing proves nothing).
    public var passed: Bool { mismatches.isEmpty && checkedElements > 0 }
}

/// Checks the gradients of `forward()` with respect to the leaves `checked` (inputs, or a layer's parameters)
/// against central finite differences of L = Σ forward() · R for a fixed random R, so every output element, and
/// every path through the graph, counts with its own weight. Each element is perturbed in place in its storage
/// and restored, so the leaves may live anywhere (inside a layer, captured by the closure).
public func gradientCheck(
    _ checked: [Tensor], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xC0FFEE, _ forward: () -> Tensor
) -> GradientCheckReport {
    for t in checked {
        precondition(t.requiresGradient, "gradientCheck: checked tensors must be leaves")
        t.zeroGradient()
    }
    let output = forward()
    var rng = RandomGenerator(seed: seed)
    let weights = Tensor.normal(output.shape, using: &rng)
    let weightValues = weights.scalars.map(Double.init)
    (output * weights).sum().backward()
    let analytic = checked.map { $0.gradient?.scalars ?? [Float](repeating: 0, count: $0.scalarCount) }

    func loss() -> Double {
        let out = withoutGradients { forward() }
        precondition(out.shape == output.shape, "gradientCheck: output shape changed")
        var total = 0.0
        for (o, w) in zip(out.scalars, weightValues) { total += Double(o) * w }
        return total
    }

    var report = GradientCheckReport()
    for (i, tensor) in checked.enumerated() {
        let p = tensor.storage.pointer
        for j in 0..<tensor.scalarCount {
            let x = p[j]
            let h = tolerance.step * Swift.max(1, Swift.abs(x))
            let plus = x + h, minus = x - h
            p[j] = plus
            let lPlus = loss()
            p[j] = minus
            let lMinus = loss()
            p[j] = x
            // Divide by the step actually taken in Float32, not the nominal one.
            let numeric = (lPlus - lMinus) / (Double(plus) - Double(minus))
            let a = Double(analytic[i][j])
            let error = Swift.abs(a - numeric)
            report.checkedElements += 1
            report.maximumError = Swift.max(report.maximumError, error)
            if !(error <= tolerance.absolute + tolerance.relative * Swift.abs(numeric)) {
                report.mismatches.append(GradientMismatch(input: i, element: j, analytic: a, numeric: numeric))
            }
        }
    }
    return report
}

/// `gradientCheck` of a function of fresh leaves holding the values of `inputs`; those listed in `constant` are
/// passed as constants and not checked. Mismatches name positions in `inputs`.
public func gradientCheck(
    _ inputs: [Tensor], constant: Set<Int> = [], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xC0FFEE,
    _ function: ([Tensor]) -> Tensor
) -> GradientCheckReport {
    let leaves = inputs.enumerated().map { i, t in
        Tensor(shape: t.shape, scalars: t.scalars, requiresGradient: !constant.contains(i))
    }
    let checked = inputs.indices.filter { !constant.contains($0) }
    var report = gradientCheck(checked.map { leaves[$0] }, tolerance: tolerance, seed: seed) { function(leaves) }
    report.mismatches = report.mismatches.map {
        GradientMismatch(input: checked[$0.input], element: $0.element, analytic: $0.analytic, numeric: $0.numeric)
    }
    return report
}

/// `gradientCheck` of the leaves `checked`, recording a test issue that lists the first mismatches.
public func expectGradientsMatch(
    _ checked: [Tensor], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xC0FFEE,
    _ label: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation, _ forward: () -> Tensor
) {
    let report = gradientCheck(checked, tolerance: tolerance, seed: seed, forward)
    recordMismatches(report, shapes: checked.map(\.shape), label(), sourceLocation: sourceLocation)
}

/// `gradientCheck` of a function of `inputs`, recording a test issue that lists the first mismatches.
public func expectGradientsMatch(
    _ inputs: [Tensor], constant: Set<Int> = [], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xC0FFEE,
    _ label: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) -> Tensor
) {
    let report = gradientCheck(inputs, constant: constant, tolerance: tolerance, seed: seed, function)
    recordMismatches(report, shapes: inputs.map(\.shape), label(), sourceLocation: sourceLocation)
}

private func recordMismatches(_ report: GradientCheckReport, shapes: [[Int]], _ label: String, sourceLocation: SourceLocation) {
    #expect(report.passed,
            "gradient mismatch \(label) shapes \(shapes): \(report.mismatches.prefix(5)) (\(report.mismatches.count) of \(report.checkedElements))",
            sourceLocation: sourceLocation)
}
