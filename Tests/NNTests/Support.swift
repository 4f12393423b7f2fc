import Foundation
import Testing
@testable import NN
import Engine

// MARK: - Finite-difference gradient check

/// Tolerances for comparing reverse-mode gradients with central finite differences in Float32.
///
/// * Float32 unit roundoff is 2⁻²⁴ ≈ 6e-8; after the dozen or so ops of a layer (a conv's sums of up to
///   ~100 products, an LSTM's 4 steps) an output element carries a relative error of ~1e-6.
/// * The probe loss L = Σ out·R is accumulated in Double, so its error is ≈ 1e-6 · Σ|out·R| ≲ 1e-4 for
///   the small tensors used here.
/// * The central difference divides that by 2h (h = 1e-2 · max(1, |x|)): ≲ 5e-4 absolute in the numeric
///   derivative — hence `absolute` = 2e-3.
/// * Truncation error h²/6 · |f‴| ≈ 1.7e-5 · |f‴|: zero for the piecewise-linear ops (conv, pooling,
///   linear) and ≲ 1e-3 relative for sigmoid/tanh/log on the bounded ranges used — hence `relative` = 2e-2.
/// A wrong gradient (transposed weight, off-by-one padding, dropped accumulation) misses by O(1).
struct GradientTolerance {
    var absolute: Double = 2e-3
    var relative: Double = 2e-2
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
    var passed: Bool { mismatches.isEmpty && checkedElements > 0 }
}

/// Checks the gradients of `forward()` with respect to the tensors in `checked` (leaves: inputs or a layer's
/// parameters) against central finite differences of L = Σ forward()·R. Each element is perturbed in place
/// in its storage and restored, so the tensors may live anywhere (inside a layer, captured by the closure).
func gradientCheck(
    _ checked: [Tensor], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xBADC0DE,
    _ forward: () -> Tensor
) -> GradientCheckReport {
    for t in checked { precondition(t.requiresGradient, "gradientCheck: checked tensors must be leaves"); t.zeroGradient() }
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
            report.checkedElements += 1
            if !(Swift.abs(a - numeric) <= tolerance.absolute + tolerance.relative * Swift.abs(numeric)) {
                report.mismatches.append(GradientMismatch(input: i, element: j, analytic: a, numeric: numeric))
            }
        }
    }
    return report
}

func expectGradientsMatch(
    _ checked: [Tensor], tolerance: GradientTolerance = .standard, seed: UInt64 = 0xBADC0DE,
    _ label: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation, _ forward: () -> Tensor
) {
    let report = gradientCheck(checked, tolerance: tolerance, seed: seed, forward)
    #expect(report.passed,
            "gradient mismatch \(label()) shapes \(checked.map(\.shape)): \(report.mismatches.prefix(5)) (\(report.mismatches.count) of \(report.checkedElements))",
            sourceLocation: sourceLocation)
}

// MARK: - Random inputs

extension RandomGenerator {
    mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUniform() }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + nextInt(below: range.count) }
}

func randomTensor(_ shape: [Int], _ rng: inout RandomGenerator, low: Float = -1, high: Float = 1,
                  requiresGradient: Bool = false) -> Tensor {
    Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in rng.uniform(low, high) }, requiresGradient: requiresGradient)
}

/// Distinct multiples of `spacing` in random order: no ties for max/min, even after a ±h probe when spacing > 2h.
func distinctValues(_ shape: [Int], _ rng: inout RandomGenerator, spacing: Float = 0.1, requiresGradient: Bool = false) -> Tensor {
    let n = elementCount(shape)
    return Tensor(shape: shape, scalars: rng.permutation(n).map { Float($0 - n / 2) * spacing }, requiresGradient: requiresGradient)
}

// MARK: - Value comparison

/// Elementwise |a − e| ≤ tolerance · max(1, |e|) (absolute for small values, relative for large ones).
func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4, _ label: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(label()): count \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    let bad = zip(actual, expected).enumerated().filter { _, p in
        !(Swift.abs(p.0 - p.1) <= tolerance * Swift.max(1, Swift.abs(p.1)))
    }
    #expect(bad.isEmpty, "\(label()): \(bad.count) mismatches (index, (actual, expected)): \(bad.prefix(5).map { ($0.offset, $0.element) })",
            sourceLocation: sourceLocation)
}

func expectClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-4, _ label: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == expected.shape, "\(label()): shape \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    expectClose(actual.scalars, expected.scalars, tolerance: tolerance, label(), sourceLocation: sourceLocation)
}

// MARK: - Fixtures

/// The directory of the committed fixtures, found next to this source file (no bundle resources needed).
let fixtureDirectory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// A JSON fixture written by `Fixtures/make_fixtures.py`: named arrays in torch's layouts.
struct Fixture {
    let name: String
    let arrays: [String: Tensor]

    init(_ name: String) throws {
        let url = fixtureDirectory.appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError(description: "\(name) is not a JSON object")
        }
        var arrays: [String: Tensor] = [:]
        for (key, value) in object {
            guard let dict = value as? [String: Any], let shape = dict["shape"] as? [Int], let values = dict["data"] as? [Double] else {
                throw FixtureError(description: "\(name): entry \(key) is malformed")
            }
            arrays[key] = Tensor(shape: shape, scalars: values.map { Float($0) })
        }
        self.name = name
        self.arrays = arrays
    }

    subscript(_ key: String) -> Tensor {
        guard let t = arrays[key] else { fatalError("fixture \(name) has no array \(key)") }
        return t
    }
}

extension Tensor {
    /// NCHW → NHWC (images) or torch conv weight → our layout: both are permutation (0, 2, 3, 1).
    var nchwToNHWC: Tensor { withoutGradients { permuted([0, 2, 3, 1]) } }
    /// NHWC → NCHW.
    var nhwcToNCHW: Tensor { withoutGradients { permuted([0, 3, 1, 2]) } }
}

// MARK: - Parameters with hand-set gradients

/// Gives every leaf in `parameters` exactly `gradients[i]` as its accumulated gradient (via L = Σ p·G).
func setGradients(_ parameters: [Parameter], _ gradients: [[Float]]) {
    var loss: Tensor?
    for (p, g) in zip(parameters, gradients) {
        p.tensor.zeroGradient()
        let term = (p.tensor * Tensor(shape: p.tensor.shape, scalars: g)).sum()
        loss = loss.map { $0 + term } ?? term
    }
    loss?.backward()
}

/// A single named parameter, for optimiser tests.
final class ParameterHolder: Module {
    let tensor: Tensor
    init(_ values: [Float], shape: [Int]? = nil) {
        tensor = Tensor(shape: shape ?? [values.count], scalars: values, requiresGradient: true)
    }
    var parameters: [Parameter] { [Parameter(name: "p", tensor: tensor)] }
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nntests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
