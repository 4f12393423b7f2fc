import Engine
import Foundation
import Imaging
import Testing
@testable import Experiments

/// `imagegen complete` with a sampling model, and what bad input gets: exit 64, a message naming the flag, nothing written.
@Suite(.serialized) struct SamplingCLITests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try CLIProcess(arguments, log: temporaryRunPath() + ".log").finish()
    }

    @Test func samplesAreRepeatablePerSeedAndBadFlagsAreRefused() throws {
        let data = try writePNGDataset()
        let run = temporaryRunPath()
        defer { try? FileManager.default.removeItem(atPath: run); try? FileManager.default.removeItem(atPath: data) }
        let trained = try Self.run(["train", "--dataset", "folder:\(data)", "--model", "pixelcnn", "--task", "complete", "--epochs", "1",
                                    "--batch-size", "8", "--threads", "1", "--quiet", "--output", run])
        #expect(trained.status == 0, "\(trained.output)")
        let image = "\(data)/img000.png"
        let out = temporaryRunPath()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let first = try Self.run(["complete", "--run", run, image, "--samples", "3", "--seed", "4", "--output", "\(out)/a.png"])
        #expect(first.status == 0, "\(first.output)")
        _ = try Self.run(["complete", "--run", run, image, "--samples", "3", "--seed", "4", "--output", "\(out)/b.png"])
        _ = try Self.run(["complete", "--run", run, image, "--samples", "3", "--seed", "5", "--output", "\(out)/c.png"])
        for k in 1...3 {
            let a = try readImage(at: "\(out)/a-\(k).png"), b = try readImage(at: "\(out)/b-\(k).png")
            #expect(a.width == 12 && a.height == 12)
            #expect(a.pixels == b.pixels, "sample \(k) differs between two runs with seed 4")
        }
        let c = try readImage(at: "\(out)/c-1.png"), a = try readImage(at: "\(out)/a-1.png")
        #expect(c.pixels != a.pixels, "seeds 4 and 5 drew the same sample")
        let original = try readImage(at: image)
        #expect(Array(a.pixels[0..<(7 * 12)]) == Array(original.pixels[0..<(7 * 12)]), "visible rows changed")
        #expect(try readImage(at: "\(out)/a.png").width > 3 * 12, "the grid holds the input and 3 samples")

        for (flags, named) in [(["--samples", "0"], "--samples"), (["--temperature", "-1"], "--temperature"), (["--temperature", "nan"], "--temperature")] {
            let bad = try Self.run(["complete", "--run", run, image, "--output", "\(out)/bad.png"] + flags)
            #expect(bad.status == 64, "\(flags): \(bad.output)")
            #expect(bad.output.contains(named), "\(bad.output)")
        }
        let wrongSize = "\(out)/wrong.png"
        try writeImage(Image(width: 5, height: 7, channels: 1, pixels: [Float](repeating: 0.5, count: 35)), to: wrongSize)
        let bad = try Self.run(["complete", "--run", run, wrongSize, "--samples", "2", "--output", "\(out)/bad.png"])
        #expect(bad.status == 64, "\(bad.output)")
        #expect(bad.output.contains("5×7"), "\(bad.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/bad.png") && !FileManager.default.fileExists(atPath: "\(out)/bad-1.png"))

        let reconstruct = try Self.run(["train", "--dataset", "folder:\(data)", "--model", "pixelcnn", "--epochs", "1", "--quiet",
                                        "--output", run + "-r"])
        #expect(reconstruct.status == 64 && reconstruct.output.contains("--task"), "\(reconstruct.output)")
    }
}
