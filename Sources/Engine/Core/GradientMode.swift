#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether operations record pullbacks. Off inside `withoutGradients`.
///
/// The flag is per thread: a process-wide flag let `withoutGradients` on one thread (an evaluation
/// pass, a concurrently running test) silently stop recording on every other thread.
public enum GradientMode {
    /// Thread-specific key whose value is non-nil while recording is disabled on that thread.
    private static let disabledKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()

    static var isEnabled: Bool {
        get { pthread_getspecific(disabledKey) == nil }
        set { pthread_setspecific(disabledKey, newValue ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }
}

/// Runs `body` without recording operations on the tape (for inference and metrics).
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    let previous = GradientMode.isEnabled
    GradientMode.isEnabled = false
    defer { GradientMode.isEnabled = previous }
    return try body()
}
