import Foundation

/// One line of a chart: points in data coordinates. Points with a non-finite coordinate, or a non-positive
/// one on a logarithmic axis, are left out.
public struct ChartSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// A CSS colour; `nil` takes the next colour of `SVGLineChart.palette`.
    public var color: String?
    public var dashed: Bool

    public init(name: String, points: [(x: Double, y: Double)], color: String? = nil, dashed: Bool = false) {
        self.name = name
        self.points = points
        self.color = color
        self.dashed = dashed
    }

    /// A series from parallel arrays of x and y values (extra values of the longer one are ignored).
    public init(name: String, x: [Double], y: [Double], color: String? = nil, dashed: Bool = false) {
        self.init(name: name, points: zip(x, y).map { (x: $0.0, y: $0.1) }, color: color, dashed: dashed)
    }
}

/// How an axis maps values to positions.
public enum ChartScale: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic (losses): ticks at 1, 2, 5 × powers of ten.
    case log10
    /// Base-2 logarithmic (latent sizes): ticks at powers of two.
    case log2
}

/// A line chart rendered as a self-contained inline `<svg>` element: one polyline per series (with point
/// markers when there are few points), a legend, axes with round-numbered ticks and axis labels.
public struct SVGLineChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [ChartSeries]
    public var xScale: ChartScale
    public var yScale: ChartScale
    /// Ticks only at integer x values (epochs, latent sizes).
    public var integerX: Bool
    public var width: Double
    public var height: Double
    /// Markers are drawn on every point of series with at most this many points.
    public var markerLimit: Int

    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    public init(title: String, xLabel: String, yLabel: String, series: [ChartSeries], xScale: ChartScale = .linear,
                yScale: ChartScale = .linear, integerX: Bool = false, width: Double = 640, height: Double = 360,
                markerLimit: Int = 40) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xScale = xScale
        self.yScale = yScale
        self.integerX = integerX
        self.width = width
        self.height = height
        self.markerLimit = markerLimit
    }

    /// Training and validation loss per epoch (and hidden-pixel validation loss when recorded), log-scaled
    /// when the values span more than a factor of 3.
    public static func lossCurves(_ history: [EpochMetrics], title: String = "Loss per epoch", yLabel: String = "MSE") -> SVGLineChart {
        let epochs = history.map { Double($0.epoch) }
        var series = [ChartSeries(name: "training", x: epochs, y: history.map(\.trainingLoss)),
                      ChartSeries(name: "validation", x: epochs, y: history.map(\.validationLoss))]
        let hidden = history.compactMap { m in m.validationHiddenLoss.map { (x: Double(m.epoch), y: $0) } }
        if !hidden.isEmpty { series.append(ChartSeries(name: "validation, hidden pixels", points: hidden, dashed: true)) }
        let values = series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && $0 > 0 }
        let logScale = (values.max() ?? 1) / (values.min() ?? 1) > 3
        return SVGLineChart(title: title, xLabel: "epoch", yLabel: yLabel, series: series,
                            yScale: logScale ? .log10 : .linear, integerX: true)
    }

    // MARK: Rendering

    static let margin = (left: 64.0, right: 16.0, top: 40.0, bottom: 48.0)
    static let legendRowHeight = 16.0

    /// The `<svg>` element.
    public var svg: String {
        let visible = series.map { s in s.points.filter { usable($0.x, xScale) && usable($0.y, yScale) } }
        let legendRows = series.isEmpty ? 0 : 1
        let m = Self.margin
        let top = m.top + Double(legendRows) * Self.legendRowHeight
        let plot = (left: m.left, right: width - m.right, top: top, bottom: height - m.bottom)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(ReportFormat.coordinate(width))\" height=\"\(ReportFormat.coordinate(height))\" "
            + "viewBox=\"0 0 \(ReportFormat.coordinate(width)) \(ReportFormat.coordinate(height))\" role=\"img\" aria-label=\"\(ReportFormat.escape(title))\" "
            + "font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<title>\(ReportFormat.escape(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(ReportFormat.coordinate(width))\" height=\"\(ReportFormat.coordinate(height))\" fill=\"white\"/>\n"
        out += "<text x=\"\(ReportFormat.coordinate(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(ReportFormat.escape(title))</text>\n"
        let allX = visible.flatMap { $0.map(\.x) }, allY = visible.flatMap { $0.map(\.y) }
        guard !allX.isEmpty else {
            out += "<text x=\"\(ReportFormat.coordinate(width / 2))\" y=\"\(ReportFormat.coordinate(height / 2))\" text-anchor=\"middle\" fill=\"#666\">no data</text>\n</svg>"
            return out
        }
        let xAxis = ChartAxis(values: allX, scale: xScale, integer: integerX)
        let yAxis = ChartAxis(values: allY, scale: yScale, integer: false)
        func px(_ x: Double) -> Double { plot.left + xAxis.fraction(x) * (plot.right - plot.left) }
        func py(_ y: Double) -> Double { plot.bottom - yAxis.fraction(y) * (plot.bottom - plot.top) }

        // Grid and ticks.
        out += "<g class=\"axes\" stroke=\"#ddd\" stroke-width=\"1\">\n"
        for tick in yAxis.ticks { out += "<line x1=\"\(ReportFormat.coordinate(plot.left))\" y1=\"\(ReportFormat.coordinate(py(tick)))\" x2=\"\(ReportFormat.coordinate(plot.right))\" y2=\"\(ReportFormat.coordinate(py(tick)))\"/>\n" }
        for tick in xAxis.ticks { out += "<line x1=\"\(ReportFormat.coordinate(px(tick)))\" y1=\"\(ReportFormat.coordinate(plot.top))\" x2=\"\(ReportFormat.coordinate(px(tick)))\" y2=\"\(ReportFormat.coordinate(plot.bottom))\"/>\n" }
        out += "</g>\n"
        out += "<rect x=\"\(ReportFormat.coordinate(plot.left))\" y=\"\(ReportFormat.coordinate(plot.top))\" width=\"\(ReportFormat.coordinate(plot.right - plot.left))\" "
            + "height=\"\(ReportFormat.coordinate(plot.bottom - plot.top))\" fill=\"none\" stroke=\"#444\"/>\n"
        out += "<g class=\"tick-labels\" fill=\"#222\">\n"
        for tick in yAxis.ticks {
            out += "<text x=\"\(ReportFormat.coordinate(plot.left - 6))\" y=\"\(ReportFormat.coordinate(py(tick) + 4))\" text-anchor=\"end\">\(ReportFormat.escape(yAxis.label(tick)))</text>\n"
        }
        for tick in xAxis.ticks {
            out += "<text x=\"\(ReportFormat.coordinate(px(tick)))\" y=\"\(ReportFormat.coordinate(plot.bottom + 16))\" text-anchor=\"middle\">\(ReportFormat.escape(xAxis.label(tick)))</text>\n"
        }
        out += "</g>\n"
        out += "<text x=\"\(ReportFormat.coordinate((plot.left + plot.right) / 2))\" y=\"\(ReportFormat.coordinate(height - 10))\" text-anchor=\"middle\">\(ReportFormat.escape(xLabel))</text>\n"
        let yMid = (plot.top + plot.bottom) / 2
        out += "<text x=\"14\" y=\"\(ReportFormat.coordinate(yMid))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(ReportFormat.coordinate(yMid)))\">\(ReportFormat.escape(yLabel))</text>\n"

        // Series.
        for (index, s) in series.enumerated() {
            let color = ReportFormat.escape(s.color ?? Self.palette[index % Self.palette.count])
            let points = visible[index].sorted { $0.x < $1.x }
            let coordinates = points.map { "\(ReportFormat.coordinate(px($0.x))),\(ReportFormat.coordinate(py($0.y)))" }.joined(separator: " ")
            out += "<g class=\"series\" data-name=\"\(ReportFormat.escape(s.name))\">\n"
            if !points.isEmpty {
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "") "
                    + "points=\"\(coordinates)\"/>\n"
            }
            if points.count <= markerLimit {
                for p in points {
                    out += "<circle cx=\"\(ReportFormat.coordinate(px(p.x)))\" cy=\"\(ReportFormat.coordinate(py(p.y)))\" r=\"3\" fill=\"\(color)\">"
                        + "<title>\(ReportFormat.escape(s.name)): \(ReportFormat.escape(xAxis.label(p.x, exact: true))), \(ReportFormat.escape(yAxis.label(p.y, exact: true)))</title></circle>\n"
                }
            }
            out += "</g>\n"
        }

        // Legend: one row above the plot, entries left to right.
        out += "<g class=\"legend\">\n"
        var x = plot.left
        let y = m.top - 8
        for (index, s) in series.enumerated() {
            let color = ReportFormat.escape(s.color ?? Self.palette[index % Self.palette.count])
            out += "<line x1=\"\(ReportFormat.coordinate(x))\" y1=\"\(ReportFormat.coordinate(y))\" x2=\"\(ReportFormat.coordinate(x + 20))\" y2=\"\(ReportFormat.coordinate(y))\" stroke=\"\(color)\" stroke-width=\"2\""
                + "\(s.dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
            out += "<text x=\"\(ReportFormat.coordinate(x + 24))\" y=\"\(ReportFormat.coordinate(y + 4))\">\(ReportFormat.escape(s.name))</text>\n"
            x += 24 + Double(s.name.count) * 6.5 + 18
        }
        out += "</g>\n</svg>"
        return out
    }

    private func usable(_ value: Double, _ scale: ChartScale) -> Bool {
        value.isFinite && (scale == .linear || value > 0)
    }
}

/// Value → position mapping and tick placement for one axis.
struct ChartAxis {
    let scale: ChartScale
    /// Bounds in transformed units (log10 / log2 of the value on log axes).
    let low: Double, high: Double
    let ticks: [Double]
    /// Decimal places of tick labels on linear axes.
    let decimals: Int

    init(values: [Double], scale: ChartScale, integer: Bool) {
        self.scale = scale
        let lo = values.min()!, hi = values.max()!
        switch scale {
        case .linear: (low, high, ticks, decimals) = Self.linear(lo, hi, integer: integer)
        case .log10: (low, high, ticks, decimals) = Self.decades(lo, hi)
        case .log2: (low, high, ticks, decimals) = Self.powersOfTwo(lo, hi)
        }
    }

    typealias Layout = (low: Double, high: Double, ticks: [Double], decimals: Int)

    /// Round-numbered ticks (whole numbers ≥ 1 apart on integer axes) and a range padded to them.
    static func linear(_ lo: Double, _ hi: Double, integer: Bool) -> Layout {
        var lo = lo, hi = hi
        if lo == hi { lo -= lo == 0 ? 1 : abs(lo) * 0.1; hi += hi == 0 ? 1 : abs(hi) * 0.1 }
        if integer && hi - lo < 2 { lo = floor(lo) - (lo == floor(lo) ? 0.5 : 0); hi = ceil(hi) + (hi == ceil(hi) ? 0.5 : 0) }
        var step = ChartAxis.niceStep((hi - lo) / (integer ? 8 : 5))
        if integer { step = max(1, [1.0, 2, 5, 10, 20, 25, 50, 100].first { $0 >= step } ?? (step / 100).rounded(.up) * 100) }
        let first = ceil(lo / step - 1e-9) * step, last = floor(hi / step + 1e-9) * step
        // Extend the range to round ticks when the data nearly reaches them (not for integer axes: epochs start at 1).
        if !integer {
            lo = min(lo, floor(lo / step + 1e-9) * step)
            hi = max(hi, ceil(hi / step - 1e-9) * step)
        }
        var ticks: [Double] = []
        var tick = integer ? first : floor(lo / step + 1e-9) * step
        while tick <= (integer ? last : hi) + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
                    let decimals = max(0, -Int(floor(Foundation.log10(step) + 1e-9)))
        if integer { let pad = max((hi - lo) * 0.03, 0.2); lo -= pad; hi += pad }
        return (lo, hi, ticks, decimals)
    }

    /// Ticks at 1, 2, 5 (or 1, 3, or 1) × powers of ten; the range in log10 units.
    static func decades(_ lo: Double, _ hi: Double) -> Layout {
        var a = Foundation.log10(lo), b = Foundation.log10(hi)
        if b - a < 0.3 { let mid = (a + b) / 2; a = mid - 0.15; b = mid + 0.15 }
        let decades = b - a
        let multipliers: [Double] = decades > 4 ? [1] : decades > 1.5 ? [1, 3] : [1, 2, 5]
        var ticks: [Double] = []
        for exponent in Int(floor(a))...Int(ceil(b)) {
            for m in multipliers {
                let value = m * Foundation.pow(10, Double(exponent))
                let t = Foundation.log10(value)
                if t >= a - 1e-9 && t <= b + 1e-9 { ticks.append(value) }
            }
        }
        // Always show at least two labelled ticks.
        if ticks.count < 2 {
            ticks = [Foundation.pow(10, a), Foundation.pow(10, b)]
        }
                    let decimals = 0
        let pad = decades * 0.04
        return (a - pad, b + pad, ticks, decimals)
    }

    /// Ticks at powers of two, at most about ten; the range in log2 units.
    static func powersOfTwo(_ lo: Double, _ hi: Double) -> Layout {
        var a = Foundation.log2(lo), b = Foundation.log2(hi)
        if b - a < 1 { a -= 0.5; b += 0.5 }
        let span = b - a
        let every = max(1, Int(ceil(span / 10)))
        var ticks: [Double] = []
        for exponent in Int(ceil(a - 1e-9))...Int(floor(b + 1e-9)) where exponent % every == 0 {
            ticks.append(Foundation.pow(2, Double(exponent)))
        }
                    let decimals = 0
        let pad = span * 0.04
        return (a - pad, b + pad, ticks, decimals)
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = Foundation.pow(10, floor(Foundation.log10(raw)))
        for m in [1.0, 2, 2.5, 5, 10] where m * power >= raw * (1 - 1e-9) { return m * power }
        return 10 * power
    }

    func transform(_ v: Double) -> Double {
        switch scale {
        case .linear: return v
        case .log10: return Foundation.log10(v)
        case .log2: return Foundation.log2(v)
        }
    }

    func fraction(_ v: Double) -> Double { (transform(v) - low) / (high - low) }

    /// A tick label: fixed decimals on linear axes, short round forms on log axes; `exact` gives four
    /// significant digits (marker tooltips).
    func label(_ v: Double, exact: Bool = false) -> String {
        if exact { return ReportFormat.significant(v, digits: 4) }
        switch scale {
        case .linear: return String(format: "%.\(decimals)f", v)
        case .log2: return v >= 1 ? String(Int(v.rounded())) : ReportFormat.significant(v, digits: 3)
        case .log10:
            let exponent = Foundation.log10(v)
            if abs(exponent) >= 4 { return String(format: "%.0e", v) }
            return ReportFormat.significant(v, digits: 3)
        }
    }
}

/// Number formatting and escaping shared by the report writers.
public enum ReportFormat {
    /// `value` with `digits` significant digits and no trailing zeros ("0.0123", "1.5"); scientific notation
    /// below 1e-4 and from 1e7; "NaN", "∞" for non-finite values.
    public static func significant(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude < 1e-4 || magnitude >= 1e7 {
            // Scientific, without trailing zeros in the mantissa: 1e-07, 1.23e-05.
            let text = String(format: "%.\(max(digits - 1, 0))e", value)
            guard let e = text.firstIndex(of: "e"), text[..<e].contains(".") else { return text }
            var mantissa = String(text[..<e])
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
            return mantissa + text[e...]
        }
        let decimals = max(0, digits - 1 - Int(floor(Foundation.log10(magnitude))))
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `value` with exactly `decimals` decimals ("19.10"); "NaN", "∞" for non-finite values.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        return String(format: "%.\(decimals)f", value)
    }

    /// An integer with thin-space-free comma grouping ("1,234,567").
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// SVG coordinates: at most two decimals, no trailing zeros.
    static func coordinate(_ value: Double) -> String { significant((value * 100).rounded() / 100, digits: 12) }

    /// Escapes text for XML and HTML content and attribute values (`& < > " '`).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
