import Data
import Engine
import Experiments
import Foundation
import Imaging
import Models
import Testing
import TestSupport

@Suite struct ColourisingTests {
    @Test func badLetterSetsGiveClearErrors() {
        let sizes = #expect(throws: (any Error).self) {
            try GreyscaleLetters(images: [[0, 0, 0, 0], [0]], labels: [0, 1], classNames: [], side: 2)
        }
        #expect("\(sizes!)".contains("mismatched sizes"))
        let rgb = ImageDataset(name: "rgb", height: 2, width: 2, channels: 3, pixels: [UInt8](repeating: 0, count: 12), labels: [0], classNames: ["a"])
        let channels = #expect(throws: (any Error).self) { try GreyscaleLetters(dataset: rgb) }
        #expect("\(channels!)".contains("must be greyscale"))
    }

    @Test func sameSeedGivesByteIdenticalDataset() throws {
        var rng = RandomGenerator(seed: 4)
        let background = DiverseBackgroundGenerator(hiddenSize: 8, using: &rng)
        let letters = try GreyscaleLetters(images: (0..<3).map { _ in Tensor.uniform([4096], low: -1, high: 1, using: &rng).scalars },
                                           labels: [0, 1, 2], classNames: ["a", "b", "c"], side: 64)
        let root = TemporaryDirectory()
        for name in ["one", "two"] {
            _ = try writeColourisedDataset(letters, backgrounds: background, options: ColourisationOptions(mode: .edge), seed: 9,
                                           output: root.file(name), overwrite: false)
        }
        for file in ["images/000002.png", "labels.csv", "images-idx3-ubyte", "preview.png"] {
            let a = try ReadableFile.contents(at: root.file("one/\(file)"))
            #expect(a == (try ReadableFile.contents(at: root.file("two/\(file)"))), "\(file)")
        }
        // A bad threshold writes nothing under the output name.
        #expect(throws: (any Error).self) {
            try writeColourisedDataset(letters, backgrounds: background, options: ColourisationOptions(threshold: -3), seed: 9,
                                       output: root.file("three"), overwrite: false)
        }
        #expect(!FileManager.default.fileExists(atPath: root.file("three")))
    }
}
