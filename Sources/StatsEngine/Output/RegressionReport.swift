/// `disparity regress` output: INTERFACE.md's regression rows, the Wald tests of term groups and
/// the average marginal effects. JSON holds each once (`results`, `tests`, `marginal_effects`);
/// the CSV file is one table whose `section` column says which a row is (`coefficient`,
/// `marginal_effect`, `term_test`), with the tests' `ndf` and `ddf`; the terminal table shows
/// them as sections under the model's facts, a workbook as sheets.
extension Report {
    /// What an aliased coefficient's row says (`--allow-aliased`): in the CSV file's and the
    /// workbook's `note` column, and counted among the notes (standard error for CSV, the
    /// workbook's notes sheet, JSON's `notes`, under the table).
    static let aliasedNote = "aliased: a linear combination of the other terms, no coefficient (--allow-aliased)"

    /// The report of `regress`: coefficient rows, term tests and marginal effects, with the
    /// model's facts (design, formula, family, vcov, n, residual df, rank, aliased terms,
    /// convergence, iterations, deviance) and its notes (as `notes` in JSON, under the table,
    /// and as a `note` column of the CSV file when there are any: the notes of the whole
    /// result on every row, an aliased coefficient's `aliasedNote` on its own).
    public static func regression(_ result: RegressionResult, design: SurveyDesign) -> Report {
        let columns = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
        func cells(_ row: CoefficientRow) -> [Tabular.Cell] {
            [.text(row.term), .number(row.estimate), .number(row.standardError), .number(row.statistic),
             .number(row.pValue), .number(row.confidenceLow), .number(row.confidenceHigh)]
        }
        let coefficients = Tabular(columns: columns, rows: result.coefficients.map(cells))
        let effects = Tabular(columns: columns, rows: result.marginalEffects.map(cells))
        let tests = Tabular(columns: ["terms", "test", "statistic", "ndf", "ddf", "p_value"], rows: result.tests.map { test in
            [.text(test.terms), .text("F"), .number(test.statistic),
             .integer(test.numeratorDF), .number(test.denominatorDF), .number(test.pValue)]
        })

        // The notes (replicates left out, terms not tested) go on every row, an aliased
        // coefficient's on its row.
        let note = result.notes.isEmpty ? nil : result.notes.joined(separator: "; ")
        let aliased = Set(result.aliased)
        let ownNotes = result.coefficients.map { aliased.contains($0.term) ? aliasedNote : nil }
        let noteColumn = note != nil || !aliased.isEmpty
        let noted: [Tabular.Cell] = noteColumn ? [.text(note)] : []
        var csv = Tabular(columns: columns + ["section", "ndf", "ddf"] + (noteColumn ? ["note"] : []))
        csv.rows += zip(result.coefficients, ownNotes).map { row, own in
            let text = [own, note].compactMap { $0 }.joined(separator: "; ")
            let cell: [Tabular.Cell] = noteColumn ? [.text(text.isEmpty ? nil : text)] : []
            return cells(row) + [.text("coefficient"), .integer(nil), .number(nil)] + cell
        }
        csv.rows += result.marginalEffects.map { cells($0) + [.text("marginal_effect"), .integer(nil), .number(nil)] + noted }
        csv.rows += result.tests.map { test in
            [.text(test.terms), .number(nil), .number(nil), .number(test.statistic), .number(test.pValue), .number(nil), .number(nil),
             .text("term_test"), .integer(test.numeratorDF), .number(test.denominatorDF)] + noted
        }

        // Everything but the design summary, which is built when the JSON is read.
        let fields: [(String, JSONValue)] = [
            ("formula", .string(result.formula)),
            ("family", .string(result.family.rawValue)),
            ("vcov", .string(result.covariance.rawValue)),
            ("n", .number(Double(result.n))),
            ("df_residual", .number(result.dfResidual)),
            ("rank", .number(Double(result.rank))),
            ("aliased", .array(result.aliased.map { .string($0) })),
            ("converged", .bool(result.converged)),
            ("iterations", .number(Double(result.iterations))),
            ("deviance", .number(result.deviance)),
            ("results", .array(coefficients.jsonRows())),
            ("tests", .array(result.tests.map { test in
                .object([
                    ("terms", .string(test.terms)),
                    ("df", .number(Double(test.numeratorDF))),
                    ("df_denominator", .number(test.denominatorDF)),
                    ("statistic", .number(test.statistic)),
                    ("test", .string("F")),
                    ("p_value", .number(test.pValue)),
                ])
            })),
            ("marginal_effects", .array(effects.jsonRows())),
        ]

        var facts = [("formula", result.formula), ("family", result.family.rawValue), ("vcov", result.covariance.rawValue),
                     ("n", String(result.n)), ("df_residual", Tabular.readable(result.dfResidual))]
        if !result.aliased.isEmpty { facts.append(("aliased", result.aliased.joined(separator: ", "))) }
        if !result.converged { facts.append(("converged", "no, after \(result.iterations) iterations")) }
        // The workbook's coefficients carry an aliased coefficient's note on its row.
        var sheet = coefficients
        if !aliased.isEmpty {
            sheet.columns.append("note")
            sheet.rows = zip(sheet.rows, ownNotes).map { $0 + [.text($1)] }
        }
        var sections = [Section(title: nil, tabular: coefficients)], sheets = [Section(title: "coefficients", tabular: sheet)]
        if !effects.rows.isEmpty {
            sections.append(Section(title: "Average marginal effects (percentage points)", tabular: effects))
            sheets.append(Section(title: "marginal effects", tabular: effects))
        }
        if !tests.rows.isEmpty {
            sections.append(Section(title: "Wald tests", tabular: tests))
            sheets.append(Section(title: "Wald tests", tabular: tests))
        }
        return Report(tabular: csv, json: .object([("command", .string("regress")), ("design", design.summary)] + fields),
                      notes: result.notes + Report.counted(ownNotes), facts: facts, sections: sections, sheets: sheets)
    }
}
