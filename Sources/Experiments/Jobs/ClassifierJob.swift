import Data
import Engine
import Foundation
import Models
import NN

/// Settings of a classifier run: `imagegen classifier train`.
public struct ClassifierConfiguration: JobConfiguration, Equatable {
    public static let length = \Self.epochs
    public static let job = JobKind.classifier
    public var dataset = "fashion-mnist"
    public var dataFolder: String?
    public var epochs = 8
    public var batchSize = 64
    public var learningRate: Float = 1e-3
    public var seed: UInt64 = 0
    public var validationFraction = 0.2
    public var trainingLimit: Int?
    public var threads = 2
    public init() {}

    public func validate() throws {
        try Validate.positive([("--epochs", epochs), ("--batch-size", batchSize), ("--threads", threads), ("--limit", trainingLimit)])
        try Validate.positive([("--lr", learningRate)])
    }
}

/// Trains an `ImageClassifier` with softmax cross-entropy and Adam (cosine schedule, 5 % warm-up): the fixed judge
/// that completion measures classify completed images with. Accuracy on the validation split after every epoch,
/// on the test images at the end.
public final class ClassifierJob: TrainingJob {
    public static let kind = JobKind.classifier
    public let configuration: ClassifierConfiguration
    public let model: ImageClassifier
    public let training, validation: ImageDataset
    public let test: ImageDataset?
    public var generators: [String: RandomGenerator] = [:]
    public let plan: TrainingPlan
    private let slot: OptimizerSlot
    public private(set) var testAccuracy: Double?

    /// Loads the dataset `c` names: its training partition split for validation, and its test partition.
    public convenience init(configuration c: ClassifierConfiguration) throws {
        try c.validate()
        let full = try DatasetCatalog.load(c.dataset, folder: c.dataFolder, partition: .train)
        var (training, validation) = try full.split(validationFraction: c.validationFraction, seed: c.seed)
        if let limit = c.trainingLimit {
            training = training.prefix(limit)
            validation = validation.prefix(max(limit / 4, 1))
        }
        let test = try? DatasetCatalog.load(c.dataset, folder: c.dataFolder, partition: .test)
        try self.init(configuration: c, training: training, validation: validation, test: test?.count == 0 ? nil : test)
    }

    public init(configuration c: ClassifierConfiguration, training: ImageDataset, validation: ImageDataset, test: ImageDataset?) throws {
        try c.validate()
        configuration = c
        guard training.count > 0, validation.count > 0 else {
            throw ExperimentError.emptyDataset(name: c.dataset, partition: training.count == 0 ? "training" : "validation", count: 0)
        }
        guard Self.classCount(training) >= 2 else {
            throw ExperimentError.invalidArgument("\(c.dataset) has fewer than two classes: nothing to classify")
        }
        (self.training, self.validation, self.test) = (training, validation, test)
        let full = training
        var rng = RandomGenerator(seed: c.seed)
        model = try ImageClassifier(imageShape: [full.height, full.width, full.channels], classCount: Self.classCount(full), using: &rng)
        var plan = TrainingPlan(epochs: c.epochs, batchSize: c.batchSize, trainingCount: training.count, lossNames: ["train_loss"])
        plan.threads = c.threads
        plan.seed = c.seed
        plan.sampleEvery = c.epochs
        plan.schedule = try LearningRateSchedule(kind: .cosine, baseRate: c.learningRate, warmup: 0.05, totalSteps: plan.totalSteps)
        self.plan = plan
        slot = OptimizerSlot(name: "optimizer", optimizer: Adam(learningRate: c.learningRate), parameters: model.parameters)
    }

    static func classCount(_ dataset: ImageDataset) -> Int { max(dataset.classNames.count, (dataset.labels.max() ?? 0) + 1) }

    public var summary: String {
        "image classifier: \(model.parameterCount) parameters; \(configuration.dataset) \(training.count) training, \(validation.count) validation"
            + "\(test.map { ", \($0.count) test" } ?? "") images, \(model.classCount) classes"
    }

    public var checkpointMetadata: [String: String] {
        ["image_shape": model.imageShape.map(String.init).joined(separator: ","), "classes": String(model.classCount)]
    }

    public var networks: [SavedNetwork] { [SavedNetwork(name: "model", module: model)] }
    public var optimizers: [OptimizerSlot] { [slot] }
    public var measureNames: [String] { ["validation_accuracy"] }

    public func step(_ batch: [Int], update: StepUpdate) throws -> [Float] {
        model.zeroGradients()
        let loss = softmaxCrossEntropy(logits: model(training.batch(indices: batch)), labels: training.labels(indices: batch))
        try update(slot, loss: loss)
        return [loss.scalar]
    }

    public func evaluate(after epoch: Int, final: Bool) throws -> [Double] {
        if final, let test { testAccuracy = accuracy(of: model, on: test) }
        return [accuracy(of: model, on: validation)]
    }

    public func writeSamples(after epoch: Int, in folder: RunFolder) throws {}

    public func writeReport(_ log: MetricsLog, in folder: RunFolder) throws {
        let c = configuration
        var report = HTMLReport(title: "Image classifier on \(c.dataset), \(c.epochs) epochs")
        report.paragraph("\(model.parameterCount) parameters; batch \(c.batchSize); Adam lr \(c.learningRate), cosine; seed \(c.seed); "
                         + "\(training.count) training and \(validation.count) validation images.")
        if let testAccuracy { report.paragraph(String(format: "Test accuracy: %.2f%% on %d test images.", testAccuracy * 100, test?.count ?? 0)) }
        report.chart(log.chart(title: "Training loss", columns: ["train_loss"], scale: .log10))
        report.table(log.table(caption: "Validation accuracy", columns: ["validation_accuracy"]))
        try report.write(to: folder.reportPath)
    }
}

/// The share of `dataset` that `model` classifies as its label.
public func accuracy(of model: ImageClassifier, on dataset: ImageDataset, batchSize: Int = 256) -> Double {
    var correct = 0, start = 0
    while start < dataset.count {
        let indices = Array(start..<min(start + batchSize, dataset.count))
        let predicted = model.classify(dataset.batch(indices: indices)).classes
        correct += zip(predicted, dataset.labels(indices: indices)).filter { $0 == $1 }.count
        start += batchSize
    }
    return dataset.count == 0 ? 0 : Double(correct) / Double(dataset.count)
}

extension ClassifierJob {
    /// Trains (or resumes) a classifier run in `runFolder`; returns the final validation and test accuracy.
    @discardableResult
    public static func train(_ requested: ClassifierConfiguration, runFolder: String, mode: RunFolder.Mode,
                             reporter: ProgressReporter) throws -> (validation: Double, test: Double?) {
        let c = try RunConfiguration.effective(requested, runFolder: runFolder, mode: mode)
        let job = try ClassifierJob(configuration: c)
        let log = try TrainingLoop.start(job, configuration: c, folder: try RunFolder(path: runFolder, mode: mode), mode: mode,
                                         reporter: reporter).run()
        let validation = log.last("validation_accuracy") ?? .nan
        reporter.result(String(format: "validation accuracy %.2f%%", validation * 100)
                        + (job.testAccuracy.map { String(format: "  test accuracy %.2f%%", $0 * 100) } ?? "")
                        + "\nrun folder: \(runFolder) (report.html)")
        return (validation, job.testAccuracy)
    }
}

/// The classifier of a classifier run (a completion judge).
public func loadClassifier(run: String) throws -> ImageClassifier {
    try loadTrainedNetwork(ClassifierConfiguration.self, run: run, build: { _, rng in
        let path = RunFolder.networkPath(in: run, "model")
        let metadata = try SafeTensors.readMetadata(path)
        guard let shape = metadata["image_shape"]?.split(separator: ",").compactMap({ Int($0) }), shape.count == 3,
              let classes = metadata["classes"].flatMap({ Int($0) }) else {
            throw ExperimentError.invalidFile(path, "checkpoint metadata has no image_shape or classes")
        }
        return try ImageClassifier(imageShape: shape, classCount: classes, using: &rng)
    }, module: { $0 }).network
}
