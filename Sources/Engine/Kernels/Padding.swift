/// Padding rule of a convolution layer.
public enum Padding: Equatable, Sendable {
    /// No padding.
    case valid
    /// Keras's rule: output size ⌈input / stride⌉; for an odd total the extra pad goes bottom/right.
    case same
    /// The same padding on every side (PyTorch's `padding=`).
    case symmetric(Int)

    /// Per-side padding for one axis of a convolution whose input has `size` pixels.
    public func amounts(size: Int, kernel: Int, stride: Int) -> (before: Int, after: Int) {
        switch self {
        case .valid: return (0, 0)
        case .symmetric(let p): return (p, p)
        case .same:
            let output = (size + stride - 1) / stride
            let total = Swift.max((output - 1) * stride + kernel - size, 0)
            return (total / 2, total - total / 2)
        }
    }

    /// Per-side padding for one axis of a transposed convolution (the adjoint of a convolution from its
    /// output back to its input): for `same` the output has `size · stride` pixels.
    public func transposedAmounts(size: Int, kernel: Int, stride: Int) -> (before: Int, after: Int) {
        switch self {
        case .valid: return (0, 0)
        case .symmetric(let p): return (p, p)
        case .same:
            let total = Swift.max(kernel - stride, 0)
            return (total / 2, total - total / 2)
        }
    }
}
