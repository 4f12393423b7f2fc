import Foundation

/// One configuration of the article next to our run of it.
public struct ArticleComparison: Sendable, Equatable {
    public var dataset: String
    public var model: String
    public var latentSize: Int
    public var optimizer: String
    /// The epochs our run trained.
    public var epochs: Int
    /// The article's reported MSE (`nil` when it gives none).
    public var articleMSE: Double?
    /// Ours (`nil` when the run failed or has not finished).
    public var ourMSE: Double?
    /// The epochs the article trained (`nil` when unknown).
    public var articleEpochs: Int?
    /// The training images our run used (`nil` when unknown).
    public var trainingImages: Int?
    /// The training images the article used (`nil` when unknown).
    public var articleTrainingImages: Int?
    /// Our run's folder relative to the table's folder; its `report.html` and `samples/final.png` are linked.
    public var runFolder: String?

    public init(dataset: String, model: String, latentSize: Int, optimizer: String, epochs: Int, articleMSE: Double?, ourMSE: Double?,
                articleEpochs: Int? = nil, trainingImages: Int? = nil, articleTrainingImages: Int? = nil, runFolder: String? = nil) {
        self.dataset = dataset
        self.model = model
        self.latentSize = latentSize
        self.optimizer = optimizer
        self.epochs = epochs
        self.articleMSE = articleMSE
        self.ourMSE = ourMSE
        self.articleEpochs = articleEpochs
        self.trainingImages = trainingImages
        self.articleTrainingImages = articleTrainingImages
        self.runFolder = runFolder
    }

    /// Our MSE divided by the article's: below 1 is better than reported.
    public var ratio: Double? {
        guard let a = articleMSE, let o = ourMSE, a > 0, a.isFinite, o.isFinite else { return nil }
        return o / a
    }

    /// The run's report, relative to the table's folder.
    public var reportPath: String? { runFolder.map { "\($0)/report.html" } }
    /// The run's final sample grid, relative to the table's folder.
    public var samplesPath: String? { runFolder.map { "\($0)/samples/final.png" } }

    /// "7 / 20": ours, then the article's.
    var epochsText: String { articleEpochs.map { "\(epochs) / \($0)" } ?? "\(epochs)" }

    /// "3,200 / 48,000": ours, then the article's; "—" for an unknown side (or both).
    var trainingImagesText: String {
        if trainingImages == nil && articleTrainingImages == nil { return "—" }
        let ours = trainingImages.map(ReportFormat.grouped) ?? "—", theirs = articleTrainingImages.map(ReportFormat.grouped) ?? "—"
        return "\(ours) / \(theirs)"
    }
}

/// The `reproduce` table: the article's numbers beside ours, as HTML, plain text, Markdown and CSV.
public enum ComparisonTable {
    public static let header = ["Dataset", "Model", "Latent", "Optimiser", "Epochs (ours / article)",
                                "Training images (ours / article)", "Article MSE", "Our MSE", "Ratio (ours / article)", "Run"]

    /// The table; the Run column links each row's `report.html` and `samples/final.png`.
    public static func table(_ rows: [ArticleComparison], caption: String? = "The article's MSE beside ours") -> HTMLTable {
        HTMLTable(caption: caption, header: header, rows: rows.map { r in
            cells(r) + [r.runFolder == nil ? .text("—") : .html(
                "<a href=\"\(ReportFormat.escape(r.reportPath!))\">report</a> · <a href=\"\(ReportFormat.escape(r.samplesPath!))\">samples</a>")]
        })
    }

    static func cells(_ r: ArticleComparison) -> [HTMLCell] {
        [.text(ReportWording.datasetName(r.dataset)), .text(r.model), .integer(r.latentSize), .text(r.optimizer), .text(r.epochsText),
         .text(r.trainingImagesText), .number(r.articleMSE, digits: 4), .number(r.ourMSE, digits: 4), .fixed(r.ratio, decimals: 2)]
    }

    /// The table aligned for a terminal; the Run column names each row's folder.
    public static func plainText(_ rows: [ArticleComparison]) -> String {
        HTMLTable(caption: nil, header: header, rows: rows.map { cells($0) + [.text($0.runFolder ?? "—")] }).plainText
    }

    /// The table in Markdown (`table.md`), MSEs with five decimals, with links to each row's report and samples.
    public static func markdown(_ rows: [ArticleComparison]) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        func mse(_ value: Double?) -> String { value.map { String(format: "%.5f", $0) } ?? "—" }
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: header.count)]
        for r in rows {
            let links = r.runFolder == nil ? "—" : "[report](\(r.reportPath!)) · [samples](\(r.samplesPath!))"
            let fields = [ReportWording.datasetName(r.dataset), r.model, String(r.latentSize), r.optimizer, r.epochsText,
                          r.trainingImagesText, mse(r.articleMSE), mse(r.ourMSE), r.ratio.map { ReportFormat.fixed($0, decimals: 2) } ?? "—",
                          links]
            lines.append("| " + fields.map(cell).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static let csvHeader = "dataset,model,latent,optimizer,epochs,article_epochs,training_images,article_training_images,"
        + "article_mse,imagegen_mse,ratio,run_report,samples"

    /// The table as CSV (`table.csv`, RFC 4180 quoting); empty fields where a value is unknown.
    public static func csv(_ rows: [ArticleComparison]) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        func integer(_ value: Int?) -> String { value.map(String.init) ?? "" }
        let lines = rows.map { r in
            [r.dataset, r.model, String(r.latentSize), r.optimizer, String(r.epochs), integer(r.articleEpochs), integer(r.trainingImages),
             integer(r.articleTrainingImages), number(r.articleMSE), number(r.ourMSE), number(r.ratio), r.reportPath ?? "",
             r.samplesPath ?? ""].map(field).joined(separator: ",")
        }
        return ([csvHeader] + lines).joined(separator: "\n") + "\n"
    }

    /// One sentence on how close the reproduction came, and with how much of the article's training.
    public static func summary(_ rows: [ArticleComparison]) -> String {
        let compared = rows.filter { $0.ratio != nil }
        let ratios = compared.compactMap(\.ratio)
        guard !ratios.isEmpty else { return "No configuration has both the article's MSE and ours yet." }
        let sorted = ratios.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let within = ratios.filter { $0 >= 0.8 && $0 <= 1.25 }.count
        let better = ratios.filter { $0 < 1 }.count
        return "Of \(ratios.count) configuration\(ratios.count == 1 ? "" : "s") with both numbers, \(within) came within 25% of the "
            + "article's MSE and \(better) came out lower; the median ratio of ours to the article's is \(ReportFormat.fixed(median, decimals: 2))"
            + (trainingPhrase(compared).map { ", \($0)" } ?? "") + "."
    }

    /// "with 3,200 of the article's 48,000 training images and 0.34 of its epochs"; `nil` when a row lacks the counts.
    static func trainingPhrase(_ rows: [ArticleComparison]) -> String? {
        let ours = rows.compactMap(\.trainingImages), theirs = rows.compactMap(\.articleTrainingImages)
        let ourEpochs = rows.map(\.epochs), theirEpochs = rows.compactMap(\.articleEpochs)
        guard !rows.isEmpty, ours.count == rows.count, theirs.count == rows.count, theirEpochs.count == rows.count else { return nil }
        func span(_ values: [Int]) -> String {
            let low = values.min()!, high = values.max()!
            return low == high ? ReportFormat.grouped(low) : "\(ReportFormat.grouped(low))–\(ReportFormat.grouped(high))"
        }
        let images = ours == theirs ? "the article's \(span(theirs)) training images" : "\(span(ours)) of the article's \(span(theirs)) training images"
        let fraction = Double(ourEpochs.reduce(0, +)) / Double(max(theirEpochs.reduce(0, +), 1))
        let epochs: String
        if ourEpochs == theirEpochs {
            epochs = "all its epochs"
        } else if fraction > 1 {
            epochs = "\(ReportFormat.fixed(fraction, decimals: 2)) times its epochs"
        } else {
            epochs = "\(ReportFormat.fixed(fraction, decimals: 2)) of its epochs"
        }
        return "with \(images) and \(epochs)"
    }

    /// A self-contained page with the summary and the table.
    public static func report(_ rows: [ArticleComparison], title: String = "Reproducing the article", notes: [String] = []) -> HTMLReport {
        var page = HTMLReport(title: title)
        page.paragraph(summary(rows), cssClass: "summary")
        for note in notes { page.paragraph(note, cssClass: "note") }
        page.table(table(rows))
        page.paragraph("Ratio is our MSE divided by the article's: below 1 means our run reached a lower error. Each row links its run's "
                       + "report and its final samples (input | output | original).", cssClass: "note")
        return page
    }
}
