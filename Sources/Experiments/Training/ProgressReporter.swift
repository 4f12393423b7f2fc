import Foundation

/// Shows training progress: a line redrawn in place on a terminal, one line per epoch otherwise.
public final class ProgressReporter {
    private let interactive: Bool
    private let quiet: Bool
    private var lastDraw: UInt64 = 0

    public init(quiet: Bool = false) {
        self.quiet = quiet
        interactive = isatty(STDERR_FILENO) != 0
    }

    /// Redraws the batch line (at most ten times a second) on a terminal.
    public func batch(unit: String = "epoch", epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Float, imagesPerSecond: Double, secondsLeft: Double) {
        guard interactive, !quiet else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard batch == batches || now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        let position = batches == 1 ? "\(unit) \(epoch)/\(epochs)" : "\(unit) \(epoch)/\(epochs)  batch \(batch)/\(batches)"
        let line = position + String(format: "  loss %.5f  %.0f img/s  %@ left", loss, imagesPerSecond, Self.duration(secondsLeft))
        FileHandle.standardError.write(("\r\u{1B}[K" + line).data(using: .utf8)!)
    }

    /// Prints one finished line.
    public func line(_ text: String) {
        guard !quiet else { return }
        if interactive { FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!) }
        print(text)
        fflush(stdout)
    }

    /// Prints a result line, also when quiet.
    public func result(_ text: String) {
        if interactive && !quiet { FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!) }
        print(text)
        fflush(stdout)
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
