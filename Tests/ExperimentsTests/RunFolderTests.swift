import Data
import Engine
import Foundation
import NN
import Testing
@testable import Experiments

/// Every run-folder file loads back or fails with a typed error naming the file.
@Suite struct RunFolderTests {
    func trainedDenseRun() throws -> String {
        let path = temporaryRunPath()
        var c = smallConfiguration(.dense, epochs: 1)
        c.dataset = "folder:" + (try writePNGDataset())
        try TrainingSession(configuration: c, runFolder: path, mode: .create, reporter: ProgressReporter(quiet: true)).run()
        return path
    }

    @Test func foldersOfTheFirstFormatAreRefusedNamingTheVersion() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try #"{"model": "dense", "task": "reconstruct"}"#.write(toFile: "\(path)/config.json", atomically: true, encoding: .utf8)
        #expect(throws: ExperimentError.unsupportedRunFormat(path: "\(path)/config.json", version: 1)) { try TrainedModel(runFolder: path) }
        #expect(ExperimentError.unsupportedRunFormat(path: "p", version: 1).description.contains("format version 1"))
    }

    @Test func aFolderOfAnotherJobSaysWhichJobItHolds() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var c = tinyBackgroundConfiguration(steps: 2)
        c.kind = .faithful
        try BackgroundJob.train(c, runFolder: path, mode: .create, reporter: ProgressReporter(quiet: true))
        #expect(throws: ExperimentError.wrongJob(folder: path, holds: .background, expected: .autoencoder)) { try TrainedModel(runFolder: path) }
        #expect(throws: ExperimentError.wrongJob(folder: path, holds: .background, expected: .gan)) { try loadLetterGenerator(run: path) }
        #expect(ExperimentError.wrongJob(folder: path, holds: .background, expected: .autoencoder).description
            == "\(path) holds a background generator, not an autoencoder (reconstruction or completion)")
        #expect(try loadBackgroundModel(run: path).parameterCount > 0)
    }

    @Test func damagedFilesAreNamed() throws {
        let path = try trainedDenseRun()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try TrainedModel(runFolder: path)
        // metrics.csv with a line that is not numbers.
        try "epoch,train_mse,validation_mse,seconds\n1,0.1,x,2\n".write(toFile: "\(path)/metrics.csv", atomically: true, encoding: .utf8)
        #expect(throws: ExperimentError.invalidFile("\(path)/metrics.csv", "line 2 does not hold 4 numbers")) { try MetricsLog.read("\(path)/metrics.csv") }
        // A truncated training state.
        let state = try ReadableFile.contents(at: "\(path)/\(RunState.fileName)")
        try Data(state.prefix(state.count / 2)).write(to: URL(fileURLWithPath: "\(path)/\(RunState.fileName)"))
        #expect { _ = try RunCheckpoint.restore(networks: [], optimizers: [], from: try RunFolder(existing: path)) } throws: { error in
            "\(error)".contains("\(path)/\(RunState.fileName)")
        }
        // config.json that is not JSON.
        try "{not json".write(toFile: "\(path)/config.json", atomically: true, encoding: .utf8)
        #expect(throws: ExperimentError.invalidFile("\(path)/config.json", "not a JSON object")) { try TrainedModel(runFolder: path) }
    }

    /// The loader takes exactly the model's tensors: an extra or a missing one is refused, by name.
    @Test func strictLoadingNamesExtraAndMissingTensors() throws {
        let path = try trainedDenseRun()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = "\(path)/model.safetensors"
        var (tensors, metadata) = try SafeTensors.read(file)
        let names = tensors.keys.sorted()
        tensors["optimizer.encoder.weight.exp_avg"] = tensors[names[0]]
        try SafeTensors.write(tensors, metadata: metadata, to: file)
        #expect(throws: CheckpointError.unexpectedTensors(path: file, names: ["optimizer.encoder.weight.exp_avg"])) { try TrainedModel(runFolder: path) }
        tensors["optimizer.encoder.weight.exp_avg"] = nil
        tensors[names[1]] = nil
        try SafeTensors.write(tensors, metadata: metadata, to: file)
        #expect(throws: CheckpointError.missingTensors(path: file, names: [names[1]])) { try TrainedModel(runFolder: path) }
    }
}

/// Bad flags and empty datasets fail before anything is written.
@Suite struct BadInputTests {
    @Test(arguments: [(["--lr", "nan"], "--lr"), (["--warmup", "1.5"], "--warmup"), (["--clip", "-1"], "--clip"),
                      (["--limit", "0"], "--limit"), (["--epochs", "0"], "--epochs"), (["--batch-size", "-3"], "--batch-size")])
    func badNumbersAreUsageErrorsAndWriteNothing(flags: [String], flag: String) throws {
        let run = temporaryRunPath(), log = temporaryRunPath() + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let (status, output) = try CLIProcess(["train", "--output", run] + flags, log: log).finish()
        #expect(status == 64, "\(output)")
        #expect(output.contains("\(flag) "), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: run))
    }

    @Test func backgroundAndGANFlagsAreCheckedToo() throws {
        let run = temporaryRunPath(), log = temporaryRunPath() + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        for arguments in [["backgrounds", "train", "--lr", "inf"], ["backgrounds", "train", "--checkpoint-every", "0"], ["gan", "train", "--epochs", "-1"]] {
            let (status, output) = try CLIProcess(arguments + ["--output", run], log: log).finish()
            #expect(status == 64, "\(arguments): \(output)")
            #expect(!FileManager.default.fileExists(atPath: run))
        }
    }

    @Test func aDatasetWithNoImagesFailsBeforeTraining() throws {
        let data = temporaryRunPath(), run = temporaryRunPath(), log = temporaryRunPath() + ".log"
        defer { for p in [data, run, log] { try? FileManager.default.removeItem(atPath: p) } }
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        for (prefix, dims) in [("train", 0), ("t10k", 0)] {
            try IDXFile.write(IDXArray(dims: [dims, 28, 28], bytes: []), to: "\(data)/\(prefix)-images-idx3-ubyte")
            try IDXFile.write(IDXArray(dims: [dims], bytes: []), to: "\(data)/\(prefix)-labels-idx1-ubyte")
        }
        let (status, output) = try CLIProcess(["train", "--dataset", "mnist", "--data-dir", data, "--output", run, "--quiet"], log: log).finish()
        #expect(status != 0)
        #expect(output.contains("dataset mnist number 0"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: run))
    }
}

@Suite struct ResumeLengthTests {
    /// A resumed run keeps its saved length unless the request asks for a longer one.
    @Test func resumingKeepsTheSavedLengthUnlessAskedForMore() throws {
        let path = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var c = tinyBackgroundConfiguration(steps: 2)
        try BackgroundJob.train(c, runFolder: path, mode: .create, reporter: ProgressReporter(quiet: true))
        c.steps = 0  // what the CLI asks for when --steps is not given
        let kept = try BackgroundJob.train(c, runFolder: path, mode: .resume, reporter: ProgressReporter(quiet: true))
        #expect(kept.rows.map { Int($0[0]) } == [1, 2])
        c.steps = 3
        let longer = try BackgroundJob.train(c, runFolder: path, mode: .resume, reporter: ProgressReporter(quiet: true))
        #expect(longer.rows.map { Int($0[0]) } == [1, 2, 3])
        #expect(try RunConfiguration.read(BackgroundConfiguration.self, from: path).steps == 3)
    }
}
