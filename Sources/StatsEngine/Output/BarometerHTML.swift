import Foundation

/// `disparity barometer --report FILE.html`: the barometer at one period as one self-contained
/// HTML page for the think tank — inline CSS and hand-drawn inline SVG, no script, no font
/// file, no reference outside the file — in Danish or English.
///
/// The page: a summary table of every goal's judged measures; then per goal its kind and target
/// in words and per measure the plain sentence, the figures now, at the baseline and at the
/// previous wave with their intervals, the statistical and the official verdict side by side,
/// the wave, n and weighted population, and a trend chart over every stored period; a breakdown
/// as a table and a dot-and-interval chart; a decomposition beside the gap it decomposes; and a
/// method appendix (designs, waves, n, df, checksums, version, disclosure control, verdict rules).
public enum BarometerHTML {
    /// What the page draws on beyond the period's result.
    public struct Context: Sendable {
        /// Measure id → the measure's stored figures in schedule order (empty without a history);
        /// the result's own current, baseline and previous figures are drawn in any case.
        public var trends: [String: [BarometerHistory.Point]]
        /// The runs whose provenance the appendix lists, in schedule order; the reported
        /// period's run supplies the checksums of the inputs.
        public var runs: [BarometerHistory.Run]
        /// Measure id → the periods whose stored figures were made under another definition of
        /// the measure (`BarometerMeasure.definition`): left out of `trends`, and named in the
        /// report beside the trend.
        public var otherDefinitions: [String: [String]] = [:]
        /// Measure id → the periods whose stored figures carry no definition (a history stored
        /// before definitions were kept): drawn, and named in the report as unchecked.
        public var unrecordedDefinitions: [String: [String]] = [:]

        /// A context of these trends and runs.
        public init(trends: [String: [BarometerHistory.Point]], runs: [BarometerHistory.Run]) {
            self.trends = trends
            self.runs = runs
        }

        /// The notes on the trends (figures left out for another definition, or unchecked), one
        /// per measure in configuration order, for standard error.
        public func notes(_ config: BarometerConfig) -> [String] {
            config.goals.flatMap(\.measures).flatMap { m -> [String] in
                var out: [String] = []
                if let periods = otherDefinitions[m.id] {
                    out.append("measure \(m.id): \(Self.otherDefinitionNote(periods))")
                }
                if let periods = unrecordedDefinitions[m.id] {
                    out.append("measure \(m.id): \(Self.unrecordedNote(periods))")
                }
                return out
            }
        }

        /// Why the stored figures of `periods` are left out of a measure's trend.
        static func otherDefinitionNote(_ periods: [String]) -> String {
            "the history's figures for \(periods.joined(separator: ", ")) were made under another definition of the measure (its configuration has changed since): left out of the trend; run \(periods.count == 1 ? "that period" : "those periods") again with --history to replace them"
        }

        /// Why the stored figures of `periods` could not be checked against the definition.
        static func unrecordedNote(_ periods: [String]) -> String {
            "the history's figures for \(periods.joined(separator: ", ")) were stored by a release that did not record the measure's definition: drawn in the trend, but not checked against the current definition; run \(periods.count == 1 ? "that period" : "those periods") again with --history to record it"
        }

        /// Every measure's figures over the periods stored in `history`, each as disclosure
        /// control at `minimumCell` (the report's `--min-cell`) shows it, and its runs.
        /// - Throws: `DisparityError.data` naming the history when it cannot be read.
        public static func stored(in history: BarometerHistory, config: BarometerConfig,
                                  minimumCell: Int = BarometerEvaluator.defaultMinimumCell) throws -> Context {
            var trends: [String: [BarometerHistory.Point]] = [:]
            var other: [String: [String]] = [:], unrecorded: [String: [String]] = [:]
            for goal in config.goals {
                for m in goal.measures {
                    // Only the figures of the measure's current definition make its trend.
                    let points = try history.trend(goal: goal.id, measure: m.id, in: config.schedule, minimumCell: minimumCell)
                    trends[m.id] = points.filter { $0.definition == nil || $0.definition == m.definition }
                    let changed = points.filter { $0.definition != nil && $0.definition != m.definition }.map(\.period)
                    if !changed.isEmpty { other[m.id] = changed }
                    let unchecked = points.filter { $0.definition == nil }.map(\.period)
                    if !unchecked.isEmpty { unrecorded[m.id] = unchecked }
                }
            }
            var context = Context(trends: trends, runs: try history.runs(in: config.schedule))
            (context.otherDefinitions, context.unrecordedDefinitions) = (other, unrecorded)
            return context
        }

        /// Without a history: no stored trend, and the period's run with the inputs' checksums
        /// computed now.
        /// - Throws: `DisparityError.data` naming an input that cannot be read.
        public static func unstored(_ result: BarometerResult, config: BarometerConfig, time: Date = Date()) throws -> Context {
            let sums = try config.checksums()
            let run = BarometerHistory.Run(period: result.period, configSHA256: sums.config, dataSHA256: sums.data,
                                           version: Release.version, time: ISO8601DateFormatter().string(from: time))
            return Context(trends: [:], runs: [run])
        }
    }

    /// The whole page.
    public static func render(_ result: BarometerResult, config: BarometerConfig, context: Context,
                              language: ReportLanguage = .da) -> String {
        Page(result: result, config: config, context: context, language: language).html()
    }
}

/// One rendering of the page: the inputs and the words of the language.
private struct Page {
    let result: BarometerResult
    let config: BarometerConfig
    let context: BarometerHTML.Context
    let language: ReportLanguage

    /// The Danish or the English of a phrase.
    func t(_ da: String, _ en: String) -> String { language == .da ? da : en }
    func e(_ text: String) -> String { HTMLText.escape(text) }

    var percent: String { language.number(result.level * 100, decimals: 0) }
    /// Why a figure is withheld under the threshold `minimumCell` (a measure's own `min-cell`,
    /// or the run's).
    func withheldReason(_ minimumCell: Int) -> String {
        t("bygger på færre end \(minimumCell) observationer", "rests on fewer than \(minimumCell) observations")
    }
    /// Why a figure is withheld by secondary suppression under the threshold `minimumCell`.
    func complementReason(_ minimumCell: Int) -> String {
        t("med det kunne et tal med færre end \(minimumCell) observationer regnes ud (sekundær diskretionering)",
          "with it, a figure of fewer than \(minimumCell) observations could be worked out (secondary suppression)")
    }
    /// Withheld figures' reasons under `m`'s threshold, the secondary suppression's too where `m` has it.
    func withheldReasons(_ m: MeasureResult) -> String {
        let reason = withheldReason(result.minimumCell(of: m))
        guard m.withholdsComplements else { return reason }
        return reason + t(", eller ville lade et sådant tal regne ud (sekundær diskretionering)",
                          ", or would let such a figure be worked out (secondary suppression)")
    }
    /// A withheld figure's mark, its reason (under the threshold it was withheld by) on hover.
    func withheldMark(_ f: Figure) -> String {
        let below = f.withheldBelow ?? result.minimumCell
        return "<span class=\"withheld\" title=\"\(e(f.revealsWithheld ? complementReason(below) : withheldReason(below)))\">..</span>"
    }

    func html() -> String {
        let title = "\(result.title) · \(result.period)"
        return """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="disparity \(e(Release.version))">
        <title>\(e(title))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <main>
        \(masthead())
        \(summary())
        \(result.goals.map(goal).joined(separator: "\n"))
        \(appendix())
        <footer>\(e(t("Lavet med disparity \(Release.version).", "Made with disparity \(Release.version).")))</footer>
        </main>
        </body>
        </html>

        """
    }

    // MARK: Header and summary

    func masthead() -> String {
        let withheld = withheldCount
        var facts = [t("Periode", "Period") + " <b>\(e(result.period))</b>", t("basis", "baseline") + " \(e(result.baseline))",
                     e(t("\(percent) %-konfidensintervaller", "\(percent) % confidence intervals")),
                     "disparity \(e(Release.version))"]
        if withheld > 0 {
            facts.append(e(t("\(withheld) tal tilbageholdt (..)", "\(withheld) figure\(withheld == 1 ? "" : "s") withheld (..)")))
        }
        return """
        <header class="masthead">
        <p class="eyebrow">\(e(t("Statusrapport til tænketanken", "Status report for the think tank")))</p>
        <h1>\(e(result.title))</h1>
        <p class="meta">\(facts.joined(separator: " · "))</p>
        </header>
        """
    }

    func summary() -> String {
        var rows = ""
        for g in result.goals {
            let judged = g.measures.filter { !$0.measure.context }
            for (i, m) in judged.enumerated() {
                rows += "<tr>"
                if i == 0 {
                    rows += "<th scope=\"rowgroup\" rowspan=\"\(judged.count)\" class=\"goal-cell\"><a href=\"#goal-\(e(g.goal.id))\">"
                        + "<span class=\"goal-no\">\(e(g.goal.id))</span></a> \(e(g.goal.label))</th>"
                }
                rows += "<td><span class=\"mid\">\(e(m.measure.id))</span> \(e(m.measure.label))</td>"
                rows += "<td class=\"num\">\(figure(m.current, m)) <span class=\"unit\">\(e(unitShort(m.measure.unit)))</span></td>"
                rows += "<td class=\"num\">\(m.changeSinceBaseline.map { figure($0, m, signed: true) } ?? "–")</td>"
                rows += "<td>\(badge(m.verdict))</td><td>\(badge(m.official))</td></tr>\n"
            }
        }
        let judged = result.goals.flatMap(\.measures).filter { !$0.measure.context }
        let counts = [(Target.Verdict.met, t("nået", "met")), (.notMet, t("ikke nået", "not met")), (.inconclusive, t("uafklaret", "inconclusive"))]
            .map { v, word in "\(judged.filter { $0.verdict == v }.count) \(word)" }
        return """
        <section class="summary" aria-labelledby="overview">
        <h2 id="overview">\(e(t("Overblik", "Overview")))</h2>
        <p class="lede">\(e(t("Statistisk vurdering af \(judged.count) indikatorer: \(counts.joined(separator: ", ")). Den statistiske vurdering læser konfidensintervallet, den officielle det afrundede tal, som det offentliggøres.",
                               "Statistical verdicts on \(judged.count) measures: \(counts.joined(separator: ", ")). The statistical verdict reads the confidence interval, the official one the rounded figure as published.")))</p>
        <div class="scroll"><table class="overview">
        <thead><tr><th scope="col">\(e(t("Mål", "Goal")))</th><th scope="col">\(e(t("Indikator", "Measure")))</th><th scope="col" class="num">\(e(t("Nu", "Now")))</th><th scope="col" class="num">\(e(t("Ændring siden basis", "Change since baseline")))</th><th scope="col">\(e(t("Statistisk", "Statistical")))</th><th scope="col">\(e(t("Officiel", "Official")))</th></tr></thead>
        <tbody>
        \(rows)</tbody>
        </table></div>
        </section>
        """
    }

    // MARK: Goals

    func goal(_ g: GoalResult) -> String {
        let judged = g.measures.filter { !$0.measure.context }
        let decompositions = g.measures.filter { m in
            if case .decomposition = m.measure.kind { return m.measure.context }
            return false
        }
        let context = g.measures.filter { m in m.measure.context && !decompositions.contains { $0.measure.id == m.measure.id } }
        var out = "<section class=\"goal\" id=\"goal-\(e(g.goal.id))\">\n"
        out += "<h2><span class=\"goal-no\">\(e(t("Mål", "Goal"))) \(e(g.goal.id))</span> \(e(g.goal.label))</h2>\n"
        out += "<p class=\"goal-meta\">\(kindInWords(g.goal, unit: judged.first?.measure.unit ?? .index))</p>\n"
        out += judged.map { measure($0, of: g) }.joined(separator: "\n")
        if !decompositions.isEmpty { out += decomposition(decompositions, of: g) }
        out += context.map { contextMeasure($0, of: g) }.joined(separator: "\n")
        return out + "</section>"
    }

    func kindInWords(_ goal: BarometerConfig.Goal, unit: MeasureUnit) -> String {
        let target = goal.target.map { language.target($0, unit: unit) }
        switch goal.kind {
        case .direction:
            let better = goal.direction == .lower ? t("lavere er bedre", "lower is better") : t("højere er bedre", "higher is better")
            return "<b>\(e(t("Type: retning", "Kind: direction")))</b> — \(e(better)); \(e(t("bedømt på ændringen siden basis", "judged on the change since the baseline")))"
        case .target:
            return "<b>\(e(t("Type: målværdi", "Kind: target")))</b> — \(e(t("målværdien er", "the target is"))) <b>\(e(target ?? ""))</b>"
        case .band:
            return "<b>\(e(t("Type: bånd", "Kind: band")))</b> — \(e(t("målet er et niveau", "the target is a level"))) <b>\(e(target ?? ""))</b>"
        }
    }

    /// A judged measure: sentence, figures, both verdicts, the basis, and the trend.
    func measure(_ m: MeasureResult, of g: GoalResult) -> String {
        """
        <article class="measure">
        <h3><span class="mid">\(e(m.measure.id))</span> \(e(m.measure.label))</h3>
        <p class="sentence">\(e(m.sentence(g.goal, level: result.level, language: language)))</p>
        <div class="measure-body">
        <div class="facts">
        <div class="verdicts">
        <div class="verdict"><span class="verdict-kind">\(e(t("Statistisk vurdering", "Statistical verdict")))</span>\(badge(m.verdict))<span class="verdict-basis">\(e(statisticalBasis(g.goal)))</span></div>
        <div class="verdict"><span class="verdict-kind">\(e(t("Officiel vurdering", "Official verdict")))</span>\(badge(m.official))<span class="verdict-basis">\(officialBasis(m, g.goal))</span></div>
        </div>
        \(figures(m, target: g.goal.target))
        \(basis(m))
        </div>
        <figure class="trend">\(trend(m, of: g))</figure>
        </div>
        \(m.breakdown.isEmpty ? "" : breakdown(m))
        </article>
        """
    }

    func statisticalBasis(_ goal: BarometerConfig.Goal) -> String {
        goal.kind == .direction ? t("ændringens \(percent) %-interval mod nul", "the change's \(percent) % interval against zero")
            : t("\(percent) %-intervallet mod målet", "the \(percent) % interval against the target")
    }

    /// The rounded figures the official verdict reads.
    func officialBasis(_ m: MeasureResult, _ goal: BarometerConfig.Goal) -> String {
        let unit = m.measure.unit
        func rounded(_ x: Double) -> String { language.number(unit.published(x), decimals: unit.decimals) }
        switch goal.kind {
        case .target, .band:
            guard let now = m.current.value else { return "" }
            return e(t("afrundet tal: ", "rounded figure: ")) + "<b>\(e(rounded(now.estimate)))</b>"
        case .direction:
            guard let now = m.current.value, let then = m.baseline?.value else { return "" }
            return e(t("afrundet: ", "rounded: ")) + "\(e(rounded(then.estimate))) → <b>\(e(rounded(now.estimate)))</b>"
        }
    }

    /// The figure table: now, baseline, change, previous, change, target.
    func figures(_ m: MeasureResult, target: Target?) -> String {
        var rows: [(String, String)] = [(t("Nu", "Now") + (m.wave.map { " (\($0))" } ?? ""), figure(m.current, m))]
        if let wave = m.baselineWave {
            rows.append((t("Basis", "Baseline") + " (\(wave))", m.baseline.map { figure($0, m) } ?? "–"))
            rows.append((t("Ændring siden basis", "Change since baseline"), m.changeSinceBaseline.map { figure($0, m, signed: true) } ?? "–"))
        }
        if let wave = m.previousWave, wave != m.baselineWave {
            rows.append((t("Forrige", "Previous") + " (\(wave))", m.previous.map { figure($0, m) } ?? "–"))
            rows.append((t("Ændring siden forrige", "Change since previous"), m.changeSincePrevious.map { figure($0, m, signed: true) } ?? "–"))
        }
        if let target, !m.measure.context { rows.append((t("Målværdi", "Target"), e(language.target(target, unit: m.measure.unit)))) }
        let unit = unitName(m.measure.unit)
        return "<table class=\"figures\"><caption>\(e(t("Skøn med \(percent) %-konfidensinterval", "Estimate with \(percent) % confidence interval")))"
            + (unit.isEmpty ? "" : " · \(e(t("enhed", "unit"))): \(e(unit))") + "</caption>"
            + rows.map { "<tr><th scope=\"row\">\(e($0.0))</th><td class=\"num\">\($0.1)</td></tr>" }.joined() + "</table>"
    }

    /// What the current figure rests on.
    func basis(_ m: MeasureResult) -> String {
        var parts = [t("Bølge", "Wave") + " \(e(m.wave ?? "–"))", "n = \(grouped(Double(m.n)))"]
        if let population = m.population { parts.append(t("vægtet population", "weighted population") + " \(grouped(population))") }
        parts.append(e(t("data", "data")) + " <code>\(e(m.measure.data))</code>")
        var out = "<p class=\"basis\">\(parts.joined(separator: " · "))</p>"
        let withheld = m.suppressedCount
        if withheld > 0 {
            out += "<p class=\"withheld-note\"><span class=\"withheld\">..</span> \(e(t("\(withheld) tal tilbageholdt: \(withheldReasons(m)).", "\(withheld) figure\(withheld == 1 ? "" : "s") withheld: \(withheldReasons(m)).")))</p>"
        }
        // The measure's own notes (what a figure rests on, why a change has no interval,
        // replicates left out), each once: the barometer's in the report's language, the
        // estimators' in their words, as in every other format.
        let waves = config.schedule.order + [m.wave, m.baselineWave, m.previousWave].compactMap { $0 }
        var benchmarks: [String] = []
        if case .representation(let r) = m.measure.kind { benchmarks.append(r.benchmarkData) }
        var seen = Set<String>()
        for note in m.notes where seen.insert(note).inserted {
            let shown = MeasureNotes.translated(note, to: language, waves: waves, benchmarks: benchmarks, breakdown: m.measure.by)
            out += "<p class=\"note\">\(e(t("Bemærk", "Note"))): \(e(shown))</p>"
        }
        return out
    }

    /// The measure's figures over the schedule: the stored ones, and the result's own.
    func trend(_ m: MeasureResult, of g: GoalResult) -> String {
        var marks: [String: TrendChart.Mark] = [:]
        for p in storedTrendPoints(m) {
            marks[p.wave] = TrendChart.Mark(period: p.wave, estimate: p.estimate, low: p.low, high: p.high, withheld: p.suppressed != nil)
        }
        for (wave, f) in [(m.wave, m.current), (m.baselineWave, m.baseline), (m.previousWave, m.previous)] {
            guard let wave, let f else { continue }
            marks[wave] = TrendChart.Mark(period: wave, estimate: f.value?.estimate, low: f.value?.low, high: f.value?.high,
                                          withheld: f.suppressed != nil)
        }
        let periods = config.schedule.order
        let ordered = marks.values.sorted { (periods.firstIndex(of: $0.period) ?? .max) < (periods.firstIndex(of: $1.period) ?? .max) }
        let chart = TrendChart(periods: periods, marks: ordered, baseline: m.baselineWave ?? (marks[result.baseline] != nil ? result.baseline : nil),
                               current: m.wave, target: g.goal.target, unitName: axisTitle(m.measure.unit),
                               decimals: m.measure.unit.decimals + 1, level: result.level, language: language,
                               title: t("Udvikling: \(m.measure.label)", "Trend: \(m.measure.label)"))
        let stored = (context.trends[m.measure.id] ?? []).count
        let caption = stored > 0
            ? t("\(m.measure.id) over de \(stored) perioder i historikken; en periode uden ny bølge af data står tom.",
                "\(m.measure.id) over the \(stored) periods in the history; a period without a new wave of data stays empty.")
            : t("\(m.measure.id): nu, basis og forrige bølge (ingen historik givet).", "\(m.measure.id): now, baseline and previous wave (no history given).")
        // Stored figures of another (or an unrecorded) definition of the measure, said beside the chart.
        var notes = ""
        if let periods = context.otherDefinitions[m.measure.id] {
            notes += "<p class=\"note\">\(e(t("Bemærk", "Note"))): \(e(t("historikkens tal for \(periods.joined(separator: ", ")) blev lavet efter en anden definition af målet (konfigurationen er ændret siden) og er udeladt af udviklingen; kør de perioder igen med --history for at erstatte dem", BarometerHTML.Context.otherDefinitionNote(periods))))</p>"
        }
        if let periods = context.unrecordedDefinitions[m.measure.id] {
            notes += "<p class=\"note\">\(e(t("Bemærk", "Note"))): \(e(t("historikkens tal for \(periods.joined(separator: ", ")) blev gemt af en version, der ikke registrerede målets definition: de vises, men er ikke kontrolleret mod den nuværende definition; kør de perioder igen med --history for at registrere den", BarometerHTML.Context.unrecordedNote(periods))))</p>"
        }
        return notes + chart.svg() + "<figcaption>\(e(caption))</figcaption>"
    }

    /// The history's points `m`'s trend chart draws: the first stored point of each wave, but
    /// for the waves of the result's own figures (now, baseline, previous), which it draws instead.
    func storedTrendPoints(_ m: MeasureResult) -> [BarometerHistory.Point] {
        let own = Set([(m.wave, m.current), (m.baselineWave, m.baseline), (m.previousWave, m.previous)].compactMap { $0.1 == nil ? nil : $0.0 })
        var seen = Set<String>()
        return (context.trends[m.measure.id] ?? []).filter { seen.insert($0.wave).inserted && !own.contains($0.wave) }
    }

    /// The waves of `m`'s trend chart whose stored point the report withholds (`..`), in the
    /// history's order: withheld when stored, or by the threshold it is read at (a stricter
    /// `--min-cell` than it was stored at). Counted and named with the result's withheld figures.
    func withheldTrendWaves(_ m: MeasureResult) -> [String] {
        storedTrendPoints(m).filter { $0.suppressed != nil }.map(\.wave)
    }

    /// Every figure the report withholds: the result's (`BarometerResult.suppressedCount`) and
    /// the stored trend points its charts show as `..`.
    var withheldCount: Int {
        result.suppressedCount + result.goals.flatMap(\.measures).reduce(0) { $0 + withheldTrendWaves($1).count }
    }

    /// A breakdown: a table and a dot-and-interval chart by level.
    func breakdown(_ m: MeasureResult) -> String {
        let by = m.measure.by ?? ""
        var rows = ""
        for b in m.breakdown {
            rows += "<tr><th scope=\"row\">\(e(b.level))</th><td class=\"num\">\(figure(b.current, m))</td>"
                + "<td class=\"num\">\(b.changeSinceBaseline.map { figure($0, m, signed: true) } ?? "–")</td>"
                + "<td class=\"num\">\(grouped(Double(b.n)))</td><td class=\"num\">\(b.population.map(grouped) ?? withheldMark(b.current))</td></tr>"
        }
        let chart = IntervalChart(rows: m.breakdown.map { IntervalChart.Row(label: $0.level, value: $0.current.value, withheld: $0.current.suppressed != nil) },
                                  reference: m.current.value.map { ($0.estimate, t("alle", "all")) }, target: nil,
                                  unitName: axisTitle(m.measure.unit), decimals: m.measure.unit.decimals + 1, language: language,
                                  title: t("\(m.measure.label) efter \(by)", "\(m.measure.label) by \(by)"))
        return """
        <div class="breakdown">
        <h4>\(e(t("Fordelt på", "By"))) <code>\(e(by))</code> (\(e(m.wave ?? "–")))</h4>
        <div class="breakdown-body">
        <div class="scroll"><table class="figures">
        <thead><tr><th scope="col">\(e(by))</th><th scope="col" class="num">\(e(t("Nu", "Now")))</th><th scope="col" class="num">\(e(t("Ændring siden basis", "Change since baseline")))</th><th scope="col" class="num">n</th><th scope="col" class="num">\(e(t("Vægtet population", "Weighted population")))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        <figure>\(chart.svg())<figcaption>\(e(t("Punkt: skøn; streg: \(percent) %-konfidensinterval; prikket linje: alle områder.", "Dot: estimate; bar: \(percent) % confidence interval; dotted line: all areas.")))</figcaption></figure>
        </div>
        </div>
        """
    }

    /// A gap beside the parts of its decomposition (goal 2: the unexplained part beside the
    /// whole over-unemployment), on one scale with the target.
    func decomposition(_ parts: [MeasureResult], of g: GoalResult) -> String {
        let gaps = g.measures.filter { m in
            if case .gap = m.measure.kind { return !m.measure.context }
            return false
        }
        let shown = gaps + parts
        let cards = shown.map { m -> String in
            let role: String
            switch m.measure.kind {
            case .decomposition(_, let component): role = componentName(component)
            default: role = t("Forskellen i alt", "The whole gap")
            }
            return """
            <div class="part"><p class="part-role">\(e(role)) · <span class="mid">\(e(m.measure.id))</span></p>
            <p class="part-value">\(figure(m.current, m)) <span class="unit">\(e(unitShort(m.measure.unit)))</span></p>
            <p class="part-change">\(e(t("ændring siden basis", "change since baseline"))): \(m.changeSinceBaseline.map { figure($0, m, signed: true) } ?? "–")</p>
            <p class="sentence small">\(e(m.sentence(g.goal, level: result.level, language: language)))</p></div>
            """
        }.joined(separator: "\n")
        let unit = shown.first?.measure.unit ?? .percentagePoints
        let chart = IntervalChart(rows: shown.map { m in
            IntervalChart.Row(label: "\(m.measure.id): " + (m.measure.context ? componentName(componentOf(m)) : t("i alt", "whole gap")),
                              value: m.current.value, withheld: m.current.suppressed != nil)
        }, reference: nil, target: g.goal.target, unitName: axisTitle(unit), decimals: unit.decimals + 1, language: language,
           title: t("Dekomponering af mål \(g.goal.id)", "Decomposition of goal \(g.goal.id)"))
        return """
        <div class="decomposition">
        <h4>\(e(t("Dekomponering: hvor meget af forskellen forklares ikke?", "Decomposition: how much of the gap is not explained?")))</h4>
        <div class="parts">\(cards)</div>
        <figure>\(chart.svg())<figcaption>\(e(t("Samme skala for forskellen i alt og den del, som sammensætningen ikke forklarer; målværdien som stiplet linje. Den uforklarede del er baggrund og bedømmes ikke.", "One scale for the whole gap and the part composition does not explain; the target dashed. The unexplained part is context and takes no verdict.")))</figcaption></figure>
        </div>
        """
    }

    func componentOf(_ m: MeasureResult) -> String {
        if case .decomposition(_, let component) = m.measure.kind { return component }
        return ""
    }

    func componentName(_ component: String) -> String {
        switch component {
        case "explained": return t("Forklaret del", "Explained part")
        case "unexplained": return t("Uforklaret del", "Unexplained part")
        case "endowments": return t("Sammensætning", "Endowments")
        case "coefficients": return t("Koefficienter", "Coefficients")
        case "interaction": return t("Samspil", "Interaction")
        default: return component
        }
    }

    /// A context measure: its sentence and figures, without verdicts.
    func contextMeasure(_ m: MeasureResult, of g: GoalResult) -> String {
        """
        <article class="measure context">
        <h3><span class="mid">\(e(m.measure.id))</span> \(e(m.measure.label)) <span class="tag">\(e(t("baggrund", "context")))</span></h3>
        <p class="sentence">\(e(m.sentence(g.goal, level: result.level, language: language)))</p>
        <div class="context-body">\(figures(m, target: nil))\(basis(m))</div>
        </article>
        """
    }

    // MARK: Appendix

    func appendix() -> String {
        let run = context.runs.first { $0.period == result.period } ?? context.runs.last
        var files = ""
        for file in config.dataFileNames {
            let uses = designs(of: file)
            let waves = Set(result.goals.flatMap(\.measures).filter { $0.measure.data == file }
                .flatMap { [$0.wave, $0.baselineWave, $0.previousWave].compactMap { $0 } })
            let waveText = config.schedule.order.filter(waves.contains).joined(separator: ", ")
            files += "<tr><th scope=\"row\"><code>\(e(file))</code></th><td>\(uses.map { e($0) }.joined(separator: "<br>"))</td>"
                + "<td>\(e(waveText.isEmpty ? t("(kun som benchmark)", "(benchmark only)") : waveText))</td>"
                + "<td class=\"hash\">\(e(run?.dataSHA256[file] ?? "–"))</td></tr>"
        }
        var measures = ""
        for g in result.goals {
            for m in g.measures {
                measures += "<tr><th scope=\"row\">\(e(m.measure.id))</th><td><code>\(e(m.measure.data))</code></td>"
                    + "<td>\(e(m.wave ?? "–"))</td><td>\(e(m.baselineWave ?? "–"))</td><td>\(e(m.previousWave ?? "–"))</td>"
                    + "<td class=\"num\">\(grouped(Double(m.n)))</td><td class=\"num\">\(m.population.map(grouped) ?? "–")</td>"
                    + "<td class=\"num\">\(m.current.value?.df.map { language.number($0, decimals: 0) } ?? e(t("normal", "normal")))</td></tr>"
            }
        }
        return """
        <section class="appendix" id="method">
        <h2>\(e(t("Metode", "Method")))</h2>
        <h3>\(e(t("Datafiler og design", "Data files and designs")))</h3>
        <div class="scroll"><table class="method">
        <thead><tr><th scope="col">\(e(t("Fil", "File")))</th><th scope="col">\(e(t("Design", "Design")))</th><th scope="col">\(e(t("Bølger brugt", "Waves used")))</th><th scope="col">SHA-256</th></tr></thead>
        <tbody>\(files)</tbody></table></div>
        <h3>\(e(t("Indikatorernes grundlag", "What each measure rests on")))</h3>
        <div class="scroll"><table class="method">
        <thead><tr><th scope="col">\(e(t("Indikator", "Measure")))</th><th scope="col">\(e(t("Fil", "File")))</th><th scope="col">\(e(t("Bølge nu", "Wave now")))</th><th scope="col">\(e(t("Basisbølge", "Baseline wave")))</th><th scope="col">\(e(t("Forrige bølge", "Previous wave")))</th><th scope="col" class="num">n</th><th scope="col" class="num">\(e(t("Vægtet population", "Weighted population")))</th><th scope="col" class="num">df</th></tr></thead>
        <tbody>\(measures)</tbody></table></div>
        <p class="note">\(e(t("n: uvægtede observationer bag tallet nu (alle celler i en forskel). df: frihedsgrader for intervallets t-fordeling (designets PSU'er minus strata); \"normal\": normalfordelingen. En repræsentationsindikator taler for to populationer og har ingen vægtet population.", "n: unweighted observations behind the figure now (every cell of a gap). df: degrees of freedom of the interval's t distribution (the design's PSUs minus strata); \"normal\": the normal distribution. A representation measure speaks for two populations and has no weighted population.")))</p>
        <h3>\(e(t("Konfiguration og version", "Configuration and version")))</h3>
        <p><code>\(e(URL(fileURLWithPath: config.path).lastPathComponent))</code> · SHA-256 <span class="hash">\(e(run?.configSHA256 ?? "–"))</span> · disparity \(e(run?.version ?? Release.version))\(run.map { " · " + e(t("kørt", "run")) + " " + e($0.time) } ?? "")</p>
        \(runs(reported: run))
        <h3>\(e(t("Diskretionering", "Disclosure control")))</h3>
        \(disclosure())
        <h3>\(e(t("Vurderingsregler", "Verdict rules")))</h3>
        <ul class="rules">\(rules().map { "<li>\(e($0))</li>" }.joined())</ul>
        </section>
        """
    }

    /// Every design a file is read with, in words.
    func designs(of file: String) -> [String] {
        var out: [String] = []
        for m in config.goals.flatMap(\.measures) {
            var uses: [(DesignSpec, Bool)] = []
            if m.data == file {
                if case .representation(let r) = m.kind { uses.append((m.design, r.populationCensus)) } else { uses.append((m.design, false)) }
            }
            if case .representation(let r) = m.kind, r.benchmarkData == file { uses.append((r.benchmarkDesign, r.benchmarkCensus)) }
            for (spec, census) in uses {
                let text = census ? t("totaltælling (register): ingen stikprøvevarians", "census (register): no sampling variance") : describe(spec)
                if !out.contains(text) { out.append(text) }
            }
        }
        return out
    }

    func describe(_ d: DesignSpec) -> String {
        var parts = [d.weights.map { t("vægte", "weights") + " \($0)" } ?? t("uvægtet", "unweighted")]
        if let strata = d.strata { parts.append(t("strata", "strata") + " \(strata)") }
        if !d.clusters.isEmpty { parts.append(t("klynger", "clusters") + " \(d.clusters.joined(separator: " → "))") }
        if !d.fpc.isEmpty { parts.append("fpc \(d.fpc.joined(separator: ", "))") }
        if d.strata == nil, d.clusters.isEmpty { parts.append(t("ingen strata eller klynger", "no strata or clusters")) }
        if case .bootstrap(let replicates, let seed) = d.varianceMethod {
            parts.append(t("Rao-Wu-bootstrap med \(replicates) replikater (seed \(seed))", "Rao-Wu bootstrap of \(replicates) replicates (seed \(seed))"))
        } else if case .replicateWeights(let r) = d.varianceMethod {
            parts.append(t("replikatvægte \(r.columns) (\(r.type.rawValue)\(r.mse ? ", mse" : ""))", "replicate weights \(r.columns) (\(r.type.rawValue)\(r.mse ? ", mse" : ""))"))
        } else if case .madeReplicates(let m) = d.varianceMethod {
            let details = [m.replicates.map { "\($0) replicates" }, m.seed.map { "seed \($0)" }, m.mse ? "mse" : nil].compactMap { $0 }
            let suffix = details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")"
            parts.append(t("replikatvægte dannet af designet ved \(m.kind.rawValue)\(suffix)", "replicate weights made from the design by \(m.kind.rawValue)\(suffix)"))
        } else {
            parts.append(t("linearisering", "linearization"))
        }
        return parts.joined(separator: "; ")
    }

    /// The stored runs, when there is more than the reported one.
    func runs(reported: BarometerHistory.Run?) -> String {
        guard context.runs.count > 1 || (context.runs.first.map { $0.period != result.period } ?? false) else { return "" }
        let rows = context.runs.map { run -> String in
            let changed = run.dataSHA256.keys.sorted().filter { run.dataSHA256[$0] != reported?.dataSHA256[$0] }
            let data = changed.isEmpty ? t("som ovenfor", "as above") : t("andre end ovenfor: ", "differ from above: ") + changed.joined(separator: ", ")
            let configText = run.configSHA256 == reported?.configSHA256 ? t("som ovenfor", "as above") : String(run.configSHA256.prefix(16)) + "…"
            return "<tr><th scope=\"row\">\(e(run.period))</th><td>\(e(run.time))</td><td>\(e(run.version))</td><td>\(e(configText))</td><td>\(e(data))</td></tr>"
        }.joined()
        return """
        <h3>\(e(t("Kørsler i historikken", "Runs in the history")))</h3>
        <div class="scroll"><table class="method">
        <thead><tr><th scope="col">\(e(t("Periode", "Period")))</th><th scope="col">\(e(t("Kørt", "Run")))</th><th scope="col">\(e(t("Version", "Version")))</th><th scope="col">\(e(t("Konfiguration", "Configuration")))</th><th scope="col">\(e(t("Datafiler", "Data files")))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """
    }

    func disclosure() -> String {
        let count = withheldCount
        var out = "<p>" + e(t("Tal, der bygger på færre end \(result.minimumCell) uvægtede observationer i den mindste celle, offentliggøres ikke og vises som „..“. ",
                              "Figures resting on fewer than \(result.minimumCell) unweighted observations in their smallest cell are not published and show as \"..\". "))
        // Measures with a threshold of their own (`min-cell`) are named with it.
        let own = result.goals.flatMap(\.measures).compactMap { m in m.measure.minimumCell.map { "\(m.measure.id): \($0)" } }
        if !own.isEmpty {
            out += e(t("Egen grænse for målene \(own.joined(separator: ", ")). ", "Measures with a threshold of their own: \(own.joined(separator: ", ")). "))
        }
        if result.goals.contains(where: { $0.measures.contains(where: \.withholdsComplements) }) {
            out += e(t("Heller ikke tal, hvormed et tilbageholdt tal kunne regnes ud, offentliggøres: en opdelings niveauer summerer til helheden (sekundær diskretionering). ",
                       "Nor are figures with which a withheld one could be worked out: a breakdown's levels add up to the whole (secondary suppression). "))
        }
        out += count == 0 ? e(t("I denne rapport er intet tal tilbageholdt.", "No figure in this report is withheld."))
            : "<b>" + e(t("\(count) tal er tilbageholdt:", "\(count) figure\(count == 1 ? " is" : "s are") withheld:")) + "</b>"
        out += "</p>"
        guard count > 0 else { return out }
        var items: [String] = []
        for m in result.goals.flatMap(\.measures) {
            let named: [(String, Figure?)] = [(t("nu", "now"), m.current), (t("basis", "baseline"), m.baseline), (t("forrige", "previous"), m.previous),
                                              (t("ændring siden basis", "change since baseline"), m.changeSinceBaseline),
                                              (t("ændring siden forrige", "change since previous"), m.changeSincePrevious)]
            var what = named.filter { $0.1?.suppressed != nil }.map(\.0)
            for b in m.breakdown {
                if b.current.suppressed != nil { what.append("\(b.level) " + t("nu", "now")) }
                if b.changeSinceBaseline?.suppressed != nil { what.append("\(b.level) " + t("ændring", "change")) }
                if b.population == nil { what.append("\(b.level) " + t("population", "population")) }
            }
            what += withheldTrendWaves(m).map { t("udvikling", "trend") + " \($0)" }
            if !what.isEmpty { items.append("<li><b>\(e(m.measure.id))</b>: \(e(what.joined(separator: ", ")))</li>") }
        }
        return out + "<ul class=\"withheld-list\">\(items.joined())</ul>"
    }

    func rules() -> [String] {
        [
            t("Statistisk vurdering, målværdi: nået, når hele \(percent) %-konfidensintervallet opfylder målværdien; ikke nået, når ingen del af det gør; ellers uafklaret.",
              "Statistical verdict, target: met when the whole \(percent) % confidence interval satisfies the target; not met when none of it does; otherwise inconclusive."),
            t("Statistisk vurdering, bånd: nået, når hele intervallet ligger inden for båndet; ikke nået, når det ligger helt uden for; ellers uafklaret.",
              "Statistical verdict, band: met when the whole interval lies inside the band; not met when it lies wholly outside; otherwise inconclusive."),
            t("Statistisk vurdering, retning: nået, når hele intervallet for ændringen siden basis ligger på den bedre side af nul; ikke nået, når det ligger helt på den dårligere side; ellers uafklaret.",
              "Statistical verdict, direction: met when the whole interval of the change since the baseline lies on the better side of zero; not met when it lies wholly on the worse side; otherwise inconclusive."),
            t("Officiel vurdering, målværdi og bånd: tallet afrundet som offentliggjort (point og procent til hele tal, procentpoint og indekspoint til én decimal, indeks til to) holdt op mod målværdien: nået eller ikke nået.",
              "Official verdict, target and band: the figure rounded as published (points and percent to whole numbers, percentage and index points to one decimal, an index to two) against the target: met or not met."),
            t("Officiel vurdering, retning: det afrundede tal nu mod det afrundede basistal: forbedret, uændret eller forværret.",
              "Official verdict, direction: the rounded figure now against the rounded baseline: improved, unchanged or worsened."),
            t("Baggrundsindikatorer vises uden vurdering. Ved basis er der endnu intet at vurdere.",
              "Context measures are shown without a verdict. At the baseline there is nothing to judge yet."),
        ]
    }

    // MARK: Pieces

    /// A figure as HTML: the estimate, its interval in brackets, `..` with the reason when withheld.
    func figure(_ f: Figure, _ m: MeasureResult, signed: Bool = false) -> String {
        if f.suppressed != nil { return withheldMark(f) }
        let text = Report.shown(f, m, language, signed: signed)
        guard let bracket = text.range(of: " [") else { return "<span class=\"est\">\(e(text))</span>" }
        return "<span class=\"est\">\(e(String(text[..<bracket.lowerBound])))</span> <span class=\"ci\">\(e(String(text[bracket.lowerBound...]).trimmingCharacters(in: .whitespaces)))</span>"
    }

    func badge(_ verdict: Target.Verdict?) -> String {
        guard let verdict else { return "<span class=\"badge none\">\(e(t("ingen endnu", "none yet")))</span>" }
        let (cls, mark) = switch verdict {
        case .met: ("met", "✓")
        case .notMet: ("notmet", "✗")
        case .inconclusive: ("inconclusive", "?")
        }
        return "<span class=\"badge \(cls)\"><span aria-hidden=\"true\">\(mark)</span> \(e(Report.word(verdict, language)))</span>"
    }

    func badge(_ verdict: OfficialVerdict?) -> String {
        guard let verdict else { return "<span class=\"badge none\">\(e(t("ingen endnu", "none yet")))</span>" }
        let (cls, mark) = switch verdict {
        case .met, .improved: ("met", verdict == .met ? "✓" : "▲")
        case .notMet, .worsened: ("notmet", verdict == .notMet ? "✗" : "▼")
        case .unchanged: ("inconclusive", "=")
        }
        return "<span class=\"badge \(cls)\"><span aria-hidden=\"true\">\(mark)</span> \(e(Report.word(verdict, language)))</span>"
    }

    /// The unit as written after a number in a table ("pp", "%", "point").
    func unitShort(_ unit: MeasureUnit) -> String { language.unit(unit).trimmingCharacters(in: .whitespaces) }

    /// The unit in words for a caption ("" for an index).
    func unitName(_ unit: MeasureUnit) -> String {
        unit == .percentagePoints ? t("procentpoint", "percentage points") : unitShort(unit)
    }

    /// A value axis' title.
    func axisTitle(_ unit: MeasureUnit) -> String {
        switch unit {
        case .index: return t("indeks (1 = ligelig repræsentation)", "index (1 = parity)")
        case .percent: return t("procent", "percent")
        default: return unitName(unit)
        }
    }

    /// A count or population with the language's thousands separator.
    func grouped(_ x: Double) -> String {
        let digits = String(Int(x.rounded()).magnitude)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(language == .da ? "." : ",") }
            out.append(c)
        }
        return (x < 0 ? (language == .da ? "−" : "-") : "") + String(out.reversed())
    }

    static let css = """
    :root{--ink:#1a1d21;--muted:#5d6670;--rule:#dfe3e8;--soft:#f5f6f8;--accent:#1d3557;--met:#1d6b3b;--notmet:#a3262c;--inc:#7a5800}
    *{box-sizing:border-box}
    html{font-size:15px;-webkit-text-size-adjust:100%}
    body{margin:0;background:#eef0f3;color:var(--ink);font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Liberation Sans",Arial,sans-serif;line-height:1.45;font-variant-numeric:tabular-nums}
    main{max-width:1120px;margin:0 auto;padding:32px 40px 40px;background:#fff}
    .eyebrow{margin:0;font-size:.75rem;letter-spacing:.09em;text-transform:uppercase;color:var(--muted);font-weight:600}
    h1{margin:.15rem 0 .35rem;font-size:1.95rem;line-height:1.15;letter-spacing:-.01em}
    .meta{margin:0;color:var(--muted)}
    .meta b{color:var(--ink)}
    .masthead{padding-bottom:14px;border-bottom:3px solid var(--accent)}
    h2{margin:2.1rem 0 .35rem;font-size:1.3rem;line-height:1.25}
    .goal h2{padding-top:.9rem;border-top:1px solid var(--rule)}
    .goal-no{display:inline-block;min-width:1.6em;margin-right:.35em;padding:.05em .45em;border-radius:4px;background:var(--accent);color:#fff;font-size:.85em;text-align:center}
    .overview .goal-no{font-size:.8rem}
    h3{margin:0 0 .3rem;font-size:1rem;line-height:1.3}
    h4{margin:.2rem 0 .5rem;font-size:.92rem}
    .goal-meta{margin:.2rem 0 .6rem;color:var(--muted)}
    .goal-meta b{color:var(--ink)}
    .lede{margin:.2rem 0 .7rem;color:var(--muted);max-width:60rem}
    .mid{display:inline-block;margin-right:.3em;font-weight:700;color:var(--accent)}
    table{width:100%;border-collapse:collapse;font-size:.88rem}
    th,td{padding:.32rem .5rem;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
    thead th{font-size:.72rem;letter-spacing:.05em;text-transform:uppercase;color:var(--muted);border-bottom:1.5px solid var(--ink);vertical-align:bottom}
    .num{text-align:right;white-space:nowrap}
    .overview td:nth-child(n+3),.overview th.num{white-space:nowrap}
    .overview .goal-cell{font-weight:400;width:24%;background:var(--soft)}
    .overview .goal-cell a{text-decoration:none}
    .overview td:first-of-type{width:36%}
    .est{font-weight:650}
    .ci{color:var(--muted);font-size:.92em}
    .unit{color:var(--muted);font-size:.85em}
    .badge{display:inline-block;padding:.06rem .5rem;border:1.5px solid currentColor;border-radius:999px;font-size:.78rem;font-weight:650;white-space:nowrap;line-height:1.35}
    .badge.met{color:var(--met);background:#e9f4ed}
    .badge.notmet{color:var(--notmet);background:#fbecec}
    .badge.inconclusive{color:var(--inc);background:#fbf4e1;border-style:dashed}
    .badge.none{color:var(--muted);border-style:dotted}
    .measure{margin:12px 0;padding:14px 16px;border:1px solid var(--rule);border-radius:8px;break-inside:avoid}
    .measure.context{background:var(--soft);padding:10px 16px}
    .sentence{margin:.1rem 0 .7rem;max-width:62rem}
    .sentence.small{font-size:.85rem;color:var(--muted);margin:.4rem 0 0}
    .measure-body{display:grid;grid-template-columns:minmax(0,5fr) minmax(0,7fr);gap:20px;align-items:start}
    .verdicts{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin-bottom:8px}
    .verdict{padding:8px 10px;border-radius:6px;background:var(--soft)}
    .verdict-kind{display:block;font-size:.7rem;letter-spacing:.05em;text-transform:uppercase;color:var(--muted);font-weight:650;margin-bottom:3px}
    .verdict-basis{display:block;font-size:.78rem;color:var(--muted);margin-top:4px}
    .figures caption{caption-side:top;text-align:left;font-size:.75rem;color:var(--muted);padding:0 0 3px}
    .figures th{font-weight:500}
    .basis,.withheld-note,.note{margin:.45rem 0 0;font-size:.8rem;color:var(--muted)}
    .withheld{font-weight:800;letter-spacing:.05em;color:var(--ink)}
    figure{margin:0}
    figcaption{font-size:.75rem;color:var(--muted);margin-top:2px}
    .tag{display:inline-block;margin-left:.4em;padding:0 .4em;border:1px solid var(--muted);border-radius:3px;font-size:.7rem;font-weight:500;color:var(--muted);text-transform:uppercase;letter-spacing:.05em;vertical-align:middle}
    .breakdown,.decomposition{margin-top:14px;padding-top:10px;border-top:1px dashed var(--rule)}
    .decomposition{margin:12px 0;padding:14px 16px;border:1px solid var(--rule);border-radius:8px}
    .breakdown-body figure{margin-top:10px}
    .context-body .figures{max-width:560px}
    .parts{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px;margin-bottom:10px}
    .part{padding:10px 12px;border-radius:6px;background:var(--soft)}
    .part p{margin:0}
    .part-role{font-size:.75rem;letter-spacing:.05em;text-transform:uppercase;color:var(--muted);font-weight:650}
    .part-value{font-size:1.15rem}
    .part-change{font-size:.85rem}
    code{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:.86em}
    .hash{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:.74rem;word-break:break-all;color:var(--muted)}
    .method td,.method th{font-size:.82rem}
    .appendix{margin-top:2.4rem;border-top:3px solid var(--accent)}
    .appendix h3{margin:1.1rem 0 .35rem}
    .rules{padding-left:1.2rem;font-size:.88rem}
    .rules li{margin:.2rem 0}
    .scroll{overflow-x:auto}
    footer{margin-top:2rem;font-size:.75rem;color:var(--muted)}
    svg.chart{display:block;width:100%;height:auto;font-family:inherit}
    .decomposition svg.chart,.breakdown svg.chart{max-width:640px}
    svg .grid{stroke:#e8ebee;stroke-width:1}
    svg .axis{stroke:#3b4148;stroke-width:1}
    svg .tick{font-size:11px;fill:#3b4148}
    svg .tick.empty{fill:#a9b0b7}
    svg .tick.current{font-weight:700;fill:#000}
    svg .axis-title,svg .legend{font-size:11px;fill:#5d6670}
    svg .row-label{font-size:12px;fill:#1a1d21}
    svg .ci{stroke:#1d3557;stroke-width:1.7}
    svg .point{fill:#1d3557;stroke:#fff;stroke-width:1}
    svg .point.baseline{fill:#fff;stroke:#1d3557;stroke-width:2}
    svg .point.current{fill:#000;stroke:#fff;stroke-width:1.5}
    svg .trend{fill:none;stroke:#1d3557;stroke-opacity:.35;stroke-width:1.5}
    svg .reference{stroke:#6b737b;stroke-width:1.2;stroke-dasharray:1.5 3}
    svg .target{stroke:#a3262c;stroke-width:1.6;stroke-dasharray:7 4}
    svg .band{fill:#a3262c;fill-opacity:.1}
    svg .band-edge{stroke:#a3262c;stroke-width:1;stroke-dasharray:7 4}
    svg .target-label{font-size:11px;font-weight:700;fill:#a3262c}
    svg .value{font-size:12px;font-weight:700;fill:#000}
    svg .withheld{font-size:15px;font-weight:800;fill:#3b4148}
    @media (max-width:860px){main{padding:20px 16px}.measure-body{grid-template-columns:1fr}.verdicts{grid-template-columns:1fr}}
    @media print{@page{size:A4;margin:14mm}html{font-size:10pt}body{background:#fff}main{max-width:none;padding:0}.measure,.decomposition,figure,tr{break-inside:avoid}h2,h3,h4{break-after:avoid}a{color:inherit;text-decoration:none}.scroll{overflow:visible}.badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
    """
}
