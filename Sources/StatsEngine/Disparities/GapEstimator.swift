/// `disparity gap`: a statistic in a focal group minus (and over) the same in a reference
/// group, with design-based standard errors that include the covariance of the two domains
/// (they share strata and PSUs), as `svyby(..., covmat = TRUE)` + `svycontrast` in R.
///
/// Both groups' influence values go to the variance engine in one call (two columns, each zero
/// outside its group); the difference's variance is v₁₁ + v₂₂ − 2v₁₂ and the ratio's follows by
/// the delta method. Quantiles are linearized through Woodruff's interval: the influence of
/// the share below the estimate, times the slope of the quantile function that the interval
/// implies, so no kernel density is needed.
public struct GapEstimator: Sendable {
    public let table: Table
    public let design: SurveyDesign
    private let engine: VarianceEngine

    public init(table: Table, design: SurveyDesign) {
        self.table = table
        self.design = design
        self.engine = VarianceEngine(design: design)
    }

    public func estimate(_ request: GapRequest) throws -> [GapRow] {
        try request.validate()
        let groups = try table.categorical(request.group)
        guard let referenceCode = groups.levels.firstIndex(of: request.reference) else {
            throw DisparityError.data(file: table.source, column: request.group,
                                      "the reference level '\(request.reference)' does not occur (levels: \(groups.levels.joined(separator: ", ")))")
        }
        var focalCodes = groups.levels.indices.filter { $0 != referenceCode }
        if let focal = request.focal {
            guard let code = groups.levels.firstIndex(of: focal) else {
                throw DisparityError.data(file: table.source, column: request.group,
                                          "the focal level '\(focal)' does not occur (levels: \(groups.levels.joined(separator: ", ")))")
            }
            focalCodes = [code]
        }
        let statistic = try linearizer(for: request)
        let domain = try request.subset?.rows(of: table)
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
        let reference = try cells(referenceCode, request.reference)
        var out: [GapRow] = []
        for code in focalCodes {
            let label = groups.levels[code]
            let focal = try cells(code, label)
            let ordered = periods == nil ? [focal[0], reference[0]] : [focal[0], reference[0], focal[1], reference[1]]
            out += try compare(ordered, label: label, request)
        }
        if let replicates = request.bootstrapReplicates {
            out = try bootstrapped(out, request, replicates: replicates)
        }
        return out
    }

    /// The rows with standard errors, intervals and verdicts from the Rao-Wu bootstrap: the
    /// spread of every row's estimate over replicate designs (Wald intervals on it).
    private func bootstrapped(_ rows: [GapRow], _ request: GapRequest, replicates: Int) throws -> [GapRow] {
        var copy = request
        copy.bootstrapReplicates = nil
        let single = copy, table = self.table
        let covariance = try RaoWuBootstrap(design: design, replicates: replicates, seed: request.seed).covariance { replicate in
            try GapEstimator(table: table, design: replicate).estimate(single).map(\.estimate)
        }
        return rows.enumerated().map { i, row in
            var row = row
            row.standardError = covariance[i, i].squareRoot()
            if let z = Intervals.critical(level: request.level, df: row.df) {
                row.confidenceLow = row.estimate - z * row.standardError
                row.confidenceHigh = row.estimate + z * row.standardError
            }
            if let target = request.target, row.component == "difference", let low = row.confidenceLow, let high = row.confidenceHigh {
                row.verdict = target.verdict(low: low, high: high)
                row.targetPValue = target.pValue(estimate: row.estimate, standardError: row.standardError, df: row.df)
            }
            return row
        }
    }

    /// The rows of one comparison: focal, reference, difference and ratio, and with a period
    /// the same at the baseline and the changes (the change in the difference is the
    /// difference in differences).
    private func compare(_ cells: [Linearized], label: String, _ request: GapRequest) throws -> [GapRow] {
        let c = try CellEstimates(cells, engine: engine)
        let df: Double?
        switch request.degreesOfFreedom {
        case .automatic, .normal: df = nil
        case .design: df = Double(design.degreesOfFreedom(rows: c.rows))
        case .fixed(let v): df = v
        }
        let z = Intervals.critical(level: request.level, df: df)
        func row(_ component: String, _ value: (estimate: Double, variance: Double), cells used: [Int], scale: Double) -> GapRow {
            let se = value.variance.squareRoot() * scale
            let e = value.estimate * scale
            return GapRow(focal: label, component: component, estimate: e, standardError: se,
                          confidenceLow: z.map { e - $0 * se }, confidenceHigh: z.map { e + $0 * se }, df: df, n: c.count(used),
                          verdict: nil, targetPValue: nil)
        }
        let s = request.scale
        var difference = row("difference", c.contrast(Self.unit(cells.count, [0: 1, 1: -1])), cells: [0, 1], scale: s)
        if let target = request.target, let low = difference.confidenceLow, let high = difference.confidenceHigh {
            difference.verdict = target.verdict(low: low, high: high)
            difference.targetPValue = target.pValue(estimate: difference.estimate, standardError: difference.standardError, df: df)
        }
        var rows = [row("focal", c.contrast(Self.unit(cells.count, [0: 1])), cells: [0], scale: s),
                    row("reference", c.contrast(Self.unit(cells.count, [1: 1])), cells: [1], scale: s), difference]
        if c.estimates[1] != 0 { rows.append(row("ratio", c.ratio(0, 1), cells: [0, 1], scale: 1)) }
        if cells.count == 4 {
            rows += [row("baseline focal", c.contrast(Self.unit(4, [2: 1])), cells: [2], scale: s),
                     row("baseline reference", c.contrast(Self.unit(4, [3: 1])), cells: [3], scale: s),
                     row("baseline difference", c.contrast(Self.unit(4, [2: 1, 3: -1])), cells: [2, 3], scale: s),
                     row("change focal", c.contrast(Self.unit(4, [0: 1, 2: -1])), cells: [0, 2], scale: s),
                     row("change reference", c.contrast(Self.unit(4, [1: 1, 3: -1])), cells: [1, 3], scale: s),
                     row("change difference", c.contrast([1, -1, -1, 1]), cells: [0, 1, 2, 3], scale: s)]
        }
        if let covariates = request.adjust {
            let groups = try table.categorical(request.group)
            let regression = RegressionEstimator(table: table, design: design)
            let domain = try request.subset?.rows(of: table)
            let parts = request.logit
                ? try NonlinearDecomposition(estimator: regression)
                    .decompose(outcome: request.variable, covariates: covariates, groups: groups, focal: label,
                               reference: request.reference, domain: domain)
                : try OaxacaBlinder(estimator: regression)
                    .decompose(outcome: request.variable, covariates: covariates, groups: groups, focal: label,
                               reference: request.reference, domain: domain,
                               weighting: request.pooled ? .pooled : .reference, threefold: request.threefold,
                               normalize: request.normalize)
            rows += parts.map { part in
                var r = row(part.name, (part.estimate, part.variance), cells: [], scale: s)
                r.n = part.n
                return r
            }
        }
        return rows
    }

    /// A coefficient vector of length `n` with the given entries.
    private static func unit(_ n: Int, _ entries: [Int: Double]) -> [Double] {
        (0..<n).map { entries[$0] ?? 0 }
    }

    /// The per-cell linearization of the requested statistic, its columns read once. The
    /// second argument names the cell in errors.
    func linearizer(for request: GapRequest) throws -> ([Int32], String) throws -> Linearized {
        let w = design.weights
        func present(_ rows: [Int32], _ columns: [[Double]], _ cell: String) throws -> [Int32] {
            let used = rows.filter { r in columns.allSatisfy { !$0[Int(r)].isNaN } }
            guard !used.isEmpty else {
                throw DisparityError.data(file: table.source, column: request.variable,
                                          "\(cell) has no rows with a value of '\(request.variable)'")
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
            return { rows, cell in Linearization.mean(y, w, rows: try present(rows, [y], cell)) }
        case .ratio:
            let y = try table.numeric(request.variable), x = try table.numeric(request.denominator!)
            return { rows, cell in
                guard let r = Linearization.ratio(y, x, w, rows: try present(rows, [y, x], cell)) else {
                    throw DisparityError.analysis("\(table.source): the weighted total of '\(request.denominator!)' is zero in \(cell)")
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
            return { rows, cell in try quantile(y, rows: try present(rows, [y], cell), cell: cell, request) }
        }
    }

    /// 1{y = category} (or y itself for a 0/1 variable), NaN where y is missing.
    private func indicator(_ request: GapRequest) throws -> [Double] {
        if let category = request.category {
            let c = try table.categorical(request.variable)
            guard let code = c.levels.firstIndex(of: category) else {
                throw DisparityError.data(file: table.source, column: request.variable, "the category '\(category)' does not occur")
            }
            return c.codes.map { $0 < 0 ? .nan : ($0 == Int32(code) ? 1 : 0) }
        }
        let y = try table.numeric(request.variable)
        if let r = y.firstIndex(where: { !$0.isNaN && $0 != 0 && $0 != 1 }) {
            throw DisparityError.data(file: table.source, line: r + 2, column: request.variable,
                                      "a proportion needs a 0/1 variable (found \(NumberFormat.label(y[r]))); name the counted level with --category")
        }
        return y
    }

    /// A quantile's Woodruff linearization: −(slope)·(influence of the share at or below it),
    /// with the slope (q_high − q_low)/(2z·SE_share) from the interval `estimate` reports.
    private func quantile(_ y: [Double], rows: [Int32], cell: String, _ request: GapRequest) throws -> Linearized {
        let w = design.weights
        let sample = SortedSample(y, w, rows: rows)
        let q = sample.quantile(request.q)
        var indicator = [Double](repeating: .nan, count: y.count)
        for r in rows { indicator[Int(r)] = y[Int(r)] <= q ? 1 : 0 }
        let below = Linearization.mean(indicator, w, rows: rows)
        let se = try engine.covariance(Influence(rows: rows, width: 1, values: below.values))[0, 0].squareRoot()
        let z = Normal.quantile(0.975)
        let (lowShare, highShare) = (below.estimate - z * se, below.estimate + z * se)
        guard se > 0, lowShare >= 0, highShare <= 1 else {
            throw DisparityError.analysis("\(table.source): the \(request.q)-quantile of '\(request.variable)' in \(cell) has no Woodruff interval to linearize it with")
        }
        let slope = (sample.quantile(highShare) - sample.quantile(lowShare)) / (2 * z * se)
        return Linearized(estimate: q, rows: rows, values: below.values.map { -slope * $0 })
    }
}
