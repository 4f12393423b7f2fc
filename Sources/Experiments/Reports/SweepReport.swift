import Foundation

/// One run of a latent-size sweep.
public struct SweepReportRow: Sendable, Equatable {
    public var latentSize: Int
    /// Validation (or test) metrics of the run.
    public var metrics: ReportMetrics
    /// Wall-clock seconds the run took.
    public var seconds: Double?
    /// The run's `report.html`, relative to the sweep report (e.g. `latent32/report.html`).
    public var reportPath: String?
    public var parameterCount: Int?

    public init(latentSize: Int, metrics: ReportMetrics, seconds: Double? = nil, reportPath: String? = nil, parameterCount: Int? = nil) {
        self.latentSize = latentSize
        self.metrics = metrics
        self.seconds = seconds
        self.reportPath = reportPath
        self.parameterCount = parameterCount
    }
}

/// The report of a sweep over latent sizes: a table of every run and charts of error against latent size.
public struct SweepReport: Sendable {
    public var title: String
    /// e.g. "dense autoencoder", shown in the summary.
    public var modelDescription: String
    public var dataset: String
    public var task: AutoencoderTask
    public var entries: [SweepReportRow]
    /// Which split the metrics come from, for captions ("validation" or "test").
    public var split: String
    public var notes: [String]

    public init(title: String? = nil, modelDescription: String, dataset: String, task: AutoencoderTask = .reconstruct, entries: [SweepReportRow],
                split: String = "validation", notes: [String] = []) {
        self.modelDescription = modelDescription
        self.dataset = dataset
        self.task = task
        self.entries = entries.sorted { $0.latentSize < $1.latentSize }
        self.split = split
        self.notes = notes
        self.title = title ?? "Latent size sweep · \(ReportWording.datasetName(dataset)) · \(modelDescription)"
    }

    var hasHidden: Bool { entries.contains { $0.metrics.hiddenMeanSquaredError != nil } }
    var hasSSIM: Bool { entries.contains { $0.metrics.ssim != nil } }

    /// What the sweep found, in words.
    public var summary: String {
        guard let first = entries.first, let last = entries.last else { return "The sweep has no finished runs yet." }
        let sizes = entries.map { String($0.latentSize) }.joined(separator: ", ")
        var text = "The \(modelDescription) was trained on \(ReportWording.datasetName(dataset)) "
            + (task == .complete ? "to fill in hidden pixels " : "to reconstruct images ")
            + "with \(entries.count) latent size\(entries.count == 1 ? "" : "s") (\(sizes))."
        let key: (SweepReportRow) -> Double? = { e in self.task == .complete ? (e.metrics.hiddenMeanSquaredError ?? e.metrics.meanSquaredError)
                                                                       : e.metrics.meanSquaredError }
        let measure = task == .complete && hasHidden ? "hidden-pixel \(split) MSE" : "\(split) MSE"
        let valued = entries.compactMap { e in key(e).flatMap { $0.isFinite ? (e, $0) : nil } }
        if let best = valued.min(by: { $0.1 < $1.1 }) {
            text += " The lowest \(measure), \(ReportFormat.significant(best.1, digits: 3)), came with latent size \(best.0.latentSize)."
            if entries.count > 1, let a = key(first), let b = key(last), a.isFinite, b.isFinite, a > 0 {
                let change = (b - a) / a * 100
                text += " Going from \(first.latentSize) to \(last.latentSize) numbers "
                    + (change <= 0 ? "lowered it by \(ReportFormat.fixed(-change, decimals: 0))%."
                                   : "raised it by \(ReportFormat.fixed(change, decimals: 0))%.")
            }
        }
        return text
    }

    public var table: HTMLTable {
        var header = ["Latent", "MSE"]
        if hasHidden { header.append("Hidden MSE") }
        header.append("PSNR (dB)")
        if hasSSIM { header.append("SSIM") }
        if entries.contains(where: { $0.metrics.hiddenSSIM != nil }) { header.append("Hidden SSIM") }
        let withParameters = entries.contains { $0.parameterCount != nil }
        if withParameters { header.append("Parameters") }
        header += ["Seconds", "Report"]
        let rows: [[HTMLCell]] = entries.map { e in
            var row: [HTMLCell] = [.integer(e.latentSize), .number(e.metrics.meanSquaredError, digits: 4)]
            if hasHidden { row.append(.number(e.metrics.hiddenMeanSquaredError, digits: 4)) }
            row.append(.fixed(e.metrics.psnr, decimals: 2))
            if hasSSIM { row.append(.fixed(e.metrics.ssim, decimals: 4)) }
            if header.contains("Hidden SSIM") { row.append(.fixed(e.metrics.hiddenSSIM, decimals: 4)) }
            if withParameters { row.append(.integer(e.parameterCount)) }
            row.append(.fixed(e.seconds, decimals: 1))
            row.append(e.reportPath.map { .link("report", href: $0) } ?? .text("—"))
            return row
        }
        return HTMLTable(caption: "One row per run (\(split) metrics)", header: header, rows: rows)
    }

    /// MSE (and hidden-pixel MSE) against latent size, log2 x axis.
    public var errorChart: SVGLineChart {
        let x = entries.map { Double($0.latentSize) }
        var series = [ChartSeries(name: "MSE, all pixels", x: x, y: entries.map(\.metrics.meanSquaredError))]
        if hasHidden {
            series.append(ChartSeries(name: "MSE, hidden pixels",
                                      points: entries.compactMap { e in e.metrics.hiddenMeanSquaredError.map { (x: Double(e.latentSize), y: $0) } },
                                      dashed: true))
        }
        let values = series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && $0 > 0 }
        let logY = (values.max() ?? 1) / (values.min() ?? 1) > 3
        return SVGLineChart(title: "\(split.prefix(1).uppercased() + split.dropFirst()) MSE by latent size", xLabel: "latent size",
                            yLabel: "MSE", series: series, xScale: .log2, yScale: logY ? .log10 : .linear, integerX: true)
    }

    /// SSIM against latent size, when measured.
    public var similarityChart: SVGLineChart? {
        guard hasSSIM else { return nil }
        var series = [ChartSeries(name: "SSIM, all pixels",
                                  points: entries.compactMap { e in e.metrics.ssim.map { (x: Double(e.latentSize), y: $0) } })]
        let hidden = entries.compactMap { e in e.metrics.hiddenSSIM.map { (x: Double(e.latentSize), y: $0) } }
        if !hidden.isEmpty { series.append(ChartSeries(name: "SSIM, hidden pixels", points: hidden, dashed: true)) }
        return SVGLineChart(title: "SSIM by latent size", xLabel: "latent size", yLabel: "SSIM", series: series, xScale: .log2, integerX: true)
    }

    public var document: HTMLReport {
        var page = HTMLReport(title: title)
        page.paragraph(summary, cssClass: "summary")
        for note in notes { page.paragraph(note, cssClass: "note") }
        page.heading("Runs")
        page.table(table)
        if !entries.isEmpty {
            page.heading("Error against latent size")
            page.chart(errorChart)
            if let similarityChart { page.chart(similarityChart) }
        }
        return page
    }

    public var html: String { document.html }

    /// Writes the report atomically to `path`.
    public func write(to path: String) throws { try document.write(to: path) }
}

extension SweepReportRow {
    /// A row for one finished `LatentSweep` run (its validation metrics). `reportPath` defaults to the run folder's
    /// `report.html` relative to the sweep folder (`latent-32/report.html`); pass `metrics` to show SSIM too.
    public init(_ entry: SweepEntry, metrics: ReportMetrics? = nil, reportPath: String? = nil, parameterCount: Int? = nil) {
        let folderName = entry.runFolder.split(separator: "/").last.map(String.init) ?? entry.runFolder
        self.init(latentSize: entry.latentSize, metrics: metrics ?? ReportMetrics(entry.result.validation), seconds: entry.seconds,
                  reportPath: reportPath ?? "\(folderName)/report.html", parameterCount: parameterCount)
    }
}
