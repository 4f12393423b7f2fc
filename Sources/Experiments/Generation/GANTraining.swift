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

public struct GANTrainingOptions: Codable, Sendable {
    public var epochs = 20
    public var batchSize = 128
    public var learningRate: Float = 2e-4
    public var seed: UInt64 = 0
    public var checkpointEvery = 5
    /// Rendered variants per letter when EMNIST is absent.
    public var perLetter = 1000
    public var emnistFolder: String?
    public var fontFolder = LetterRenderer.defaultFontFolder
    public var limit: Int?
    public var threads = 2
    /// Width of both networks' hidden layers (the article's 2048; smaller for tests).
    public var hiddenSize = 2048
    public init() {}
}

/// The letter GAN's training loop: sample grid every epoch, checkpoint every N epochs (with resume), the
/// classifier check (generated letters recognised as their conditioning letter) at every checkpoint.
public final class GANTrainer {
    public let options: GANTrainingOptions
    public let gan: ConditionalGAN
    public let data: LetterSet
    public var rng: RandomGenerator
    public private(set) var classifier: LetterClassifier?
    public private(set) var classifierTestAccuracy: Double = 0
    /// Asked after every batch; `true` saves a checkpoint at the batch boundary and stops (default: SIGINT/SIGTERM arrived).
    public var shouldStop: () -> Bool = { Interruption.requested != nil }

    public init(options: GANTrainingOptions, data: LetterSet) {
        self.options = options
        self.data = data
        var rng = RandomGenerator(seed: options.seed)
        gan = ConditionalGAN(hiddenSize: options.hiddenSize, learningRate: options.learningRate, using: &rng)
        self.rng = rng
    }

    /// The fraction of 20 generated samples per letter that the classifier recognises as their conditioning letter.
    public func generatedAccuracy(perLetter: Int = 20) -> Double {
        guard let classifier else { return .nan }
        var r = RandomGenerator(seed: options.seed &+ 99)
        let labels = (0..<(26 * perLetter)).map { $0 % 26 }
        let images = withoutGradients { gan.generator(Tensor.normal([labels.count, 64], using: &r), labels: labels) }
        return letterAccuracy(classifier, images: images, labels: labels)
    }

    /// Mode-collapse check: for each letter, the diversity (as for backgrounds: mean over pixels of the standard
    /// deviation across samples ÷ mean standard deviation within one sample) of `perLetter` generated samples,
    /// averaged over the 26 letters; with the same number for real letters of the training set as the reference.
    public func letterDiversity(perLetter: Int = 20) -> (generated: Double, real: Double) {
        var r = RandomGenerator(seed: options.seed &+ 101)
        var generated = 0.0, real = 0.0, realLetters = 0
        for letter in 0..<26 {
            let labels = [Int](repeating: letter, count: perLetter)
            let images = withoutGradients { gan.generator(Tensor.normal([perLetter, 64], using: &r), labels: labels) }
            generated += backgroundDiversity(images)
            let indices = Array(data.labels.indices.filter { data.labels[$0] == letter }.prefix(perLetter))
            if indices.count > 1 { real += backgroundDiversity(data.batch(indices)); realLetters += 1 }
        }
        return (generated / 26, realLetters > 0 ? real / Double(realLetters) : .nan)
    }

    public func train(into folder: RunFolder, resume: Bool, reporter: ProgressReporter) throws {
        let saved = BLAS.maximumThreads
        BLAS.maximumThreads = options.threads
        defer { BLAS.maximumThreads = saved }
        let discriminatorPath = "\(folder.path)/discriminator.safetensors"
        // The two networks are saved in two files: the discriminator goes to `pendingPath` first, then the
        // generator (the commit point), then the discriminator is renamed into place. A crash in between leaves
        // a pending file that resuming either completes (same position) or discards.
        let pendingPath = "\(folder.path)/discriminator.pending.safetensors"
        var startEpoch = 1
        var resumeBatch = 0
        var resumeEpochRng: RandomGenerator?
        var resumeTotals = (d: 0.0, g: 0.0)
        var rows: [String] = []
        if resume {
            let meta = try Checkpoint.load(folder.checkpointPath, into: gan.generator, optimizer: gan.generatorOptimizer)
            let position = { (m: [String: String]) in "\(m["epoch"] ?? "?")/\(m["batch"] ?? "0")" }
            if FileManager.default.fileExists(atPath: pendingPath) {
                if let pending = try? SafeTensors.read(pendingPath).metadata, position(pending) == position(meta) {
                    guard rename(pendingPath, discriminatorPath) == 0 else {
                        throw FileWriteError.writeFailed(path: discriminatorPath, reason: String(cString: strerror(errno)))
                    }
                } else {
                    unlink(pendingPath)
                }
            }
            let dMeta = try Checkpoint.load(discriminatorPath, into: gan.discriminator, optimizer: gan.discriminatorOptimizer)
            guard position(dMeta) == position(meta) else {
                throw ExperimentError.invalidFile(discriminatorPath, "discriminator is at epoch/batch \(position(dMeta)), the generator at \(position(meta))")
            }
            startEpoch = (Int(meta["epoch"] ?? "0") ?? 0) + 1
            if let words = meta["rng"]?.split(separator: " ").compactMap({ UInt64($0) }), words.count == 4 { rng = RandomGenerator(stateWords: words) }
            resumeBatch = Int(meta["batch"] ?? "0") ?? 0
            if resumeBatch > 0 {
                guard let words = meta["epoch_rng"]?.split(separator: " ").compactMap({ UInt64($0) }), words.count == 4 else {
                    throw ExperimentError.invalidFile(folder.checkpointPath, "mid-epoch checkpoint has no epoch_rng")
                }
                resumeEpochRng = RandomGenerator(stateWords: words)
                resumeTotals = (Double(bitPattern: UInt64(meta["d_sum"] ?? "") ?? 0), Double(bitPattern: UInt64(meta["g_sum"] ?? "") ?? 0))
            }
            if let csv = try? String(contentsOfFile: folder.metricsPath, encoding: .utf8) {
                rows = csv.split(separator: "\n").dropFirst().map(String.init).filter { (Int($0.split(separator: ",")[0]) ?? 0) < startEpoch }
            }
            reporter.line("resuming at epoch \(startEpoch)" + (resumeBatch > 0 ? ", batch \(resumeBatch + 1)" : ""))
        }
        func saveCheckpoint(_ meta: [String: String]) throws {
            if let bad = firstNonFiniteParameter(gan.parameters, values: true) {
                throw ExperimentError.nonFiniteValue(position: "epoch \(meta["epoch"]!), batch \(meta["batch"]!) (before saving)", value: .nan, firstLayer: bad)
            }
            try Checkpoint.save(gan.discriminator, optimizer: gan.discriminatorOptimizer, metadata: meta, to: pendingPath)
            try Checkpoint.save(gan.generator, optimizer: gan.generatorOptimizer,
                                metadata: meta.merging(["hidden_size": String(options.hiddenSize)]) { $1 }, to: folder.checkpointPath)
            guard rename(pendingPath, discriminatorPath) == 0 else {
                throw FileWriteError.writeFailed(path: discriminatorPath, reason: String(cString: strerror(errno)))
            }
        }
        try AtomicFile.write(String(decoding: try JSONEncoder().encode(options), as: UTF8.self), to: folder.configurationPath)
        reporter.line("letter GAN: generator \(gan.generator.parameterCount), discriminator \(gan.discriminator.parameterCount) parameters; \(data.source): \(data.count) images")
        // The classifier for the 80% check, trained by ImageGen on the training letters (last 10% held out).
        let split = data.count * 9 / 10
        let trainPart = LetterSet(images: Array(data.images[0..<(split * 4096)]), labels: Array(data.labels[0..<split]), source: "")
        let testPart = LetterSet(images: Array(data.images[(split * 4096)...]), labels: Array(data.labels[split...]), source: "")
        let (c, accuracy) = trainLetterClassifier(on: trainPart, test: testPart, seed: options.seed)
        classifier = c
        classifierTestAccuracy = accuracy
        reporter.line(String(format: "letter classifier: %.1f%% on held-out real letters", accuracy * 100))
        var fixedRng = RandomGenerator(seed: options.seed &+ 7)
        let fixedLabels = (0..<52).map { $0 % 26 }
        let fixedNoise = Tensor.normal([52, 64], using: &fixedRng)
        let start = DispatchTime.now().uptimeNanoseconds
        let batches = (data.count + options.batchSize - 1) / options.batchSize
        guard startEpoch <= options.epochs else {
            // Nothing to train: measure the checkpoint again and rewrite the report (with the diversity numbers).
            let accuracy = generatedAccuracy()
            reporter.line(String(format: "already trained %d epochs; generated letters recognised %.1f%%", startEpoch - 1, accuracy * 100))
            try writeGANReport(rows: rows, folder: folder, final: (startEpoch - 1, accuracy))
            return
        }
        let parameters = gan.parameters
        for epoch in startEpoch...options.epochs {
            // The batch order comes from the generator's state at the epoch's start (kept for mid-epoch resumes).
            var epochRng = epoch == startEpoch ? (resumeEpochRng ?? rng) : rng
            let epochStartState = epochRng.stateWords
            let order = epochRng.permutation(data.count)
            let firstBatch = epoch == startEpoch ? resumeBatch : 0
            if firstBatch == 0 { rng = epochRng }
            var dTotal = firstBatch > 0 ? resumeTotals.d : 0.0, gTotal = firstBatch > 0 ? resumeTotals.g : 0.0
            for b in firstBatch..<batches {
                let idx = Array(order[(b * options.batchSize)..<Swift.min((b + 1) * options.batchSize, order.count)])
                let (d, g) = gan.step(real: data.batch(idx), labels: idx.map { data.labels[$0] }, using: &rng)
                // A NaN gradient turns weights into NaN, which shows in the next loss (and is checked before every save).
                if !d.isFinite || !g.isFinite {
                    throw ExperimentError.nonFiniteLoss(epoch: epoch, batch: b + 1, value: d.isFinite ? g : d,
                                                        firstLayer: firstNonFiniteParameter(parameters) ?? firstNonFiniteParameter(parameters, values: true))
                }
                dTotal += Double(d); gTotal += Double(g)
                if b + 1 < batches, shouldStop() {
                    try saveCheckpoint(["epoch": String(epoch - 1), "batch": String(b + 1), "rng": rng.stateWords.map(String.init).joined(separator: " "),
                                        "epoch_rng": epochStartState.map(String.init).joined(separator: " "),
                                        "d_sum": String(dTotal.bitPattern), "g_sum": String(gTotal.bitPattern)])
                    throw ExperimentError.interrupted(signal: Interruption.requested.map(Interruption.name) ?? "a stop request",
                                                      checkpoint: folder.checkpointPath, position: "in epoch \(epoch) after batch \(b + 1)",
                                                      resume: "imagegen gan train --output \(folder.path) --resume")
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                reporter.batch(epoch: epoch, epochs: options.epochs, batch: b + 1, batches: batches, loss: g,
                               imagesPerSecond: Double(((epoch - startEpoch) * batches + b + 1) * options.batchSize) / seconds,
                               secondsLeft: seconds / Double((epoch - startEpoch) * batches + b + 1) * Double((options.epochs - epoch + 1) * batches - b - 1))
            }
            let samples = withoutGradients { gan.generator(fixedNoise, labels: fixedLabels) }
            try saveImageGrid(samples, to: folder.samplePath(String(format: "epoch%04d.png", epoch)),
                              options: ImageGridOptions(imagesPerRow: 13, valueRange: -1...1, labels: fixedLabels.map { String(UnicodeScalar(UInt8(97 + $0))) }))
            let isCheckpoint = epoch % options.checkpointEvery == 0 || epoch == options.epochs
            let accuracy = isCheckpoint ? generatedAccuracy() : .nan
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rows.append("\(epoch),\(dTotal / Double(batches)),\(gTotal / Double(batches)),\(accuracy),\(String(format: "%.1f", seconds))")
            reporter.line(String(format: "epoch %d/%d  D loss %.4f  G loss %.4f%@", epoch, options.epochs, dTotal / Double(batches), gTotal / Double(batches),
                                 accuracy.isNaN ? "" : String(format: "  generated letters recognised %.1f%%", accuracy * 100)))
            try AtomicFile.write((["epoch,d_loss,g_loss,generated_accuracy,seconds"] + rows).joined(separator: "\n") + "\n", to: folder.metricsPath)
            let stopping = epoch < options.epochs && shouldStop()
            if isCheckpoint || stopping {
                try saveCheckpoint(["epoch": String(epoch), "batch": "0", "rng": rng.stateWords.map(String.init).joined(separator: " ")])
            }
            try writeGANReport(rows: rows, folder: folder, final: epoch == options.epochs ? (epoch, accuracy) : nil)
            if stopping {
                throw ExperimentError.interrupted(signal: Interruption.requested.map(Interruption.name) ?? "a stop request",
                                                  checkpoint: folder.checkpointPath, position: "after epoch \(epoch)",
                                                  resume: "imagegen gan train --output \(folder.path) --resume")
            }
        }
    }

    /// `final` (the last epoch and its classifier check) adds the diversity numbers, measured on the current generator.
    func writeGANReport(rows: [String], folder: RunFolder, final: (epoch: Int, accuracy: Double)? = nil) throws {
        let fields = rows.map { $0.split(separator: ",").map { Double($0) ?? .nan } }
        var report = GenerationReport(title: "Conditional letter GAN")
        report.paragraph("\(data.source), \(data.count) images; batch \(options.batchSize); Adam \(options.learningRate), β (0.5, 0.999); seed \(options.seed).")
        report.paragraph(String(format: "Letter classifier (trained by ImageGen on the training letters): %.1f%% on held-out real letters.", classifierTestAccuracy * 100))
        let x = fields.map { $0[0] }
        report.chart(title: "losses per epoch", x: x, series: [("discriminator", fields.map { $0[1] }), ("generator", fields.map { $0[2] })])
        report.heading("Generated letters recognised as their conditioning letter (goal ≥ 80%)")
        report.table(header: ["epoch", "D loss", "G loss", "recognised"], rows: fields.filter { !$0[3].isNaN }.map {
            [String(Int($0[0])), String(format: "%.4f", $0[1]), String(format: "%.4f", $0[2]), String(format: "%.1f%%", $0[3] * 100)]
        })
        if let final {
            let diversity = letterDiversity()
            report.heading("Final generator (epoch \(final.epoch))")
            report.table(header: ["generated letters recognised", "diversity, generated", "diversity, real letters"], rows: [[
                String(format: "%.1f%%", final.accuracy * 100), String(format: "%.3f", diversity.generated), String(format: "%.3f", diversity.real)]])
            report.paragraph("Diversity: for each letter, 20 samples; mean over pixels of the standard deviation across the samples ÷ the mean "
                             + "standard deviation within one sample, averaged over the 26 letters (0 = every sample of a letter identical).")
        }
        report.heading("Samples")
        for f in fields where Int(f[0]) % options.checkpointEvery == 0 || Int(f[0]) == options.epochs || f.count > 0 && f[0] == x.last {
            report.image(String(format: "samples/epoch%04d.png", Int(f[0])), caption: "epoch \(Int(f[0]))")
        }
        try report.write(to: folder.reportPath)
    }
}

/// Loads a trained generator from a GAN run folder.
public func loadLetterGenerator(run: String) throws -> ConditionalGenerator {
    let path = "\(run)/model.safetensors"
    guard FileManager.default.fileExists(atPath: path) else { throw ExperimentError.missingFile(path) }
    var rng = RandomGenerator(seed: 0)
    let hidden = (try? SafeTensors.read(path).metadata["hidden_size"].flatMap(Int.init)) ?? nil
    let generator = ConditionalGenerator(hiddenSize: hidden ?? 2048, using: &rng)
    try Checkpoint.load(path, into: generator)
    return generator
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
