import Engine
import Foundation

/// A minimal self-contained `report.html` for the background and GAN runs: line charts (inline SVG),
/// tables and images referenced relative to the run folder.
public struct GenerationReport {
    public var title: String
    private var sections: [String] = []

    public init(title: String) { self.title = title }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    public mutating func paragraph(_ text: String) { sections.append("<p>\(Self.escape(text))</p>") }

    public mutating func heading(_ text: String) { sections.append("<h2>\(Self.escape(text))</h2>") }

    public mutating func table(header: [String], rows: [[String]]) {
        let head = header.map { "<th>\(Self.escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        sections.append("<table><tr>\(head)</tr>\n\(body)</table>")
    }

    public mutating func image(_ relativePath: String, caption: String) {
        sections.append("<figure><img src=\"\(Self.escape(relativePath))\" style=\"image-rendering: pixelated; max-width: 100%\"><figcaption>\(Self.escape(caption))</figcaption></figure>")
    }

    /// A line chart of one or more series against x (non-finite points are skipped); log scale when asked and all values are positive.
    public mutating func chart(title: String, x: [Double], series: [(name: String, values: [Double])], logScale: Bool = false) {
        let width = 640.0, height = 260.0, margin = 40.0
        let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
        let all = series.flatMap(\.values).filter(\.isFinite)
        guard !x.isEmpty, !all.isEmpty else { return }
        let useLog = logScale && all.allSatisfy { $0 > 0 }
        func f(_ v: Double) -> Double { useLog ? log10(v) : v }
        let lo = all.map(f).min()!, hi = all.map(f).max()!
        let span = hi > lo ? hi - lo : 1
        let xLo = x.min()!, xSpan = Swift.max(x.max()! - xLo, 1)
        var svg = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" style=\"border:1px solid #ccc\">"
        svg += "<text x=\"\(margin)\" y=\"14\" font-size=\"12\">\(Self.escape(title))\(useLog ? " (log scale)" : "")</text>"
        svg += "<text x=\"2\" y=\"\(margin)\" font-size=\"10\">\(String(format: "%.3g", useLog ? pow(10, hi) : hi))</text>"
        svg += "<text x=\"2\" y=\"\(height - margin)\" font-size=\"10\">\(String(format: "%.3g", useLog ? pow(10, lo) : lo))</text>"
        for (i, s) in series.enumerated() {
            var pointList: [String] = []
            for (px, v) in zip(x, s.values) where v.isFinite && (!useLog || v > 0) {
                let sx: Double = margin + (px - xLo) / xSpan * (width - 2 * margin)
                let sy: Double = height - margin - (f(v) - lo) / span * (height - 2 * margin)
                pointList.append(String(format: "%.1f,%.1f", sx, sy))
            }
            let points = pointList.joined(separator: " ")
            let colour = colours[i % colours.count]
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points)\"/>"
            svg += "<text x=\"\(width - 150)\" y=\"\(20 + 14 * i)\" font-size=\"11\" fill=\"\(colour)\">\(Self.escape(s.name))</text>"
        }
        svg += "</svg>"
        sections.append(svg)
    }

    public var html: String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
        <style>body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}figure{display:inline-block;margin:8px}</style>
        </head><body><h1>\(Self.escape(title))</h1>
        \(sections.joined(separator: "\n"))
        </body></html>
        """
    }

    public func write(to path: String) throws { try AtomicFile.write(html, to: path) }
}
