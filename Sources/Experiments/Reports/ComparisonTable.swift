import Foundation

/// One configuration of the article next to our run of it.
public struct ArticleComparison: Sendable, Equatable {
    public var dataset: String
    public var model: String
    public var latentSize: Int
    public var optimizer: String
    public var epochs: Int
    /// The article's reported MSE (`nil` when it gives none).
    public var articleMSE: Double?
    /// Ours (`nil` when the run failed or has not finished).
    public var ourMSE: Double?

    public init(dataset: String, model: String, latentSize: Int, optimizer: String, epochs: Int, articleMSE: Double?, ourMSE: Double?) {
        self.dataset = dataset
        self.model = model
        self.latentSize = latentSize
        self.optimizer = optimizer
        self.epochs = epochs
        self.articleMSE = articleMSE
        self.ourMSE = ourMSE
    }

    /// Our MSE divided by the article's: below 1 is better than reported.
    public var ratio: Double? {
        guard let a = articleMSE, let o = ourMSE, a > 0, a.isFinite, o.isFinite else { return nil }
        return o / a
    }
}

/// The `reproduce` table: the article's numbers beside ours.
public enum ComparisonTable {
    public static let header = ["Dataset", "Model", "Latent", "Optimiser / epochs", "Article MSE", "Our MSE", "Ratio (ours / article)"]

    public static func table(_ rows: [ArticleComparison], caption: String? = "The article's MSE beside ours") -> HTMLTable {
        HTMLTable(caption: caption, header: header, rows: rows.map { r in
            [.text(ReportWording.datasetName(r.dataset)), .text(r.model), .integer(r.latentSize), .text("\(r.optimizer) / \(r.epochs)"),
             .number(r.articleMSE, digits: 4), .number(r.ourMSE, digits: 4), .fixed(r.ratio, decimals: 2)]
        })
    }

    /// The table aligned for a terminal.
    public static func plainText(_ rows: [ArticleComparison]) -> String { table(rows, caption: nil).plainText }

    /// One sentence on how close the reproduction came.
    public static func summary(_ rows: [ArticleComparison]) -> String {
        let ratios = rows.compactMap(\.ratio)
        guard !ratios.isEmpty else { return "No configuration has both the article's MSE and ours yet." }
        let sorted = ratios.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let within = ratios.filter { $0 >= 0.8 && $0 <= 1.25 }.count
        let better = ratios.filter { $0 < 1 }.count
        return "Of \(ratios.count) configuration\(ratios.count == 1 ? "" : "s") with both numbers, \(within) came within 25% of the "
            + "article's MSE and \(better) came out lower; the median ratio of ours to the article's is \(ReportFormat.fixed(median, decimals: 2))."
    }

    /// A self-contained page with the summary and the table.
    public static func report(_ rows: [ArticleComparison], title: String = "Reproducing the article", notes: [String] = []) -> HTMLReport {
        var page = HTMLReport(title: title)
        page.paragraph(summary(rows), cssClass: "summary")
        for note in notes { page.paragraph(note, cssClass: "note") }
        page.table(table(rows))
        page.paragraph("Ratio is our MSE divided by the article's: below 1 means our run reached a lower error.", cssClass: "note")
        return page
    }
}
