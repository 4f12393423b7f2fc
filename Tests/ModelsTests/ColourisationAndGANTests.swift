import Data
import Engine
import Experiments
import Foundation
import Imaging
import Models
import NN
import XCTest

final class ColourisationAndGANTests: XCTestCase {
    let plane: [Float] = (0..<16).map(Float.init)

    func testChannelEditsOn4x4() {
        XCTAssertEqual(transposedPlane(plane, side: 4)[1], 4)      // out[0][1] = in[1][0]
        let cw = rotatedClockwise(plane, side: 4)
        XCTAssertEqual(Array(cw[0..<4]), [12, 8, 4, 0])              // first row = first column read bottom-up
        XCTAssertEqual(rotatedCounterClockwise(cw, side: 4), plane)
        // Laplacian of a constant 1 plane with zero padding: interior 0, corner 3 − 8 = −5, edge 5 − 8 = −3.
        let edges = laplacianEdges([Float](repeating: 1, count: 16), height: 4, width: 4)
        XCTAssertEqual(edges[0], -5); XCTAssertEqual(edges[1], -3); XCTAssertEqual(edges[5], 0)
    }

    func testFourModesOn4x4() throws {
        let background = Image(width: 4, height: 4, channels: 3, pixels: (0..<48).map { Float($0 % 3 + 1) / 4 })
        var letter = [Float](repeating: -1, count: 16)
        letter[5] = 1; letter[6] = 1
        for mode in [ColourisationMode.colouredLetter, .colouredBackground] {
            var rng = RandomGenerator(seed: 1)
            let raw = try colouriseRaw(letter: letter, height: 4, width: 4, background: background,
                                       options: ColourisationOptions(mode: mode), using: &rng)
            for c in 0..<3 {
                XCTAssertEqual(raw[c][5] == 0, mode == .colouredBackground)
                XCTAssertEqual(raw[c][0] == 0, mode == .colouredLetter)
            }
        }
        var rng = RandomGenerator(seed: 2)
        let raw = try colouriseRaw(letter: letter, height: 4, width: 4, background: background,
                                   options: ColourisationOptions(mode: .letterChannel), using: &rng)
        XCTAssertTrue(raw.contains(letter))
        rng = RandomGenerator(seed: 2)
        let edge = try colouriseRaw(letter: letter, height: 4, width: 4, background: background, options: ColourisationOptions(mode: .edge), using: &rng)
        XCTAssertTrue(edge.joined().contains { $0 < 0 || $0 > 1 })
        let shown = try colourise(letter: letter, height: 4, width: 4, background: background, options: ColourisationOptions(mode: .colouredBackground), using: &rng)
        XCTAssertEqual(shown[1, 1, 0], 0.5) // a zeroed letter pixel shows as mid-grey
        let blend = try colouriseRaw(letter: letter, height: 4, width: 4, background: background, options: ColourisationOptions(mode: .blend), using: &rng)
        XCTAssertEqual(blend[0][5], 0.75, accuracy: 1e-6) // |0.25 − 1|
    }

    func testBadInputsGiveClearErrors() {
        var rng = RandomGenerator(seed: 0)
        let background = Image(width: 4, height: 4, channels: 3, filledWith: 0.5)
        XCTAssertThrowsError(try colouriseRaw(letter: [Float](repeating: 0, count: 16), height: 4, width: 4, background: background,
                                              options: ColourisationOptions(threshold: 1.5), using: &rng)) {
            XCTAssertTrue("\($0)".contains("threshold"))
        }
        XCTAssertThrowsError(try colouriseRaw(letter: [Float](repeating: 0, count: 9), height: 3, width: 3, background: background,
                                              options: ColourisationOptions(), using: &rng)) { XCTAssertTrue("\($0)".contains("does not match")) }
        XCTAssertThrowsError(try GreyscaleLetters(images: [[0, 0, 0, 0], [0]], labels: [0, 1], classNames: [], side: 2)) {
            XCTAssertTrue("\($0)".contains("mismatched sizes"))
        }
        let rgb = ImageDataset(name: "rgb", height: 2, width: 2, channels: 3, pixels: [UInt8](repeating: 0, count: 12), labels: [0], classNames: ["a"])
        XCTAssertThrowsError(try GreyscaleLetters(dataset: rgb)) { XCTAssertTrue("\($0)".contains("must be greyscale")) }
        XCTAssertThrowsError(try LetterRenderer(fontFolder: "/nonexistent-fonts")) { XCTAssertTrue("\($0)".contains("no TrueType fonts")) }
    }

    func testSameSeedGivesByteIdenticalDataset() throws {
        var rng = RandomGenerator(seed: 4)
        let background = DiverseBackgroundGenerator(hiddenSize: 8, using: &rng)
        let letters = try GreyscaleLetters(images: (0..<3).map { _ in Tensor.uniform([4096], low: -1, high: 1, using: &rng).scalars },
                                           labels: [0, 1, 2], classNames: ["a", "b", "c"], side: 64)
        let root = NSTemporaryDirectory() + "colourise-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["one", "two"] {
            _ = try writeColourisedDataset(letters, backgrounds: background, options: ColourisationOptions(mode: .edge), seed: 9,
                                           output: "\(root)/\(name)", overwrite: false)
        }
        for file in ["images/000002.png", "labels.csv", "images-idx3-ubyte", "preview.png"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(root)/one/\(file)"))
            XCTAssertEqual(a, try Data(contentsOf: URL(fileURLWithPath: "\(root)/two/\(file)")), file)
        }
        // A bad threshold writes nothing under the output name.
        XCTAssertThrowsError(try writeColourisedDataset(letters, backgrounds: background, options: ColourisationOptions(threshold: -3), seed: 9,
                                                        output: "\(root)/three", overwrite: false))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(root)/three"))
    }

    func testRenderedLetters() throws {
        let renderer = try LetterRenderer()
        var rng = RandomGenerator(seed: 0)
        let (images, labels) = try renderer.renderAlphabet(perLetter: 1, using: &rng)
        XCTAssertEqual(labels, Array(0..<26))
        XCTAssertEqual(images.count, 26 * 784)
        XCTAssertGreaterThan(images.max()!, 0.9)
        XCTAssertEqual(images[0], 0) // the corner stays black
    }

    func testGANStepReducesDiscriminatorLossOnToySet() {
        var rng = RandomGenerator(seed: 0)
        let gan = ConditionalGAN(classCount: 2, hiddenSize: 32, learningRate: 1e-3, using: &rng)
        XCTAssertEqual(ConditionalGenerator(using: &rng).parameterCount, 26 * 16 + 80 * 2048 + 2048 + 2048 * 2048 + 2048 + 2048 * 4096 + 4096)
        // Toy set: class 0 all −1 with a bright square, class 1 all +1.
        var pixels = [Float](repeating: -1, count: 4 * 4096)
        for i in (2 * 4096)..<(4 * 4096) { pixels[i] = 1 }
        let real = Tensor(shape: [4, 64, 64, 1], scalars: pixels)
        let labels = [0, 0, 1, 1]
        let first = gan.step(real: real, labels: labels, using: &rng)
        var last = first
        for _ in 0..<5 { last = gan.step(real: real, labels: labels, using: &rng) }
        XCTAssertTrue(first.discriminatorLoss.isFinite && last.generatorLoss.isFinite)
        XCTAssertLessThan(last.discriminatorLoss, first.discriminatorLoss)
        let images = withoutGradients { gan.generator(Tensor.normal([2, 64], using: &rng), labels: [0, 1]) }
        XCTAssertEqual(images.shape, [2, 64, 64, 1])
        XCTAssertTrue(images.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    func testSoftmaxCrossEntropy() {
        let logits = Tensor(shape: [1, 2], scalars: [0, 0], requiresGradient: true)
        let loss = softmaxCrossEntropy(logits: logits, labels: [1])
        XCTAssertEqual(loss.scalar, Float(log(2.0)), accuracy: 1e-6)
        loss.backward()
        XCTAssertEqual(logits.gradient!.scalars, [0.5, -0.5])
    }
}
