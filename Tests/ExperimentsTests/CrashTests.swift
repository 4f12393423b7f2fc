import Engine
import Foundation
import Imaging
import NN
import Testing
@testable import Experiments

/// The `imagegen` executable next to the test bundle (SwiftPM builds every product before `swift test` runs).
func imagegenExecutable() throws -> String {
    var candidates: [String] = []
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("imagegen").path)
    }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("imagegen").path)
    candidates.append(Bundle.main.bundleURL.appendingPathComponent("imagegen").path)
    for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
    throw ExperimentError.missingFile("imagegen next to the tests (looked at \(candidates)); build it with swift build")
}

/// A running `imagegen` process whose output goes to files.
final class CLIProcess {
    let process = Process()
    let outputPath: String

    init(_ arguments: [String], log: String) throws {
        outputPath = log
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: try imagegenExecutable())
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit; returns the status and everything the process printed.
    func finish() -> (status: Int32, output: String) {
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    var isRunning: Bool { process.isRunning }
}

/// 64 small greyscale PNGs (12×12 blobs; the final report's SSIM needs 11×11) in a fresh folder.
func writePNGDataset() throws -> String {
    let folder = temporaryRunPath() + "-pngs"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let data = blobDataset(count: 64, size: 12, seed: 11)
    for i in 0..<64 {
        let pixels = data.pixels[(i * 144)..<((i + 1) * 144)].map { Float($0) / 255 }
        try writeImage(Image(width: 12, height: 12, channels: 1, pixels: Array(pixels)), to: String(format: "%@/img%03d.png", folder, i))
    }
    return folder
}

func trainArguments(data: String, output: String, epochs: Int) -> [String] {
    ["train", "--dataset", "folder:\(data)", "--model", "dense", "--latent", "4", "--epochs", String(epochs), "--batch-size", "4",
     "--threads", "1", "--quiet", "--output", output]
}

/// The tensors of a run's checkpoint: the weights and the optimiser state.
func checkpointTensors(_ run: String) throws -> [String: [Float]] {
    let weights = try SafeTensors.read("\(run)/model.safetensors").tensors.mapValues(\.scalars)
    let state = try SafeTensors.read("\(run)/\(RunState.fileName)").tensors.mapValues(\.scalars)
    return weights.merging(state.map { ("state." + $0.key, $0.value) }) { a, _ in a }
}

/// The run state a checkpoint holds.
func savedRunState(_ run: String) throws -> RunState {
    let json = try #require(SafeTensors.readMetadata("\(run)/\(RunState.fileName)")["run_state"])
    return try JSONDecoder().decode(RunState.self, from: Data(json.utf8))
}

/// Checks that whatever a killed run left in `folder` is complete: the weights load as a model, and they pair with
/// the run state — written by the same save, or one save behind with that save's weights pending (resuming renames them).
func expectLoadableRun(_ folder: String) throws {
    let checkpoint = "\(folder)/model.safetensors"
    guard FileManager.default.fileExists(atPath: checkpoint) else { return }
    _ = try TrainedModel(runFolder: folder)
    let state = try savedRunState(folder)
    let generation = try SafeTensors.readMetadata(checkpoint)["checkpoint_generation"]
    if generation != String(state.generation) {
        let pending = try SafeTensors.readMetadata("\(folder)/model.pending.safetensors")["checkpoint_generation"]
        #expect(pending == String(state.generation), "model.safetensors is from save \(generation ?? "?"), the state from \(state.generation)")
    }
    if FileManager.default.fileExists(atPath: "\(folder)/metrics.csv") {
        #expect(try MetricsLog.read("\(folder)/metrics.csv").columns == ["epoch", "train_mse", "validation_mse", "seconds"])
    }
}

/// Real `imagegen train` processes killed at random moments.
@Suite(.serialized) struct CrashTests {
    static let epochs = 150

    /// SIGKILL at random moments, at least 20 times; after every kill the leftover checkpoint loads and the run
    /// resumes from it, and the finished run's weights are bit-identical to an uninterrupted run's.
    @Test func killedRunsLeaveLoadableCheckpointsAndResumeExactly() throws {
        let data = try writePNGDataset()
        let reference = temporaryRunPath(), run = temporaryRunPath(), log = temporaryRunPath() + ".log"
        defer { for p in [data, reference, run, log] { try? FileManager.default.removeItem(atPath: p) } }
        let start = Date()
        let straight = try CLIProcess(trainArguments(data: data, output: reference, epochs: Self.epochs), log: log).finish()
        try #require(straight.status == 0, "reference run failed: \(straight.output)")
        let seconds = Date().timeIntervalSince(start)
        let expected = try checkpointTensors(reference)

        var rng = RandomGenerator(seed: UInt64(Date().timeIntervalSince1970 * 1000))
        var kills = 0, completions = 0, resumes = 0
        while kills < 20 || completions == 0 {
            let resuming = FileManager.default.fileExists(atPath: "\(run)/model.safetensors")
            if resuming { resumes += 1 }
            let process = try CLIProcess(trainArguments(data: data, output: run, epochs: Self.epochs) + [resuming ? "--resume" : "--overwrite"], log: log)
            if kills < 20 {
                // Anywhere from start-up to a fifth of a whole run.
                let delay = Double(rng.nextInt(below: 1000)) / 1000 * seconds / 5
                Thread.sleep(forTimeInterval: delay)
                if process.isRunning { process.signal(SIGKILL); kills += 1 }
            }
            let (status, output) = process.finish()
            if process.process.terminationReason == .exit {
                try #require(status == 0, "run failed after \(kills) kills: \(output)")
                completions += 1
                let got = try checkpointTensors(run)
                #expect(got == expected, "weights differ from the uninterrupted run after \(kills) kills, \(resumes) resumes")
                try FileManager.default.removeItem(atPath: run)
            } else {
                try expectLoadableRun(run)
            }
            #expect(Date().timeIntervalSince(start) < 120, "crash test is taking too long")
            if Date().timeIntervalSince(start) > 120 { break }
        }
        #expect(kills >= 20)
        #expect(resumes > 0)
        print("crash test: \(kills) kills, \(resumes) resumes, \(completions) completed runs in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    /// SIGTERM finishes the batch, saves a checkpoint and exits non-zero saying how to resume; resuming ends
    /// with the weights of an uninterrupted run.
    @Test func sigtermSavesACheckpointAndPrintsHowToResume() throws {
        let data = try writePNGDataset()
        let reference = temporaryRunPath(), run = temporaryRunPath(), log = temporaryRunPath() + ".log"
        defer { for p in [data, reference, run, log] { try? FileManager.default.removeItem(atPath: p) } }
        let epochs = 60
        let straight = try CLIProcess(trainArguments(data: data, output: reference, epochs: epochs), log: log).finish()
        try #require(straight.status == 0, "reference run failed: \(straight.output)")

        let process = try CLIProcess(trainArguments(data: data, output: run, epochs: epochs), log: log)
        // Wait for the first epoch's checkpoint, so training is under way.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: "\(run)/model.safetensors"), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.signal(SIGTERM)
        let (status, output) = process.finish()
        try #require(process.process.terminationReason == .exit, "killed by the signal instead of stopping: \(output)")
        #expect(status != 0)
        #expect(output.contains("interrupted by SIGTERM"), "\(output)")
        #expect(output.contains("imagegen train --output \(run) --resume"), "\(output)")
        try expectLoadableRun(run)
        let epoch = try savedRunState(run).position.epoch
        #expect(epoch < epochs)

        let resumed = try CLIProcess(trainArguments(data: data, output: run, epochs: epochs) + ["--resume"], log: log).finish()
        try #require(resumed.status == 0, "resume failed: \(resumed.output)")
        #expect(try checkpointTensors(run) == checkpointTensors(reference))
    }
}
