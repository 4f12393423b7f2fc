import Data
import Engine
import Foundation
import Imaging
import Models
import NN

/// Letters for the GAN: `[N, 64, 64, 1]` in [−1, 1] with labels 0…25.
public struct LetterSet {
    public let images: [Float]
    public let labels: [Int]
    public let source: String
    public var count: Int { labels.count }
    public static let side = 64

    public init(images: [Float], labels: [Int], source: String) {
        self.images = images
        self.labels = labels
        self.source = source
    }

    /// Upright 28×28 images in [0, 1] → 64×64 bilinear, scaled to [−1, 1] (spec §3).
    public init(upright28 pixels: [Float], labels: [Int], source: String) {
        var images: [Float] = []
        images.reserveCapacity(labels.count * 4096)
        for i in 0..<labels.count {
            let small = Image(width: 28, height: 28, channels: 1, pixels: Array(pixels[(i * 784)..<((i + 1) * 784)]))
            images += small.resized(width: 64, height: 64).pixels.map { $0 * 2 - 1 }
        }
        self.init(images: images, labels: labels, source: source)
    }

    public func batch(_ indices: [Int]) -> Tensor {
        let out = TensorStorage(count: indices.count * 4096, zeroed: false)
        images.withUnsafeBufferPointer { src in
            for (r, i) in indices.enumerated() { (out.pointer + r * 4096).update(from: src.baseAddress! + i * 4096, count: 4096) }
        }
        return Tensor(shape: [indices.count, 64, 64, 1], storage: out)
    }

    /// EMNIST `letters` (train) from `folder` when it holds the files, otherwise `perLetter` rendered variants
    /// of each letter, also written in EMNIST's layout (transposed, labels 1…26) to `renderedFolder` when given.
    public static func load(emnistFolder: String?, perLetter: Int, fontFolder: String, seed: UInt64, limit: Int?,
                            renderedFolder: String?) throws -> LetterSet {
        if let folder = emnistFolder, let set = try? EMNISTDataset.load(from: folder, split: .letters) {
            let data = limit.map { set.prefix($0) } ?? set
            let pixels = data.pixels.map { byteToUnit[Int($0)] }
            return LetterSet(upright28: pixels, labels: data.labels, source: "EMNIST letters (\(folder))")
        }
        let rendered = try renderedLetters(perLetter: perLetter, fontFolder: fontFolder, seed: seed)
        if let out = renderedFolder {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var bytes = [UInt8](repeating: 0, count: rendered.images.count)
            for i in 0..<rendered.labels.count {
                for y in 0..<28 { for x in 0..<28 {
                    bytes[i * 784 + x * 28 + y] = UInt8((Swift.min(Swift.max(rendered.images[i * 784 + y * 28 + x], 0), 1) * 255).rounded())
                } }
            }
            try IDXFile.write(IDXArray(dims: [rendered.labels.count, 28, 28], bytes: bytes), to: "\(out)/emnist-letters-train-images-idx3-ubyte")
            try IDXFile.write(IDXArray(dims: [rendered.labels.count], bytes: rendered.labels.map { UInt8($0 + 1) }),
                              to: "\(out)/emnist-letters-train-labels-idx1-ubyte")
        }
        return LetterSet(upright28: rendered.images, labels: rendered.labels, source: "rendered DejaVu letters (\(perLetter) per letter)")
    }

    static func renderedLetters(perLetter: Int, fontFolder: String, seed: UInt64) throws -> (images: [Float], labels: [Int]) {
        let renderer = try LetterRenderer(fontFolder: fontFolder)
        var rng = RandomGenerator(seed: seed)
        var (images, labels) = try renderer.renderAlphabet(perLetter: perLetter, using: &rng)
        // Interleave so any prefix holds every letter.
        let order = rng.permutation(labels.count)
        var shuffled = [Float](repeating: 0, count: images.count)
        for (to, from) in order.enumerated() { for j in 0..<784 { shuffled[to * 784 + j] = images[from * 784 + j] } }
        images = shuffled
        labels = order.map { labels[$0] }
        return (images, labels)
    }
}

/// Trains the small letter classifier (Adam 1e-3, batch 128) and returns it with its accuracy on `test`.
public func trainLetterClassifier(on training: LetterSet, test: LetterSet, epochs: Int = 12, seed: UInt64 = 0) -> (LetterClassifier, Double) {
    var rng = RandomGenerator(seed: seed)
    let classifier = LetterClassifier(using: &rng)
    let optimizer = Adam(learningRate: 1e-3)
    let parameters = classifier.parameters
    for _ in 0..<epochs {
        let order = rng.permutation(training.count)
        for start in stride(from: 0, to: order.count, by: 128) {
            let idx = Array(order[start..<Swift.min(start + 128, order.count)])
            classifier.zeroGradients()
            softmaxCrossEntropy(logits: classifier(training.batch(idx)), labels: idx.map { training.labels[$0] }).backward()
            optimizer.update(parameters)
        }
    }
    return (classifier, letterAccuracy(classifier, images: test.batch(Array(0..<test.count)), labels: test.labels))
}

public func letterAccuracy(_ classifier: LetterClassifier, images: Tensor, labels: [Int]) -> Double {
    let predicted = classifier.predict(images)
    return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(Swift.max(labels.count, 1))
}

/// Generated letters for a text (a–z only; other characters are rejected): `[count, 64, 64, 1]`.
public func generateLetters(_ generator: ConditionalGenerator, text: String, using rng: inout RandomGenerator) throws -> Tensor {
    let labels = try text.lowercased().map { ch -> Int in
        guard let a = ch.asciiValue, a >= 97, a <= 122 else { throw ExperimentError.invalidArgument("--text may only hold letters a–z, not '\(ch)'") }
        return Int(a) - 97
    }
    guard !labels.isEmpty else { throw ExperimentError.invalidArgument("--text is empty") }
    return withoutGradients { generator(Tensor.normal([labels.count, 64], using: &rng), labels: labels) }
}
