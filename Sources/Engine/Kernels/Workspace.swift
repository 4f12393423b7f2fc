import Foundation

/// Scratch buffers owned by the calling thread, reused across calls so hot loops allocate nothing.
final class Workspace {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in Unmanaged<Workspace>.fromOpaque(UnsafeRawPointer(raw!)).release() }
        return key
    }()

    /// The calling thread's workspace.
    static var current: Workspace {
        if let raw = pthread_getspecific(key) { return Unmanaged<Workspace>.fromOpaque(raw).takeUnretainedValue() }
        let workspace = Workspace()
        pthread_setspecific(key, Unmanaged.passRetained(workspace).toOpaque())
        return workspace
    }

    private var buffers: [TensorStorage] = []
    private var vectorScratch = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 0)
    private var vectorCapacity = 0

    deinit { vectorScratch.deallocate() }

    /// Scratch room for at least `count` eight-lane vectors (contents undefined).
    func vectors(count: Int) -> UnsafeMutablePointer<SIMD8<Float>> {
        if vectorCapacity < count {
            vectorScratch.deallocate()
            vectorScratch = .allocate(capacity: count)
            vectorCapacity = count
        }
        return vectorScratch
    }

    /// Scratch buffer number `slot` with room for at least `count` scalars (contents undefined).
    func buffer(_ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        while buffers.count <= slot { buffers.append(TensorStorage(count: 0)) }
        if buffers[slot].count < count { buffers[slot] = TensorStorage(count: count, zeroed: false) }
        return buffers[slot].pointer
    }
}

/// Runs `body(worker, range)` over `count` items split into contiguous ranges, on up to `workers` threads.
/// While the workers run, each matrix product inside them uses one thread (one level of parallelism).
func parallelRanges(_ count: Int, workers: Int, _ body: (Int, Range<Int>) -> Void) {
    let workers = max(1, min(workers, count))
    if workers == 1 { body(0, 0..<count); return }
    let saved = BLAS.maximumThreads
    BLAS.maximumThreads = 1
    defer { BLAS.maximumThreads = saved }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        body(w, (count * w / workers)..<(count * (w + 1) / workers))
    }
}
