import Foundation

extension MetricsLog {
    /// A line chart of `columns` against the first column.
    public func chart(title: String, columns names: [String], scale: ChartScale) -> SVGLineChart {
        let x = rows.map { $0[0] }
        let series = names.compactMap { name in values(name).map { ChartSeries(name: name.replacingOccurrences(of: "_", with: " "), x: x, y: $0) } }
        return SVGLineChart(title: title, xLabel: columns[0], yLabel: "", series: series, yScale: scale, integerX: true)
    }

    /// A table of the first column and `columns`; with `onlyWhere`, only the rows where that column has a value.
    public func table(caption: String, columns names: [String], onlyWhere required: String? = nil) -> HTMLTable {
        let indices = names.compactMap { columns.firstIndex(of: $0) }
        let requiredIndex = required.flatMap { columns.firstIndex(of: $0) }
        let kept = rows.filter { row in requiredIndex.map { !row[$0].isNaN } ?? true }
        return HTMLTable(caption: caption, header: [columns[0]] + names.map { $0.replacingOccurrences(of: "_", with: " ") },
                         rows: kept.map { row in [.integer(Int(row[0]))] + indices.map { .number(row[$0], digits: 4) } })
    }
}
