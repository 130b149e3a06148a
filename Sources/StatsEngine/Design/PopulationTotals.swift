import Foundation

/// A population totals file for calibration: CSV `variable,level,total`, one row per level of
/// each factor (the reference level included), one row with an empty level per numeric
/// variable, and `(Intercept)` for the population size. Read with the project's CSV reader
/// (delimiter and decimal comma detected).
public struct PopulationTotals: Sendable {
    /// One row of the file.
    public struct Entry: Sendable {
        /// The variable (a column name, a numeric term's label, or `(Intercept)`).
        public let variable: String
        /// The factor level, nil for a numeric variable and `(Intercept)`.
        public let level: String?
        /// The population total.
        public let total: Double
        /// The file line (1-based, the header is line 1).
        public let line: Int
    }

    /// The file, named in errors.
    public let source: String
    /// The rows, in file order.
    public let entries: [Entry]

    /// Reads `path`.
    /// - Throws: `DisparityError.data` naming the file (and line) when it cannot be read, lacks
    ///   one of the columns `variable`, `level`, `total`, has a missing variable, a total that is
    ///   not a finite number, a negative population count (a level's or the `(Intercept)`'s), or
    ///   the same variable and level twice.
    /// A file in UTF-16 (by its byte-order mark, or a NUL in every other byte) is read as such:
    /// `--encoding` is the data's, so the reader's advice to pass it could not be followed for
    /// the totals alone.
    public init(path: String) throws {
        var options = CSVOptions()
        if path != "-", let handle = FileHandle(forReadingAtPath: path) {
            let head = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
            try? handle.close()
            let marked = head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF])
            if marked || head.withUnsafeBufferPointer({ TextEncoding.unmarkedUTF16Order($0) }) != nil { options.encoding = .utf16 }
        }
        try self.init(table: try CSVReader.read(path: path, options: options))
    }

    /// The totals of an already read table (tests, readers of other formats).
    public init(table: Table) throws {
        source = table.source
        for name in ["variable", "level", "total"] where !table.names.contains(name) {
            throw DisparityError.data(file: source, "a totals file needs the columns variable, level, total (no column '\(name)')")
        }
        let variables = try table.categorical("variable")
        let levels = try table.categorical("level")
        let totals: [Double]
        switch try table.column("total") {
        case .numeric(let c): totals = c.values
        case .categorical(let c):
            // The first text that is not a finite number by the CSV grammar ("nan", "inf" and
            // "1e400" are not, though Swift's `Double` reads them).
            func finite(_ text: String) -> Bool { NumberParser.isNumber(text) && Double(text)?.isFinite == true }
            let row = c.codes.firstIndex { $0 >= 0 && !finite(c.levels[Int($0)]) } ?? 0
            let text = c.codes[row] >= 0 ? c.levels[Int(c.codes[row])] : ""
            throw table.rowError(row, column: "total", "the total '\(text)' is not a finite number")
        }
        var seen = Set<String>()
        var entries: [Entry] = []
        for r in 0..<table.rowCount {
            guard variables.codes[r] >= 0 else { throw table.rowError(r, column: "variable", "missing variable") }
            guard totals[r].isFinite else { throw table.rowError(r, column: "total", "missing total") }
            // A population count or a total of a variable may be 0 but a count cannot be
            // negative; a negative total of a numeric variable (an income balance) is kept.
            if totals[r] < 0, levels.codes[r] >= 0 || variables.levels[Int(variables.codes[r])] == "(Intercept)" {
                throw table.rowError(r, column: "total", "the population count \(NumberFormat.label(totals[r])) is negative")
            }
            let variable = variables.levels[Int(variables.codes[r])]
            let level = levels.codes[r] >= 0 ? levels.levels[Int(levels.codes[r])] : nil
            guard seen.insert(variable + "\u{0}" + (level ?? "")).inserted else {
                throw table.rowError(r, "'\(variable)'\(level.map { " level '\($0)'" } ?? "") is listed twice")
            }
            entries.append(Entry(variable: variable, level: level, total: totals[r], line: table.line(ofRow: r)))
        }
        self.entries = entries
    }
}
