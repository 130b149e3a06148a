/// The output formats every command offers.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// A command's result in a form every format can be made from: the rows (for CSV and the
/// table) and the whole JSON document (rows plus command-specific fields).
public struct Report: Sendable {
    public var tabular: Tabular
    public var json: JSONValue

    public init(tabular: Tabular, json: JSONValue) {
        self.tabular = tabular
        self.json = json
    }

    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .table: return tabular.table()
        case .csv: return tabular.csv()
        case .json: return json.serialized(pretty: true) + "\n"
        }
    }
}
