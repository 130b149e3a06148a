/// `disparity regress` output: INTERFACE.md's regression rows, plus the fit's facts, the Wald
/// tests of term groups and the average marginal effects in JSON.
extension Report {
    public static func regression(_ result: RegressionResult, design: SurveyDesign) -> Report {
        let columns = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
        func cells(_ row: CoefficientRow) -> [Tabular.Cell] {
            [.text(row.term), .number(row.estimate), .number(row.standardError), .number(row.statistic),
             .number(row.pValue), .number(row.confidenceLow), .number(row.confidenceHigh)]
        }
        let tabular = Tabular(columns: columns, rows: result.coefficients.map(cells))
        func json(_ rows: [CoefficientRow]) -> JSONValue { .array(Tabular(columns: columns, rows: rows.map(cells)).jsonRows()) }
        let tests: [JSONValue] = result.tests.map { test in
            .object([
                ("terms", .string(test.terms)),
                ("df", .number(Double(test.numeratorDF))),
                ("df_denominator", .number(test.denominatorDF)),
                ("statistic", .number(test.statistic)),
                ("test", .string(test.denominatorDF == nil ? "chisq" : "F")),
                ("p_value", .number(test.pValue)),
            ])
        }
        let document: JSONValue = .object([
            ("command", .string("regress")),
            ("design", design.summary),
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
            ("results", json(result.coefficients)),
            ("tests", .array(tests)),
            ("marginal_effects", json(result.marginalEffects)),
        ])
        return Report(tabular: tabular, json: document)
    }
}
