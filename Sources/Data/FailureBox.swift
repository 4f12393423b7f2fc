import Foundation

/// Collects the error of the lowest-numbered failing item across threads.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var index = Int.max
    private var error: Error?

    var hasFailure: Bool { lock.lock(); defer { lock.unlock() }; return error != nil }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return error }

    func record(_ error: Error, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        if index < self.index { self.index = index; self.error = error }
    }
}
