import Foundation

/// Evaluates a barometer configuration at one period: every goal's measures with their figures
/// now, at the baseline and at the previous wave, the changes since both, breakdowns, disclosure
/// control, and the verdicts. Each data file is read once.
public struct BarometerEvaluator: Sendable {
    /// The configuration evaluated.
    public let config: BarometerConfig
    /// Disclosure control: figures resting on fewer unweighted observations are withheld
    /// (Statistics Denmark's rule for results leaving its research servers is 3).
    public let minimumCell: Int
    /// Statistics Denmark's rule: 3 observations.
    public static let defaultMinimumCell = 3
    /// Tables already in memory, by the name a measure gives its data or benchmark in the
    /// configuration: used instead of reading that file (simulations evaluate many samples).
    var tables: [String: Table] = [:]

    /// The data files read so far, by path and reading options: every period evaluated by
    /// this evaluator reads each file once.
    private let files = TableCache()

    /// An evaluator of `config`; `minimumCell` 1 withholds nothing.
    public init(config: BarometerConfig, minimumCell: Int = defaultMinimumCell) {
        self.config = config
        self.minimumCell = minimumCell
    }

    /// Files read, shared by the copies of an evaluator (one barometer run reads each once).
    private final class TableCache: @unchecked Sendable {
        struct Source: Hashable { var path: String; var options: ReadOptions }
        private let lock = NSLock()
        private var tables: [Source: Table] = [:]

        func table(_ source: Source) throws -> Table {
            if let t = lock.withLock({ tables[source] }) { return t }
            let t = try TableFile.read(path: source.path, options: source.options)
            lock.withLock { tables[source] = t }
            return t
        }
    }

    /// The barometer at `period` (the schedule's last when nil).
    /// - Throws: `DisparityError` naming the goal and measure (and the file, column or key) at fault.
    public func evaluate(period: String? = nil) throws -> BarometerResult {
        let period = try config.schedule.resolve(period)
        let columns = config.columnsUsed()
        let goals = try config.goals.map { goal in
            GoalResult(goal: goal, measures: try goal.measures.map { measure in
                // Each file is read for the columns of every measure reading it, so once (in each
                // encoding it is read in: a benchmark's own, `benchmark-encoding`).
                func table(_ name: String, benchmark: Bool) throws -> Table {
                    if let t = self.tables[name] { return t }
                    let path = config.path(of: name)
                    return try files.table(TableCache.Source(path: path, options: measure.reading(benchmark: benchmark).reading(columns[path] ?? .all)))
                }
                do {
                    return try evaluate(measure, of: goal, at: period, table: table)
                } catch let error as DisparityError {
                    throw DisparityError(error.kind, "goal \(goal.id), measure \(measure.id): \(error.message)")
                }
            })
        }
        return BarometerResult(title: config.title, period: period, baseline: config.schedule.baseline, level: config.level,
                               goals: goals, minimumCell: minimumCell)
    }

    /// One measure at `period`: its figures at the current, baseline and previous waves, the
    /// changes, breakdown rows, disclosure control (the measure's `min-cell` or the evaluator's)
    /// and the goal's verdicts.
    private func evaluate(_ measure: BarometerMeasure, of goal: BarometerConfig.Goal, at period: String,
                          table: (_ name: String, _ benchmark: Bool) throws -> Table) throws -> MeasureResult {
        let data = try table(measure.data, false)
        guard let waves = try self.waves(of: data, at: period) else {
            return try notYetAvailable(measure, data: data, at: period)
        }
        let minimumCell = measure.minimumCell ?? self.minimumCell
        var result: MeasureResult
        switch measure.kind {
        case .level(let request), .gap(let request):
            let design = try SurveyDesign(spec: measure.design, table: data)
            try design.saveReplicatesIfRequested(table: data)
            let figures = try WaveContrasts(request, table: data, design: design, periodColumn: config.schedule.column, waves: waves,
                                            domain: nil, minimumCell: minimumCell, level: config.level)
            result = MeasureResult(measure: measure, wave: waves.current, baselineWave: waves.baseline, previousWave: waves.previous,
                                   current: figures.current, baseline: figures.baseline, previous: figures.previous,
                                   changeSinceBaseline: figures.changeSinceBaseline, changeSincePrevious: figures.changeSincePrevious,
                                   n: figures.n, population: figures.population, verdict: nil, official: nil, breakdown: [],
                                   notes: figures.notes)
            if let by = measure.by {
                let levels = try breakdown(request, by: by, table: data, design: design, waves: waves, minimumCell: minimumCell)
                result.breakdown = levels.rows
                result.notes += levels.notes
                result.unlistedCell = levels.unlistedCell
            }
        case .decomposition(let request, let component):
            let design = try SurveyDesign(spec: measure.design, table: data)
            try design.saveReplicatesIfRequested(table: data)
            var n = 0, population = 0.0
            let figures = try WaveByWave(waves: waves, minimumCell: minimumCell, level: config.level) { wave in
                var atWave = request
                atWave.subset = RowFilter.and(request.subset, config.schedule.column, equals: wave)
                let estimator = GapEstimator(table: data, design: design)
                guard try estimator.comparesRows(atWave, domain: try atWave.subset?.rows(of: data)) else { return nil }
                let rows = try estimator.estimate(atWave)
                guard let row = rows.first(where: { $0.component == component }) else {
                    throw DisparityError.usage("the decomposition has no part \(quoted: component)")
                }
                let cells = rows.filter { $0.component == "focal" || $0.component == "reference" }
                if wave == waves.current {
                    n = cells.reduce(0) { $0 + $1.n }
                    population = try self.population(atWave, data, design)
                }
                // A part resting on a group whose rows leave the design 0 degrees of freedom (the
                // gap's note) has a standard error without that group's: as `gap --adjust` shows
                // it and as a figure on such rows is, R's standard error and interval with the
                // note, and no statistical verdict rests on it (inconclusive).
                return WaveByWave.AtWave(value: row.inferred, smallestCell: cells.map(\.n).min() ?? 0,
                                         strata: [try strata(atWave.subset, data, design)], notes: row.note.map { [$0] } ?? [],
                                         standardErrorMeasuresNothing: row.standardErrorMeasuresNothing)
            }
            result = MeasureResult(measure: measure, wave: waves.current, baselineWave: waves.baseline, previousWave: waves.previous,
                                   current: figures.current, baseline: figures.baseline, previous: figures.previous,
                                   changeSinceBaseline: figures.changeSinceBaseline, changeSincePrevious: figures.changeSincePrevious,
                                   n: n, population: population, verdict: nil, official: nil, breakdown: [], notes: figures.notes)
        case .representation(let representation):
            let benchmark = try table(representation.benchmarkData, true)
            guard let benchmarkWaves = try self.waves(of: benchmark, at: period) else {
                return try notYetAvailable(measure, data: benchmark, at: period, benchmark: representation.benchmarkData)
            }
            result = try evaluate(measure, representation, population: data, benchmark: benchmark, waves: waves,
                                  benchmarkWave: benchmarkWaves.current, minimumCell: minimumCell)
        }
        // Without a baseline wave there is no change to judge: the measure says why it has no verdict.
        if waves.baselineAbsent {
            result.notes.append(MeasureNotes.noBaselineWave(config.schedule.baseline))
        }
        if !measure.context { (result.verdict, result.official) = Self.verdicts(goal, result) }
        return result
    }

    /// A measure whose data (or benchmark) have no wave yet at `period` (a register that starts
    /// after the baseline): shown as not available, every figure not estimable, with a note
    /// naming the data's first wave, and no verdict; the other measures are reported as usual.
    private func notYetAvailable(_ measure: BarometerMeasure, data: Table, at period: String,
                                 benchmark: String? = nil) throws -> MeasureResult {
        let present = try waveLabels(of: data)
        let first = config.schedule.order.first(where: present.contains)
        let what = benchmark.map { "the benchmark \($0) has" } ?? "the data have"
        let note = "\(what) no wave at or before \(period)\(first.map { " (the first is \($0))" } ?? ""): no figure yet"
        return MeasureResult(measure: measure, wave: nil, baselineWave: nil, previousWave: nil, current: .notEstimable, baseline: nil,
                             previous: nil, changeSinceBaseline: nil, changeSincePrevious: nil, n: 0, population: nil, verdict: nil,
                             official: nil, breakdown: [], notes: [note])
    }

    /// The period labels that occur in `data`'s period column, each checked against the
    /// schedule.
    /// - Throws: `DisparityError.data` naming a label the configuration's periods lack.
    private func waveLabels(of data: Table) throws -> Set<String> {
        let column = try data.categorical(config.schedule.column)
        var present = Set<String>()
        for code in column.codes where code >= 0 { present.insert(column.levels[Int(code)]) }
        let unknown = present.subtracting(config.schedule.order)
        if let label = unknown.sorted().first {
            throw DisparityError.data(file: data.source, column: config.schedule.column,
                                      "the period \(quoted: label) is not in the configuration's periods\(NearestName.hint(for: label, among: config.schedule.order))")
        }
        return present
    }

    /// The data's waves for `period`: its latest at or before it, its latest at or before the
    /// baseline (nil when that is the current one) and the one before the current; nil when
    /// the data have no wave at or before `period` yet.
    private func waves(of data: Table, at period: String) throws -> WaveContrasts.Waves? {
        let present = try waveLabels(of: data)
        guard let current = config.schedule.latest(atOrBefore: period, among: present) else { return nil }
        let baseline = config.schedule.latest(atOrBefore: config.schedule.baseline, among: present)
        return WaveContrasts.Waves(current: current, baseline: baseline == current ? nil : baseline,
                                   previous: config.schedule.latest(before: current, among: present), baselineAbsent: baseline == nil)
    }

    /// One row per level of `by` among the rows of the waves up to the current one: the level's
    /// figure and its change since the baseline; and the levels' notes, each prefixed `by=level`.
    /// A level without rows now (or at the baseline) is listed, its figures not estimable, with
    /// the note naming the wave. Disclosure control withholds a level of too few rows and the
    /// figures that would give it away (`withholdingComplements`).
    private func breakdown(_ request: GapRequest, by: String, table: Table, design: SurveyDesign,
                           waves: WaveContrasts.Waves, minimumCell: Int) throws -> (rows: [BreakdownRow], notes: [String], unlistedCell: Int?) {
        let column = try table.categorical(by)
        let periods = try table.categorical(config.schedule.column)
        let now = config.schedule.position(waves.current)!
        let upToNow = periods.levels.map { config.schedule.position($0).map { $0 <= now } ?? false }
        var present = Set<Int32>()
        for r in 0..<table.rowCount where periods.codes[r] >= 0 && upToNow[Int(periods.codes[r])] && column.codes[r] >= 0 {
            present.insert(column.codes[r])
        }
        let levels = present.map { column.levels[Int($0)] }
        var notes: [String] = [], baselines: [Figure?] = []
        let rows = try LevelOrder.sorted(levels).map { level in
            let code = Int32(column.levels.firstIndex(of: level)!)
            let domain = column.codes.map { $0 == code }
            let figures = try WaveContrasts(request, table: table, design: design, periodColumn: config.schedule.column,
                                            waves: WaveContrasts.Waves(current: waves.current, baseline: waves.baseline, previous: nil),
                                            domain: domain, minimumCell: minimumCell, level: config.level)
            notes += figures.notes.map { "\(by)=\(level): \($0)" }
            baselines.append(figures.baseline)
            return BreakdownRow(level: level, current: figures.current, changeSinceBaseline: figures.changeSinceBaseline,
                                n: figures.n, population: figures.population)
        }
        // The rows without a level are no row of their own, but a cell of each wave's line all
        // the same: the measure less its levels gives them away. Should their figures fail to
        // be estimated, they are taken as withheld, so that a level covers them.
        var unlisted: (current: Figure, baseline: Figure?)?
        let withoutLevel = column.codes.map { $0 < 0 }
        if withoutLevel.contains(true) {
            let figures = try? WaveContrasts(request, table: table, design: design, periodColumn: config.schedule.column,
                                             waves: WaveContrasts.Waves(current: waves.current, baseline: waves.baseline, previous: nil),
                                             domain: withoutLevel, minimumCell: minimumCell, level: config.level)
            let withheld = Figure.withheld(below: minimumCell, smallestCell: 1)
            unlisted = figures.map { ($0.current, $0.baseline) } ?? (withheld, waves.baseline == nil ? nil : withheld)
        }
        return (Self.withholdingComplements(rows, baselines: baselines, unlisted: unlisted, minimumCell: minimumCell), notes,
                unlisted?.current.smallestCell)
    }

    /// Secondary suppression across a breakdown (`DisclosureControl.complementary`, as `estimate`
    /// and `table` do; Hundepool et al. 2012, §4.2.2). At a wave the levels' populations add up
    /// to the measure's, and their figures weighted by them to the measure's figure, both
    /// published: one level withheld among shown ones would be worked out as the whole less the
    /// others. So each wave's levels are a line, the measure its known total: where exactly one
    /// level of the line is withheld, the shown level of the fewest rows is withheld with it (its
    /// reason `complementaryCause`); a withheld level's population is withheld with its figure
    /// (it rests on the same rows, and is the measure's population less the others'). A level's
    /// change since the baseline is withheld where its figure is withheld now or at the baseline
    /// wave (as a run at the baseline's period withholds it, the line of that wave): otherwise
    /// the withheld figure would be the shown one less or plus the change.
    /// The rows whose `by` value is missing are a cell of each line too, never shown: where they
    /// are too few, a level is withheld with them (the measure less the levels would be their
    /// figure, a single respondent's value and weight); where they are enough, they may be the
    /// line's cover, which shows nothing more.
    /// - Parameters:
    ///   - rows: the levels' rows, disclosure control applied to each figure's own cells.
    ///   - baselines: each level's figure at the baseline wave (nil without one), so withheld.
    ///   - unlisted: the figures of the rows without a level now and at the baseline; nil
    ///     where every row has one.
    static func withholdingComplements(_ rows: [BreakdownRow], baselines: [Figure?], unlisted: (current: Figure, baseline: Figure?)? = nil,
                                       minimumCell: Int) -> [BreakdownRow] {
        // A wave's withheld levels: the ones of too few rows, and their complements; a level
        // without rows in the wave (not estimable) hides nothing and is not chosen.
        func withheld(_ figures: [Figure?]) -> [Bool] {
            var hidden = figures.map { $0?.suppressed != nil }
            for i in DisclosureControl.complementary(counts: figures.map { $0?.smallestCell ?? 0 }, withheld: hidden,
                                                     lines: [Array(figures.indices)]) {
                hidden[i] = true
            }
            return hidden
        }
        let now = withheld(rows.map(\.current) + (unlisted.map { [$0.current] } ?? []))
        let then = withheld(baselines + (unlisted.map { [$0.baseline] } ?? []))
        return rows.indices.map { i in
            var row = rows[i]
            if now[i] {
                if row.current.suppressed == nil { row.current = .complementary(below: minimumCell, smallestCell: row.current.smallestCell) }
                row.population = nil
            }
            if now[i] || then[i], let change = row.changeSinceBaseline, change.suppressed == nil, change.value != nil {
                row.changeSinceBaseline = .complementary(below: minimumCell, smallestCell: change.smallestCell)
            }
            return row
        }
    }

    /// A representation measure: at each of the population's waves, the benchmark's latest
    /// wave at or before it.
    private func evaluate(_ measure: BarometerMeasure, _ r: BarometerMeasure.Representation, population: Table, benchmark: Table,
                          waves: WaveContrasts.Waves, benchmarkWave: String, minimumCell: Int) throws -> MeasureResult {
        let populationDesign = try SurveyDesign(spec: measure.design, table: population)
        try populationDesign.saveReplicatesIfRequested(table: population)
        let benchmarkDesign = try SurveyDesign(spec: r.benchmarkDesign, table: benchmark)
        let column = config.schedule.column
        var n = 0
        var benchmarkMissing: [String] = []
        let figures = try WaveByWave(waves: waves, minimumCell: minimumCell, level: config.level) { wave in
            // A population wave before the benchmark's first has no index (not estimable), with its note.
            guard let benchmarkWave = try self.waves(of: benchmark, at: wave) else {
                benchmarkMissing.append(wave)
                return nil
            }
            var request = r.request
            request.subset = RowFilter.and(r.request.subset, column, equals: wave)
            request.benchmarkSubset = RowFilter.and(r.request.benchmarkSubset, column, equals: benchmarkWave.current)
            let group = try population.categorical(r.request.column), benchmarkGroup = try benchmark.categorical(r.request.column)
            let inPopulation = try request.subset!.rows(of: population), inBenchmark = try request.benchmarkSubset!.rows(of: benchmark)
            // A wave whose population or benchmark has no row with the group and a positive weight has no index.
            func weighted(_ rows: [Bool], _ group: CategoricalColumn, _ design: SurveyDesign) -> Bool {
                rows.indices.contains { rows[$0] && group.codes[$0] >= 0 && design.weights[$0] > 0 }
            }
            guard weighted(inPopulation, group, populationDesign), weighted(inBenchmark, benchmarkGroup, benchmarkDesign) else { return nil }
            let rows = try RepresentationEstimator(
                population: RepresentationSource(table: population, design: populationDesign, census: r.populationCensus),
                benchmark: RepresentationSource(table: benchmark, design: benchmarkDesign, census: r.benchmarkCensus)).estimate(request)
            let row = rows.first { $0.component == r.component }!
            // The cells: the group's rows in the population compared and in the benchmark.
            let focalRows = (0..<population.rowCount).filter { inPopulation[$0] && group.codes[$0] >= 0 && group.levels[Int(group.codes[$0])] == r.request.focal }
            let focalBenchmark = (0..<benchmark.rowCount).filter { inBenchmark[$0] && benchmarkGroup.codes[$0] >= 0
                && benchmarkGroup.levels[Int(benchmarkGroup.codes[$0])] == r.request.focal }.count
            if wave == waves.current { n = inPopulation.filter { $0 }.count }
            // A sampled side whose rows lie in one PSU (0 design df) gives the row R's standard
            // error with the note that it measures nothing: as every figure on such rows, the
            // figure and the changes resting on it are flagged and no statistical verdict rests
            // on them (`Figure.standardErrorMeasuresNothing`).
            let value = Inferred(estimate: row.estimate, standardError: row.standardError.isFinite ? row.standardError : nil,
                                 df: nil, low: row.confidenceLow, high: row.confidenceHigh)
            return WaveByWave.AtWave(value: value, smallestCell: min(focalRows.count, focalBenchmark),
                                     strata: [r.populationCensus ? [] : try strata(request.subset, population, populationDesign),
                                              r.benchmarkCensus ? [] : try strata(request.benchmarkSubset, benchmark, benchmarkDesign)],
                                     notes: row.note.map { [$0] } ?? [], standardErrorMeasuresNothing: row.standardErrorMeasuresNothing)
        }
        // A wave without a benchmark wave says so instead of "no rows".
        var notes = figures.notes.filter { note in !benchmarkMissing.contains { note == MeasureNotes.noRows($0) } }
        notes += benchmarkMissing.map { MeasureNotes.benchmarkWithoutWave($0, benchmark: r.benchmarkData) }
        if benchmarkWave != waves.current {
            notes.append(MeasureNotes.benchmarkWave(benchmarkWave, benchmark: r.benchmarkData))
        }
        return MeasureResult(measure: measure, wave: waves.current, baselineWave: waves.baseline, previousWave: waves.previous,
                             current: figures.current, baseline: figures.baseline, previous: figures.previous,
                             changeSinceBaseline: figures.changeSinceBaseline, changeSincePrevious: figures.changeSincePrevious,
                             n: n, population: nil, verdict: nil, official: nil, breakdown: [], notes: notes)
    }

    /// The strata a filter's rows occupy (for the independence of two waves).
    private func strata(_ filter: RowFilter?, _ table: Table, _ design: SurveyDesign) throws -> Set<Int32> {
        let keep = try filter?.rows(of: table)
        var out = Set<Int32>()
        for r in 0..<table.rowCount where keep?[r] != false && design.weights[r] != 0 { out.insert(design.stratum[r]) }
        return out
    }

    /// Σ weights of the rows a gap request compares (both groups, the rows that have the variable).
    private func population(_ request: GapRequest, _ table: Table, _ design: SurveyDesign) throws -> Double {
        let scope = try GapEstimator(table: table, design: design).scope(request, domain: try request.subset?.rows(of: table))
        let groups = try table.categorical(request.group)
        let compared = Set([request.focal, request.reference].compactMap { $0 })
        return scope.reduce(0.0) { total, r in
            let c = groups.codes[Int(r)]
            return c >= 0 && compared.contains(groups.levels[Int(c)]) ? total + design.weights[Int(r)] : total
        }
    }
}
