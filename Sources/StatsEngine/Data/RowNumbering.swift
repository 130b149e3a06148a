/// How errors and saved files name a table's rows: by the physical line of a CSV file (what an
/// editor shows, the header being line 1), or by the case number of a statistical file (SPSS,
/// Stata, SAS), whose first observation is 1.
///
/// A CSV file's records usually start one line after another, so a row's line is `row + 2`;
/// blank lines and quoted fields holding line breaks shift the rows after them. Only those
/// shifts are stored, as sparse breakpoints: nothing at all for an ordinary file.
public struct RowNumbering: Sendable, Equatable {
    /// Whether rows are named by line or by observation number.
    public enum Kind: Sendable, Equatable { case line, observation }

    /// The kind of number `number(ofRow:)` gives.
    public let kind: Kind
    /// Rows, ascending, from which on the line is `row + 2 + shift` for the matching `shifts`.
    private let rows: [Int]
    private let shifts: [Int]

    /// Lines of a CSV file whose records start one line after another from line 2 (also the
    /// numbering of a table built in code).
    public static let lines = RowNumbering(kind: .line, rows: [], shifts: [])
    /// Case numbers of a statistical file: row 0 is observation 1.
    public static let observations = RowNumbering(kind: .observation, rows: [], shifts: [])

    private init(kind: Kind, rows: [Int], shifts: [Int]) {
        self.kind = kind
        self.rows = rows
        self.shifts = shifts
    }

    /// CSV lines with `breakpoints`: from each `row` on (ascending), a row's line is
    /// `row + 2 + shift`.
    init(lineBreakpoints breakpoints: LineBreakpoints) {
        self.init(kind: .line, rows: breakpoints.rows, shifts: breakpoints.shifts)
    }

    /// The line (or observation number) of row `row`: a binary search over the breakpoints.
    public func number(ofRow row: Int) -> Int {
        if kind == .observation { return row + 1 }
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if rows[mid] <= row { low = mid + 1 } else { high = mid }
        }
        return row + 2 + (low > 0 ? shifts[low - 1] : 0)
    }

    /// How row `row` is named where it stands for itself (a PSU of one row): `line N` in a CSV
    /// file, `observation N` in a statistical file.
    public func name(ofRow row: Int) -> String {
        "\(kind == .line ? "line" : "observation") \(number(ofRow: row))"
    }

    /// The error about row `row` of `file`: `file:LINE, column …` for a CSV file,
    /// `file: observation N, column …` for a statistical file.
    public func error(file: String, row: Int, column: String? = nil, _ message: String) -> DisparityError {
        switch kind {
        case .line: return DisparityError.data(file: file, line: number(ofRow: row), column: column, message)
        case .observation: return DisparityError.data(file: file, observation: number(ofRow: row), column: column, message)
        }
    }
}

/// The sparse breakpoints of `RowNumbering` while a CSV file is read: added in row order, each
/// kept only where the shift changes.
struct LineBreakpoints {
    private(set) var rows: [Int] = []
    private(set) var shifts: [Int] = []

    /// From `row` on, lines are `row + 2 + shift`; a later call for the same row replaces it.
    mutating func add(row: Int, shift: Int) {
        if rows.last == row {
            rows.removeLast()
            shifts.removeLast()
        }
        guard shift != (shifts.last ?? 0) else { return }
        rows.append(row)
        shifts.append(shift)
    }
}
