import Data
import Engine
import Foundation
import Imaging
import Models
import NN

/// Settings of a letter-GAN run (defaults are the article's).
public struct GANConfiguration: JobConfiguration, Equatable {
    public static let length = \Self.epochs
    public static let job = JobKind.gan
    /// Passes over the letters (the article's 200; 20 show recognisable letters).
    public var epochs = 20
    public var batchSize = 128
    /// Adam's learning rate for both networks.
    public var learningRate: Float = 2e-4
    /// A checkpoint and the classifier check every this many epochs (and after the last).
    public var checkpointEvery = 5
    public var seed: UInt64 = 0
    /// Rendered variants per letter when EMNIST is absent.
    public var perLetter = 1000
    public var emnistFolder: String?
    public var fontFolder = LetterRenderer.defaultFontFolder
    public var limit: Int?
    public var threads = 2
    /// Width of both networks' hidden layers (the article's 2048; smaller for tests).
    public var hiddenSize = 2048
    public init() {}


    public func validate() throws {
        try Validate.positive([("--epochs", epochs), ("--batch-size", batchSize), ("--checkpoint-every", checkpointEvery),
                               ("--threads", threads), ("--hidden-size", hiddenSize), ("--limit", limit)])
        try Validate.atLeast(2, perLetter, flag: "--per-letter")
        try Validate.positive([("--lr", learningRate)])
    }
}

/// Trains the conditional letter GAN (spec §3): per batch one discriminator step (real → 1, generated → 0) and one
/// generator step on fresh noise (target 1), both Adam lr 2e-4, β (0.5, 0.999). A sample grid every epoch; at every
/// checkpoint the share of generated letters a classifier (trained by ImageGen on the real letters) recognises.
public final class GANJob: TrainingJob {
    public static let kind = JobKind.gan
    public let configuration: GANConfiguration
    public let data: LetterSet
    public let generator: ConditionalGenerator
    public let discriminator: ConditionalDiscriminator
    public let generatorOptimizer: Adam
    public let discriminatorOptimizer: Adam
    public var generators: [String: RandomGenerator]
    public let plan: TrainingPlan
    private let generatorSlot: OptimizerSlot
    private let discriminatorSlot: OptimizerSlot
    private let fixedNoise: Tensor
    private let fixedLabels = (0..<52).map { $0 % 26 }
    /// The judge of generated letters and its accuracy on held-out real letters (trained when first needed).
    public private(set) var classifier: (model: LetterClassifier, accuracy: Double)?

    public init(configuration c: GANConfiguration, data: LetterSet) throws {
        try c.validate()
        guard data.count > 0 else { throw ExperimentError.emptyDataset(name: data.source, partition: "training", count: 0) }
        configuration = c
        self.data = data
        var rng = RandomGenerator(seed: c.seed)
        generator = ConditionalGenerator(hiddenSize: c.hiddenSize, using: &rng)
        discriminator = ConditionalDiscriminator(hiddenSize: c.hiddenSize, using: &rng)
        generators = ["noise": rng]
        generatorOptimizer = Adam(learningRate: c.learningRate, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, convention: .pytorch)
        discriminatorOptimizer = Adam(learningRate: c.learningRate, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, convention: .pytorch)
        generatorSlot = OptimizerSlot(name: "generator", optimizer: generatorOptimizer, parameters: generator.parameters)
        discriminatorSlot = OptimizerSlot(name: "discriminator", optimizer: discriminatorOptimizer, parameters: discriminator.parameters)
        var plan = TrainingPlan(epochs: c.epochs, batchSize: c.batchSize, trainingCount: data.count, lossNames: ["d_loss", "g_loss"])
        plan.checkpointEvery = c.checkpointEvery
        plan.checksGradients = false
        plan.threads = c.threads
        plan.seed = c.seed
        self.plan = plan
        var fixedRng = RandomGenerator(seed: c.seed &+ 7)
        fixedNoise = Tensor.normal([52, ConditionalGenerator.noiseSize], using: &fixedRng)
    }

    public var summary: String {
        "letter GAN: generator \(generator.parameterCount), discriminator \(discriminator.parameterCount) parameters; \(data.source): \(data.count) images"
    }

    public var checkpointMetadata: [String: String] { ["hidden_size": String(configuration.hiddenSize)] }
    public var networks: [SavedNetwork] { [SavedNetwork(name: "model", module: generator), SavedNetwork(name: "discriminator", module: discriminator)] }
    public var optimizers: [OptimizerSlot] { [generatorSlot, discriminatorSlot] }
    public var measureNames: [String] { ["generated_accuracy"] }

    public func step(_ batch: [Int], update: StepUpdate) throws -> [Float] {
        let losses = try adversarialStep(real: data.batch(batch), labels: batch.map { data.labels[$0] }, update: update)
        return [losses.discriminator, losses.generator]
    }

    /// One discriminator step (generator output detached), then one generator step. `real` is `[N, 64, 64, 1]` in [−1, 1].
    public func adversarialStep(real: Tensor, labels: [Int], update: StepUpdate) throws -> (discriminator: Float, generator: Float) {
        var rng = generators["noise"]!
        defer { generators["noise"] = rng }
        let n = real.shape[0]
        let ones = Tensor(repeating: 1, shape: [n, 1]), zeros = Tensor(repeating: 0, shape: [n, 1])
        for p in discriminatorSlot.parameters { p.tensor.zeroGradient() }
        let fake = withoutGradients { generator(Tensor.normal([n, ConditionalGenerator.noiseSize], using: &rng), labels: labels) }
        let dLoss = binaryCrossEntropy(predictions: discriminator(real, labels: labels), targets: ones)
            + binaryCrossEntropy(predictions: discriminator(fake, labels: labels), targets: zeros)
        try update(discriminatorSlot, loss: dLoss)
        for p in generatorSlot.parameters { p.tensor.zeroGradient() }
        let noise = Tensor.normal([n, ConditionalGenerator.noiseSize], using: &rng)
        let gLoss = binaryCrossEntropy(predictions: discriminator(generator(noise, labels: labels), labels: labels), targets: ones)
        try update(generatorSlot, loss: gLoss)
        for p in discriminatorSlot.parameters { p.tensor.zeroGradient() }
        return (dLoss.scalar, gLoss.scalar)
    }

    /// The classifier check at checkpoint epochs and at the end (NaN in between).
    public func evaluate(after epoch: Int, final: Bool) throws -> [Double] {
        [final || epoch % configuration.checkpointEvery == 0 ? generatedAccuracy() : .nan]
    }

    /// The classifier, trained on the first 90 % of the letters and measured on the rest, once.
    public func judge() -> (model: LetterClassifier, accuracy: Double) {
        if let classifier { return classifier }
        let split = data.count * 9 / 10
        let trainPart = LetterSet(images: Array(data.images[0..<(split * 4096)]), labels: Array(data.labels[0..<split]), source: "")
        let testPart = LetterSet(images: Array(data.images[(split * 4096)...]), labels: Array(data.labels[split...]), source: "")
        let trained = trainLetterClassifier(on: trainPart, test: testPart, seed: configuration.seed)
        classifier = (trained.0, trained.1)
        return classifier!
    }

    /// The fraction of 20 generated samples per letter that the classifier recognises as their conditioning letter.
    public func generatedAccuracy(perLetter: Int = 20) -> Double {
        var r = RandomGenerator(seed: configuration.seed &+ 99)
        let labels = (0..<(26 * perLetter)).map { $0 % 26 }
        let images = withoutGradients { generator(Tensor.normal([labels.count, 64], using: &r), labels: labels) }
        return letterAccuracy(judge().model, images: images, labels: labels)
    }

    /// Mode-collapse check: for each letter the diversity (as for backgrounds) of `perLetter` generated samples,
    /// averaged over the 26 letters; with the same number for real letters of the training set as the reference.
    public func letterDiversity(perLetter: Int = 20) -> (generated: Double, real: Double) {
        var r = RandomGenerator(seed: configuration.seed &+ 101)
        var generated = 0.0, real = 0.0, realLetters = 0
        for letter in 0..<26 {
            let labels = [Int](repeating: letter, count: perLetter)
            generated += backgroundDiversity(withoutGradients { generator(Tensor.normal([perLetter, 64], using: &r), labels: labels) })
            let indices = Array(data.labels.indices.filter { data.labels[$0] == letter }.prefix(perLetter))
            if indices.count > 1 { real += backgroundDiversity(data.batch(indices)); realLetters += 1 }
        }
        return (generated / 26, realLetters > 0 ? real / Double(realLetters) : .nan)
    }

    static func gridName(_ epoch: Int) -> String { String(format: "epoch%04d.png", epoch) }

    public func writeSamples(after epoch: Int, in folder: RunFolder) throws {
        let samples = withoutGradients { generator(fixedNoise, labels: fixedLabels) }
        try saveImageGrid(samples, to: folder.samplePath(Self.gridName(epoch)),
                          options: ImageGridOptions(imagesPerRow: 13, valueRange: -1...1, labels: fixedLabels.map { String(UnicodeScalar(UInt8(97 + $0))) }))
    }

    public func writeReport(_ log: MetricsLog, in folder: RunFolder) throws {
        let c = configuration
        var report = HTMLReport(title: "Conditional letter GAN")
        report.paragraph("\(data.source), \(data.count) images; batch \(c.batchSize); Adam \(c.learningRate), β (0.5, 0.999); seed \(c.seed).")
        report.paragraph(String(format: "Letter classifier (trained by ImageGen on the training letters): %.1f%% on held-out real letters.", judge().accuracy * 100))
        report.chart(log.chart(title: "Losses per epoch", columns: ["d_loss", "g_loss"], scale: .linear))
        report.table(log.table(caption: "Generated letters recognised as their conditioning letter (goal ≥ 80%)", columns: ["d_loss", "g_loss", "generated_accuracy"],
                               onlyWhere: "generated_accuracy"))
        let diversity = letterDiversity()
        report.table(HTMLTable(caption: "Final generator", header: ["generated letters recognised", "diversity, generated", "diversity, real letters"],
                               rows: [[.fixed((log.last("generated_accuracy") ?? .nan) * 100, decimals: 1), .number(diversity.generated, digits: 3),
                                       .number(diversity.real, digits: 3)]]))
        report.paragraph("Diversity: for each letter, 20 samples; mean over pixels of the standard deviation across the samples ÷ the mean "
                         + "standard deviation within one sample, averaged over the 26 letters (0 = every sample of a letter identical).", cssClass: "note")
        report.heading("Samples")
        for epoch in Set((log.values("epoch") ?? []).map { Int($0) }).sorted() where epoch % c.checkpointEvery == 0 || epoch == c.epochs {
            report.image(relativePath: "samples/\(Self.gridName(epoch))", alt: "epoch \(epoch)", caption: "epoch \(epoch)")
        }
        try report.write(to: folder.reportPath)
    }
}

extension GANJob {
    /// Trains (or, with `.resume`, continues with the run's saved settings; a larger `epochs` extends it) a letter
    /// GAN in `runFolder`: what `imagegen gan train` runs. Rendered letters are kept in `runFolder/letters`.
    @discardableResult
    public static func train(_ requested: GANConfiguration, runFolder: String, mode: RunFolder.Mode,
                             reporter: ProgressReporter) throws -> MetricsLog {
        let c = try RunConfiguration.effective(requested, runFolder: runFolder, mode: mode)
        try c.validate()
        let folder = try RunFolder(path: runFolder, mode: mode)
        let data = try LetterSet.load(emnistFolder: c.emnistFolder, perLetter: c.perLetter, fontFolder: c.fontFolder, seed: c.seed,
                                      limit: c.limit, renderedFolder: mode == .resume ? nil : "\(runFolder)/letters")
        let job = try GANJob(configuration: c, data: data)
        return try TrainingLoop.start(job, configuration: c, folder: folder, mode: mode, reporter: reporter).run()
    }
}
