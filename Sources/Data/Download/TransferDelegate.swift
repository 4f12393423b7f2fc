import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Routes URLSession callbacks to the state of their task.
final class TransferDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private var states: [Int: TransferState] = [:]
    private let lock = NSLock()

    func register(_ state: TransferState, for task: URLSessionTask) {
        lock.lock(); states[task.taskIdentifier] = state; lock.unlock()
    }

    func unregister(_ task: URLSessionTask) {
        lock.lock(); states[task.taskIdentifier] = nil; lock.unlock()
    }

    private func state(_ task: URLSessionTask) -> TransferState? {
        lock.lock(); defer { lock.unlock() }
        return states[task.taskIdentifier]
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let state = state(dataTask) else { completionHandler(.cancel); return }
        completionHandler(state.accept(response) ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let state = state(dataTask) else { return }
        if case .pending = state.outcome, !state.append(data) { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        state(task)?.finish(error)
    }
}
