/// `disparity gap`: a statistic in a focal group minus (and over) the same in a reference
/// group, with design-based standard errors that include the covariance of the two domains
/// (they share strata and PSUs), as `svyby(..., covmat = TRUE)` + `svycontrast` in R.
///
/// Every compared cell's influence values go to the variance engine together
/// (`JointEstimates`): each cell's own row reports its domain's standard error, as `svyby`
/// does, and contrasts use the joint covariance over the whole design; the difference's
/// variance is v₁₁ + v₂₂ − 2v₁₂ and the ratio's follows by the delta method. Quantiles are
/// linearized through Woodruff's interval (`WoodruffQuantile`), with the same df as
/// `estimate quantile`, and a cell's own row (focal, reference) shows that interval, its SE and
/// df, as `estimate quantile` does for the group (on replicate weights too: the interval from
/// the replicates' variance of the share below the quantile); the contrasts of cells are Wald.
public struct GapEstimator: Sendable {
    /// The data the cells are estimated on.
    public let table: Table
    /// The design the cells' joint covariance is computed under.
    public let design: SurveyDesign
    private let engine: VarianceEngine

    /// An estimator of gaps on `table` under `design`.
    public init(table: Table, design: SurveyDesign) {
        self.table = table
        self.design = design
        self.engine = VarianceEngine(design: design)
    }

    /// The rows of every focal level's comparison with the reference, in level order.
    /// Standard errors follow the design's variance method (linearization or replicates).
    /// - Throws: `DisparityError` naming the level, cell or column at fault, also for a weighted
    ///   sum (in an estimate or its variance) beyond the largest double (`DisparityError.overflow`).
    public func estimate(_ request: GapRequest) throws -> [GapRow] {
        // On replicate weights a quantile cell's own interval is R's default there, as `estimate quantile`'s.
        let comparisons = try self.comparisons(request, replicateShares: design.spec.varianceMethod.usesReplicateWeights)
        let (rows, spreads) = try replicated(try linearized(comparisons, request), comparisons, request)
        return try flaggingZeroDegreesOfFreedom(rows, comparisons, request, ownSpreads: spreads)
    }

    /// `rows` without the verdicts that rest on a cell whose own spread measures nothing
    /// (`SurveyDesign.measuresNothing`: a group's statistic of rows in one PSU, whichever it is, 0
    /// by construction), each such row noted: a difference carries the other group's error alone
    /// (R's svycontrast, kept). A cell's spread is the standard error its contrasts take from it:
    /// its own row's or, where that row shows another (a quantile's Woodruff interval on
    /// replicate weights, none on 0 df), the replicates' spread of its estimates (`ownSpreads`,
    /// by row). So are the parts of a decomposition (`--adjust`) of a wave whose
    /// group so rests: that group's means and coefficients have influence values summing to 0
    /// in its one PSU too, so the parts' standard errors carry the other group's error alone. A
    /// row without a standard error (a quantile's contrasts under linearization: no Woodruff
    /// interval on 0 df, so no linearization) has its own note.
    private func flaggingZeroDegreesOfFreedom(_ rows: [GapRow], _ comparisons: [Comparison], _ request: GapRequest,
                                              ownSpreads: [Int: Double]) throws -> [GapRow] {
        guard let width = comparisons.first?.cells.count else { return rows }
        var cellsOf = Dictionary(uniqueKeysWithValues: CellFunction.rows(cells: width).map { ($0.component, $0.cells) })
        // A decomposition's parts rest on both groups' cells of its wave (named by its prefix).
        let decompositions = try self.decompositions(request, domain: nil)
        for row in rows where cellsOf[row.component] == nil {
            if let parts = decompositions.last(where: { row.component.hasPrefix($0.prefix) }) { cellsOf[row.component] = parts.cells }
        }
        let ownRow = CellFunction.ownRows(cells: width)
        let comparisonOf = Dictionary(uniqueKeysWithValues: comparisons.map { ($0.label, $0) })
        var flat: [String: Set<Int>] = [:]
        for (i, row) in rows.enumerated() {
            guard let cell = ownRow[row.component], let cells = comparisonOf[row.focal]?.cells,
                  design.measuresNothing(standardError: ownSpreads[i] ?? row.inferred.standardError, estimate: row.estimate,
                                         rows: cells[cell].rows)
            else { continue }
            flat[row.focal, default: []].insert(cell)
        }
        guard !flat.isEmpty else { return rows }
        return rows.map { row in
            guard let used = cellsOf[row.component], let cells = flat[row.focal], !cells.isDisjoint(with: used),
                  row.standardError.isFinite else { return row }
            var row = row
            (row.verdict, row.targetPValue, row.standardErrorMeasuresNothing) = (nil, nil, true)
            row.note = [row.note, SurveyDesign.zeroDegreesOfFreedomNote].compactMap { $0 }.joined(separator: "; ")
            return row
        }
    }

    /// One focal level's comparison with the reference: its cells (focal, reference, and with a
    /// period the same at the baseline).
    struct Comparison {
        let label: String
        let cells: [Linearized]
    }

    /// The rows with linearization standard errors.
    private func linearized(_ request: GapRequest) throws -> [GapRow] {
        try linearized(try comparisons(request), request)
    }

    /// The rows of `comparisons` with linearization standard errors.
    private func linearized(_ comparisons: [Comparison], _ request: GapRequest) throws -> [GapRow] {
        let domain = try request.subset?.rows(of: table)
        let scope = try self.scope(request, domain: domain)
        let decompositions = try self.decompositions(request, domain: domain)
        var out: [GapRow] = []
        for comparison in comparisons {
            out += try compare(comparison.cells, scope: scope, label: comparison.label, decompositions: decompositions, request)
        }
        return out
    }

    /// A decomposition (`--adjust`) of the difference of two of a comparison's cells: the prefix
    /// of its rows' names, those cells (focal, reference) and the rows it is estimated on.
    struct Decomposition {
        let prefix: String
        let cells: [Int]
        let domain: [Bool]?
    }

    /// The decompositions of a request: none without `--adjust`; otherwise the difference's,
    /// on the subset's rows (nil: all rows), and with a period the current wave's on that wave's
    /// rows and the baseline wave's on its own, named like the other baseline rows ("baseline
    /// explained"), so that each wave's parts add up to that wave's difference.
    private func decompositions(_ request: GapRequest, domain: [Bool]?) throws -> [Decomposition] {
        guard request.adjust != nil else { return [] }
        guard let period = request.period else { return [Decomposition(prefix: "", cells: [0, 1], domain: domain)] }
        let waves = try PeriodCells(table: table, period: period)
        return [Decomposition(prefix: "", cells: [0, 1], domain: waves.current(within: domain)),
                Decomposition(prefix: "baseline ", cells: [2, 3], domain: waves.baseline(within: domain))]
    }

    /// Every focal level's cells, in level order; with `replicateShares` a quantile cell's
    /// Woodruff interval takes the replicates' variance of its share (`linearizer(for:replicateShares:)`).
    private func comparisons(_ request: GapRequest, replicateShares: Bool = false) throws -> [Comparison] {
        try request.validate()
        let groups = try table.categorical(request.group)
        guard let referenceCode = table.level(request.reference, among: groups.levels, ofColumn: request.group) else {
            throw DisparityError.data(file: table.source, column: request.group,
                                      "the reference level \(quoted: request.reference) does not occur (levels: \(listed: groups.levels))")
        }
        // Without --focal, every other level the subset keeps rows of (R's svyby drops the others).
        let subset = try request.subset?.selectedRows(of: table)
        var present = [Bool](repeating: subset == nil, count: groups.levels.count)
        if let subset { for (i, code) in groups.codes.enumerated() where code >= 0 && subset[i] { present[Int(code)] = true } }
        var focalCodes = groups.levels.indices.filter { $0 != referenceCode && present[$0] }
        if let focal = request.focal {
            guard let code = table.level(focal, among: groups.levels, ofColumn: request.group) else {
                throw DisparityError.data(file: table.source, column: request.group,
                                          "the focal level \(quoted: focal) does not occur (levels: \(listed: groups.levels))")
            }
            // Spelled apart, named alike (`1` and `1.0` are the level 1).
            guard code != referenceCode else {
                throw DisparityError.usage("--focal \(quoted: focal) and --reference \(quoted: request.reference) name the same level \(quoted: groups.levels[code]) of \(quoted: request.group)")
            }
            focalCodes = [code]
        }
        guard !focalCodes.isEmpty else {
            throw DisparityError.data(file: table.source, column: request.group,
                                      "the only level is the reference \(quoted: request.reference): there is no group to compare with it")
        }
        // A proportion's variable is 0/1 on every row of the groups compared (named at its line
        // before any group's own error); the cells check their rows too (a barometer's waves).
        if request.statistic == .proportion {
            let compared = Set([referenceCode] + focalCodes).map(Int32.init)
            let y = try indicator(request)
            try refuseNonIndicator(y, rows: (0..<table.rowCount).compactMap { i in
                subset?[i] != false && compared.contains(groups.codes[i]) ? Int32(i) : nil
            }, request)
        }
        let statistic = try linearizer(for: request, replicateShares: replicateShares)
        var domain = subset
        if let covariates = request.adjust {
            // A decomposition's cells are its regressions' rows (those with the outcome and every
            // covariate), so that its parts add up to the difference, as Stata's oaxaca does.
            let formula = try GroupModels.formula(outcome: request.variable, covariates: covariates)
            var sample = [Bool](repeating: false, count: table.rowCount)
            for r in try DesignMatrix(formula: formula, table: table, within: domain).rows { sample[Int(r)] = true }
            domain = sample
        }
        func rows(of code: Int, _ groups: CategoricalColumn) -> [Int32] {
            (0..<groups.codes.count).compactMap { groups.codes[$0] == Int32(code) && domain?[$0] != false ? Int32($0) : nil }
        }
        // Cells: the groups now (or overall), then at the baseline when a period is given.
        let periods = try request.period.map { try PeriodCells(table: table, period: $0) }
        func cells(_ code: Int, _ label: String) throws -> [Linearized] {
            let all = rows(of: code, groups)
            let name = "group \(request.group)=\(label)"
            guard let periods else { return [try statistic(all, name)] }
            return [try statistic(periods.current(all), "\(name), \(periods.period.column)=\(periods.period.current)"),
                    try statistic(periods.baseline(all), "\(name), \(periods.period.column)=\(periods.period.baseline)")]
        }
        let reference = try cells(referenceCode, groups.levels[referenceCode])
        return try focalCodes.map { code in
            let label = groups.levels[code]
            let focal = try cells(code, label)
            return Comparison(label: label, cells: periods == nil ? [focal[0], reference[0]] : [focal[0], reference[0], focal[1], reference[1]])
        }
    }

    /// The rows with standard errors, intervals and verdicts from the design's replicates: the
    /// spread of every row's estimate over the replicate designs (Wald intervals on it). Means,
    /// proportions and ratios without `--adjust` take every replicate's cells in one pass over
    /// the rows (`RatiosOfTotals`), the rows following from the cells as in `compare`. Also the
    /// replicates' spread of each own row that shows another standard error (a quantile's
    /// Woodruff interval), by row.
    private func replicated(_ rows: [GapRow], _ comparisons: [Comparison], _ request: GapRequest) throws -> ([GapRow], [Int: Double]) {
        guard design.spec.varianceMethod != .linearization else { return (rows, [:]) }
        let table = self.table
        let estimates = rows.map(\.estimate)
        let replicated: ReplicateCovariance?
        if request.adjust == nil, let cells = try cellTotals(comparisons, request) {
            let width = comparisons[0].cells.count
            let functions = Dictionary(uniqueKeysWithValues: CellFunction.rows(cells: width).map { ($0.component, $0.function) })
            let comparisonOf = Dictionary(uniqueKeysWithValues: comparisons.enumerated().map { ($1.label, $0) })
            let recipes = rows.map { (comparisonOf[$0.focal]!, functions[$0.component]!) }
            // Each replicate's rows in the unit of the full sample's (percentage points with --scale pp).
            replicated = try design.replicateCovariance(estimates: estimates, cells, overflow: overflow(request, "its \(request.statistic.rawValue) in a group of \(request.group)")) { values in
                recipes.map { k, function in
                    function.reportedScale(request.scale) * function.value(Array(values[(k * width)..<((k + 1) * width)]))
                }
            }
        } else {
            replicated = try design.replicateCovariance(estimates: estimates) { replicate in
                try GapEstimator(table: table, design: replicate).estimates(like: rows, comparisons, request)
            }
        }
        guard let replicated else { return (rows, [:]) }
        // A quantile cell's own row on replicate weights is already `estimate quantile`'s (its
        // Woodruff interval from the replicates' variance of its share) with its notes (the
        // replicates its share's variance left out, why it has no interval): it keeps them. Its
        // contrasts take the replicates' spread.
        let ownWoodruff = request.statistic == .quantile && design.spec.varianceMethod.usesReplicateWeights
            ? CellFunction.ownRows(cells: comparisons[0].cells.count) : [:]
        var spreads: [Int: Double] = [:]
        let out = try rows.enumerated().map { i, row in
            var row = row
            guard row.estimate.isFinite else { return row }
            if ownWoodruff[row.component] != nil {
                spreads[i] = replicated.standardError(i) ?? .nan
                return row
            }
            guard replicated.standardError(i) != .infinity else {
                throw overflow(request, "a sum in the replicate variance of the \(row.component) estimate of group \(request.group)=\(row.focal)")
            }
            row.inferred = Inferred.wald(row.estimate, standardError: replicated.standardError(i), df: row.df, level: request.level)
            if let target = request.target, row.component == "difference" {
                row.verdict = row.inferred.verdict(against: target)
                row.targetPValue = row.inferred.pValue(against: target)
            }
            // A part whose standard error measures nothing (an essentially perfect fit) keeps its note.
            row.note = row.standardErrorMeasuresNothing
                ? [row.note, replicated.note(i)].compactMap { $0 }.joined(separator: "; ") : replicated.note(i)
            return row
        }
        return (out, spreads)
    }

    /// The estimates of `rows` (the full sample's, in their order, of `comparisons`) on this
    /// design, a replicate: each comparison on its own, so that one whose group the replicate
    /// leaves without rows or weight gives its rows no value (left out of their variances only),
    /// not the replicate; and a cell's own row (focal, reference) from the cell alone where its
    /// comparison gives none, as R's `svyby` estimates each group on its own: a group's standard
    /// error does not depend on which group it is compared with.
    private func estimates(like rows: [GapRow], _ comparisons: [Comparison], _ request: GapRequest) throws -> [Double] {
        var values: [String: [String: Double]] = [:]
        func take(_ estimated: [GapRow]) {
            for row in estimated { values[row.focal, default: [:]][row.component] = row.estimate }
        }
        // All comparisons in one evaluation (the reference's cell once); one by one only when
        // some comparison cannot be estimated on this replicate.
        do {
            take(try linearized(request))
        } catch let error as DisparityError where error.kind != .usage {
            for focal in Set(rows.map(\.focal)) {
                var one = request
                one.focal = focal
                do { take(try linearized(one)) } catch let error as DisparityError where error.kind != .usage { continue }
            }
        }
        // A failed comparison's own rows: each cell alone (the reference's cells are the same in
        // every comparison, so estimated once), in the rows' unit (`--scale`).
        let ownRow = CellFunction.ownRows(cells: comparisons[0].cells.count)
        let cellsOf = Dictionary(uniqueKeysWithValues: comparisons.map { ($0.label, $0.cells) })
        let statistic = try linearizer(for: request)
        var reference: [String: Double] = values.values.first ?? [:]
        return try rows.map { row in
            if let value = values[row.focal]?[row.component] { return value }
            let isReference = ["reference", "baseline reference"].contains(row.component)
            if isReference, let value = reference[row.component] { return value }
            guard let cell = ownRow[row.component], let cellRows = cellsOf[row.focal]?[cell].rows else { return .nan }
            let value: Double
            do {
                value = request.scale * (try statistic(cellRows, "the \(row.component) group \(request.group)=\(row.focal)").estimate)
            } catch let error as DisparityError where error.kind != .usage {
                value = .nan
            }
            if isReference { reference[row.component] = value }
            return value
        }
    }

    /// The comparisons' cells (in order) as ratios of weighted totals, for the replicates'
    /// one-pass evaluation; nil for quantiles and lower means.
    private func cellTotals(_ comparisons: [Comparison], _ request: GapRequest) throws -> RatiosOfTotals? {
        let numerator: [Double], denominator: [Double]?
        switch request.statistic {
        case .mean: (numerator, denominator) = (try table.numeric(request.variable), nil)
        case .proportion: (numerator, denominator) = (try indicator(request), nil)
        case .ratio: (numerator, denominator) = (try table.numeric(request.variable), try table.numeric(request.denominator!))
        case .quantile, .lowerMean: return nil
        }
        var totals = RatiosOfTotals()
        for cell in comparisons.flatMap(\.cells) {
            totals.addRatio(rows: cell.rows, { numerator[Int($0)] }, over: { denominator?[Int($0)] ?? 1 })
        }
        return totals
    }

    /// The rows of one comparison: focal, reference, difference and ratio, and with a period
    /// the same at the baseline and the changes (the change in the difference is the
    /// difference in differences); then the parts of each of `decompositions`.
    private func compare(_ cells: [Linearized], scope: [Int32], label: String, decompositions: [Decomposition],
                         _ request: GapRequest) throws -> [GapRow] {
        let c = try JointEstimates(cells, engine: engine, scope: scope)
        // Cells 0 and 2 are the focal group's, 1 and 3 the reference's.
        if let i = c.ownVariances.firstIndex(of: .infinity) {
            throw overflow(request, "a weighted sum in the variance of its \(request.statistic.rawValue) in group \(request.group)=\(i % 2 == 0 ? label : request.reference)")
        }
        // Each row's df is that of the rows of its own cells (the df policy); a decomposition's
        // parts rest on both groups' cells of its wave.
        // Disclosure control counts each cell's rows and, for a proportion, the rows counted.
        let counted = request.statistic == .proportion ? try indicator(request) : nil
        let smallest = cells.map { cell -> Int in
            let positives = counted.map { y in cell.rows.reduce(0) { $0 + (y[Int($1)] == 1 ? 1 : 0) } } ?? 0
            return positives > 0 ? min(positives, cell.rows.count) : cell.rows.count
        }
        // A row without figures (estimate, standard error, interval and df null), `note` saying why.
        func withheld(_ component: String, cells used: [Int], note: String) -> GapRow {
            GapRow(focal: label, component: component, estimate: .nan, standardError: .nan, confidenceLow: nil,
                   confidenceHigh: nil, df: nil, n: c.count(used), verdict: nil, targetPValue: nil, note: note)
        }
        // `undefined`: why the row has no estimate (a ratio over a reference of 0), after disclosure control.
        func row(_ component: String, _ value: (estimate: Double, variance: Double), cells used: [Int], scale: Double,
                 undefined: String? = nil) throws -> GapRow {
            guard undefined != nil || !value.estimate.isInfinite && value.variance != .infinity else {
                throw overflow(request, "\(value.estimate.isInfinite ? "the" : "a weighted sum in the variance of the") \(component) estimate of group \(request.group)=\(label)")
            }
            if let reason = request.disclosure.reason(smallestCell: used.map { smallest[$0] }.min()!) {
                return withheld(component, cells: used, note: reason)
            }
            if let undefined { return withheld(component, cells: used, note: undefined) }
            var df = request.degreesOfFreedom.resolved(designByDefault: false) { design.degreesOfFreedom(rows: c.rows(used)) }
            var inferred = Inferred.wald(value.estimate, variance: value.variance, df: df, level: request.level).scaled(by: scale)
            // A cell whose variance the design cannot estimate (R: NaN) leaves the row none.
            var note = value.estimate.isFinite && !value.variance.isFinite
                ? "no standard error: the design gives a group of this row none (R gives NaN: --lonely-psu average with no stratum to average over, a quantile without Woodruff's interval)" : nil
            // A quantile cell's own row is `estimate quantile`'s: Woodruff's interval, its SE and
            // df, and its notes (replicates its share's variance left out; why it has no interval).
            if used.count == 1, let own = cells[used[0]].interval {
                df = own.df
                inferred = Inferred(estimate: value.estimate, standardError: own.standardError, df: df, low: own.low, high: own.high)
                    .scaled(by: scale)
                note = cells[used[0]].note
            }
            return GapRow(focal: label, component: component, estimate: inferred.estimate, standardError: inferred.standardError ?? .nan,
                          confidenceLow: inferred.low, confidenceHigh: inferred.high, df: df, n: c.count(used),
                          verdict: nil, targetPValue: nil, note: note)
        }
        var rows: [GapRow] = []
        for part in CellFunction.rows(cells: cells.count) {
            // A ratio over a reference of 0 does not exist: its row says so rather than vanishing.
            var undefined: String?
            if case .ratio(_, let b) = part.function, c.estimates[b] == 0 {
                undefined = "no ratio: the reference group's \(request.statistic.rawValue) is 0 (group \(request.group)=\(request.reference)), so the ratio is undefined"
            }
            var r = try row(part.component, part.function.estimate(c), cells: part.cells, scale: part.function.reportedScale(request.scale),
                            undefined: undefined)
            if part.component == "difference", let target = request.target, r.note == nil {
                r.verdict = r.inferred.verdict(against: target)
                r.targetPValue = r.inferred.pValue(against: target)
            }
            rows.append(r)
        }
        if let covariates = request.adjust {
            let groups = try table.categorical(request.group)
            // The reference as the group column spells it (`1` for a reference given as `1.0`).
            let reference = groups.levels[table.level(request.reference, among: groups.levels, ofColumn: request.group)!]
            let regression = RegressionEstimator(table: table, design: design)
            for decomposition in decompositions {
                let domain = decomposition.domain
                let parts = request.logit
                    ? try NonlinearDecomposition(estimator: regression)
                        .decompose(outcome: request.variable, covariates: covariates, groups: groups, focal: label,
                                   reference: reference, domain: domain)
                    : try OaxacaBlinder(estimator: regression)
                        .decompose(outcome: request.variable, covariates: covariates, groups: groups, focal: label,
                                   reference: reference, domain: domain,
                                   weighting: request.pooled ? .pooled : .reference, threefold: request.threefold,
                                   normalize: request.normalize)
                rows += try parts.map { part in
                    var r = try row(decomposition.prefix + part.name, (part.estimate, part.variance), cells: decomposition.cells,
                                    scale: request.scale)
                    r.n = part.n
                    // A group's linear model fitting essentially perfectly: the part's standard
                    // error is rounding errors, and no verdict rests on it (as on a one-PSU group's).
                    if let note = part.note, r.standardError.isFinite {
                        (r.verdict, r.targetPValue, r.standardErrorMeasuresNothing) = (nil, nil, true)
                        r.note = [r.note, note].compactMap { $0 }.joined(separator: "; ")
                    }
                    return r
                }
            }
        }
        return rows
    }


    /// The per-cell linearization of the requested statistic, its columns read once. The
    /// second argument names the cell in errors. With `replicateShares` (a design with replicate
    /// weights) a quantile's Woodruff interval takes its share's standard error from the
    /// replicates, as `estimate quantile` there; otherwise from linearization.
    /// - Throws: `DisparityError.overflow` for a cell whose estimate or influence values
    ///   exceed a double (a quantile without Woodruff's interval has none, NaN, by design).
    func linearizer(for request: GapRequest, replicateShares: Bool = false) throws -> ([Int32], String) throws -> Linearized {
        let statistic = try cellStatistic(for: request, replicateShares: replicateShares)
        return { [self] rows, cell in
            let linearized = try statistic(rows, cell)
            guard linearized.estimate.isFinite else { throw overflow(request, "in \(cell), its weighted sum") }
            guard request.statistic == .quantile || linearized.values.allSatisfy(\.isFinite) else {
                throw overflow(request, "in \(cell), a weighted sum in the variance of its \(request.statistic.rawValue)")
            }
            return linearized
        }
    }

    /// The error that `what` of the request's variable exceeds a double.
    private func overflow(_ request: GapRequest, _ what: String) -> DisparityError {
        .overflow(file: table.source, column: request.variable, what)
    }

    /// `linearizer(for:replicateShares:)` without the overflow checks.
    private func cellStatistic(for request: GapRequest, replicateShares: Bool) throws -> ([Int32], String) throws -> Linearized {
        let w = design.weights
        func present(_ rows: [Int32], _ columns: [[Double]], _ cell: String) throws -> [Int32] {
            let used = rowsWithValues(rows, in: columns)
            guard !used.isEmpty else {
                throw DisparityError.data(file: table.source, column: request.variable,
                                          "\(cell) has no rows with a value of \(quoted: request.variable)")
            }
            guard used.contains(where: { w[Int($0)] > 0 }) else {
                throw DisparityError.data(file: table.source, column: request.variable, "\(cell) has no rows with a positive weight")
            }
            return used
        }
        switch request.statistic {
        case .mean:
            let y = try table.numeric(request.variable)
            return { rows, cell in Linearization.mean(y, w, rows: try present(rows, [y], cell)) }
        case .proportion:
            let y = try indicator(request)
            return { rows, cell in
                try refuseNonIndicator(y, rows: rows, request)
                return Linearization.mean(y, w, rows: try present(rows, [y], cell))
            }
        case .ratio:
            let y = try table.numeric(request.variable), x = try table.numeric(request.denominator!)
            return { rows, cell in
                guard let r = Linearization.ratio(y, x, w, rows: try present(rows, [y, x], cell)) else {
                    throw DisparityError.analysis("\(table.source): the weighted total of \(quoted: request.denominator!) is zero in \(cell)")
                }
                return r
            }
        case .lowerMean:
            let y = try table.numeric(request.variable)
            return { rows, cell in
                let used = try present(rows, [y], cell)
                return Linearization.lowerMean(y, w, rows: used, cut: SortedSample(y, w, rows: used).quantile(request.q))
            }
        case .quantile:
            let y = try table.numeric(request.variable)
            return { rows, cell in try quantile(y, rows: try present(rows, [y], cell), request, replicateShares: replicateShares) }
        }
    }

    /// 1{y = category} (or y itself for a 0/1 variable, checked on the rows a cell uses:
    /// `refuseNonIndicator`), NaN where y is missing.
    private func indicator(_ request: GapRequest) throws -> [Double] {
        if let category = request.category {
            let c = try table.categorical(request.variable)
            guard let code = c.levels.firstIndex(of: category) else {
                throw DisparityError.data(file: table.source, column: request.variable, "the category \(quoted: category) does not occur")
            }
            return c.codes.map { $0 < 0 ? .nan : ($0 == Int32(code) ? 1 : 0) }
        }
        // A text column is a set of categories: the count needs one named.
        if case .categorical(let c) = try table.column(request.variable), c.levels.contains(where: { !NumberParser.isNumber($0) }) {
            throw DisparityError.data(file: table.source, column: request.variable,
                                      "categorical (levels \(listed: Array(c.levels.prefix(6)))): a proportion counts one level; name it with --category")
        }
        return try table.numeric(request.variable)
    }

    /// Refuses a value other than 0 and 1 among `rows` of the proportion's variable `y` (only
    /// the rows a cell uses: one outside `--subset` is none of the analysis's business).
    private func refuseNonIndicator(_ y: [Double], rows: [Int32], _ request: GapRequest) throws {
        guard request.category == nil, let r = rows.first(where: { let v = y[Int($0)]; return !v.isNaN && v != 0 && v != 1 }) else { return }
        throw table.rowError(Int(r), column: request.variable,
                             "a proportion needs a 0/1 variable (found \(NumberFormat.label(y[Int(r)]))); name the counted level with --category")
    }

    /// A quantile cell linearized through its Woodruff interval, with the df `estimate quantile`
    /// uses on the same rows (and with `replicateShares` its share's replicate variance).
    private func quantile(_ y: [Double], rows: [Int32], _ request: GapRequest, replicateShares: Bool) throws -> Linearized {
        let df = request.degreesOfFreedom.resolved(designByDefault: true) { design.degreesOfFreedom(rows: rows) }
        let replicateNote = WoodruffQuantile.ReplicateNote()
        let woodruff = try WoodruffQuantile(y, design.weights, rows: rows, q: request.q, level: request.level, df: df, engine: engine,
                                            shareStandardError: replicateShares
                                                ? WoodruffQuantile.replicateShareStandardError(y, rows: rows, design: design, note: replicateNote) : nil)
        // Without an interval the cell has no variance (not finite influence values): its
        // comparison's rows get none, with a note, and the other comparisons are unaffected; its
        // own row shows what there is of the interval, as `estimate quantile`, with its notes.
        var cell = woodruff.linearized ?? Linearized(estimate: woodruff.estimate, rows: rows, values: rows.map { _ in .nan },
                                                     interval: (woodruff.low, woodruff.high, df, nil))
        let notes = [replicateNote.text, woodruff.noStandardErrorNote].compactMap { $0 }
        cell.note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        return cell
    }

    /// Why the request's statistic is undefined on a cell of `rows` that has rows with the
    /// analysed values and a positive weight (`comparesRows`): a ratio whose denominator's
    /// weighted total is zero there (`estimate ratio`'s note); nil where it is defined. Every
    /// other statistic is defined on such rows. The barometer shows a wave of such a cell as
    /// not estimable, where `linearizer(for:replicateShares:)` stops with an error.
    func undefinedReason(_ request: GapRequest, rows: [Int32]) throws -> String? {
        guard request.statistic == .ratio else { return nil }
        let y = try table.numeric(request.variable), x = try table.numeric(request.denominator!)
        let used = rowsWithValues(rows, in: [y, x])
        guard WeightedMean.of(x, design.weights, rows: used).mean == 0 else { return nil }
        return "the weighted total of \(quoted: request.denominator!) is zero, so the ratio is undefined"
    }

    /// Whether every group the request compares (its focal level when named, and its
    /// reference; a level measure's one group) has a row in `domain` (nil: all rows) with the
    /// analysed values and a positive weight, where `estimate` would stop with an error naming
    /// the empty cell: a wave, subset or breakdown level without one has no comparison. A level
    /// that does not occur in the column at all counts as present, for `estimate` to name.
    func comparesRows(_ request: GapRequest, domain: [Bool]?) throws -> Bool {
        let weighted = try scope(request, domain: domain).filter { design.weights[Int($0)] > 0 }
        guard !request.group.isEmpty else { return !weighted.isEmpty }
        let groups = try table.categorical(request.group)
        var present = Set<Int32>()
        for r in weighted where groups.codes[Int(r)] >= 0 { present.insert(groups.codes[Int(r)]) }
        return [request.focal, request.reference].compactMap { $0 }.allSatisfy { level in
            table.level(level, among: groups.levels, ofColumn: request.group).map { present.contains(Int32($0)) } ?? true
        }
    }

    /// The design the cells are drawn from: the rows in `domain` (nil: all) that have every
    /// analysed value, as R's `svyby` over `subset(design, !is.na(y))`.
    func scope(_ request: GapRequest, domain: [Bool]?) throws -> [Int32] {
        let analysed: [[Double]]
        switch request.statistic {
        case .proportion: analysed = [try indicator(request)]
        case .ratio: analysed = [try table.numeric(request.variable), try table.numeric(request.denominator!)]
        case .mean, .quantile, .lowerMean: analysed = [try table.numeric(request.variable)]
        }
        let rows = domain.map { domain in (0..<Int32(table.rowCount)).filter { domain[Int($0)] } } ?? Array(0..<Int32(table.rowCount))
        return rowsWithValues(rows, in: analysed)
    }
}
