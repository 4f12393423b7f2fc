import Data
import Foundation

/// The final quality numbers of a model on one split, as reports show them.
public struct ReportMetrics: Codable, Equatable, Sendable {
    /// How many images were measured (`nil` if unknown).
    public var images: Int?
    public var meanSquaredError: Double
    public var hiddenMeanSquaredError: Double?
    public var ssim: Double?
    public var hiddenSSIM: Double?

    public init(images: Int? = nil, meanSquaredError: Double, hiddenMeanSquaredError: Double? = nil, ssim: Double? = nil,
                hiddenSSIM: Double? = nil) {
        self.images = images
        self.meanSquaredError = meanSquaredError
        self.hiddenMeanSquaredError = hiddenMeanSquaredError
        self.ssim = ssim
        self.hiddenSSIM = hiddenSSIM
    }

    /// From the trainer's accumulators.
    public init(errors: ErrorAccumulator, ssim: SSIMAccumulator? = nil, images: Int? = nil) {
        self.init(images: images ?? ssim.map(\.imageCount), meanSquaredError: errors.meanSquaredError,
                  hiddenMeanSquaredError: errors.hiddenMeanSquaredError, ssim: ssim.map(\.mean), hiddenSSIM: ssim?.hiddenMean)
    }

    /// PSNR in dB for a peak of 1.
    public var psnr: Double { ErrorAccumulator.psnr(meanSquaredError: meanSquaredError) }
    public var hiddenPSNR: Double? { hiddenMeanSquaredError.map { ErrorAccumulator.psnr(meanSquaredError: $0) } }
}

/// A sample picture already written into the run folder, referenced by its path relative to `report.html`.
public struct SampleReference: Sendable, Equatable {
    /// e.g. `samples/validation.png`.
    public var path: String
    public var caption: String
    /// The picture's width in pixels, to display it enlarged without blurring (`nil`: natural size).
    public var pixelWidth: Int?

    public init(path: String, caption: String, pixelWidth: Int? = nil) {
        self.path = path
        self.caption = caption
        self.pixelWidth = pixelWidth
    }
}

/// The `report.html` of one training run: a plain-language summary, the configuration, the final metrics,
/// the loss curves and the sample grids.
public struct AutoencoderReport: Sendable {
    public var configuration: TrainingConfiguration
    public var history: [EpochMetrics]
    public var validation: ReportMetrics
    public var test: ReportMetrics?
    public var modelName: String
    public var parameterCount: Int
    public var samples: [SampleReference]
    /// Training images per second over the run, if measured.
    public var imagesPerSecond: Double?
    /// Number of training images used.
    public var trainingImages: Int?
    /// Extra sentences shown under the summary (e.g. "Resumed from epoch 4.").
    public var notes: [String]
    public var title: String?
    /// Completion measures beside MSE on the test images (completion runs).
    public var completionMeasures: CompletionMeasures?
    /// What the training loss is: "MSE", or "bits per hidden pixel" for a sampling model.
    public var lossName = "MSE"

    public init(configuration: TrainingConfiguration, history: [EpochMetrics], validation: ReportMetrics, test: ReportMetrics? = nil,
                modelName: String, parameterCount: Int, samples: [SampleReference] = [], imagesPerSecond: Double? = nil,
                trainingImages: Int? = nil, notes: [String] = [], title: String? = nil) {
        self.configuration = configuration
        self.history = history
        self.validation = validation
        self.test = test
        self.modelName = modelName
        self.parameterCount = parameterCount
        self.samples = samples
        self.imagesPerSecond = imagesPerSecond
        self.trainingImages = trainingImages
        self.notes = notes
        self.title = title
    }

    var isCompletion: Bool { configuration.task == .complete }

    /// The page title: "Fashion-MNIST · dense autoencoder (latent 32) · completing the bottom half".
    public var pageTitle: String {
        title ?? "\(ReportWording.datasetName(configuration.dataset)) · \(modelName) · "
            + (isCompletion ? "completing the \(ReportWording.maskPhrase(configuration.mask))" : "reconstruction")
    }

    /// A few sentences saying what was trained and how well it does, for someone who has not read the code.
    public var summary: String {
        let c = configuration
        let dataset = ReportWording.datasetName(c.dataset)
        let epochs = history.last?.epoch ?? c.epochs
        var text = "A \(modelName) with \(ReportFormat.grouped(parameterCount)) parameters was trained for "
            + "\(epochs) epoch\(epochs == 1 ? "" : "s") on \(trainingImages.map { "\(ReportFormat.grouped($0)) " } ?? "")\(dataset) images"
        if isCompletion {
            text += " to fill in the \(ReportWording.maskPhrase(c.mask)) of each image, which was hidden from it. "
        } else {
            text += " to reproduce each image after squeezing it through \(c.latentSize) numbers. "
        }
        let v = validation
        let split = "held-out validation images" + (v.images.map { " (\(ReportFormat.grouped($0)))" } ?? "")
        if isCompletion, let hidden = v.hiddenMeanSquaredError {
            text += "On \(split), the pixels it filled in differ from the real ones by a mean squared error of "
                + "\(ReportFormat.significant(hidden, digits: 3))"
            if let s = v.hiddenSSIM { text += " (structural similarity \(ReportFormat.fixed(s, decimals: 3)), where 1 is a perfect match)" }
            text += "; over whole images the error is \(ReportFormat.significant(v.meanSquaredError, digits: 3)) "
                + "(PSNR \(ReportFormat.fixed(v.psnr, decimals: 1)) dB"
                + (v.ssim.map { ", SSIM \(ReportFormat.fixed($0, decimals: 3))" } ?? "") + ")."
        } else {
            text += "On \(split), its outputs differ from the originals by a mean squared error of "
                + "\(ReportFormat.significant(v.meanSquaredError, digits: 3)) per pixel value (PSNR \(ReportFormat.fixed(v.psnr, decimals: 1)) dB"
                + (v.ssim.map { ", structural similarity \(ReportFormat.fixed($0, decimals: 3)), where 1 is a perfect match" } ?? "") + ")."
        }
        if let t = test {
            let value = isCompletion ? (t.hiddenMeanSquaredError ?? t.meanSquaredError) : t.meanSquaredError
            text += " On the test images the \(isCompletion && t.hiddenMeanSquaredError != nil ? "hidden-pixel " : "")error is "
                + "\(ReportFormat.significant(value, digits: 3))."
        }
        if let trend = trend { text += " " + trend }
        return text
    }

    /// Where the validation loss was lowest and whether it was still falling.
    var trend: String? {
        guard history.count >= 2, let best = history.min(by: { $0.validationLoss < $1.validationLoss }), let last = history.last else { return nil }
        if best.epoch == last.epoch {
            return "Validation error was still falling at the last epoch, so more epochs would probably help."
        }
        let rise = (last.validationLoss - best.validationLoss) / best.validationLoss
        if rise > 0.02 {
            return "Validation error was lowest at epoch \(best.epoch) (\(ReportFormat.significant(best.validationLoss, digits: 3))) and rose "
                + "\(ReportFormat.fixed(rise * 100, decimals: 0))% after it, a sign of overfitting."
        }
        return "Validation error levelled off: lowest at epoch \(best.epoch) (\(ReportFormat.significant(best.validationLoss, digits: 3)))."
    }

    /// The configuration as a table: the known settings with readable names first, then any others.
    public var configurationTable: HTMLTable {
        var pairs: [(String, HTMLCell)] = [("Model", .text(modelName)), ("Parameters", .integer(parameterCount))]
        let data = (try? JSONEncoder().encode(configuration)) ?? Data()
        let values = (try? JSONDecoder().decode([String: ConfigurationValue].self, from: data)) ?? [:]
        let known: [(String, String)] = [
            ("model", "Model kind"), ("task", "Task"), ("mask", "Occlusion mask"), ("dataset", "Dataset"), ("dataFolder", "Data folder"),
            ("latentSize", "Latent size"), ("kernelSize", "Kernel size"), ("activation", "Activation"),
            ("encoderFilters", "Encoder filters"), ("decoderFilters", "Decoder filters"), ("epochs", "Epochs"),
            ("batchSize", "Batch size"), ("optimizer", "Optimiser"), ("learningRate", "Learning rate"),
            ("epsilonConvention", "Epsilon convention"), ("epsilon", "Epsilon"), ("gradientClip", "Gradient clip"),
            ("validationFraction", "Validation fraction"), ("trainingLimit", "Training image limit"), ("testLimit", "Test image limit"), ("seed", "Seed"),
            ("threads", "Threads"),
        ]
        let convolutional = [.cnn, .cnnLSTM].contains(configuration.model)
        for (key, label) in known {
            if !isCompletion && key == "mask" { continue }
            if !convolutional && ["kernelSize", "activation", "encoderFilters", "decoderFilters"].contains(key) { continue }
            if let value = values[key] { pairs.append((label, Self.cell(value, key: key))) }
            else if ["dataFolder", "trainingLimit", "testLimit", "gradientClip"].contains(key) {
                pairs.append((label, .text(key == "dataFolder" ? "default" : "none")))
            }
        }
        for key in values.keys.sorted() where !known.contains(where: { $0.0 == key }) {
            pairs.append((key, Self.cell(values[key]!, key: key)))
        }
        return HTMLTable(caption: "Configuration", pairs: pairs)
    }

    static func cell(_ value: ConfigurationValue, key: String) -> HTMLCell { .text(value.text) }

    /// Final metrics, one row per measure, one column per split.
    public var metricsTable: HTMLTable {
        let splits: [(String, ReportMetrics)] = [("Validation", validation)] + (test.map { [("Test", $0)] } ?? [])
        var rows: [[HTMLCell]] = []
        func row(_ name: String, _ value: (ReportMetrics) -> HTMLCell) { rows.append([.text(name)] + splits.map { value($0.1) }) }
        if splits.contains(where: { $0.1.images != nil }) { row("Images") { .integer($0.images) } }
        row("MSE, all pixels") { .number($0.meanSquaredError, digits: 4) }
        row("PSNR, all pixels (dB)") { .fixed($0.psnr, decimals: 2) }
        if splits.contains(where: { $0.1.ssim != nil }) { row("SSIM, all pixels") { .fixed($0.ssim, decimals: 4) } }
        if splits.contains(where: { $0.1.hiddenMeanSquaredError != nil }) {
            row("MSE, hidden pixels") { .number($0.hiddenMeanSquaredError, digits: 4) }
            row("PSNR, hidden pixels (dB)") { .fixed($0.hiddenPSNR, decimals: 2) }
        }
        if splits.contains(where: { $0.1.hiddenSSIM != nil }) { row("SSIM, hidden pixels") { .fixed($0.hiddenSSIM, decimals: 4) } }
        return HTMLTable(caption: "Final metrics (pixel values in [0, 1]; lower MSE and higher PSNR/SSIM are better)",
                         header: ["Measure"] + splits.map(\.0), rows: rows)
    }

    /// Per-epoch losses.
    public var historyTable: HTMLTable {
        let hidden = history.contains { $0.validationHiddenLoss != nil }
        return HTMLTable(caption: "Per epoch",
                         header: ["Epoch", "Training MSE", "Validation MSE"] + (hidden ? ["Validation MSE, hidden pixels"] : []) + ["Seconds"],
                         rows: history.map { m in
                             [.integer(m.epoch), .number(m.trainingLoss, digits: 4), .number(m.validationLoss, digits: 4)]
                                 + (hidden ? [.number(m.validationHiddenLoss, digits: 4)] : []) + [.fixed(m.seconds, decimals: 1)]
                         })
    }

    /// The report page.
    public var document: HTMLReport {
        var page = HTMLReport(title: pageTitle)
        page.paragraph(summary, cssClass: "summary")
        for note in notes { page.paragraph(note, cssClass: "note") }
        if let rate = imagesPerSecond, rate > 0 {
            page.paragraph("Training speed: \(ReportFormat.grouped(Int(rate.rounded()))) images per second.", cssClass: "note")
        }
        page.heading("Results")
        page.table(metricsTable)
        if let m = completionMeasures { page.table(Self.completionTable(m)) }
        page.heading("Training curves")
        if history.isEmpty {
            page.paragraph("No epochs were recorded.", cssClass: "note")
        } else {
            page.chart(SVGLineChart.lossCurves(history, title: lossName == "MSE" ? "Mean squared error per epoch" : "\(lossName) per epoch"))
            page.raw("<details><summary>Numbers per epoch</summary>\n\(historyTable.html)\n</details>")
        }
        if !samples.isEmpty {
            page.heading("Samples")
            if isCompletion {
                page.paragraph("Each row is one validation image: what the model was shown (the hidden part in grey), what it produced, "
                               + "and the original.", cssClass: "note")
            }
            for sample in samples {
                page.image(relativePath: sample.path, alt: sample.caption, caption: sample.caption, pixelWidth: sample.pixelWidth,
                           scale: sample.pixelWidth.map { min(4, max(1, 480 / max($0, 1))) } ?? 1)
            }
        }
        page.heading("Configuration")
        page.table(configurationTable)
        return page
    }

    public var html: String { document.html }

    /// The completion measures as a table.
    public static func completionTable(_ m: CompletionMeasures) -> HTMLTable {
        var pairs: [(String, HTMLCell)] = [
            ("Hidden-pixel MSE, one sample", .number(m.hiddenMSE, digits: 4)),
            ("Hidden-pixel MSE, mean of \(m.samples) samples", .number(m.hiddenMSEOfMean, digits: 4)),
            ("Diversity: RMS distance between samples of one image, hidden pixels", .number(m.diversity, digits: 4)),
        ]
        if let b = m.bitsPerHiddenPixel { pairs.append(("Negative log-likelihood, bits per hidden pixel", .number(b, digits: 4))) }
        if let a = m.judgeAccuracy {
            pairs.append(("Judge accuracy on completed images", .fixed(a * 100, decimals: 2)))
            pairs.append(("Judge accuracy on originals / occluded inputs (reference)",
                          .text(String(format: "%.2f / %.2f", (m.judgeAccuracyOnOriginals ?? .nan) * 100, (m.judgeAccuracyOnOccluded ?? .nan) * 100))))
        }
        if let f = m.frechetDistance {
            pairs.append(("Fréchet distance to the originals, ImageGen judge features (not Inception-FID)", .number(f, digits: 4)))
            pairs.append(("Fréchet distance of the occluded inputs (reference)", .number(m.frechetDistanceOfOccluded ?? .nan, digits: 4)))
        }
        return HTMLTable(caption: "Completion measures on \(ReportFormat.grouped(m.images)) images (judge accuracies in %)", pairs: pairs)
    }

    /// Writes the report atomically to `path`.
    public func write(to path: String) throws { try document.write(to: path) }

    /// Writes `report.html` into the run folder.
    public func write(in folder: RunFolder) throws { try write(to: folder.reportPath) }
}

/// Names and phrases that read well in sentences.
public enum ReportWording {
    public static func datasetName(_ name: String) -> String {
        switch name {
        case "mnist": return "MNIST"
        case "fashion-mnist": return "Fashion-MNIST"
        case "cifar10": return "CIFAR-10"
        case "cifar100": return "CIFAR-100"
        case "lfw": return "LFW face"
        default:
            if name.hasPrefix("emnist-") { return "EMNIST (\(name.dropFirst("emnist-".count)))" }
            if name.hasPrefix("folder:") { return "\(name.dropFirst("folder:".count))" }
            return name
        }
    }

    /// "bottom half", "central square", "randomly placed rectangles", …
    public static func maskPhrase(_ mask: MaskKind) -> String {
        switch mask {
        case .bottom: return "bottom half"
        case .top: return "top half"
        case .left: return "left half"
        case .right: return "right half"
        case .center: return "central square"
        case .rectangles: return "randomly placed rectangles"
        case .strokes: return "random brush strokes"
        case .file(let path): return "region marked by the mask \(path)"
        }
    }
}

/// A JSON value of an encoded configuration, kept apart by kind so numbers, flags and lists print naturally.
enum ConfigurationValue: Decodable {
    case flag(Bool), integer(String), number(Double), text(String), list([ConfigurationValue]), null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .flag(b) }
        else if let i = try? container.decode(Int64.self) { self = .integer(String(i)) }
        else if let u = try? container.decode(UInt64.self) { self = .integer(String(u)) }
        else if let n = try? container.decode(Double.self) { self = .number(n) }
        else if let s = try? container.decode(String.self) { self = .text(s) }
        else if let l = try? container.decode([ConfigurationValue].self) { self = .list(l) }
        else { self = .text("…") }
    }

    var text: String {
        switch self {
        case .flag(let b): return b ? "yes" : "no"
        case .integer(let i): return i
        case .number(let n):
            if n == n.rounded() && abs(n) < 1e15 { return String(Int64(n)) }
            // Float settings: show the value as typed (1e-3 → 0.001), not Float's binary expansion.
            return ReportFormat.significant(n, digits: 6)
        case .text(let s): return s
        case .list(let l): return l.map(\.text).joined(separator: ", ")
        case .null: return "none"
        }
    }
}

extension ReportMetrics {
    /// From `evaluate(_:mask:…)`'s result.
    public init(_ result: EvaluationResult) {
        self.init(images: result.images, meanSquaredError: result.meanSquaredError, hiddenMeanSquaredError: result.hiddenMeanSquaredError,
                  ssim: result.ssim, hiddenSSIM: result.hiddenSSIM)
    }
}
