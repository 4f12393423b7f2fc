import Engine

/// Rescales each sample linearly so its values span exactly [low, high]:
/// `low + (x − min) · (high − low) / (max − min)`, min and max taken over all features of the sample.
///
/// The gradient flows through min and max to their elements. A constant sample (max = min) maps to `low`
/// instead of NaN.
public final class ShiftRange: Layer {
    public let low: Float
    public let high: Float
    public init(low: Float = 0, high: Float = 1) {
        self.low = low
        self.high = high
    }
    public var parameters: [Parameter] { [] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let rows = input.reshaped(to: [input.shape[0], -1])
        let minimum = rows.min(axis: 1, keepingDimensions: true)
        let range = rows.max(axis: 1, keepingDimensions: true) - minimum
        // Adding 1 where the range is 0 leaves gradients unchanged and keeps the division finite.
        let guardTerm = Tensor(shape: range.shape, scalars: range.scalars.map { $0 > 0 ? 0 : 1 })
        let scaled = (rows - minimum) / (range + guardTerm)
        return (scaled * (high - low) + low).reshaped(to: input.shape)
    }
}
