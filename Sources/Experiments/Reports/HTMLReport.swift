import Engine
import Foundation
import Imaging

/// One cell of an `HTMLTable`: text is escaped; numbers are formatted and right-aligned.
public enum HTMLCell: Sendable, Equatable {
    case text(String)
    /// A number with `digits` significant digits ("0.01234"); `nil` or NaN shows as "—".
    case number(Double?, digits: Int)
    /// A number with exactly `decimals` decimals ("19.10").
    case fixed(Double?, decimals: Int)
    /// An integer with digit grouping ("1,234,567").
    case integer(Int?)
    /// A link to `href` (escaped) showing `text`.
    case link(String, href: String)
    /// Markup inserted as is.
    case html(String)

    /// `.number(value, digits: 4)`.
    public static func number(_ value: Double?) -> HTMLCell { .number(value, digits: 4) }

    static let missing = "—"

    var isNumeric: Bool {
        switch self {
        case .number, .fixed, .integer: return true
        default: return false
        }
    }

    var markup: String {
        switch self {
        case .text(let text): return ReportFormat.escape(text)
        case .number(let value, let digits):
            guard let value, !value.isNaN else { return Self.missing }
            return ReportFormat.significant(value, digits: digits)
        case .fixed(let value, let decimals):
            guard let value, !value.isNaN else { return Self.missing }
            return ReportFormat.fixed(value, decimals: decimals)
        case .integer(let value): return value.map(ReportFormat.grouped) ?? Self.missing
        case .link(let text, let href): return "<a href=\"\(ReportFormat.escape(href))\">\(ReportFormat.escape(text))</a>"
        case .html(let markup): return markup
        }
    }
}

extension HTMLCell: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

/// A table with a header row and an optional caption.
public struct HTMLTable: Sendable {
    public var caption: String?
    public var header: [String]
    public var rows: [[HTMLCell]]

    public init(caption: String? = nil, header: [String], rows: [[HTMLCell]] = []) {
        self.caption = caption
        self.header = header
        self.rows = rows
    }

    /// A two-column name/value table.
    public init(caption: String? = nil, header: [String] = ["Setting", "Value"], pairs: [(String, HTMLCell)]) {
        self.init(caption: caption, header: header, rows: pairs.map { [.text($0.0), $0.1] })
    }

    public var html: String {
        var out = "<table>\n"
        if let caption { out += "<caption>\(ReportFormat.escape(caption))</caption>\n" }
        out += "<thead><tr>" + header.map { "<th>\(ReportFormat.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>" + row.map { cell in cell.isNumeric ? "<td class=\"num\">\(cell.markup)</td>" : "<td>\(cell.markup)</td>" }.joined()
                + "</tr>\n"
        }
        out += "</tbody>\n</table>"
        return out
    }

    /// The table as aligned plain text for a terminal: numbers right-aligned, text left-aligned.
    public var plainText: String {
        let cells = rows.map { $0.map { cell -> (String, Bool) in (Self.plain(cell), cell.isNumeric) } }
        let columns = max(header.count, cells.map(\.count).max() ?? 0)
        var widths = [Int](repeating: 0, count: columns)
        for (i, h) in header.enumerated() { widths[i] = max(widths[i], h.count) }
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.0.count) } }
        func pad(_ text: String, _ width: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
        var lines: [String] = []
        if let caption { lines.append(caption) }
        lines.append(header.enumerated().map { pad($0.element, widths[$0.offset], right: false) }.joined(separator: "  "))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in cells {
            lines.append(row.enumerated().map { pad($0.element.0, widths[$0.offset], right: $0.element.1) }.joined(separator: "  "))
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    static func plain(_ cell: HTMLCell) -> String {
        switch cell {
        case .text(let text): return text
        case .link(let text, _): return text
        case .html(let markup):
            // Strip tags and decode the basic entities for terminal output.
            var text = markup.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
                text = text.replacingOccurrences(of: entity, with: character)
            }
            return text
        default: return cell.markup
        }
    }
}

/// Builds a self-contained HTML page (inline CSS, inline SVG, images as data URIs or relative links) one
/// block at a time. All text passed in is HTML-escaped; use `raw(_:)` for markup.
public struct HTMLReport: Sendable {
    public var title: String
    public private(set) var blocks: [String] = []

    public init(title: String) { self.title = title }

    public static let style = """
    body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
    h1 { font-size: 1.6em; margin-bottom: 0.3em; }
    h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
    h3 { font-size: 1.05em; margin-top: 1.4em; }
    p.summary { font-size: 1.08em; background: #f5f7fa; border-left: 4px solid #1f77b4; padding: 0.6em 0.9em; }
    p.note { color: #555; font-size: 0.92em; }
    table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.94em; }
    caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.3em; }
    th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
    th { background: #f0f0f0; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    tbody tr:nth-child(even) { background: #fafafa; }
    figure { margin: 1em 0; }
    figure img { image-rendering: pixelated; image-rendering: crisp-edges; border: 1px solid #ccc; max-width: 100%; }
    figcaption { color: #444; font-size: 0.92em; margin-top: 0.3em; }
    svg.chart { max-width: 100%; height: auto; border: 1px solid #eee; }
    code { background: #f3f3f3; padding: 0 0.25em; }
    """

    public mutating func heading(_ text: String, level: Int = 2) {
        let level = min(max(level, 1), 6)
        blocks.append("<h\(level)>\(ReportFormat.escape(text))</h\(level)>")
    }

    /// A paragraph; `cssClass` e.g. `summary` or `note`.
    public mutating func paragraph(_ text: String, cssClass: String? = nil) {
        let attribute = cssClass.map { " class=\"\(ReportFormat.escape($0))\"" } ?? ""
        blocks.append("<p\(attribute)>\(ReportFormat.escape(text))</p>")
    }

    public mutating func table(_ table: HTMLTable) { blocks.append(table.html) }

    public mutating func chart(_ chart: SVGLineChart) { blocks.append("<figure class=\"chart\">\n\(chart.svg)\n</figure>") }

    /// An image file referenced by a path relative to the report (e.g. `samples/grid.png`), shown `scale` times
    /// its size when `pixelWidth` is known.
    public mutating func image(relativePath: String, alt: String, caption: String? = nil, pixelWidth: Int? = nil, scale: Int = 1) {
        let width = pixelWidth.map { " width=\"\($0 * max(scale, 1))\"" } ?? ""
        blocks.append(figure(img: "<img src=\"\(ReportFormat.escape(relativePath))\" alt=\"\(ReportFormat.escape(alt))\"\(width)>",
                             caption: caption))
    }

    /// An image embedded as a base64 PNG data URI, shown `scale` times its size.
    public mutating func image(_ image: Image, alt: String, caption: String? = nil, scale: Int = 1) throws {
        let png = try PNGCodec.encode(image)
        let uri = "data:image/png;base64," + Data(png).base64EncodedString()
        blocks.append(figure(img: "<img src=\"\(uri)\" alt=\"\(ReportFormat.escape(alt))\" width=\"\(image.width * max(scale, 1))\" "
                             + "height=\"\(image.height * max(scale, 1))\">", caption: caption))
    }

    /// Markup inserted as is.
    public mutating func raw(_ html: String) { blocks.append(html) }

    private func figure(img: String, caption: String?) -> String {
        "<figure>\n\(img)\n" + (caption.map { "<figcaption>\(ReportFormat.escape($0))</figcaption>\n" } ?? "") + "</figure>"
    }

    /// The whole page.
    public var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(ReportFormat.escape(title))</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        <h1>\(ReportFormat.escape(title))</h1>
        \(blocks.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    /// Writes the page atomically to `path`.
    public func write(to path: String) throws { try AtomicFile.write(html, to: path) }
}
