/// What a statistical file (SPSS, Stata, SAS) says about one of its columns beyond the values:
/// carried into the JSON output's `columns` block for the columns an analysis used. CSV columns
/// have none.
public struct ColumnMetadata: Sendable, Equatable {
    /// How the column's values read.
    public enum Kind: String, Sendable {
        /// Plain numbers.
        case number
        /// Text, its distinct values the categories.
        case text
        /// Numeric codes read as categories named by their value labels.
        case categories
        /// Numeric codes with value labels, kept as numbers (`--codes`, or a SAS file, whose
        /// labels live outside it).
        case codes
        /// Calendar dates, as numbers counted from an epoch (`unit`).
        case date
        /// Points in time, as numbers counted from an epoch (`unit`).
        case datetime
        /// Times of day or durations (`unit`).
        case time
    }

    /// The column's name.
    public var name: String
    /// The variable label; nil when the file gives none.
    public var label: String?
    /// How the values read.
    public var kind: Kind
    /// The file's display format (`%td`, `DATE11`, `F8.2`); nil when it gives none.
    public var format: String?
    /// For dates and times: what the numbers count ("days since 1960-01-01 (Stata %td)").
    public var unit: String?
    /// The value labels, code and label, in code order (for `categories` and `codes`).
    public var valueLabels: [(code: Double, label: String)]

    /// Metadata of the column `name`.
    public init(name: String, label: String?, kind: Kind, format: String?, unit: String?, valueLabels: [(code: Double, label: String)] = []) {
        self.name = name
        self.label = label
        self.kind = kind
        self.format = format
        self.unit = unit
        self.valueLabels = valueLabels
    }

    /// Equal when every field is, value labels in the same order.
    public static func == (a: ColumnMetadata, b: ColumnMetadata) -> Bool {
        a.name == b.name && a.label == b.label && a.kind == b.kind && a.format == b.format && a.unit == b.unit
            && a.valueLabels.map(\.code) == b.valueLabels.map(\.code) && a.valueLabels.map(\.label) == b.valueLabels.map(\.label)
    }

    /// For a column of dates or times, the note that its values are the file's numbers in their
    /// unit (the reader never converts them); nil for other columns.
    public var temporalNote: String? {
        guard let unit, [.date, .datetime, .time].contains(kind) else { return nil }
        let values = kind == .date ? "dates" : kind == .datetime ? "points in time" : "times"
        return "column \(quoted: name) holds \(values) as the numbers the file stores, \(unit): what is estimated of it is in those units"
    }

    /// The JSON object: `name`, `label`, `type`, `format`, `unit` (dates and times) and
    /// `value_labels` (`[{"code", "label"}]`, for labelled columns).
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("name", .string(name)), ("label", .string(label)), ("type", .string(kind.rawValue)),
                                             ("format", .string(format))]
        if let unit { fields.append(("unit", .string(unit))) }
        if !valueLabels.isEmpty {
            fields.append(("value_labels", .array(valueLabels.map { .object([("code", .number($0.code)), ("label", .string($0.label))]) })))
        }
        return .object(fields)
    }
}
