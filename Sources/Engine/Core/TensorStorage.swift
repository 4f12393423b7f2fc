#if canImport(Glibc)
import CMalloc
#endif

/// A reference-counted, contiguous buffer of `Float` scalars owned by one or more tensors.
///
/// Storage is mutated in place only by optimisers, checkpoint loading and gradient accumulation;
/// every tensor operation allocates fresh storage for its result.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// Allocates `count` scalars, zero-filled when `zeroed` is true and left uninitialised otherwise.
    public init(count: Int, zeroed: Bool = true) {
        _ = Self.heapReuse
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: count) }
    }

    public convenience init<C: Collection>(copying scalars: C) where C.Element == Float {
        self.init(count: scalars.count, zeroed: false)
        var i = 0
        for s in scalars { pointer[i] = s; i += 1 }
    }

    deinit { pointer.deallocate() }

    /// Keeps freed buffers of up to 32 MiB in the heap for the next step instead of returning them to
    /// the system: a training step frees and reallocates the same large activations and gradients, and
    /// fresh pages from the kernel cost a page fault and a clear each (over 10 % of a step's time).
    private static let heapReuse: Void = {
        #if canImport(Glibc)
        mallopt(M_MMAP_THRESHOLD, 32 << 20)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
    }()

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    public func fill(with value: Float) {
        pointer.update(repeating: value, count: count)
    }

    public func copy() -> TensorStorage {
        let result = TensorStorage(count: count, zeroed: false)
        result.pointer.update(from: pointer, count: count)
        return result
    }
}
