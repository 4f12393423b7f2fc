import Testing
@testable import Engine

// MARK: - Finite-difference gradient check

/// Tolerances for comparing reverse-mode gradients with central finite differences in Float32.
///
/// Why these numbers:
/// * The engine computes in Float32, whose unit roundoff is 2⁻²⁴ ≈ 6e-8; after a handful of ops an output
///   element carries a relative error of a few × 1e-7.
/// * The probe loss L = Σ out·R is accumulated in Double, so the sum itself adds nothing; its error is
///   ≈ 1e-7 · Σ|out·R|, a few × 1e-6 for the small, O(1)-valued tensors used here.
/// * The central difference divides that error by 2h (h ≈ 1e-2 · max(1, |x|)), giving a rounding error of
///   roughly 1e-4 … 5e-4 in the numeric derivative — hence `absolute` = 2e-3, a few times larger.
/// * The truncation error of the central difference is h²/6 · |f‴| ≈ 1.7e-5 · |f‴|: negligible for linear
///   ops and at most a few × 1e-3 relative for the curved ones (exp, log, 1/x, pow) on the bounded input
///   ranges the tests use — hence `relative` = 2e-2.
/// A wrong gradient (a missing factor, a sign, a dropped broadcast sum) misses by O(1), far outside both.
struct GradientTolerance {
    var absolute: Double = 2e-3
    var relative: Double = 2e-2
    /// The finite-difference step, relative to max(1, |x|).
    var step: Float = 1e-2

    static let standard = GradientTolerance()
}

struct GradientMismatch: CustomStringConvertible {
    let input: Int
    let element: Int
    let analytic: Double
    let numeric: Double
    var description: String { "input \(input)[\(element)]: analytic \(analytic), numeric \(numeric)" }
}

struct GradientCheckReport {
    var mismatches: [GradientMismatch] = []
    var checkedElements = 0
    var maximumError: Double = 0
    var passed: Bool { mismatches.isEmpty }
}

/// Checks the gradients of `function` at `inputs` against central finite differences.
///
/// The probe loss is L = Σ function(inputs) · R for a fixed random R, so every output element (and every
/// path through the graph) contributes with its own weight. The analytic gradient comes from `backward()`
/// on the engine; the numeric one evaluates L in Double at x ± h for every element of every input.
/// Inputs listed in `constant` are passed through without gradient and not checked.
func gradientCheck(
    _ inputs: [Tensor], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xC0FFEE,
    constant: Set<Int> = [], _ function: ([Tensor]) -> Tensor
) -> GradientCheckReport {
    let values = inputs.map(\.scalars)
    let leaves = inputs.enumerated().map { i, t in
        Tensor(shape: t.shape, scalars: values[i], requiresGradient: !constant.contains(i))
    }
    let output = function(leaves)
    var rng = RandomGenerator(seed: seed)
    let weights = Tensor.normal(output.shape, using: &rng)
    let weightValues = weights.scalars.map(Double.init)
    (output * weights).sum().backward()

    func loss(_ probe: [Tensor]) -> Double {
        let out = withoutGradients { function(probe) }
        precondition(out.shape == output.shape, "gradientCheck: output shape changed")
        var total = 0.0
        for (o, w) in zip(out.scalars, weightValues) { total += Double(o) * w }
        return total
    }

    var report = GradientCheckReport()
    for i in inputs.indices where !constant.contains(i) {
        let analytic = leaves[i].gradient?.scalars ?? [Float](repeating: 0, count: values[i].count)
        for j in values[i].indices {
            let x = values[i][j]
            let h = tolerance.step * Swift.max(1, Swift.abs(x))
            var probe = inputs.enumerated().map { k, t in Tensor(shape: t.shape, scalars: values[k]) }
            var plus = values[i], minus = values[i]
            plus[j] = x + h
            minus[j] = x - h
            probe[i] = Tensor(shape: inputs[i].shape, scalars: plus)
            let lPlus = loss(probe)
            probe[i] = Tensor(shape: inputs[i].shape, scalars: minus)
            let lMinus = loss(probe)
            // Divide by the step actually taken in Float32, not the nominal one.
            let numeric = (lPlus - lMinus) / (Double(plus[j]) - Double(minus[j]))
            let a = Double(analytic[j])
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

/// `gradientCheck`, recording a test issue listing the first mismatches.
func expectGradientsMatch(
    _ inputs: [Tensor], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xC0FFEE,
    constant: Set<Int> = [], _ label: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) -> Tensor
) {
    let report = gradientCheck(inputs, tolerance: tolerance, seed: seed, constant: constant, function)
    let shapes = inputs.map(\.shape)
    #expect(report.passed, "gradient mismatch \(label()) shapes \(shapes): \(report.mismatches.prefix(5)) (\(report.mismatches.count) of \(report.checkedElements))",
            sourceLocation: sourceLocation)
}

// MARK: - Input generators

extension RandomGenerator {
    /// Uniform in [low, high).
    mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUniform() }

    /// A random shape of `rank` with dimensions in 1...maxDimension.
    mutating func shape(rank: Int, maxDimension: Int = 4) -> [Int] {
        (0..<rank).map { _ in 1 + nextInt(below: maxDimension) }
    }
}

/// Uniform values in [low, high).
func randomTensor(_ shape: [Int], _ rng: inout RandomGenerator, low: Float = -1, high: Float = 1) -> Tensor {
    Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in rng.uniform(low, high) })
}

/// Values with |x| in [margin, 1.5], random sign: safely away from the kink at 0 (relu, abs, …).
func awayFromZero(_ shape: [Int], _ rng: inout RandomGenerator, margin: Float = 0.1) -> Tensor {
    Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in
        let m = rng.uniform(margin, 1.5)
        return rng.nextUniform() < 0.5 ? -m : m
    })
}

/// Distinct integer multiples of `spacing` (centred on 0) in random order: no ties for sort/min/max,
/// even after a ±h probe when spacing > 2h. Adding spacing/2 to one operand keeps two such tensors apart.
func distinctValues(_ shape: [Int], _ rng: inout RandomGenerator, spacing: Float = 0.1) -> Tensor {
    let n = elementCount(shape)
    let order = rng.permutation(n)
    return Tensor(shape: shape, scalars: order.map { Float($0 - n / 2) * spacing })
}

// MARK: - Value comparison

func expectClose(
    _ actual: Tensor, _ expected: [Float], shape: [Int]? = nil, tolerance: Float = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    if let shape { #expect(actual.shape == shape, sourceLocation: sourceLocation) }
    expectClose(actual.scalars, expected, tolerance: tolerance, sourceLocation: sourceLocation)
}

/// Elementwise |a − e| ≤ tolerance · max(1, |e|).
func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "count \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    let bad = zip(actual, expected).enumerated().filter { _, p in
        !(Swift.abs(p.0 - p.1) <= tolerance * Swift.max(1, Swift.abs(p.1)))
    }
    #expect(bad.isEmpty, "mismatches (index, (actual, expected)): \(bad.prefix(5).map { ($0.offset, $0.element) })",
            sourceLocation: sourceLocation)
}

// MARK: - Plain-Swift index helpers for reference implementations

/// Multi-index of flat position `flat` in a row-major `shape`.
func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var index = [Int](repeating: 0, count: shape.count)
    var rest = flat
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}

/// Flat position of `index` in a row-major `shape`.
func ravel(_ index: [Int], _ shape: [Int]) -> Int {
    var flat = 0
    for (i, d) in zip(index, shape) { flat = flat * d + i }
    return flat
}

/// Reference broadcasting: applies `f` elementwise over the NumPy broadcast of two shapes.
func referenceBroadcast(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> (shape: [Int], values: [Float]) {
    let rank = Swift.max(a.rank, b.rank)
    let pa = [Int](repeating: 1, count: rank - a.rank) + a.shape
    let pb = [Int](repeating: 1, count: rank - b.rank) + b.shape
    let shape = zip(pa, pb).map { Swift.max($0, $1) }
    let av = a.scalars, bv = b.scalars
    let values = (0..<elementCount(shape)).map { flat -> Float in
        let index = unravel(flat, shape)
        let ia = zip(index, pa).map { $1 == 1 ? 0 : $0 }
        let ib = zip(index, pb).map { $1 == 1 ? 0 : $0 }
        return f(av[ravel(ia, pa)], bv[ravel(ib, pb)])
    }
    return (shape, values)
}
