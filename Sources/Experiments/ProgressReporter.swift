import Foundation

/// The one progress display: a status line redrawn in place on a terminal (at most ten times a second) — a
/// training batch or a download — and finished lines printed as they come; without a terminal only the finished
/// lines. Safe to call from a download's callback thread.
public final class ProgressReporter: @unchecked Sendable {
    private let interactive: Bool
    private let quiet: Bool
    private var lastDraw: UInt64 = 0
    private let lock = NSLock()
    private var transferLabel = ""
    private var transferStarted: UInt64 = 0
    private var drawn = false

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

    /// Starts the status line of a transfer of `address` (shown by its last path component).
    public func startTransfer(_ address: String) {
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
        transferLabel = String(address.split(separator: "/").last ?? Substring(address))
        transferStarted = DispatchTime.now().uptimeNanoseconds
        lastDraw = 0
        if !interactive && !quiet { FileHandle.standardError.write(Data("fetching \(address)\n".utf8)) }
    }

    /// Redraws the transfer line: a bar when the size is known, megabytes and the rate.
    public func transfer(received: Int64, total: Int64?) {
        guard interactive, !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        let complete = total.map { received >= $0 } ?? false
        guard complete || now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        let mb = Double(received) / 1e6
        let seconds = Double(now - transferStarted) / 1e9
        var line = "\r\(transferLabel) "
        if let total, total > 0 {
            let fraction = min(Double(received) / Double(total), 1)
            let width = 30, filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += String(format: "%3.0f%% %.1f/%.1f MB", fraction * 100, mb, Double(total) / 1e6)
        } else {
            line += String(format: "%.1f MB", mb)
        }
        line += String(format: " %.1f MB/s\u{1B}[K", seconds > 0 ? mb / seconds : 0)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Ends the transfer line.
    public func finishTransfer() {
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
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
