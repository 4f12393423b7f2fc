import Engine
import Testing

/// Elementwise |a − e| ≤ tolerance · max(1, |e|): absolute for small values, relative for large ones.
public func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ label: @autoclosure () -> String = "",
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

/// `actual`'s values close to `expected` and, when given, its shape equal to `shape`.
public func expectClose(
    _ actual: Tensor, _ expected: [Float], shape: [Int]? = nil, tolerance: Float = 1e-5, _ label: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    if let shape { #expect(actual.shape == shape, "\(label()): shape \(actual.shape) vs \(shape)", sourceLocation: sourceLocation) }
    expectClose(actual.scalars, expected, tolerance: tolerance, label(), sourceLocation: sourceLocation)
}

/// `actual` of `expected`'s shape, with close values.
public func expectClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5, _ label: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(actual, expected.scalars, shape: expected.shape, tolerance: tolerance, label(), sourceLocation: sourceLocation)
}
