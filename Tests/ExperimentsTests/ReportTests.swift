import Data
import Engine
import Experiments
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Imaging
import Testing
import TestSupport

/// Parses `text` as XML, counting elements by name; `nil` if it is not well-formed.
private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var attributes: [String: [[String: String]]] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes attributeDict: [String: String] = [:]) {
        counts[name, default: 0] += 1
        attributes[name, default: []].append(attributeDict)
    }

    static func parse(_ text: String) -> ElementCounter? {
        let counter = ElementCounter()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = counter
        return parser.parse() ? counter : nil
    }
}

/// Rows come from a metrics log, as a run folder's `metrics.csv` holds them.
private func epochs(_ rows: [(Int, Double, Double, Double?)]) -> [EpochMetrics] {
    let hidden = rows.contains { $0.3 != nil }
    let log = MetricsLog(columns: ["epoch", "train_mse", "validation_mse"] + (hidden ? ["validation_hidden_mse"] : []) + ["seconds"],
                         rows: rows.map { r in [Double(r.0), r.1, r.2] + (hidden ? [r.3 ?? .nan] : []) + [12.5] })
    return log.epochMetrics
}

private let history = epochs((1...5).map { e in (e, 0.08 / Double(e), 0.09 / Double(e) + 0.001, 0.2 / Double(e)) })

// MARK: SVG charts

@Test func svgChartIsWellFormedWithOnePolylinePerSeries() throws {
    let chart = SVGLineChart.lossCurves(history)
    let svg = chart.svg
    let parsed = try #require(ElementCounter.parse(svg), "SVG is not well-formed XML")
    #expect(parsed.counts["svg"] == 1)
    #expect(parsed.counts["polyline"] == 3) // training, validation, hidden
    for polyline in parsed.attributes["polyline"]! {
        let points = polyline["points"]!.split(separator: " ")
        #expect(points.count == 5)
        #expect(points.allSatisfy { $0.split(separator: ",").count == 2 && $0.split(separator: ",").allSatisfy { Double($0) != nil } })
    }
    #expect(parsed.counts["circle"] == 15) // markers
    #expect(svg.contains(">validation, hidden pixels<"))
    // Loss from 0.016 to 0.2 spans more than 3× → log scale with 1-2-5 ticks.
    #expect(chart.yScale == ChartScale.log10)
    #expect(svg.contains(">0.02<") && svg.contains(">0.05<") && svg.contains(">0.1<"))
    // Integer epoch ticks 1…5.
    for e in 1...5 { #expect(svg.contains(">\(e)</text>")) }
    #expect(!svg.contains(">1.5<"))
}

@Test func svgChartTicksAreRoundNumbers() throws {
    let chart = SVGLineChart(title: "t", xLabel: "x", yLabel: "y",
                             series: [ChartSeries(name: "a", x: [0, 1, 2, 3], y: [0.013, 0.021, 0.034, 0.047])])
    let svg = chart.svg
    #expect(ElementCounter.parse(svg) != nil)
    // Range 0.013…0.047: step 0.01 → ticks 0.01 … 0.05.
    for label in ["0.01", "0.02", "0.03", "0.04", "0.05"] { #expect(svg.contains(">\(label)</text>")) }
    // The log2 axis labels powers of two.
    let sweep = SVGLineChart(title: "sweep", xLabel: "latent size", yLabel: "MSE",
                             series: [ChartSeries(name: "MSE", x: [2, 8, 32, 128, 512], y: [0.05, 0.03, 0.02, 0.012, 0.011])],
                             xScale: .log2, yScale: .log10, integerX: true)
    let sweepSVG = sweep.svg
    let parsed = try #require(ElementCounter.parse(sweepSVG))
    #expect(parsed.attributes["polyline"]!.first!["points"]!.split(separator: " ").count == 5)
    for label in ["2", "4", "8", "16", "32", "64", "128", "256", "512"] { #expect(sweepSVG.contains(">\(label)</text>")) }
    // On a log2 axis equal ratios are equal distances: 2→8 and 8→32 span the same width.
    let xs = parsed.attributes["circle"]!.map { Double($0["cx"]!)! }
    #expect(abs((xs[1] - xs[0]) - (xs[2] - xs[1])) < 0.02)
}

@Test func svgChartSkipsUnplottablePointsAndEscapesNames() throws {
    let chart = SVGLineChart(title: "A <b> & \"c\"", xLabel: "x", yLabel: "y",
                             series: [ChartSeries(name: "<loss>", x: [1, 2, 3, 4], y: [0.1, .nan, 0, 0.05])], yScale: .log10)
    let svg = chart.svg
    let parsed = try #require(ElementCounter.parse(svg))
    #expect(parsed.attributes["polyline"]!.first!["points"]!.split(separator: " ").count == 2) // NaN and 0 dropped on a log axis
    #expect(svg.contains("&lt;loss&gt;") && !svg.contains("<loss>"))
    let empty = SVGLineChart(title: "empty", xLabel: "x", yLabel: "y", series: []).svg
    #expect(ElementCounter.parse(empty) != nil && empty.contains("no data"))
    // One point still gives a valid chart.
    let single = SVGLineChart.lossCurves([history[0]]).svg
    #expect(ElementCounter.parse(single)?.counts["polyline"] == 3)
}

// MARK: HTML

@Test func htmlTableFormatsAndEscapes() {
    let table = HTMLTable(caption: "c", header: ["name", "value"],
                          rows: [[.text("a<b"), .number(0.0123456, digits: 3)], [.text("n"), .integer(1234567)], [.text("m"), .number(nil)]])
    let html = table.html
    #expect(html.contains("<td>a&lt;b</td><td class=\"num\">0.0123</td>"))
    #expect(html.contains("<td class=\"num\">1,234,567</td>"))
    #expect(html.contains("<td class=\"num\">—</td>"))
    // Plain text: numbers right-aligned under a 9-wide column ("1,234,567").
    #expect(table.plainText.split(separator: "\n").map(String.init) == ["c", "name  value", "----  ---------", "a<b      0.0123", "n     1,234,567", "m             —"])
    #expect(ReportFormat.significant(19.104, digits: 4) == "19.1")
    #expect(ReportFormat.significant(0.000012345, digits: 3) == "1.23e-05")
    #expect(ReportFormat.significant(1e-7, digits: 6) == "1e-07")
    #expect(ReportFormat.escape("<a href='x'>&</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;")
}

@Test func htmlReportEmbedsImagesAndCharts() throws {
    var report = HTMLReport(title: "T <1>")
    report.heading("Section & more")
    report.paragraph("x < y")
    report.chart(SVGLineChart.lossCurves(history))
    try report.image(Image(width: 2, height: 2, channels: 1, filledWith: 0.5), alt: "tiny", caption: "a tiny image", scale: 4)
    report.image(relativePath: "samples/final.png", alt: "grid", caption: "grid")
    let html = report.html
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<title>T &lt;1&gt;</title>") && html.contains("<h2>Section &amp; more</h2>") && html.contains("<p>x &lt; y</p>"))
    #expect(html.contains("src=\"data:image/png;base64,iVBORw0KGgo"))
    #expect(html.contains("width=\"8\" height=\"8\""))
    #expect(html.contains("<img src=\"samples/final.png\""))
    #expect(html.contains("<style>"))
    // The inline SVG is still well-formed inside the page.
    let start = try #require(html.range(of: "<svg"))
    let end = try #require(html.range(of: "</svg>"))
    #expect(ElementCounter.parse(String(html[start.lowerBound..<end.upperBound])) != nil)
}

private func sampleReport() -> AutoencoderReport {
    var c = TrainingConfiguration()
    c.model = .dense
    c.task = .complete
    c.mask = .bottom
    c.latentSize = 32
    c.epochs = 5
    return AutoencoderReport(
        configuration: c, history: history,
        validation: ReportMetrics(images: 12000, meanSquaredError: 0.01234, hiddenMeanSquaredError: 0.04321, ssim: 0.7123, hiddenSSIM: 0.4567),
        test: ReportMetrics(images: 10000, meanSquaredError: 0.01255, hiddenMeanSquaredError: 0.0444, ssim: 0.7001, hiddenSSIM: 0.4501),
        modelName: "dense <autoencoder> (latent 32)", parameterCount: 52_016,
        samples: [SampleReference(path: "samples/final.png", caption: "Validation images: occluded | completed | original", pixelWidth: 182)],
        imagesPerSecond: 8123.4, trainingImages: 48000)
}

@Test func autoencoderReportHasSummaryTablesCurveAndGrids() throws {
    let report = sampleReport()
    let html = report.html
    // Summary in words, with the headline numbers.
    #expect(report.summary.contains("bottom half"))
    #expect(report.summary.contains("0.0432"))
    #expect(report.summary.contains("52,016 parameters"))
    #expect(report.summary.contains("Fashion-MNIST"))
    #expect(report.summary.contains("still falling"))
    #expect(html.contains("<p class=\"summary\">"))
    // Metrics table rows with formatted values for both splits.
    #expect(html.contains("<tr><td>MSE, all pixels</td><td class=\"num\">0.01234</td><td class=\"num\">0.01255</td></tr>"))
    #expect(html.contains("<tr><td>MSE, hidden pixels</td><td class=\"num\">0.04321</td><td class=\"num\">0.0444</td></tr>"))
    #expect(html.contains("<tr><td>SSIM, all pixels</td><td class=\"num\">0.7123</td><td class=\"num\">0.7001</td></tr>"))
    #expect(html.contains("<tr><td>SSIM, hidden pixels</td><td class=\"num\">0.4567</td><td class=\"num\">0.4501</td></tr>"))
    #expect(html.contains("<td>PSNR, all pixels (dB)</td><td class=\"num\">19.09</td>")) // −10 log10 0.01234 = 19.087
    // Configuration table.
    #expect(html.contains("<tr><td>Latent size</td><td>32</td></tr>"))
    #expect(html.contains("<tr><td>Learning rate</td><td>0.001</td></tr>"))
    #expect(html.contains("<tr><td>Occlusion mask</td><td>bottom</td></tr>"))
    #expect(html.contains("<tr><td>Epsilon</td><td>1e-07</td></tr>"))
    #expect(report.pageTitle == "Fashion-MNIST · dense <autoencoder> (latent 32) · completing the bottom half")
    // Names are escaped; the raw '<' never appears in text.
    #expect(html.contains("dense &lt;autoencoder&gt; (latent 32)"))
    #expect(!html.contains("<autoencoder>"))
    // Loss curve and the sample grid.
    #expect(html.components(separatedBy: "<polyline").count - 1 == 3)
    #expect(html.contains("<img src=\"samples/final.png\" alt=\"Validation images: occluded | completed | original\" width=\"364\">"))
    #expect(html.contains("<figcaption>Validation images: occluded | completed | original</figcaption>"))
    // Written atomically into a run folder.
    let folder = TemporaryDirectory()
    let run = try RunFolder(path: folder.file("run"), mode: .create)
    try report.write(in: run)
    #expect(try String(contentsOfFile: run.reportPath, encoding: .utf8) == html)
}

@Test func reconstructionReportSaysWhatWasLearned() {
    var report = sampleReport()
    report.configuration.task = .reconstruct
    report.validation.hiddenMeanSquaredError = nil
    report.validation.hiddenSSIM = nil
    report.test = nil
    report.history = epochs([(1, 0.06, 0.05, nil), (2, 0.04, 0.03, nil), (3, 0.03, 0.02, nil), (4, 0.02, 0.025, nil), (5, 0.015, 0.03, nil)])
    let summary = report.summary
    #expect(summary.contains("squeezing it through 32 numbers"))
    #expect(summary.contains("0.0123"))
    #expect(summary.contains("lowest at epoch 3"))
    #expect(summary.contains("overfitting"))
    #expect(!report.html.contains("hidden pixels</td>"))
    #expect(report.html.components(separatedBy: "<polyline").count - 1 == 2)
}

@Test func sweepReportTablesEveryRunAndChartsErrorByLatent() throws {
    let rows = [2, 8, 32, 128].map { latent in
        SweepReportRow(latentSize: latent,
                       metrics: ReportMetrics(meanSquaredError: 0.1 / Double(latent).squareRoot(), hiddenMeanSquaredError: 0.3 / Double(latent).squareRoot(),
                                              ssim: 0.5 + Double(latent) / 1000),
                       seconds: Double(latent), reportPath: "latent-\(latent)/report.html")
    }
    let report = SweepReport(modelDescription: "dense autoencoder", dataset: "fashion-mnist", task: .complete, entries: rows.reversed())
    let html = report.html
    #expect(html.contains("<tr><td class=\"num\">8</td><td class=\"num\">0.03536</td><td class=\"num\">0.1061</td>"))
    #expect(html.contains("<a href=\"latent-128/report.html\">report</a>"))
    #expect(report.summary.contains("latent size 128"))
    #expect(report.summary.contains("lowered it by 88%"))
    let chart = try #require(ElementCounter.parse(report.errorChart.svg))
    #expect(chart.counts["polyline"] == 2)
    #expect(chart.attributes["polyline"]!.allSatisfy { $0["points"]!.split(separator: " ").count == 4 })
    #expect(report.similarityChart != nil)
    #expect(html.components(separatedBy: "<svg").count - 1 == 2)
    // Rows come out in latent order whatever order they were given in.
    let positions = [2, 8, 32, 128].map { html.range(of: "latent-\($0)/report.html")!.lowerBound }
    #expect(positions == positions.sorted())
}

@Test func comparisonTableShowsRatios() {
    let rows = [
        ArticleComparison(dataset: "fashion-mnist", model: "dense", latentSize: 32, optimizer: "adam", epochs: 10, articleMSE: 0.0120, ourMSE: 0.0108),
        ArticleComparison(dataset: "cifar10", model: "cnn", latentSize: 512, optimizer: "adam", epochs: 20, articleMSE: 0.0050, ourMSE: 0.0075),
        ArticleComparison(dataset: "mnist", model: "dense", latentSize: 16, optimizer: "sgd", epochs: 5, articleMSE: nil, ourMSE: 0.02),
    ]
    #expect(rows[0].ratio! > 0.899 && rows[0].ratio! < 0.901)
    #expect(rows[2].ratio == nil)
    let html = ComparisonTable.table(rows).html
    #expect(html.contains("<tr><td>Fashion-MNIST</td><td>dense</td><td class=\"num\">32</td><td>adam</td><td>10</td><td>—</td>"
                          + "<td class=\"num\">0.012</td><td class=\"num\">0.0108</td><td class=\"num\">0.90</td><td>—</td></tr>"))
    #expect(html.contains("<td class=\"num\">1.50</td>"))
    let text = ComparisonTable.plainText(rows)
    #expect(text.split(separator: "\n").count == 5)
    #expect(text.contains("CIFAR-10"))
    // Without training counts the summary says nothing about them.
    #expect(ComparisonTable.summary(rows) == "Of 2 configurations with both numbers, 1 came within 25% of the article's MSE and 1 came out "
            + "lower; the median ratio of ours to the article's is 1.20.")
    #expect(ComparisonTable.report(rows).html.contains("Ratio (ours / article)"))
}

/// Two rows of a quick look: 3,200 of 48,000 images, 7 of 20 and 10 of 30 epochs (17 of 50: 0.34).
private let quickLook = [
    ArticleComparison(dataset: "mnist", model: "basic, reconstruction", latentSize: 32, optimizer: "adam", epochs: 7, articleMSE: 0.0170,
                      ourMSE: 0.0187, articleEpochs: 20, trainingImages: 3_200, articleTrainingImages: 48_000,
                      runFolder: "row1-dense-reconstruct-latent32"),
    ArticleComparison(dataset: "mnist", model: "deep 5×5, occlusion", latentSize: 512, optimizer: "adam", epochs: 10, articleMSE: 0.0146,
                      ourMSE: 0.0219, articleEpochs: 30, trainingImages: 3_200, articleTrainingImages: 48_000,
                      runFolder: "row6-cnn-complete-latent512"),
]

@Test func comparisonRowsShowTrainingBesideTheArticlesAndLinkTheirRuns() {
    let html = ComparisonTable.table(quickLook).html
    #expect(html.contains("<tr><td>MNIST</td><td>basic, reconstruction</td><td class=\"num\">32</td><td>adam</td><td>7 / 20</td>"
                          + "<td>3,200 / 48,000</td><td class=\"num\">0.017</td><td class=\"num\">0.0187</td><td class=\"num\">1.10</td>"
                          + "<td><a href=\"row1-dense-reconstruct-latent32/report.html\">report</a> · "
                          + "<a href=\"row1-dense-reconstruct-latent32/samples/final.png\">samples</a></td></tr>"))
    #expect(ComparisonTable.header == ["Dataset", "Model", "Latent", "Optimiser", "Epochs (ours / article)", "Training images (ours / article)",
                                       "Article MSE", "Our MSE", "Ratio (ours / article)", "Run"])
    let markdown = ComparisonTable.markdown(quickLook).split(separator: "\n").map(String.init)
    #expect(markdown.count == 4)
    #expect(markdown[2] == "| MNIST | basic, reconstruction | 32 | adam | 7 / 20 | 3,200 / 48,000 | 0.01700 | 0.01870 | 1.10 | "
            + "[report](row1-dense-reconstruct-latent32/report.html) · [samples](row1-dense-reconstruct-latent32/samples/final.png) |")
    #expect(markdown[3].hasPrefix("| MNIST | deep 5×5, occlusion | 512 | adam | 10 / 30 | 3,200 / 48,000 | 0.01460 | 0.02190 | 1.50 | "))
    let csv = ComparisonTable.csv(quickLook).split(separator: "\n").map(String.init)
    #expect(csv[0] == "dataset,model,latent,optimizer,epochs,article_epochs,training_images,article_training_images,article_mse,imagegen_mse,"
            + "ratio,run_report,samples")
    #expect(csv[1].hasPrefix("mnist,\"basic, reconstruction\",32,adam,7,20,3200,48000,0.017,0.0187,1.1"))
    #expect(csv[1].hasSuffix(",row1-dense-reconstruct-latent32/report.html,row1-dense-reconstruct-latent32/samples/final.png"))
    #expect(ComparisonTable.plainText(quickLook).contains("row6-cnn-complete-latent512"))
}

@Test func summarySaysHowMuchOfTheArticlesTrainingWasUsed() {
    #expect(ComparisonTable.summary(quickLook) == "Of 2 configurations with both numbers, 1 came within 25% of the article's MSE and 0 came out "
            + "lower; the median ratio of ours to the article's is 1.30, with 3,200 of the article's 48,000 training images and 0.34 of its epochs.")
    var full = quickLook
    for i in full.indices {
        full[i].epochs = full[i].articleEpochs!
        full[i].trainingImages = 48_000
    }
    #expect(ComparisonTable.summary(full).hasSuffix("is 1.30, with the article's 48,000 training images and all its epochs."))
    full[0].epochs = 40
    full[1].epochs = 60
    #expect(ComparisonTable.summary(full).hasSuffix("with the article's 48,000 training images and 2.00 times its epochs."))
    full[1].trainingImages = 1_000
    #expect(ComparisonTable.summary(full).contains("with 1,000–48,000 of the article's 48,000 training images"))
    let html = ComparisonTable.report(quickLook, notes: [GeneratingImagesTable.articleDataNote(for: "fashion-mnist")!]).html
    #expect(html.contains("with 3,200 of the article&#39;s 48,000 training images and 0.34 of its epochs."))
    #expect(html.contains("The article trained on 48,000 of MNIST&#39;s 60,000 training images, holding 20 % out for validation."))
}

// MARK: Sample grid

@Test func sampleGridHasExpectedSizeAndLayout() throws {
    let n = 4, h = 28, w = 28
    let original = Tensor(shape: [n, h, w, 1], scalars: (0..<(n * h * w)).map { Float($0 % 255) / 255 })
    let mask = try ImageMask(visible: Tensor(shape: [h, w, 1], scalars: (0..<(h * w)).map { $0 / w > w / 2 ? 0 : 1 }))
    let occluded = try mask.fill(original, with: 0.5)
    #expect(occluded.scalars[27 * w] == 0.5 && occluded.scalars[w] == original.scalars[w])
    let completed = Tensor(repeating: 0.25, shape: [n, h, w, 1])
    // Labels: "completed" is 53 px wide, so 28-px tiles are doubled.
    let grid = try SampleGrid.make(occluded: occluded, completed: completed, original: original)
    let pad = 2, tile = 2 * w
    #expect(grid.width == 3 * (tile + pad) + pad)
    #expect(grid.height == pad + ImageGridOptions.labelHeight + n * (2 * h + pad) + pad)
    let top = pad + ImageGridOptions.labelHeight + pad
    // Second column, first row: the completed tile (0.25); third column: the original (pixel 0 = 0).
    #expect(grid[top, pad + tile + pad, 0] == 0.25)
    #expect(grid[top + 1, pad + 2 * (tile + pad) + 1, 0] == original.scalars[0])
    // Heading ink is dark on the white background.
    #expect(grid.pixels[0..<(grid.width * (pad + ImageGridOptions.labelHeight))].contains(0))
    // Without labels and at scale 1, with a row limit.
    let plain = try SampleGrid.make(occluded: occluded, completed: completed, original: original, labels: nil, maxRows: 3)
    #expect(plain.width == 3 * (w + pad) + pad && plain.height == 3 * (h + pad) + pad)
    // Written atomically as PNG and read back at the same size.
    let folder = TemporaryDirectory()
    let path = folder.file("grid.png")
    let written = try SampleGrid.write(occluded: occluded, completed: completed, original: original, to: path)
    let read = try readImage(at: path)
    #expect(read.width == written.width && read.height == written.height)
    #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    // Mismatched shapes are refused.
    #expect(throws: ExperimentError.self) {
        try SampleGrid.make(occluded: occluded, completed: Tensor(zeros: [n, h, w, 3]), original: original)
    }
}

@Test func sampleGridKeepsColour() throws {
    let batch = Tensor(shape: [2, 12, 12, 3], scalars: (0..<(2 * 12 * 12 * 3)).map { Float($0 % 3) / 2 })
    let grid = try SampleGrid.make(occluded: batch, completed: batch, original: batch, labels: ["in", "out", "real"])
    #expect(grid.channels == 3)
    // "real" is 23 px wide: 12-px tiles are doubled to 24.
    #expect(grid.width == 3 * (24 + 2) + 2)
    #expect(grid.height == 2 + ImageGridOptions.labelHeight + 2 * (24 + 2) + 2)
}

@Test func reportMetricsComeFromAccumulatorsAndEvaluations() throws {
    var errors = ErrorAccumulator()
    let a = Tensor(repeating: 0.5, shape: [2, 12, 12, 1]), b = Tensor(repeating: 0.25, shape: [2, 12, 12, 1])
    let hidden = Tensor(shape: [12, 12, 1], scalars: (0..<144).map { $0 < 72 ? 0 : 1 })
    errors.add(predictions: a, targets: b, hidden: hidden)
    var ssim = SSIMAccumulator()
    try ssim.add(predictions: a, targets: b, hidden: hidden)
    let metrics = ReportMetrics(errors: errors, ssim: ssim)
    #expect(metrics.images == 2)
    #expect(abs(metrics.meanSquaredError - 0.0625) < 1e-12 && abs(metrics.hiddenMeanSquaredError! - 0.0625) < 1e-12)
    #expect(abs(metrics.psnr - 12.0412) < 1e-4)
    #expect(abs(metrics.ssim! - 0.2501 / 0.3126) < 1e-12 && abs(metrics.hiddenSSIM! - 0.2501 / 0.3126) < 1e-12)
}
