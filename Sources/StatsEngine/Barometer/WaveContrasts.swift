/// A level or a gap measured at up to three waves of one data set — now, the baseline and the
/// previous wave — with the changes since both, every figure's variance from one joint
/// covariance of the cells (the waves may share PSUs, as a panel or a register of schools does)
/// or from the design's replicates.
struct WaveContrasts {
    /// The waves compared: `baseline` and `previous` are nil where they do not exist (at the
    /// baseline itself, or at a data set's first wave).
    struct Waves {
        var current: String
        var baseline: String?
        var previous: String?
        /// Whether the data have no wave at or before the configuration's baseline (`baseline`
        /// is then nil for that reason, not because the current wave is the baseline's).
        var baselineAbsent = false
    }

    var current: Figure
    var baseline: Figure?
    var previous: Figure?
    var changeSinceBaseline: Figure?
    var changeSincePrevious: Figure?
    /// Rows of the current cells.
    var n: Int
    /// Σ weights of the current cells' rows.
    var population: Double
    var notes: [String]

    /// - Parameters:
    ///   - request: a `gap` request; without a group it is a level.
    ///   - domain: rows allowed besides the request's subset (a breakdown level), nil for all.
    ///   - minimumCell: figures resting on a cell with fewer rows are withheld.
    init(_ request: GapRequest, table: Table, design: SurveyDesign, periodColumn: String, waves: Waves,
         domain: [Bool]?, minimumCell: Int, level: Double) throws {
        let estimator = GapEstimator(table: table, design: design)
        let subset = try request.subset?.rows(of: table)
        let allowed: [Bool]? = subset.map { s in domain.map { d in zip(s, d).map { $0 && $1 } } ?? s } ?? domain
        let scope = try estimator.scope(request, domain: allowed)
        let periods = try table.categorical(periodColumn)
        let groups = request.group.isEmpty ? nil : try table.categorical(request.group)
        // On replicate weights a quantile's cells take Woodruff's interval from the replicates'
        // variance of their shares, `estimate quantile`'s there (R's svyquantile default).
        let woodruffOnReplicates = request.statistic == .quantile && design.spec.varianceMethod.usesReplicateWeights
        let linearize = try estimator.linearizer(for: request, replicateShares: woodruffOnReplicates)
        // The distinct waves, and per wave one cell (a level) or two (focal, reference).
        let waveList = [waves.current, waves.baseline, waves.previous].compactMap { $0 }.reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        let sides: [(label: String, code: Int32?)] = try groups.map { g in
            try [request.focal!, request.reference].map { level -> (String, Int32?) in
                guard let code = g.levels.firstIndex(of: level) else {
                    throw DisparityError.data(file: table.source, column: request.group, "the level \(quoted: level) does not occur")
                }
                return ("\(request.group)=\(level)", Int32(code))
            }
        } ?? [("", nil)]
        // A wave in which a compared group has no usable row (the subset, a group or the
        // breakdown level is empty then), or in which the statistic is undefined on a cell (a
        // ratio over a denominator whose weighted total is zero), has no cells: the figures
        // resting on it are not estimable, with a note, and the other waves' are reported as usual.
        var cells: [Linearized] = [], names: [String] = [], firstCell: [String: Int] = [:], empty: [String] = []
        var undefined: [String] = []
        for wave in waveList {
            guard let waveCode = periods.levels.firstIndex(of: wave).map(Int32.init) else {
                throw DisparityError.data(file: table.source, column: periodColumn, "the wave \(quoted: wave) does not occur")
            }
            let inWave = (0..<table.rowCount).map { periods.codes[$0] == waveCode && allowed?[$0] != false }
            guard try estimator.comparesRows(request, domain: inWave) else {
                empty.append(wave)
                continue
            }
            let waveCells = sides.map { side in
                let rows = (0..<table.rowCount).compactMap { r -> Int32? in
                    guard inWave[r] else { return nil }
                    if let code = side.code, groups!.codes[r] != code { return nil }
                    return Int32(r)
                }
                return (rows: rows, name: [side.label, "\(periodColumn)=\(wave)"].filter { !$0.isEmpty }.joined(separator: ", "))
            }
            let reasons = try waveCells.compactMap { c in try estimator.undefinedReason(request, rows: c.rows).map { "\(c.name): \($0)" } }
            guard reasons.isEmpty else {
                undefined += reasons.map(Self.undefinedNote)
                continue
            }
            firstCell[wave] = cells.count
            for c in waveCells {
                cells.append(try linearize(c.rows, c.name))
                names.append(c.name)
            }
        }
        let k = sides.count
        func cell(_ wave: String, _ side: Int) -> Int { firstCell[wave]! + side }
        /// A figure's contrast over the cells of the given waves (a level: the wave's cell; a
        /// gap: focal − reference); nil where a wave has no cells.
        func contrast(_ terms: [(wave: String, sign: Double)]) -> (coefficients: [Double], cells: [Int])? {
            guard terms.allSatisfy({ firstCell[$0.wave] != nil }) else { return nil }
            var c = [Double](repeating: 0, count: cells.count)
            var used: [Int] = []
            for term in terms {
                c[cell(term.wave, 0)] += term.sign
                used.append(cell(term.wave, 0))
                if k == 2 {
                    c[cell(term.wave, 1)] -= term.sign
                    used.append(cell(term.wave, 1))
                }
            }
            return (c, used)
        }
        var definitions = [contrast([(waves.current, 1)])]
        if let b = waves.baseline { definitions += [contrast([(b, 1)]), contrast([(waves.current, 1), (b, -1)])] }
        if let p = waves.previous { definitions += [contrast([(p, 1)]), contrast([(waves.current, 1), (p, -1)])] }

        let joint = cells.isEmpty ? nil : try JointEstimates(cells, engine: VarianceEngine(design: design), scope: scope)
        let linear = definitions.map { definition in
            definition.flatMap { d in joint?.contrast(d.coefficients) } ?? (estimate: .nan, variance: .nan)
        }
        var variances = linear.map(\.variance)
        var notes = empty.map { MeasureNotes.noRows($0) } + undefined
        let estimates = linear.map(\.estimate)
        // Under replicate variance every figure's variance is the replicates' spread of its
        // estimate: each replicate re-estimates the waves' cells and so the changes (and a gap),
        // as `gap` (`--period`) takes its contrasts, a quantile's too (R: svrVar of the
        // replicates' quantiles, the svycontrast of svyby(..., svyquantile) on an svrepdesign).
        // A quantile's level in a wave on replicate weights keeps its own Woodruff interval below.
        // Every cell's own variance too (for the 0-df rule below): its linearized one, or its
        // replicates' spread, which a quantile's cells have where their linearization has none.
        var replicatedDesign = false
        var cellVariances = cells.indices.map { joint?.ownVariances[$0] ?? .nan }
        let shown = definitions.indices.filter { definitions[$0] != nil }
        let cellEstimates = Self.cellEstimates(cells, waves: waveList, firstCell: firstCell, sides: k)
        if let replicated = try design.replicateCovariance(estimates: estimates + cellEstimates, { replicate in
            let contrasts = try WaveContrasts(request, table: table, design: replicate, periodColumn: periodColumn, waves: waves,
                                              domain: domain, minimumCell: 0, level: level)
            return contrasts.estimates + contrasts.cellEstimates
        }) {
            replicatedDesign = true
            variances = estimates.indices.map { replicated[$0, $0] }
            for (w, wave) in waveList.enumerated() {
                guard let first = firstCell[wave] else { continue }
                for side in 0..<k { cellVariances[first + side] = replicated[estimates.count + w * k + side, estimates.count + w * k + side] }
            }
            if let note = replicated.note(shown) { notes.append(note) }
        }
        // A cell whose rows leave the design 0 degrees of freedom (one observation, or one PSU)
        // has a standard error of 0 (R's) that measures nothing (`SurveyDesign.measuresNothing`,
        // of whichever statistic: a quantile's too, whose replicates' spread is 0 there): as
        // `estimate` and `gap` do, the figures resting on it keep R's standard errors and
        // intervals (a change the other wave's error alone, as R's svycontrast), with the note,
        // and no statistical verdict rests on them (`Figure.standardErrorMeasuresNothing`); a
        // cell without a variance (a quantile's under linearization, no Woodruff interval on 0
        // df) has its own note below.
        let flat = Set(cells.indices.filter { c in
            design.measuresNothing(standardError: cellVariances[c].squareRoot(), estimate: cells[c].estimate, rows: cells[c].rows)
        })
        var flatShown = Set<Int>()
        let figures = definitions.indices.map { i -> Figure in
            guard let used = definitions[i]?.cells, let joint else { return Figure.notEstimable }
            let smallest = used.map { joint.rowCounts[$0] }.min() ?? 0
            if smallest < minimumCell {
                return Figure.withheld(below: minimumCell, smallestCell: smallest)
            }
            let df = request.degreesOfFreedom.resolved(designByDefault: request.statistic == .quantile) {
                design.degreesOfFreedom(rows: joint.rows(used))
            }
            var value = Inferred.wald(estimates[i], variance: variances[i], df: df, level: level)
            // A quantile's level in a wave shows its own (Woodruff) interval, its SE and df, as
            // `estimate quantile` (on replicate weights too, from its share's replicate variance;
            // a Rao-Wu bootstrap's is the replicates' spread): where the interval leaves the
            // data, the end it has and no SE.
            if !replicatedDesign || woodruffOnReplicates, used.count == 1, let interval = cells[used[0]].interval {
                value = Inferred(estimate: estimates[i], standardError: interval.standardError, df: interval.df,
                                 low: interval.low, high: interval.high)
            }
            var figure = Figure(value: value.scaled(by: request.scale), suppressed: nil, smallestCell: smallest)
            if used.contains(where: flat.contains) {
                flatShown.formUnion(flat.intersection(used))
                figure.standardErrorMeasuresNothing = true
            }
            return figure
        }
        notes += flatShown.sorted().map { "\(names[$0]): \(SurveyDesign.zeroDegreesOfFreedomNote)" }
        // A figure whose variance the design cannot estimate (R: NaN) is shown without an
        // interval, and says so; so is a quantile's level whose Woodruff interval leaves the data
        // (on replicate weights its variance is the replicates', which its level does not show).
        if zip(estimates, variances).contains(where: { $0.isFinite && !$1.isFinite })
            || figures.contains(where: { $0.value.map { $0.estimate.isFinite && $0.standardError == nil } == true }) {
            notes.append(MeasureNotes.figureWithoutStandardError())
        }
        current = figures[0]
        var next = 1
        if waves.baseline != nil { (baseline, changeSinceBaseline) = (figures[next], figures[next + 1]); next += 2 }
        if waves.previous != nil { (previous, changeSincePrevious) = (figures[next], figures[next + 1]) }
        let currentCells = firstCell[waves.current] == nil ? [] : (0..<k).map { cell(waves.current, $0) }
        n = currentCells.reduce(0) { $0 + joint!.rowCounts[$1] }
        population = currentCells.reduce(0.0) { total, c in cells[c].rows.reduce(total) { $0 + design.weights[Int($1)] } }
        self.notes = notes
        self.estimates = estimates
        self.cellEstimates = cellEstimates
    }

    /// Every figure's estimate in the statistic's own unit, in definition order (for replicates).
    private(set) var estimates: [Double] = []
    /// Every cell's estimate, wave by wave (`cellEstimates(_:waves:firstCell:sides:)`, for replicates).
    private(set) var cellEstimates: [Double] = []

    /// The cells' estimates, `sides` per wave in `waves`' order, NaN for a wave without cells
    /// (so that a replicate's line up with the full sample's whichever waves it leaves empty).
    private static func cellEstimates(_ cells: [Linearized], waves: [String], firstCell: [String: Int], sides: Int) -> [Double] {
        waves.flatMap { wave in (0..<sides).map { side in firstCell[wave].map { cells[$0 + side].estimate } ?? .nan } }
    }

    /// The note on a wave whose cell (named, with the reason) leaves the statistic undefined
    /// (`GapEstimator.undefinedReason`).
    static func undefinedNote(_ cellAndReason: String) -> String {
        "\(cellAndReason): no figure then, and no change or verdict resting on it"
    }

}
