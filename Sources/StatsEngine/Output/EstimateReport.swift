/// `disparity estimate` output: INTERFACE.md's estimate rows, with the design effect after them.
extension Report {
    /// The report of `estimate`: one row per estimate row (variable, statistic, the `--by`
    /// columns, category, estimate, std_error, conf_low, conf_high, df, n, deff, and note when any).
    public static func estimates(_ rows: [EstimateRow], request: EstimateRequest, design: SurveyDesign) -> Report {
        let groupColumns = request.by
        let notes = Array(Set(rows.compactMap(\.note))).sorted()
        var tabular = Tabular(columns: ["variable", "statistic"] + groupColumns
                              + ["category", "estimate", "std_error", "conf_low", "conf_high", "df", "n", "deff"]
                              + (notes.isEmpty ? [] : ["note"]))
        for row in rows {
            let levels = groupColumns.map { name in row.group.first { $0.column == name }?.level }
            tabular.rows.append([.text(row.variable), .text(row.statistic)] + levels.map { .text($0) }
                                + [.text(row.category), .number(row.estimate), .number(row.standardError),
                                   .number(row.confidenceLow), .number(row.confidenceHigh), .number(row.df),
                                   .integer(row.n), .number(row.designEffect)] + (notes.isEmpty ? [] : [.text(row.note)]))
        }
        let results: [JSONValue] = rows.map { row in
            .object([
                ("variable", .string(row.variable)),
                ("statistic", .string(row.statistic)),
                ("group", row.group.isEmpty ? .null : .object(row.group.map { ($0.column, .string($0.level)) })),
                ("category", .string(row.category)),
                ("estimate", .number(row.estimate)),
                ("std_error", .number(row.standardError)),
                ("conf_low", .number(row.confidenceLow)),
                ("conf_high", .number(row.confidenceHigh)),
                ("df", .number(row.df)),
                ("n", .number(Double(row.n))),
                ("deff", .number(row.designEffect)),
                ("note", .string(row.note)),
            ])
        }
        let level = request.level
        return Report(tabular: tabular, json: .object([
            ("command", .string("estimate")),
            ("design", design.summary),
            ("level", .number(level)),
            ("results", .array(results)),
        ]), notes: Report.counted(rows.map(\.note)))
    }
}

extension SurveyDesign {
    /// The design as JSON output describes it: the options and the counts they resolved to.
    public var summary: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("data", .string(source)),
            ("weights", .string(spec.weights)),
            ("strata", .string(spec.strata)),
            ("cluster", spec.clusters.isEmpty ? .null : .array(spec.clusters.map { .string($0) })),
            ("fpc", spec.fpc.isEmpty ? .null : .array(spec.fpc.map { .string($0) })),
            ("nest", .bool(spec.nest)),
            ("lonely_psu", .string(spec.lonelyPSU.rawValue)),
            ("rows", .number(Double(rowCount))),
            ("strata_count", .number(Double(strataCount))),
            ("psu_count", .number(Double(psuTotal))),
            ("df", .number(Double(degreesOfFreedom()))),
        ]
        if spec.varianceMethod.usesReplicateWeights, let r = replicateWeights {
            fields.append(("replicates", r.summary))
        }
        if let calibration { fields.append(("calibration", calibration.summary)) }
        return .object(fields)
    }
}

extension ReplicateWeights {
    /// The replicate settings as JSON output names them: type, count, scale, rscales, mse, and
    /// for made replicates how (`made`: "made from the design by jkn") and the seed.
    public var summary: JSONValue {
        let distinct = Set(rscales)
        return .object([
            ("type", .string(type.rawValue)),
            ("made", .string(made?.description)),
            ("seed", made?.seed.map { .number(Double($0)) } ?? .null),
            ("count", .number(Double(count))),
            ("columns", .array([.string(columns.first), .string(columns.last)])),
            ("fay_rho", rho.map { .number($0) } ?? .null),
            ("scale", .number(scale)),
            ("rscales", distinct.count == 1 ? .number(rscales[0])
                : .object([("min", .number(rscales.min()!)), ("max", .number(rscales.max()!)), ("distinct", .number(Double(distinct.count)))])),
            ("mse", .bool(mse)),
        ])
    }
}
