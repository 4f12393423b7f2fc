import Foundation

/// Writes the fuzzer's input to a per-process file (for the path-based readers) and returns its path.
func fuzzInputFile(_ data: UnsafePointer<UInt8>, _ size: Int, name: String) -> String {
    let path = (ProcessInfo.processInfo.environment["FUZZ_TMP"] ?? "/tmp") + "/imagegen-fuzz-\(getpid())-\(name)"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot write \(path)")
    var written = 0
    while written < size {
        let n = write(fd, data + written, size - written)
        precondition(n > 0, "cannot write \(path)")
        written += n
    }
    close(fd)
    return path
}

/// A parser may throw only its typed errors; anything else (or a crash) is a finding.
func expectTyped(_ error: Error, _ allowed: [Any.Type]) {
    if !allowed.contains(where: { type(of: error) == $0 }) { fatalError("untyped error: \(type(of: error)) \(error)") }
}
