/// `disparity barometer` output: one row per goal (INTERFACE.md: a `goals` array, each with its
/// `verdict`). The terminal table puts what a reader looks for first (the verdict, the target,
/// the estimate with its interval) beside the goal's label, and the sentence last.
extension Report {
    public static func barometer(_ results: [GoalResult], config: BarometerConfig) -> Report {
        let columns = ["id", "label", "statistic", "estimate", "std_error", "conf_low", "conf_high", "baseline", "change",
                       "change_std_error", "change_conf_low", "change_conf_high", "target", "verdict", "n", "sentence"]
        var tabular = Tabular(columns: columns)
        for r in results {
            tabular.rows.append([.text(r.goal.id), .text(r.goal.label), .text(r.goal.representation != nil ? "representation" : r.goal.statistic.rawValue),
                                 .number(r.current.value), .number(r.current.standardError), .number(r.current.low),
                                 .number(r.current.high), .number(r.baseline?.value), .number(r.change?.value),
                                 .number(r.change?.standardError), .number(r.change?.low), .number(r.change?.high),
                                 .text(r.goal.target?.description), .text(r.verdict?.rawValue), .integer(r.n), .text(r.sentence)])
        }
        func estimate(_ e: GoalResult.Estimate?) -> JSONValue {
            guard let e else { return .null }
            return .object([("estimate", .number(e.value)), ("std_error", .number(e.standardError)),
                            ("conf_low", .number(e.low)), ("conf_high", .number(e.high))])
        }
        let goals: [JSONValue] = results.map { r in
            .object([
                ("id", .string(r.goal.id)), ("label", .string(r.goal.label)), ("data", .string(r.goal.data)),
                ("statistic", .string(r.goal.representation.map { "representation: \($0.component)" } ?? r.goal.statistic.rawValue)),
                ("variable", .string(r.goal.variable)),
                ("group", .string(r.goal.group)), ("focal", .string(r.goal.focal)), ("reference", .string(r.goal.reference)),
                ("subset", .string(r.goal.subset?.text)), ("scale", .string(r.goal.scale == 100 ? "pp" : "unit")),
                ("estimate", .number(r.current.value)), ("std_error", .number(r.current.standardError)),
                ("conf_low", .number(r.current.low)), ("conf_high", .number(r.current.high)),
                ("baseline", estimate(r.baseline)), ("change", estimate(r.change)),
                ("target", r.goal.target.map { .object([("operator", .string($0.comparison.rawValue)), ("value", .number($0.value))]) } ?? .null),
                ("direction", .string(r.goal.higherIsBetter.map { $0 ? "higher" : "lower" })),
                ("verdict", .string(r.verdict?.rawValue)), ("n", .number(Double(r.n))), ("sentence", .string(r.sentence)),
            ])
        }
        let json: JSONValue = .object([("command", .string("barometer")), ("title", .string(config.title)),
                                       ("level", .number(config.level)), ("goals", .array(goals))])
        let display = tabular.selecting(["id", "label", "verdict", "target", "statistic", "estimate", "conf_low", "conf_high",
                                         "std_error", "baseline", "change", "change_conf_low", "change_conf_high",
                                         "change_std_error", "n", "sentence"])
        return Report(tabular: tabular, json: json, facts: [("title", config.title)], sections: [Section(title: nil, tabular: display)])
    }
}
