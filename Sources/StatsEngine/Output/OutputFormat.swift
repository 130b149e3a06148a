/// The output formats every command offers.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// A command's result in a form every format can be made from: the rows (for CSV), the whole
/// JSON document (rows plus command-specific fields), and what a person reads in the table.
public struct Report: Sendable {
    /// One table of the terminal view, under its title.
    public struct Section: Sendable {
        /// The line above the table (none for the main one).
        public var title: String?
        /// The rows shown.
        public var tabular: Tabular

        /// A table under `title`.
        public init(title: String?, tabular: Tabular) {
            self.title = title
            self.tabular = tabular
        }
    }

    /// The rows of the CSV file: one rectangular table.
    public var tabular: Tabular
    /// The whole JSON document, built when it is read (its design summary's df costs a pass
    /// over a replicate design's weights that other formats never need).
    public var json: JSONValue {
        get { document() }
        set { document = { newValue } }
    }
    /// Builds `json`.
    private var document: @Sendable () -> JSONValue
    /// What qualifies the results as a whole (rows left null, replicates left out): under the
    /// table, in JSON's `notes`, and on standard error for CSV, so none goes unseen.
    public var notes: [String]
    /// Facts about the whole result shown in the table's header block (a model's formula and
    /// family), as name and value.
    public var facts: [(String, String)]
    /// The tables of the terminal view, in order; by default `tabular` alone.
    public var sections: [Section]
    /// The sheets of the Excel workbook (`--output FILE.xlsx`), each titled with its sheet's name;
    /// by default `tabular` alone, as "results".
    public var sheets: [Section]

    /// A report whose terminal view is `sections` and whose workbook is `sheets` (each by default
    /// the CSV rows themselves).
    public init(tabular: Tabular, json: @autoclosure @escaping @Sendable () -> JSONValue, notes: [String] = [], facts: [(String, String)] = [], sections: [Section]? = nil,
                sheets: [Section]? = nil) {
        self.tabular = tabular
        self.document = json
        self.notes = notes
        self.facts = facts
        self.sections = sections ?? [Section(title: nil, tabular: tabular)]
        self.sheets = sheets ?? [Section(title: "results", tabular: tabular)]
    }

    /// The report with a `columns` block in its JSON: what the data file says about the columns
    /// the analysis used (`ColumnMetadata`: name, label, type, format, unit), and a note for each
    /// column of dates or times, whose values are the numbers the file stores (days since
    /// 1960-01-01 for Stata's `%td`): its estimates are in those units, in every format.
    /// Unchanged when there is none (a CSV file), so CSV-based JSON output stays as it was.
    public func describing(columns: [ColumnMetadata]) -> Report {
        guard !columns.isEmpty, case .object(var fields) = json else { return self }
        fields.append(("columns", .array(columns.map(\.json))))
        var report = self
        report.json = .object(fields)
        report.notes += columns.compactMap(\.temporalNote)
        return report
    }

    /// The report in `format`; a table is laid out for a terminal `width` characters wide, CSV
    /// is spelled in `csvStyle`.
    public func rendered(as format: OutputFormat, width: Int = TerminalWidth.fallback, csvStyle: CSVStyle = .standard) -> String {
        switch format {
        case .table:
            let layout = TerminalTable(width: width)
            // The facts describe the whole report: above the first section's title when it has one.
            let titled = sections.first?.title != nil && !facts.isEmpty
            let lead = titled ? layout.render(Tabular(columns: []), facts: facts) + "\n" : ""
            let tables = sections.enumerated().map { i, section in
                (section.title.map { layout.paragraph($0) + "\n" } ?? "") + layout.render(section.tabular, facts: i == 0 && !titled ? facts : [])
            }
            return lead + tables.joined(separator: "\n") + (notes.isEmpty ? "" : "\n") + notes.map { layout.paragraph("note: \($0)", indent: 6) }.joined()
        case .csv: return tabular.csv(style: csvStyle)
        case .json:
            guard !notes.isEmpty, case .object(var fields) = json else { return json.serialized(pretty: true) + "\n" }
            fields.append(("notes", .array(notes.map { .string($0) })))
            return JSONValue.object(fields).serialized(pretty: true) + "\n"
        }
    }

    /// The rows' notes, each once with how many rows it qualifies ("2 rows: withheld: …").
    static func counted(_ notes: [String?]) -> [String] {
        var counts: [String: Int] = [:]
        for note in notes.compactMap({ $0 }) { counts[note, default: 0] += 1 }
        return counts.keys.sorted().map { note in "\(counts[note]!) row\(counts[note]! == 1 ? "" : "s"): \(note)" }
    }
}
