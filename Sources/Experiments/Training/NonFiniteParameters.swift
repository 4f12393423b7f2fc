import NN

/// The name of the first parameter (in model order) whose gradient — or, with `values`, whose value — holds
/// a NaN or an infinity; `nil` when all are finite.
public func firstNonFiniteParameter(_ parameters: [Parameter], values: Bool = false) -> String? {
    for p in parameters {
        guard let t = values ? p.tensor : p.tensor.gradient else { continue }
        if !allFinite(t.storage.pointer, count: t.scalarCount) { return p.name }
    }
    return nil
}

/// Whether `count` floats at `pointer` are all finite: x·0 is 0 for finite x and NaN otherwise.
func allFinite(_ pointer: UnsafeMutablePointer<Float>, count: Int) -> Bool {
    var acc = SIMD8<Float>(repeating: 0)
    var i = 0
    let raw = UnsafeRawPointer(pointer)
    while i + 8 <= count {
        acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * 0
        i += 8
    }
    var tail: Float = 0
    while i < count { tail += pointer[i] * 0; i += 1 }
    return (acc.sum() + tail).isFinite
}
