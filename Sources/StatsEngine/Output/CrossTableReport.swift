/// `disparity table` output: one row per cell, the test of independence beside it.
extension Report {
    /// The report of `table`. CSV and the table: the `--by` columns, ROW, COL, the cell's share
    /// (`estimate`, `std_error`, `conf_low`, `conf_high`), `row_share…` and `col_share…` with
    /// theirs, `n`, `df` (null for the normal), `note` when any (the cell's, then its domain's test's), then the domain's test repeated on each of its rows
    /// (`test`, `test_statistic`, `test_ndf`, `test_ddf`, `test_p_value`). JSON: `results` (the
    /// cells, `group` {ROW: level, COL: level} after any `--by` columns) and `test` (INTERFACE's
    /// name), the table's test; with `--by`, `tests` instead, an array of one test per domain
    /// with its `group` (README).
    public static func crossTables(_ tables: [CrossTable], request: CrossTableRequest, design: SurveyDesign) -> Report {
        let cells = tables.flatMap { table in table.cells.map { (table, $0) } }
        // A row's note: its cell's and its domain's test's (the test is repeated on each of the
        // domain's rows); each counted over the rows it is on.
        let rowNotes = cells.map { table, cell in [cell.note, table.testNote].compactMap { $0 }.joined(separator: "; ") }
        let notes = cells.compactMap(\.1.note) + cells.compactMap(\.0.testNote)
        let hasNotes = !notes.isEmpty
        let shares = ["", "row_share", "col_share"]
        let shareColumns = shares.flatMap { prefix in
            ["estimate", "std_error", "conf_low", "conf_high"].map { prefix.isEmpty ? $0 : ($0 == "estimate" ? prefix : "\(prefix)_\($0)") }
        }
        var tabular = Tabular(columns: request.by + [request.row, request.column] + shareColumns + ["n", "df"] + (hasNotes ? ["note"] : [])
                              + ["test", "test_statistic", "test_ndf", "test_ddf", "test_p_value"])
        for ((table, cell), note) in zip(cells, rowNotes) {
            let values = [cell.cell, cell.rowShare, cell.columnShare].flatMap { inferred -> [Tabular.Cell] in
                [.number(inferred.estimate), .number(inferred.standardError), .number(inferred.low), .number(inferred.high)]
            }
            let test = table.test
            tabular.rows.append(cell.group.map { .text($0.level) } + values + [.integer(cell.n), .number(cell.cell.df)]
                                + (hasNotes ? [.text(note.isEmpty ? nil : note)] : [])
                                + [.text(test?.method.rawValue), .number(test?.statistic), .number(test?.ndf), .number(test?.ddf),
                                   .number(test?.pValue)])
        }
        func group(_ pairs: [(column: String, level: String)]) -> JSONValue {
            pairs.isEmpty ? .null : .object(pairs.map { ($0.column, .string($0.level)) })
        }
        let results: [JSONValue] = cells.map { _, cell in
            .object([("group", group(cell.group))]
                    + zip(shareColumns, [cell.cell, cell.rowShare, cell.columnShare].flatMap {
                        [$0.estimate, $0.standardError, $0.low, $0.high] }).map { ($0, JSONValue.number($1)) }
                    + [("n", .number(Double(cell.n))), ("df", .number(cell.cell.df)), ("note", .string(cell.note))])
        }
        func test(_ table: CrossTable) -> JSONValue {
            var fields: [(String, JSONValue)] = request.by.isEmpty ? [] : [("group", group(table.domain))]
            fields += [("statistic", .number(table.test?.statistic)), ("ndf", .number(table.test?.ndf)),
                       ("ddf", .number(table.test?.ddf)), ("p_value", .number(table.test?.pValue)),
                       ("method", .string(request.test.rawValue))]
            if let note = table.testNote { fields.append(("note", .string(note))) }
            return .object(fields)
        }
        let (row, column, level) = (request.row, request.column, request.level)
        // One table: `test`, its object; with --by: `tests`, one per domain with its `group`.
        let tests: (String, JSONValue) = request.by.isEmpty ? ("test", tables.first.map(test) ?? .null) : ("tests", .array(tables.map(test)))
        return Report(tabular: tabular, json: .object([
            ("command", .string("table")),
            ("design", design.summary),
            ("row", .string(row)),
            ("col", .string(column)),
            ("level", .number(level)),
            ("results", .array(results)),
            tests,
        ]), notes: Report.counted(notes))
    }
}
