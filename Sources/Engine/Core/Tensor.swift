/// An n-dimensional array of `Float` in row-major, contiguous layout, with reverse-mode automatic differentiation.
///
/// Images are NHWC. A tensor is a value: operations return new tensors and never change their operands.
/// A tensor created with `requiresGradient: true` is a leaf of the tape; every operation on it records
/// a pullback, and `backward()` on a scalar result fills the leaves' `gradient`.
///
/// ```swift
/// let w = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
/// let loss = (w * w).sum()
/// loss.backward()
/// w.gradient!.scalars // [2, 4]
/// ```
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let storage: TensorStorage
    /// The tape node that records how this tensor was made; `nil` for constants.
    let node: TapeNode?

    init(shape: [Int], storage: TensorStorage, node: TapeNode?) {
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not match \(storage.count) scalars")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A constant or leaf tensor sharing `storage`.
    public init(shape: [Int], storage: TensorStorage, requiresGradient: Bool = false) {
        self.init(shape: shape, storage: storage, node: requiresGradient ? TapeNode(leafCount: storage.count) : nil)
    }

    public init(shape: [Int], scalars: [Float], requiresGradient: Bool = false) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.init(shape: shape, storage: TensorStorage(copying: scalars), requiresGradient: requiresGradient)
    }

    public init(zeros shape: [Int], requiresGradient: Bool = false) {
        self.init(shape: shape, storage: TensorStorage(count: shape.reduce(1, *)), requiresGradient: requiresGradient)
    }

    public init(repeating value: Float, shape: [Int]) {
        let storage = TensorStorage(count: shape.reduce(1, *), zeroed: false)
        storage.fill(with: value)
        self.init(shape: shape, storage: storage, node: nil)
    }

    public init(_ scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    public var rank: Int { shape.count }
    public var scalarCount: Int { storage.count }
    public var scalars: [Float] { Array(storage.buffer) }
    /// The single value of a one-element tensor.
    public var scalar: Float {
        precondition(scalarCount == 1, "scalar of a tensor with shape \(shape)")
        return storage.pointer[0]
    }

    public var requiresGradient: Bool { node != nil }

    /// The accumulated gradient of a leaf; `nil` before its first `backward()` and for constants.
    /// Intermediate results do not keep one: `backward()` releases their gradients once propagated.
    public var gradient: Tensor? {
        guard let g = node?.gradient else { return nil }
        return Tensor(shape: shape, storage: g, node: nil)
    }

    /// The same values, cut off from the tape.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage, node: nil) }

    /// A copy with its own storage, cut off from the tape.
    public func copied(requiresGradient: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: storage.copy(), requiresGradient: requiresGradient)
    }

    /// Sets a leaf's accumulated gradient to zero, keeping its buffer for reuse.
    public func zeroGradient() { node?.gradient?.fill(with: 0) }

    /// Copies `values` into this tensor's storage in place (used by optimisers and checkpoint loading).
    public func assign(_ values: Tensor) {
        precondition(values.shape == shape, "assign: shape \(values.shape) into \(shape)")
        storage.pointer.update(from: values.storage.pointer, count: scalarCount)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(16).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(scalarCount > 16 ? ", …" : "")])"
    }
}

/// The number of scalars in a tensor of this shape.
@inlinable public func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// Row-major strides of a shape.
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) { strides[i] = s; s *= shape[i] }
    return strides
}
