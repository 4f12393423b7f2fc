import Foundation
import NN

/// The signal that asked training to stop (0 when none). Written only by the signal handler (and tests),
/// read by the training loops after each batch; an aligned 32-bit store is atomic on every platform we build for.
nonisolated(unsafe) private var pendingSignal: Int32 = 0

private func handleStopSignal(_ signal: Int32) {
    if pendingSignal != 0 {
        // A second Ctrl-C: leave now. Every file is written atomically, so nothing is half-written.
        _exit(128 + signal)
    }
    pendingSignal = signal
    let message: StaticString = "\nimagegen: stopping after the current batch and saving a checkpoint (press Ctrl-C again to quit at once)\n"
    _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
}

/// SIGINT/SIGTERM handling for long runs: the first signal sets a flag that the training loops check after
/// every batch (or step); they then save a checkpoint holding their exact position and stop with
/// `ExperimentError.interrupted`. A second signal exits at once.
public enum Interruption {
    /// Installs the handler for SIGINT and SIGTERM (idempotent).
    public static func install() {
        _ = pendingSignal  // initialise the global before the handler can touch it
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_handler = handleStopSignal
            #else
            action.__sigaction_u.__sa_handler = handleStopSignal
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
        // A parent may have started us with the signals blocked (a blocked mask is inherited, e.g. from a
        // libdispatch worker thread); unblock them so the handler runs.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal received, if any.
    public static var requested: Int32? { pendingSignal == 0 ? nil : pendingSignal }

    /// Marks a stop request as if `signal` had arrived (for tests).
    public static func request(_ signal: Int32 = SIGINT) { pendingSignal = signal }

    /// Forgets a request (for tests and long-lived processes).
    public static func reset() { pendingSignal = 0 }

    /// Where and why a run stopped; the CLI turns it into the command that continues the run.
    public struct Stop: Equatable, Sendable {
        public var signal: String
        /// The position the checkpoint holds, e.g. "in epoch 2 after batch 14".
        public var position: String
        /// The run folder holding the checkpoint (`nil` without one).
        public var folder: String?
        public var job: JobKind
    }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }
}

