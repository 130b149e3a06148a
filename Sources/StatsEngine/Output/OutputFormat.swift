/// The output formats every command offers.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// A command's result in a form every format can be made from: the rows (for CSV and the
/// table) and the whole JSON document (rows plus command-specific fields).
public struct Report: Sendable {
    public var tabular: Tabular
    public var json: JSONValue
    /// What qualifies the results as a whole (rows left null, replicates left out): under the
    /// table, in JSON's `notes`, and on standard error for CSV, so none goes unseen.
    public var notes: [String]

    public init(tabular: Tabular, json: JSONValue, notes: [String] = []) {
        self.tabular = tabular
        self.json = json
        self.notes = notes
    }

    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .table: return tabular.table() + notes.map { "note: \($0)\n" }.joined()
        case .csv: return tabular.csv()
        case .json:
            guard !notes.isEmpty, case .object(var fields) = json else { return json.serialized(pretty: true) + "\n" }
            fields.append(("notes", .array(notes.map { .string($0) })))
            return JSONValue.object(fields).serialized(pretty: true) + "\n"
        }
    }
}
