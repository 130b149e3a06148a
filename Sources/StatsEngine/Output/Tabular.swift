import Foundation

/// Rows of named cells, the common form of every command's output before it becomes CSV, a
/// terminal table or JSON. Cells are typed so each format spells them its own way.
public struct Tabular: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String?)
        case number(Double?)
        case integer(Int?)
        case flag(Bool?)
    }

    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// RFC 4180 CSV: numbers in shortest round-trip form, missing as empty cells.
    public func csv() -> String {
        var out = columns.map(Tabular.quoteCSV).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { cell -> String in
                switch cell {
                case .text(let s): return s.map(Tabular.quoteCSV) ?? ""
                case .number(let v): return v.flatMap { $0.isFinite ? NumberText.shortest($0) : nil } ?? ""
                case .integer(let v): return v.map(String.init) ?? ""
                case .flag(let b): return b.map { $0 ? "true" : "false" } ?? ""
                }
            }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// A fixed-width table for people: numbers to six significant digits, right-aligned.
    public func table() -> String {
        let cells: [[String]] = rows.map { row in
            row.map { cell in
                switch cell {
                case .text(let s): return s ?? "-"
                case .number(let v): return v.flatMap { $0.isFinite ? Tabular.readable($0) : nil } ?? "-"
                case .integer(let v): return v.map(String.init) ?? "-"
                case .flag(let b): return b.map { $0 ? "yes" : "no" } ?? "-"
                }
            }
        }
        var widths = columns.map(\.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ values: [String], numericRow: [Cell]?) -> String {
            values.enumerated().map { i, v in
                let pad = String(repeating: " ", count: widths[i] - v.count)
                if let numericRow, case .text = numericRow[i] { return v + pad }
                return numericRow == nil ? v + pad : pad + v
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = line(columns, numericRow: nil) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for (row, text) in zip(rows, cells) { out += line(text, numericRow: row) + "\n" }
        return out
    }

    /// JSON objects, one per row, keyed by column.
    public func jsonRows() -> [JSONValue] {
        rows.map { row in
            .object(zip(columns, row).map { name, cell in
                switch cell {
                case .text(let s): return (name, .string(s))
                case .number(let v): return (name, .number(v))
                case .integer(let v): return (name, v.map { .number(Double($0)) } ?? .null)
                case .flag(let b): return (name, b.map { .bool($0) } ?? .null)
                }
            })
        }
    }

    static func readable(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e9 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }

    static func quoteCSV(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
