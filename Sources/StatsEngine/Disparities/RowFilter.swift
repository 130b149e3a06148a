/// A domain written as conditions on columns, `bilingual == 1 & role != manager`: the rows it
/// keeps form a subpopulation, the design staying whole.
public struct RowFilter: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var column: String
        public var equal: Bool
        public var value: String
    }

    public let conditions: [Condition]
    public let text: String

    /// Parses `col == value` and `col != value` joined by `&`.
    public init(parsing text: String) throws {
        self.text = text
        conditions = try text.split(separator: "&").map { part in
            let clause = part.trimmingCharacters(in: .whitespaces)
            for (op, equal) in [("==", true), ("!=", false)] {
                if let range = clause.range(of: op) {
                    let column = clause[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                    var value = clause[range.upperBound...].trimmingCharacters(in: .whitespaces)
                    if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first { value = String(value.dropFirst().dropLast()) }
                    guard !column.isEmpty, !value.isEmpty else { break }
                    return Condition(column: column, equal: equal, value: value)
                }
            }
            throw DisparityError.usage("subset '\(text)': each condition must read 'column == value' or 'column != value' (got '\(clause)')")
        }
    }

    /// Per row of `table`, whether it is in the domain (missing values are not).
    public func rows(of table: Table) throws -> [Bool] {
        var keep = [Bool](repeating: true, count: table.rowCount)
        for condition in conditions {
            let column = try table.categorical(condition.column)
            guard let code = column.levels.firstIndex(of: condition.value) else {
                throw DisparityError.data(file: table.source, column: condition.column,
                                          "subset '\(text)': the value '\(condition.value)' does not occur (values: \(column.levels.prefix(12).joined(separator: ", ")))")
            }
            for i in keep.indices where keep[i] {
                let c = column.codes[i]
                keep[i] = c >= 0 && ((c == Int32(code)) == condition.equal)
            }
        }
        return keep
    }
}
