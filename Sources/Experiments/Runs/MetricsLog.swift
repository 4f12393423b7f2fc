import Engine
import Foundation

/// `metrics.csv`: one row per logged epoch (or step), the first column its number, then named values; a
/// missing value is an empty cell. The one metrics log of every job.
public struct MetricsLog: Equatable, Sendable {
    public var columns: [String]
    public var rows: [[Double]]

    public init(columns: [String], rows: [[Double]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The values of `column` (NaN where missing), or `nil` when there is no such column.
    public func values(_ column: String) -> [Double]? {
        columns.firstIndex(of: column).map { i in rows.map { $0[i] } }
    }

    /// The last row's value of `column`.
    public func last(_ column: String) -> Double? { values(column)?.last.flatMap { $0.isNaN ? nil : $0 } }

    public var csv: String {
        ([columns.joined(separator: ",")] + rows.map { row in
            row.map { $0.isNaN ? "" : ($0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0)) }.joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }

    public func write(to path: String) throws { try AtomicFile.write(csv, to: path) }

    /// Reads `path`; rows are kept while their first value is at most `upTo` (a resumed run drops later rows).
    public static func read(_ path: String, upTo last: Int = .max) throws -> MetricsLog {
        let text = try ReadableFile.text(at: path)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { throw ExperimentError.invalidFile(path, "is empty (expected a header line)") }
        let columns = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var rows: [[Double]] = []
        for (number, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            let values = cells.map { $0.isEmpty ? Double.nan : Double($0) }
            guard cells.count == columns.count, values.allSatisfy({ $0 != nil }) else {
                throw ExperimentError.invalidFile(path, "line \(number + 2) does not hold \(columns.count) numbers")
            }
            if values[0]! <= Double(last) { rows.append(values.map { $0! }) }
        }
        return MetricsLog(columns: columns, rows: rows)
    }
}
