/// `disparity representation` output: one row per component (shares and differences in pp).
extension Report {
    /// The report of `representation`: one row per component, in the estimator's order.
    public static func representation(_ rows: [RepresentationRow], request: RepresentationRequest) -> Report {
        let tabular = Tabular(columns: ["column", "focal", "subset", "standardise", "component", "estimate", "std_error", "conf_low", "conf_high"],
                              rows: rows.map { row in
                                  [.text(request.column), .text(request.focal), .text(request.subset?.text), .text(request.standardise),
                                   .text(row.component), .number(row.estimate), .number(row.standardError),
                                   .number(row.confidenceLow), .number(row.confidenceHigh)]
                              })
        let json: JSONValue = .object([
            ("command", .string("representation")), ("scale", .string("pp")), ("level", .number(request.level)),
            ("results", .array(tabular.jsonRows())),
        ])
        return Report(tabular: tabular, json: json)
    }
}
