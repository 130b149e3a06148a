/// `disparity barometer` output at one period. CSV: one row per measure (and per breakdown
/// level), with the figure now, at the baseline and at the previous wave, both changes, the
/// target, both verdicts, the rows and weighted population used, and what disclosure control
/// withheld; a workbook holds these rows per goal, one sheet each, and all together ("all"). JSON: the goals (INTERFACE.md: a `goals` array, each with its `verdict`), each with
/// its measures. Table: one section per goal, the figures as "estimate [low; high]".
extension Report {
    public static func barometer(_ result: BarometerResult, language: ReportLanguage = .da) -> Report {
        var tabular = Tabular(columns: BarometerColumns.all)
        var sections: [Section] = [], sheets: [Section] = []
        var goals: [JSONValue] = []
        for goal in result.goals {
            var display = Tabular(columns: language == .da
                ? ["nr", "indikator", "enhed", "nu", "ændring siden basis", "ændring siden sidst", "vurdering", "officiel"]
                : ["no", "measure", "unit", "now", "change since baseline", "change since previous", "verdict", "official"])
            var goalRows = Tabular(columns: tabular.columns)
            for m in goal.measures {
                goalRows.rows.append(BarometerColumns.row(m, goal: goal, result: result, language: language))
                for b in m.breakdown { goalRows.rows.append(BarometerColumns.row(b, of: m, goal: goal, result: result)) }
                display.rows.append([.text(m.measure.id), .text(m.measure.label + (m.measure.context ? (language == .da ? " (baggrund)" : " (context)") : "")),
                                     .text(language.unit(m.measure.unit).trimmingCharacters(in: .whitespaces)),
                                     .text(Self.shown(m.current, m, language)), .text(m.changeSinceBaseline.map { Self.shown($0, m, language, signed: true) }),
                                     .text(m.changeSincePrevious.map { Self.shown($0, m, language, signed: true) }),
                                     .text(m.verdict.map { Self.word($0, language) }), .text(m.official.map { Self.word($0, language) })])
                for b in m.breakdown {
                    display.rows.append([.text(""), .text("  \(m.measure.by!) = \(b.level)"), .text(""), .text(Self.shown(b.current, m, language)),
                                         .text(b.changeSinceBaseline.map { Self.shown($0, m, language, signed: true) }), .text(nil), .text(nil), .text(nil)])
                }
            }
            let title = (language == .da ? "Mål " : "Goal ") + "\(goal.goal.id): \(goal.goal.label)"
                + (goal.goal.target.map { target in
                    let unit = goal.measures.first { !$0.measure.context }?.measure.unit ?? .index
                    return language == .da ? " (mål: \(language.target(target, unit: unit)))" : " (target: \(language.target(target, unit: unit)))"
                } ?? "")
            sections.append(Section(title: title, tabular: display))
            sheets.append(Section(title: (language == .da ? "Mål " : "Goal ") + "\(goal.goal.id) \(goal.goal.label)", tabular: goalRows))
            tabular.rows += goalRows.rows
            goals.append(BarometerColumns.json(goal, result: result, language: language))
        }
        var notes = result.goals.flatMap { g in g.measures.flatMap { m in m.notes.map { "measure \(m.measure.id): \($0)" } } }
        if result.suppressedCount > 0 {
            let secondary = result.goals.contains { $0.measures.contains(where: \.withholdsComplements) }
                ? ", or with which such a figure could be worked out (secondary suppression)" : ""
            // Each threshold the figures were withheld under: the run's, and a measure's own min-cell.
            let groups = result.suppressedByThreshold
            let reasons = groups.map { g in
                let own = g.ownOf.isEmpty ? "" : " (the min-cell of measure\(g.ownOf.count == 1 ? "" : "s") \(g.ownOf.joined(separator: ", ")))"
                return (groups.count == 1 ? "" : "\(g.count) ") + "resting on fewer than \(g.minimumCell) observations" + own
            }
            notes.append("\(result.suppressedCount) figure\(result.suppressedCount == 1 ? "" : "s") withheld: \(reasons.joined(separator: "; "))\(secondary) (shown as ..)")
        }
        let json: JSONValue = .object([
            ("command", .string("barometer")), ("title", .string(result.title)), ("period", .string(result.period)),
            ("baseline", .string(result.baseline)), ("level", .number(result.level)), ("min_cell", .number(Double(result.minimumCell))),
            ("suppressed", .number(Double(result.suppressedCount))), ("goals", .array(goals)),
        ])
        return Report(tabular: tabular, json: json, notes: notes,
                      facts: [("title", result.title), (language == .da ? "periode" : "period", result.period),
                              (language == .da ? "basis" : "baseline", result.baseline)],
                      sections: sections, sheets: sheets + [Section(title: "all", tabular: tabular)])
    }

    /// "412.3 [405.1; 419.5]" (the interval in brackets), ".." when withheld, "-" when not estimable.
    static func shown(_ f: Figure, _ m: MeasureResult, _ language: ReportLanguage, signed: Bool = false) -> String {
        guard f.suppressed == nil else { return ".." }
        guard let v = f.value else { return "-" }
        let d = m.measure.unit.decimals + 1
        let sign = signed && v.estimate > 0 ? "+" : ""
        var text = sign + language.number(v.estimate, decimals: d)
        if let low = v.low, let high = v.high { text += " [\(language.number(low, decimals: d)); \(language.number(high, decimals: d))]" }
        return text
    }

    static func word(_ verdict: Target.Verdict, _ language: ReportLanguage) -> String {
        guard language == .da else { return verdict.rawValue }
        switch verdict {
        case .met: return "nået"
        case .notMet: return "ikke nået"
        case .inconclusive: return "uafklaret"
        }
    }

    static func word(_ verdict: OfficialVerdict, _ language: ReportLanguage) -> String {
        guard language == .da else { return verdict.rawValue }
        switch verdict {
        case .met: return "nået"
        case .notMet: return "ikke nået"
        case .improved: return "forbedret"
        case .unchanged: return "uændret"
        case .worsened: return "forværret"
        }
    }
}

/// The barometer's CSV columns and JSON objects.
enum BarometerColumns {
    static let all = ["period", "goal", "kind", "measure", "label", "unit", "context", "by", "level", "wave",
                      "estimate", "std_error", "conf_low", "conf_high", "baseline_wave", "baseline", "change", "change_std_error",
                      "change_conf_low", "change_conf_high", "previous_wave", "previous", "change_previous", "change_previous_std_error",
                      "change_previous_conf_low", "change_previous_conf_high", "target", "verdict", "official_verdict", "n",
                      "population", "suppressed", "sentence"]

    static func cells(_ f: Figure?) -> [Tabular.Cell] {
        [.number(f?.value?.estimate), .number(f?.value?.standardError), .number(f?.value?.low), .number(f?.value?.high)]
    }

    static func row(_ m: MeasureResult, goal: GoalResult, result: BarometerResult, language: ReportLanguage) -> [Tabular.Cell] {
        let suppressed = withheld([("estimate", m.current), ("baseline", m.baseline), ("previous", m.previous),
                                   ("change", m.changeSinceBaseline), ("change_previous", m.changeSincePrevious)])
        return [.text(result.period), .text(goal.goal.id), .text(goal.goal.kind.rawValue), .text(m.measure.id), .text(m.measure.label),
                .text(m.measure.unit.rawValue), .flag(m.measure.context), .text(m.measure.by), .text(nil), .text(m.wave)]
            + cells(m.current) + [.text(m.baselineWave), .number(m.baseline?.value?.estimate)] + cells(m.changeSinceBaseline)
            + [.text(m.previousWave), .number(m.previous?.value?.estimate)] + cells(m.changeSincePrevious)
            + [.text(goal.goal.target?.description), .text(m.verdict?.rawValue), .text(m.official?.rawValue), .integer(m.n),
               .number(m.population), .text(suppressed), .text(m.sentence(goal.goal, level: result.level, language: language))]
    }

    static func row(_ b: BreakdownRow, of m: MeasureResult, goal: GoalResult, result: BarometerResult) -> [Tabular.Cell] {
        [.text(result.period), .text(goal.goal.id), .text(goal.goal.kind.rawValue), .text(m.measure.id), .text(m.measure.label),
         .text(m.measure.unit.rawValue), .flag(m.measure.context), .text(m.measure.by), .text(b.level), .text(m.wave)]
            + cells(b.current) + [.text(m.baselineWave), .number(nil)] + cells(b.changeSinceBaseline)
            + [.text(nil), .number(nil)] + cells(nil)
            + [.text(nil), .text(nil), .text(nil), .integer(b.n), .number(b.population),
               .text(withheld([("estimate", b.current), ("change", b.changeSinceBaseline), ("population", b.population == nil ? b.current : nil)])),
               .text(nil)]
    }

    /// Which of a row's figures are withheld, by their columns, and why ("change: rests on fewer
    /// than 25 observations"; columns of different reasons in groups separated by "; "), so that
    /// a published figure beside a withheld one reads as shown; nil when none is.
    static func withheld(_ figures: [(column: String, figure: Figure?)]) -> String? {
        var groups: [(reason: String, columns: [String])] = []
        for (column, figure) in figures {
            guard let reason = figure?.suppressed else { continue }
            if let g = groups.firstIndex(where: { $0.reason == reason }) { groups[g].columns.append(column) } else { groups.append((reason, [column])) }
        }
        return groups.isEmpty ? nil : groups.map { "\($0.columns.joined(separator: ", ")): \($0.reason)" }.joined(separator: "; ")
    }

    /// A figure: its numbers, or nulls with the reason it is withheld.
    static func json(_ f: Figure?) -> JSONValue {
        guard let f else { return .null }
        return .object([("estimate", .number(f.value?.estimate)), ("std_error", .number(f.value?.standardError)),
                        ("conf_low", .number(f.value?.low)), ("conf_high", .number(f.value?.high)), ("df", .number(f.value?.df)),
                        ("suppressed", .string(f.suppressed))])
    }

    static func json(_ target: Target?) -> JSONValue {
        guard let target else { return .null }
        return .object(target.jsonFields)
    }

    static func json(_ goal: GoalResult, result: BarometerResult, language: ReportLanguage) -> JSONValue {
        let judged = goal.measures.filter { !$0.measure.context }.map(\.verdict)
        let verdict: Target.Verdict? = judged.contains(where: { $0 == nil }) ? nil
            : judged.contains(.notMet) ? .notMet : judged.allSatisfy({ $0 == .met }) ? .met : .inconclusive
        let measures: [JSONValue] = goal.measures.map { m in
            .object([
                ("id", .string(m.measure.id)), ("label", .string(m.measure.label)), ("unit", .string(m.measure.unit.rawValue)),
                ("context", .bool(m.measure.context)), ("data", .string(m.measure.data)), ("wave", .string(m.wave)),
                ("baseline_wave", .string(m.baselineWave)), ("previous_wave", .string(m.previousWave)),
                ("estimate", json(m.current)), ("baseline", json(m.baseline)), ("previous", json(m.previous)),
                ("change_since_baseline", json(m.changeSinceBaseline)), ("change_since_previous", json(m.changeSincePrevious)),
                ("n", .number(Double(m.n))), ("population", .number(m.population)),
                ("verdict", .string(m.verdict?.rawValue)), ("official_verdict", .string(m.official?.rawValue)),
                ("sentence", .string(m.sentence(goal.goal, level: result.level, language: language))),
                ("breakdown", m.measure.by.map { by in .object([("by", .string(by)), ("levels", .array(m.breakdown.map { b in
                    .object([("level", .string(b.level)), ("estimate", json(b.current)), ("change_since_baseline", json(b.changeSinceBaseline)),
                             ("n", .number(Double(b.n))), ("population", .number(b.population))])
                }))]) } ?? .null),
                ("notes", .array(m.notes.map { .string($0) })),
            ])
        }
        return .object([("id", .string(goal.goal.id)), ("label", .string(goal.goal.label)), ("kind", .string(goal.goal.kind.rawValue)),
                        ("direction", .string(goal.goal.direction?.rawValue)), ("target", json(goal.goal.target)),
                        ("verdict", .string(verdict?.rawValue)), ("measures", .array(measures))])
    }
}
