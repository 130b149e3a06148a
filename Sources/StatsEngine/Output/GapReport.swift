/// `disparity gap` output: one row per component of each comparison, the target's verdict on
/// the difference rows.
extension Report {
    /// The report of `gap`: one row per component row, with the target, verdict and one-sided
    /// target p-value on difference rows when a target was given.
    public static func gaps(_ rows: [GapRow], request: GapRequest, design: SurveyDesign) -> Report {
        let noted = rows.contains { $0.note != nil }
        var tabular = Tabular(columns: ["variable", "statistic", "group", "focal", "reference", "component", "estimate",
                                        "std_error", "conf_low", "conf_high", "df", "n", "target", "verdict", "target_p_value"]
                                       + (noted ? ["note"] : []))
        for row in rows {
            let onTarget = row.component == "difference" && request.target != nil
            tabular.rows.append([.text(request.variable), .text(request.statistic.rawValue), .text(request.group),
                                 .text(row.focal), .text(request.reference), .text(row.component),
                                 .number(row.estimate), .number(row.standardError), .number(row.confidenceLow),
                                 .number(row.confidenceHigh), .number(row.df), .integer(row.n),
                                 .text(onTarget ? request.target!.description : nil), .text(row.verdict?.rawValue),
                                 .number(row.targetPValue)] + (noted ? [.text(row.note)] : []))
        }
        let results: [JSONValue] = rows.map { row in
            var fields: [(String, JSONValue)] = [
                ("variable", .string(request.variable)), ("statistic", .string(request.statistic.rawValue)),
                ("group", .object([(request.group, .string(row.focal))])), ("reference", .string(request.reference)),
                ("component", .string(row.component)), ("estimate", .number(row.estimate)),
                ("std_error", .number(row.standardError)), ("conf_low", .number(row.confidenceLow)),
                ("conf_high", .number(row.confidenceHigh)), ("df", .number(row.df)), ("n", .number(Double(row.n))),
            ]
            if let target = request.target, row.component == "difference" {
                fields.append(("target", .object(target.jsonFields + [
                    ("verdict", .string(row.verdict?.rawValue)), ("p_value", .number(row.targetPValue)),
                ])))
            } else {
                fields.append(("target", .null))
            }
            fields.append(("note", .string(row.note)))
            return .object(fields)
        }
        let (scale, level) = (request.scale == 100 ? "pp" : "unit", request.level)
        return Report(tabular: tabular, json: .object([
            ("command", .string("gap")),
            ("design", design.summary),
            ("scale", .string(scale)),
            ("level", .number(level)),
            ("results", .array(results)),
        ]), notes: Report.counted(rows.map(\.note)))
    }
}
