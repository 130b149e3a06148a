import Foundation

/// A columnar data set: what every estimator reads. Rows are positions `0..<rowCount`.
public struct Table: Sendable {
    /// Where the data came from, named in every error about it.
    public let source: String
    /// Column names, one per column, in column order.
    public let names: [String]
    /// Every column name of the file, in file order: `names` and those the reader skipped
    /// (`ReadOptions.columns`), for errors that list the file's columns; then columns added
    /// since (`adding`).
    public let fileNames: [String]
    /// The columns, in the order of `names`, each `rowCount` long.
    public let columns: [Column]
    /// The number of rows (data lines), the same for every column.
    public let rowCount: Int
    /// What the file says about each column (SPSS, Stata, SAS files), in column order; empty for
    /// a CSV file. Columns a computation adds (`adding`) have none, so it may be shorter than
    /// `columns`.
    public private(set) var metadata: [ColumnMetadata]
    /// How errors name the rows: by a CSV file's physical line, or a statistical file's case
    /// number (`line(ofRow:)`).
    public let rowNumbering: RowNumbering
    /// Whether the file was read with `,` as the decimal mark: which cells of a text column are
    /// not numbers as read (`numericColumn`'s error).
    public let decimalComma: Bool
    private let indexByName: [String: Int]
    /// The columns looked up so far, when there is metadata to report on them.
    private var usage: ColumnUsage?
    /// Model matrix columns that analyses of this table share (`DesignMatrix`).
    let modelColumns = ModelColumnsCache()

    /// A table of equally long columns, one name per column (a precondition), and metadata for
    /// every column or none; `fileNames` are the file's columns when the reader kept only some
    /// (nil: `names`), and `rowCount` the file's rows when it kept none (nil: the columns' length);
    /// `rowNumbering` names the rows in errors and `decimalComma` is the decimal mark they were read with.
    public init(source: String, names: [String], columns: [Column], metadata: [ColumnMetadata] = [], fileNames: [String]? = nil,
                rowCount: Int? = nil, rowNumbering: RowNumbering = .lines, decimalComma: Bool = false) {
        precondition(names.count == columns.count, "one name per column")
        precondition(metadata.isEmpty || metadata.count == columns.count, "metadata for every column or none")
        self.source = source
        self.names = names
        self.fileNames = fileNames ?? names
        self.columns = columns
        self.rowCount = columns.first?.count ?? rowCount ?? 0
        self.metadata = metadata
        self.rowNumbering = rowNumbering
        self.decimalComma = decimalComma
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        self.indexByName = index
        self.usage = metadata.isEmpty ? nil : ColumnUsage()
    }

    /// The column called `name`, or an error naming it and the file (`absent`).
    public func column(_ name: String) throws -> Column {
        guard let i = indexByName[name] else { throw absent(name) }
        usage?.record(i)
        return columns[i]
    }

    /// Why there is no column `name`: the file has none (listing its columns, with a near name),
    /// or — a bug — the file has one that was not read because the analysis did not declare it
    /// among its columns (`ColumnUsing`), which must never pass for a missing column.
    func absent(_ name: String) -> DisparityError {
        if fileNames.contains(name) {
            return DisparityError.data(file: source, column: name, "column \(quoted: name) was not read: the analysis did not declare it among the columns it uses; this is a bug in disparity, please report it")
        }
        return DisparityError.data(file: source, column: name, "no such column\(NearestName.hint(for: name, among: fileNames)) (columns: \(listed: fileNames))")
    }

    /// The metadata of the columns looked up so far (by the design and the analysis), in column
    /// order: what the JSON output's `columns` block lists. Empty for a CSV file.
    public var usedMetadata: [ColumnMetadata] {
        guard let usage else { return [] }
        return usage.recorded.filter { $0 < metadata.count }.map { metadata[$0] }
    }

    /// The same table recording its own column lookups from now on, starting from those recorded
    /// so far: one per analysis of a batch, which share the data and design.
    public func recordingAnew() -> Table {
        var copy = self
        copy.usage = usage.map { ColumnUsage($0.recorded) }
        return copy
    }

    /// The line of the file row `row` was read from (the header is line 1; blank lines and quoted
    /// line breaks counted), or its observation number in a statistical file.
    public func line(ofRow row: Int) -> Int { rowNumbering.number(ofRow: row) }

    /// A data error about row `row` (and `column`): `file:LINE, column 'x': message`, or
    /// `file: observation N, …` for a statistical file.
    public func rowError(_ row: Int, column: String? = nil, _ message: String) -> DisparityError {
        rowNumbering.error(file: source, row: row, column: column, message)
    }

    /// The numeric column `name`; a categorical one is an error that shows an offending cell
    /// (see `numericColumn`).
    public func numeric(_ name: String) throws -> [Double] { try numericColumn(name).values }

    /// The numeric column `name` with what the reader learnt of its spelling. A categorical
    /// column is an error naming its first text cell (line and text), how many cells are text,
    /// and the option that would read it: `--na` for a missing-value code, `--decimal` for the
    /// other decimal mark; digit grouping (`1.234,5`) is named as such, which no option reads;
    /// a column without a number is named categorical, with the commands that read it.
    public func numericColumn(_ name: String) throws -> NumericColumn {
        switch try column(name) {
        case .numeric(let c): return c
        case .categorical(let c):
            if let i = indexByName[name], i < metadata.count, metadata[i].kind == .categories {
                throw DisparityError.data(file: source, column: name, "expected numbers, but its value labels make it categorical (\(c.levels.prefix(3).joined(separator: ", "))\(c.levels.count > 3 ? ", …" : "")): --codes reads its numeric codes")
            }
            throw notNumeric(name, c)
        }
    }

    /// The column `name` as the categories of a proportion or a model term: like `categorical`, but a column
    /// that looks numeric — more than 20 distinct numbers and text in at most 5 % of its cells —
    /// is the error `numericColumn` gives, since its categories would be its numbers.
    public func proportionCategories(_ name: String) throws -> CategoricalColumn {
        let categories = try categorical(name)
        guard case .categorical = try column(name) else { return categories }
        let isText = categories.levels.map { !NumberParser.isNumber($0) }
        let numbers = isText.filter { !$0 }.count
        guard numbers > 20 else { return categories }
        var text = 0, present = 0
        for code in categories.codes where code >= 0 {
            present += 1
            if isText[Int(code)] { text += 1 }
        }
        if text > 0, text * 20 <= present { throw notNumeric(name, categories) }
        return categories
    }

    /// Why the categorical column `name` is not numeric, at its first offending cell.
    private func notNumeric(_ name: String, _ c: CategoricalColumn) -> DisparityError {
        let isText = c.levels.map { !NumberParser.isNumber($0) }
        // Text first; only where every cell is a number in one decimal mark or the other, the
        // first that is not one in the decimal mark the file was read with.
        let offends = isText.contains(true) ? isText : c.levels.map { !NumberParser.isNumber($0, decimalComma: decimalComma) }
        let row = c.codes.firstIndex { $0 >= 0 && offends[Int($0)] } ?? 0
        let cell = c.codes[row] >= 0 ? c.levels[Int(c.codes[row])] : ""
        let offending = c.codes.filter { $0 >= 0 && offends[Int($0)] }.count
        let present = c.codes.filter { $0 >= 0 }.count
        let hint: String
        if cell.range(of: #"^\s*[+-]?\d{1,3}([.,' ]\d{3})+([.,]\d+)?\s*$"#, options: .regularExpression) != nil,
           cell.filter({ ".,' ".contains($0) }).count > 1 || !NumberParser.isNumber(cell) {
            hint = "a number with digit grouping (thousands separators), which no option reads: save the column without them"
        } else if NumberParser.isNumber(cell) {
            hint = "a number with the other decimal mark: --decimal \(cell.contains(",") ? "," : ".") reads it"
        } else if NumberParser.isBeyondRange(cell) {
            hint = "\(quoted: cell) is a number beyond the range of a double (±1.8e308), which no option reads"
        } else if offending == present {
            // No cell is a number: the column is categorical, and --na would leave it empty.
            hint = "no cell is a number, so it is categorical: `estimate proportion` gives its levels' shares, `table` its cross-tables"
        } else {
            let codes = Array(Set(c.levels.filter { !NumberParser.isNumber($0) })).sorted().prefix(3)
            hint = "if it marks a missing value, pass --na \"\(shortened: codes.joined(separator: ","))\""
        }
        return rowError(row, column: name, "expected a number, found \(quoted: cell) (\(offending) of \(present) cells are not numbers); \(hint)")
    }

    /// The table with one more column (same length), for variables a computation derives.
    public func adding(_ name: String, _ column: Column) -> Table {
        var table = Table(source: source, names: names + [name], columns: columns + [column], fileNames: fileNames + [name],
                          rowNumbering: rowNumbering, decimalComma: decimalComma)
        table.metadata = metadata
        table.usage = usage
        return table
    }

    /// The same table with column `name` replaced (same length), for counterfactual predictions.
    public func replacing(_ name: String, with column: Column) throws -> Table {
        guard let i = indexByName[name] else { throw absent(name) }
        var replaced = columns
        replaced[i] = column
        return Table(source: source, names: names, columns: replaced, fileNames: fileNames, rowNumbering: rowNumbering, decimalComma: decimalComma)
    }

    /// The position of `value` among `levels`, the levels `categorical(name)` gave: the level
    /// spelled `value`, or in a numeric column the level of the number `value` reads as (`1.0`,
    /// `01` and `1e0` are the level `1`, as R compares numbers); nil when neither occurs.
    public func level(_ value: String, among levels: [String], ofColumn name: String) -> Int? {
        if let i = levels.firstIndex(of: value) { return i }
        guard let i = indexByName[name], case .numeric = columns[i],
              let number = Double(value.trimmingCharacters(in: .whitespaces)), number.isFinite else { return nil }
        return levels.firstIndex(of: NumberFormat.label(number))
    }

    /// The column `name` as categories; a numeric column is coded by its distinct values,
    /// which is what `factor(x)` and grouping by a numeric id mean.
    /// - Throws: `DisparityError.data` naming the line of a numeric value of magnitude 2^53
    ///   or more: from there on not every whole number is a distinct double, so distinct ids
    ///   (a 17-digit person or household number) may have been read as one and merged.
    public func categorical(_ name: String) throws -> CategoricalColumn {
        switch try column(name) {
        case .categorical(let c): return c
        case .numeric(let c):
            if let row = c.values.firstIndex(where: { abs($0) >= Self.distinctWholeNumbers }) {
                throw rowError(row, column: name, "a value of 2^53 = 9007199254740992 or more in size (read as \(String(format: "%.0f", c.values[row]))), where whole numbers are no longer all distinct as numbers: different ids may have been read as one (give them as text, with a letter in front, or with fewer digits)")
            }
            return CategoricalColumn(numbers: c.values)
        }
    }

    /// 2^53: every whole number below it in magnitude is a distinct double, not all above it.
    static let distinctWholeNumbers = 0x1p53
}

/// The columns of a table looked up so far, shared by the copies of the table (one lock, taken
/// once per column lookup, never per row).
private final class ColumnUsage: @unchecked Sendable {
    private let lock = NSLock()
    private var indices: Set<Int>

    init(_ indices: [Int] = []) { self.indices = Set(indices) }

    func record(_ index: Int) { lock.withLock { _ = indices.insert(index) } }

    /// The column indices recorded, in column order.
    var recorded: [Int] { lock.withLock { indices.sorted() } }
}

extension CategoricalColumn {
    /// Codes the distinct values of a numeric column in numeric order, labelled as R prints them.
    /// Identifier columns of whole numbers in a modest range (strata, PSU ids) are coded by
    /// direct indexing, without hashing a million doubles.
    public init(numbers: [Double]) {
        var low = Double.infinity, high = -Double.infinity, whole = true
        for v in numbers where !v.isNaN {
            low = min(low, v)
            high = max(high, v)
            // Whole: equal to its integer part (checked by conversion, not a rounding call).
            if whole, !(abs(v) < 0x1p62 && Double(Int64(v)) == v) { whole = false }
        }
        if whole, low.isFinite, high - low < 16_000_000 {
            let width = Int(high - low) + 1
            var present = [Int32](repeating: -1, count: width)
            for v in numbers where !v.isNaN { present[Int(v - low)] = 0 }
            var levels: [String] = []
            for k in 0..<width where present[k] == 0 {
                present[k] = Int32(levels.count)
                levels.append(NumberFormat.label(low + Double(k)))
            }
            self.init(codes: numbers.map { $0.isNaN ? CategoricalColumn.missingCode : present[Int($0 - low)] }, levels: levels)
            return
        }
        let distinct = Array(Set(numbers.filter { !$0.isNaN })).sorted()
        var index: [Double: Int32] = [:]
        index.reserveCapacity(distinct.count)
        for (i, v) in distinct.enumerated() { index[v] = Int32(i) }
        let codes = numbers.map { $0.isNaN ? CategoricalColumn.missingCode : index[$0]! }
        self.init(codes: codes, levels: distinct.map(NumberFormat.label))
    }
}

/// How numbers appear as labels and level names: integers without a trailing ".0", as R does.
public enum NumberFormat {
    /// `v` as a label: whole numbers below 2^53 in size (every one a distinct double) without a
    /// decimal part (`3`, not `3.0`; a 16-digit id as written).
    public static func label(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < Table.distinctWholeNumbers { return String(Int64(v)) }
        return "\(v)"
    }
}
