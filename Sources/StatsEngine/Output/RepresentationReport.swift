/// `disparity representation` output: one row per component (shares and differences in pp).
extension Report {
    /// The report of `representation`: one row per component, in the estimator's order, with
    /// the notes on the standard errors (a `note` column when there are any).
    public static func representation(_ rows: [RepresentationRow], request: RepresentationRequest) -> Report {
        // A `note` column (replicates left out) only when some row has one.
        let noted = rows.contains { $0.note != nil }
        let tabular = Tabular(columns: ["column", "focal", "subset", "standardise", "component", "estimate", "std_error", "conf_low", "conf_high"]
                                  + (noted ? ["note"] : []),
                              rows: rows.map { row in
                                  [.text(request.column), .text(request.focal), .text(request.subset?.text), .text(request.standardise),
                                   .text(row.component), .number(row.estimate), .number(row.standardError),
                                   .number(row.confidenceLow), .number(row.confidenceHigh)] + (noted ? [.text(row.note)] : [])
                              })
        let json: JSONValue = .object([
            ("command", .string("representation")), ("scale", .string("pp")), ("level", .number(request.level)),
            ("results", .array(tabular.jsonRows())),
        ])
        return Report(tabular: tabular, json: json, notes: Report.counted(rows.map(\.note)))
    }
}
