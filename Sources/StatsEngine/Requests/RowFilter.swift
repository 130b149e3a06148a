import ArgumentParser

/// A domain written as conditions on columns, `bilingual == 1 & role != manager & age >= 30`:
/// the rows it keeps form a subpopulation, the design staying whole (R's `subset(design, ...)`).
/// `==` and `!=` compare labels (a numeric column by its printed values); `<`, `<=`, `>`, `>=`
/// compare numbers and need a numeric column. A row missing a compared value is not in the domain.
public struct RowFilter: Sendable, Equatable {
    /// How a condition compares a column with its value.
    public enum Comparison: String, Sendable, CaseIterable {
        /// Label equality (`==`) and inequality (`!=`).
        case equal = "==", notEqual = "!="
        /// Numeric `<=` and `>=`.
        case lessOrEqual = "<=", greaterOrEqual = ">="
        /// Numeric `<` and `>`.
        case less = "<", greater = ">"

        /// Whether the comparison is on numbers (`<`, `<=`, `>`, `>=`).
        public var isNumeric: Bool { self != .equal && self != .notEqual }

        func holds(_ x: Double, _ v: Double) -> Bool {
            switch self {
            case .less: return x < v
            case .lessOrEqual: return x <= v
            case .greater: return x > v
            case .greaterOrEqual: return x >= v
            case .equal: return x == v
            case .notEqual: return x != v
            }
        }
    }

    /// One `column OP value`.
    public struct Condition: Sendable, Equatable {
        /// The column compared.
        public var column: String
        /// The comparison.
        public var comparison: Comparison
        /// The value as written, quotes removed.
        public var value: String
    }

    /// The help text of every command's `--subset`.
    public static let help: ArgumentHelp = "Only these rows, e.g. \"in_labour_force == 1 & age >= 30\" (conditions joined by &: == and != on labels, <, <=, >, >= on numbers; the design is kept whole, as R's subset(design, ...))."

    /// The conditions, all of which a row must meet, in the order written.
    public let conditions: [Condition]
    /// The filter as written, for messages and output.
    public let text: String

    /// Parses conditions `column OP value` joined by `&`; a value may be quoted ('a b' or "a&b").
    /// A malformed condition, or a comparison `<`..`>=` with a value that is not a number, is a
    /// usage error.
    public init(parsing text: String) throws {
        self.text = text
        conditions = try Self.clauses(text).map { clause in
            guard let (range, comparison) = Self.operatorRange(in: clause) else {
                throw DisparityError.usage("subset \(quoted: text): each condition must read 'column OP value' with OP one of == != < <= > >= (got \(quoted: clause))")
            }
            let column = clause[..<range.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            var value = clause[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first { value = String(value.dropFirst().dropLast()) }
            guard !column.isEmpty, !value.isEmpty else {
                throw DisparityError.usage("subset \(quoted: text): each condition needs a column and a value (got \(quoted: clause))")
            }
            if comparison.isNumeric, Self.number(value) == nil {
                throw DisparityError.usage("subset \(quoted: text): \(quoted: comparison.rawValue) compares numbers, and \(quoted: value) is "
                    + (NumberParser.isBeyondRange(value) ? "beyond the range of a double (±1.8e308)" : "not one"))
            }
            return Condition(column: column, comparison: comparison, value: value)
        }
    }

    /// This filter and `column == value` (a wave, a breakdown level); the value is written
    /// quoted in `text`, so labels with spaces or `&` stay one value.
    public func and(_ column: String, equals value: String) -> RowFilter {
        RowFilter(conditions: conditions + [Condition(column: column, comparison: .equal, value: value)],
                  text: (conditions.isEmpty ? "" : text + " & ") + "\(column) == \"\(value)\"")
    }

    /// `column == value` alone, or added to `filter` when there is one.
    public static func and(_ filter: RowFilter?, _ column: String, equals value: String) -> RowFilter {
        (filter ?? RowFilter(conditions: [], text: "")).and(column, equals: value)
    }

    private init(conditions: [Condition], text: String) {
        self.conditions = conditions
        self.text = text
    }

    /// A finite number written in `text`.
    private static func number(_ text: String) -> Double? { Double(text).flatMap { $0.isFinite ? $0 : nil } }

    /// The conditions' texts: `text` split at each `&` outside quotes.
    private static func clauses(_ text: String) -> [String] {
        var parts: [String] = [], current = "", quote: Character?
        for c in text {
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "&" {
                parts.append(current.trimmingCharacters(in: .whitespacesAndNewlines)); current = ""; continue
            }
            current.append(c)
        }
        return parts + [current.trimmingCharacters(in: .whitespacesAndNewlines)]
    }

    /// The first comparison operator in `clause` (two-character ones before `<` and `>`).
    private static func operatorRange(in clause: String) -> (Range<String.Index>, Comparison)? {
        var i = clause.startIndex
        while i < clause.endIndex {
            for comparison in Comparison.allCases where clause[i...].hasPrefix(comparison.rawValue) {
                return (i..<clause.index(i, offsetBy: comparison.rawValue.count), comparison)
            }
            i = clause.index(after: i)
        }
        return nil
    }

    /// `rows(of:)` for an analysis the subset is the whole of (`estimate`, `table`, `regress`,
    /// `gap`): a subset that keeps no row is a data error naming it, where the analysis would
    /// otherwise say its variable had no values. (A barometer's wave without rows is a note.)
    public func selectedRows(of table: Table) throws -> [Bool] {
        let keep = try rows(of: table)
        guard keep.contains(true) else {
            throw DisparityError.data(file: table.source, "subset \(quoted: text) keeps no row of the data's \(table.rowCount)")
        }
        return keep
    }

    /// Per row of `table`, whether it is in the domain (missing values are not). An unknown
    /// column, a label that does not occur, or an order comparison on a categorical column is a
    /// data error naming the column.
    public func rows(of table: Table) throws -> [Bool] {
        var keep = [Bool](repeating: true, count: table.rowCount)
        for condition in conditions {
            if condition.comparison.isNumeric {
                guard case .numeric(let column) = try table.column(condition.column) else {
                    throw DisparityError.data(file: table.source, column: condition.column,
                                              "subset \(quoted: text): \(quoted: condition.comparison.rawValue) compares numbers, and the column is not numeric")
                }
                let v = Self.number(condition.value)!
                for i in keep.indices where keep[i] {
                    let x = column.values[i]
                    keep[i] = !x.isNaN && condition.comparison.holds(x, v)
                }
                continue
            }
            // A number against a numeric column is compared as a number (no categories made).
            if case .numeric(let numeric) = try table.column(condition.column), let v = Self.number(condition.value) {
                guard numeric.values.contains(v) else {
                    throw DisparityError.data(file: table.source, column: condition.column,
                                              "subset \(quoted: text): the value \(quoted: condition.value) does not occur (values: \(listed: CategoricalColumn(numbers: numeric.values).levels))")
                }
                for i in keep.indices where keep[i] {
                    let x = numeric.values[i]
                    keep[i] = !x.isNaN && ((x == v) == (condition.comparison == .equal))
                }
                continue
            }
            let column = try table.categorical(condition.column)
            guard let code = table.level(condition.value, among: column.levels, ofColumn: condition.column) else {
                throw DisparityError.data(file: table.source, column: condition.column,
                                          "subset \(quoted: text): the value \(quoted: condition.value) does not occur (values: \(listed: column.levels))")
            }
            for i in keep.indices where keep[i] {
                let c = column.codes[i]
                keep[i] = c >= 0 && ((c == Int32(code)) == (condition.comparison == .equal))
            }
        }
        return keep
    }
}
