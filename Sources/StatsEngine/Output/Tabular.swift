import Foundation

/// Rows of named cells, the common form of every command's output before it becomes CSV, a
/// terminal table or JSON. Cells are typed so each format spells them its own way.
public struct Tabular: Sendable {
    /// One typed cell; nil is a missing value (empty in CSV, `null` in JSON).
    public enum Cell: Sendable, Equatable {
        /// Text.
        case text(String?)
        /// A number; a non-finite one is shown as missing.
        case number(Double?)
        /// A count.
        case integer(Int?)
        /// A true/false value.
        case flag(Bool?)
    }

    /// Column names, in output order.
    public var columns: [String]
    /// One array of cells per row, each as long as `columns`, in output order.
    public var rows: [[Cell]]

    /// A table with these columns and, optionally, rows.
    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// CSV in `style` (RFC 4180 by default): numbers in shortest round-trip form (with the
    /// style's decimal mark), missing as empty cells.
    public func csv(style: CSVStyle = .standard) -> String {
        func quoted(_ s: String) -> String { Tabular.quoteCSV(s, separator: style.separator) }
        var out = style.preamble + columns.map(quoted).joined(separator: String(style.separator)) + style.lineEnd
        for row in rows {
            out += row.map { cell -> String in
                switch cell {
                case .text(let s): return s.map(quoted) ?? ""
                case .number(let v):
                    let text = v.flatMap { $0.isFinite ? NumberText.shortest($0) : nil } ?? ""
                    return style.decimalMark == "." ? text : text.replacingOccurrences(of: ".", with: String(style.decimalMark))
                case .integer(let v): return v.map(String.init) ?? ""
                case .flag(let b): return b.map { $0 ? "true" : "false" } ?? ""
                }
            }.joined(separator: String(style.separator)) + style.lineEnd
        }
        return out
    }

    /// A table for people on a terminal `width` characters wide (`TerminalTable`).
    public func table(width: Int) -> String {
        TerminalTable(width: width).render(self)
    }

    /// The columns called `names`, in that order.
    public func selecting(_ names: [String]) -> Tabular {
        let indices = names.map { name in columns.firstIndex(of: name)! }
        return Tabular(columns: names, rows: rows.map { row in indices.map { row[$0] } })
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

    /// A number for people: integers in full, others to six significant digits.
    static func readable(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e9 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }

    /// `s` as one CSV field between `separator`s (RFC 4180): in double quotes with its quotes
    /// doubled when it holds the separator, a quote, a line feed or a carriage return; else as it
    /// is. Every CSV writer (`csv(style:)`, `run`'s files, `--save-replicates`) quotes with it.
    /// Compared byte by byte in UTF-8, as a reader splits the file: a Character would hide these
    /// in a cluster (`"\r\n"` is one Character, and so is `,` followed by a combining mark).
    /// `separator` is ASCII (`CSVStyle.separator`).
    static func quoteCSV(_ s: String, separator: Character) -> String {
        let separator = separator.asciiValue!, quote = UInt8(ascii: "\"")
        guard s.utf8.contains(where: { $0 == separator || $0 == quote || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else { return s }
        var bytes = [quote]
        bytes.reserveCapacity(s.utf8.count + 2)
        for byte in s.utf8 {
            bytes.append(byte)
            if byte == quote { bytes.append(quote) }
        }
        bytes.append(quote)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Tabular.Cell {
    /// The cell as a person reads it: numbers to six significant digits, flags as yes or no;
    /// nil where the value is missing.
    var readable: String? {
        switch self {
        case .text(let s): return s
        case .number(let v): return v.flatMap { $0.isFinite ? Tabular.readable($0) : nil }
        case .integer(let v): return v.map(String.init)
        case .flag(let b): return b.map { $0 ? "yes" : "no" }
        }
    }
}
