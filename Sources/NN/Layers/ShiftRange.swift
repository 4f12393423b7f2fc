import Engine

/// Rescales each sample linearly so its values span exactly [low, high]:
/// `low + (x − min) · (high − low) / (max − min)`, min and max taken over all features of the sample.
///
/// The gradient flows through min and max to their elements (the first minimal and first maximal one). A
/// constant sample (max = min) maps to `low` instead of NaN.
///
/// One fused operation (a pass for min/max and one for the output; one pass back): the same arithmetic as
/// `(x − min) / (range + guard) · (high − low) + low` built from separate tensor operations, without their
/// temporaries.
public final class ShiftRange: Layer {
    public let low: Float
    public let high: Float
    public init(low: Float = 0, high: Float = 1) {
        self.low = low
        self.high = high
    }
    public var parameters: [Parameter] { [] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let n = input.shape[0]
        let size = n == 0 ? 0 : input.scalarCount / n
        precondition(n == 0 || size > 0, "ShiftRange: empty samples in \(input.shape)")
        let (low, k) = (self.low, high - self.low)
        let out = TensorStorage(count: input.scalarCount, zeroed: false)
        var minimumAt = [Int](repeating: 0, count: n), maximumAt = [Int](repeating: 0, count: n)
        var minima = [Float](repeating: 0, count: n), divisors = [Float](repeating: 1, count: n)
        let x = input.storage.pointer, o = out.pointer
        for b in 0..<n {
            let row = x + b * size
            var lo = row[0], hi = row[0], loAt = 0, hiAt = 0
            for i in 1..<Swift.max(size, 1) {
                let v = row[i]
                if v < lo { lo = v; loAt = i }
                if v > hi { hi = v; hiAt = i }
            }
            let range = hi - lo
            // Adding 1 where the range is 0 leaves gradients unchanged and keeps the division finite.
            let divisor = range + (range > 0 ? 0 : 1)
            minima[b] = lo; divisors[b] = divisor; minimumAt[b] = loAt; maximumAt[b] = hiAt
            let orow = o + b * size
            for i in 0..<size { orow[i] = (row[i] - lo) / divisor * k + low }
        }
        let inputStorage = input.storage
        return Tensor.recording(shape: input.shape, storage: out, operands: [input]) { g, into in
            guard let t = into(0) else { return }
            let x = inputStorage.pointer
            for b in 0..<n {
                let row = x + b * size, grow = g.pointer + b * size, trow = t + b * size
                let (lo, divisor) = (minima[b], divisors[b])
                var sumDiff: Float = 0, sumDivisor: Float = 0
                for i in 0..<size {
                    let gs = grow[i] * k                      // through · (high − low)
                    let dDiff = gs / divisor                  // through ÷ divisor, to (x − min)
                    trow[i] += dDiff
                    sumDiff += dDiff
                    sumDivisor += -gs * ((row[i] - lo) / divisor / divisor)
                }
                // divisor = max − min (+ guard): d max = d divisor; d min = −Σ d(x − min) − d divisor.
                trow[maximumAt[b]] += sumDivisor
                trow[minimumAt[b]] += -sumDiff - sumDivisor
            }
        }
    }
}
