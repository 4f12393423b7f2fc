import Engine
import Foundation
import NN
import Testing
@testable import Experiments

/// Files in `folder` left by a failed atomic write (`.<name>.tmp-…`).
func temporaryLeftovers(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".tmp-") }
}

/// Writes that fail (disk full, file-size limit, no permission) leave no partial file under the final name,
/// keep the previous file, and say which path failed.
@Suite(.serialized) struct DiskFullTests {
    /// `imagegen train` under a 4 KB file-size limit: config.json fits, the checkpoint does not (EFBIG, as a full disk).
    @Test func trainingThatCannotWriteItsCheckpointStopsWithThePath() throws {
        let data = try writePNGDataset()
        let run = temporaryRunPath(), log = temporaryRunPath() + ".log"
        defer { for p in [data, run, log] { try? FileManager.default.removeItem(atPath: p) } }
        let command = (trainArguments(data: data, output: run, epochs: 2)).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -f 4; trap '' XFSZ; exec '\(try imagegenExecutable())' \(command) > '\(log)' 2>&1"]
        try process.run()
        process.waitUntilExit()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus != 0)
        #expect(output.contains("\(run)/model.pending.safetensors"), "the error does not name the checkpoint: \(output)")
        #expect(output.contains("File too large"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: "\(run)/model.safetensors"))
        #expect(temporaryLeftovers(run).isEmpty, "partial temporary files left: \(temporaryLeftovers(run))")
    }

    /// A read-only folder (non-root) or a full 64 KB tmpfs (root, for whom permissions do not apply).
    @Test func failedWriteKeepsThePreviousFileAndNamesThePath() throws {
        let folder = temporaryRunPath()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/model.safetensors"
        var rng = RandomGenerator(seed: 1)
        let small = Linear(inputSize: 4, outputSize: 4, using: &rng)
        let big = Linear(inputSize: 256, outputSize: 128, using: &rng)  // 130 KB: more than the tmpfs holds
        if geteuid() != 0 {
            try Checkpoint.save(small, to: path)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            chmod(folder, 0o555)
            defer { chmod(folder, 0o755) }
            expectFailure(path: path, folder: folder, reason: "Permission denied") { try Checkpoint.save(big, to: path) }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            expectFailure(path: "\(folder)/metrics.csv", folder: folder, reason: "Permission denied") { try RunFolder.writeText("x", to: "\(folder)/metrics.csv") }
            return
        }
        let mountPoint = "\(folder)/full"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            print("skipped: running as root and cannot mount a tmpfs (no CAP_SYS_ADMIN); the file-size-limit test covers failed writes")
            return
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let target = "\(mountPoint)/model.safetensors"
        try Checkpoint.save(small, to: target)
        let before = try Data(contentsOf: URL(fileURLWithPath: target))
        expectFailure(path: target, folder: mountPoint, reason: "No space left on device") { try Checkpoint.save(big, to: target) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before, "the previous checkpoint changed")
        try Checkpoint.load(target, into: small)
    }

    func expectFailure(path: String, folder: String, reason: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("writing \(path) did not fail")
        } catch {
            #expect("\(error)".contains(path), "the error does not name \(path): \(error)")
            #expect("\(error)".contains(reason), "\(error)")
        }
        #expect(temporaryLeftovers(folder).isEmpty, "partial temporary files left: \(temporaryLeftovers(folder))")
    }
}
