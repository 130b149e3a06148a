/// `disparity estimate`: means, totals, standard deviations, proportions, ratios, quantiles and
/// lower-tail means, overall or by domain, each with a design-based standard error from the one
/// variance engine and an R-compatible confidence interval.
///
/// Domains are R's subset domains: each keeps the whole design (strata and PSUs it does not
/// touch count as zero totals), and rows missing the analysed variable leave the domain, as
/// `svyby(..., na.rm = TRUE)` does. The data are grouped once; each domain then costs time in
/// proportion to its own rows.
public struct DescriptiveEstimator: Sendable {
    /// The data estimated on.
    public let table: Table
    /// The design every standard error is computed under.
    public let design: SurveyDesign
    /// The variance engine on `design`.
    public let engine: VarianceEngine
    /// Whether the rows get the linearization's standard errors (and design effects); off when a
    /// replicate design's spread replaces them, their values then NaN.
    private var standardErrors = true

    /// An estimator on `table` under `design`.
    public init(table: Table, design: SurveyDesign) {
        self.table = table
        self.design = design
        self.engine = VarianceEngine(design: design)
    }

    /// One row per domain (and per category for proportions), in domain order. A domain with
    /// no usable rows gives a row of nulls with a note, and every other domain is computed.
    /// Standard errors follow the design's variance method: linearization, or the replicate
    /// spread of the same rows (`SurveyDesign.replicateCovariance`).
    /// - Throws: `DisparityError` for unknown columns, impossible options, data with no usable
    ///   rows at all, or a weighted sum of the variable (in an estimate or its variance) beyond
    ///   the largest double (`DisparityError.overflow`).
    public func estimate(_ request: EstimateRequest) throws -> [EstimateRow] {
        try notingIntervalsBeyondRange(rows(request))
    }

    /// `rows` with a note where an interval's ends lie beyond the largest double (a t on a
    /// fraction of a degree of freedom times a standard error near it, `--df 0.01`): no ends
    /// then, as before, but said, never a blank.
    private func notingIntervalsBeyondRange(_ rows: [EstimateRow]) -> [EstimateRow] {
        rows.map { row in
            guard row.estimate.isFinite, row.standardError?.isFinite == true,
                  row.confidenceLow.map({ !$0.isFinite }) == true || row.confidenceHigh.map({ !$0.isFinite }) == true else { return row }
            var row = row
            (row.confidenceLow, row.confidenceHigh) = (nil, nil)
            let why = "no interval: its ends lie beyond \(DisparityError.largestDouble), the critical value\(row.df.map { " on \($0) df" } ?? "") times the standard error"
            row.note = [row.note, why].compactMap { $0 }.joined(separator: "; ")
            return row
        }
    }

    /// The rows of `estimate(_:)`, their intervals as computed.
    private func rows(_ request: EstimateRequest) throws -> [EstimateRow] {
        if request.statistic == .quantile, design.spec.varianceMethod.usesReplicateWeights {
            return try linearized(request, replicateShares: true)
        }
        guard design.spec.varianceMethod != .linearization else { return try linearized(request) }
        try request.validate()
        let domains = try self.domains(request)
        // The replicates' spread replaces the linearization's standard errors; a statistic the
        // replicates take in one pass skips them, unless the engine could fail on a lonely PSU
        // (`--lonely-psu fail`), which the analysis must still report.
        var fullSample = self
        fullSample.standardErrors = !request.statistic.isRatioOfTotals || engine.mayFail
        let rows = try fullSample.linearized(request, in: domains)
        let table = self.table
        let estimates = rows.map(\.estimate)
        let replicated: ReplicateCovariance?
        let totals = try ratiosOfTotals(request, in: domains)
        if let totals {
            replicated = try design.replicateCovariance(estimates: estimates, totals, overflow: overflow(request, "its \(request.statistic.rawValue) estimate"))
        } else if request.statistic == .sd {
            replicated = try replicateVariances(request, in: domains, estimates: estimates)
        } else {
            replicated = try design.replicateCovariance(estimates: estimates) { replicate in
                try DescriptiveEstimator(table: table, design: replicate).linearized(request, in: domains).map(\.estimate)
            }
        }
        guard let replicated else { return rows }
        let domainOf = Dictionary(domains.labels.indices.map { (domains.labels[$0], $0) }, uniquingKeysWith: { first, _ in first })
        // A logit interval's standard error on a replicate design is the replicates' spread of
        // logit p̂ (R's svyciprop: its intercept-only svyglm refitted on each replicate).
        let logits = request.statistic == .proportion && request.proportionInterval == .logit
            ? try design.replicateCovariance(estimates: estimates.map(Intervals.logit), totals!, overflow: overflow(request, "its proportion estimate"),
                                             transform: { $0.map(Intervals.logit) })
            : nil
        let ratioEffects = request.statistic == .ratio ? try replicateRatioDesignEffects(request, in: domains, ratios: estimates) : nil
        let replicatedRows = try rows.enumerated().map { i, row in
            var row = row
            guard row.estimate.isFinite else { return row }
            guard replicated.standardError(i) != .infinity else { throw overflow(request, "a sum in the replicate variance of its \(request.statistic.rawValue) estimate") }
            // An sd's replicates give its variance: the delta method, as under linearization.
            let se = replicated.standardError(i).map { request.statistic != .sd ? $0 : row.estimate > 0 ? $0 / (2 * row.estimate) : 0 }
            let inferred = Inferred.wald(row.estimate, standardError: se, df: row.df, level: request.level)
            row.standardError = inferred.standardError
            (row.confidenceLow, row.confidenceHigh) = (inferred.low, inferred.high)
            // A proportion's requested interval from the replicate variance, on the df its
            // linearized row took (the design's replicate df where the method defaults to it).
            if request.statistic == .proportion, request.proportionInterval != .wald {
                (row.confidenceLow, row.confidenceHigh) = (nil, nil)
                if let se {
                    row.proportionInterval(request, variance: se * se, logitStandardError: logits?.standardError(i) ?? .nan)
                }
            }
            // The replicate variance over the simple random sample's (R's svymean.svyrep.design
            // deff); a ratio's that of its residuals' total (svyratio.svyrep.design).
            row.designEffect = ratioEffects.map { $0[i] } ?? se.flatMap { se in row.simpleRandomSamplingVariance.map { se * se / $0 } }
            // A share of 0 or 1 has no logit in any replicate (its interval is the point), so no note on them.
            row.note = row.note ?? replicated.note(i) ?? (row.estimate > 0 && row.estimate < 1 ? logits?.note(i) : nil)
            return row
        }
        return try flaggingZeroDegreesOfFreedom(replicatedRows, request, domains: domains) { i in
            replicatedRows[i].estimate.isFinite ? domainOf[replicatedRows[i].group.map(\.level)] : nil
        }
    }

    /// The replicate covariance of each domain's variance of the request's variable, for an
    /// `sd` (whose full-sample values are `estimates`): R's `svyvar.svyrep.design`, each
    /// replicate's weighted variance of the rows with a value with n/(n − 1) at the full
    /// sample's n (`sdCount`), not recounted in each replicate.
    private func replicateVariances(_ request: EstimateRequest, in domains: Domains, estimates: [Double]) throws -> ReplicateCovariance? {
        let y = try table.numeric(request.variable)
        let inputs = domains.rows.map { domain -> (used: [Int32], factor: Double) in
            let used = rowsWithValues(domain, in: [y])
            let n = Double(sdCount(domain: domain, used: used))
            return (used, n / (n - 1))
        }
        let overflow = overflow(request, "its weighted sum of squared deviations from the mean")
        return try design.replicateCovariance(estimates: estimates.map { $0 * $0 }) { replicate in
            try inputs.map { input in
                let (mean, total) = WeightedMean.of(y, replicate.weights, rows: input.used)
                let variance = WeightedMean.squaredDeviations(y, replicate.weights, rows: input.used, about: mean) / total * input.factor
                // Without weight there, none (NaN); with weight, a variance that is not finite overflowed.
                guard total == 0 || variance.isFinite else { throw overflow }
                return variance
            }
        }
    }

    /// The rows with linearization standard errors; with `replicateShares`, quantiles' Woodruff
    /// intervals take the replicate variance of the share at or below them instead (R's
    /// `svyquantile` default on a replicate design).
    private func linearized(_ request: EstimateRequest, replicateShares: Bool = false) throws -> [EstimateRow] {
        try request.validate()
        return try linearized(request, in: try domains(request), replicateShares: replicateShares)
    }

    /// The request's domains (`--by`), within its `--subset`.
    private func domains(_ request: EstimateRequest) throws -> Domains {
        try Domains(table: table, by: request.by).within(try request.subset?.selectedRows(of: table))
    }

    /// `linearized(_:replicateShares:)` of a validated request on its `domains`.
    private func linearized(_ request: EstimateRequest, in domains: Domains, replicateShares: Bool = false) throws -> [EstimateRow] {
        let statistic = try statisticFunction(request, replicateShares: replicateShares)
        var out: [EstimateRow] = []
        for d in domains.rows.indices {
            let group = zip(domains.columns, domains.labels[d]).map { (column: $0, level: $1) }
            do {
                let rows = try statistic(domains.rows[d]).map { var row = $0; row.group = group; return row }
                out += try notingNothingToAverage(flaggingZeroDegreesOfFreedom(rows, request, domains: domains) { _ in d },
                                                  request, domain: domains.rows[d])
            } catch let error as NotEstimable {
                let place = group.isEmpty ? "the data" : "domain " + group.map { "\($0.column)=\($0.level)" }.joined(separator: ", ")
                guard !group.isEmpty else {
                    throw DisparityError.data(file: table.source, column: request.variable, "\(place) \(error.reason)")
                }
                // n: the rows with a value it has (of weight 0, or a denominator totalling 0), as a
                // noted row of a statistic that does not exist counts them.
                out.append(EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: group, category: nil,
                                       estimate: .nan, standardError: nil, confidenceLow: nil, confidenceHigh: nil, df: nil,
                                       n: try rowsUsed(request, domain: domains.rows[d]).count,
                                       designEffect: nil, note: "\(place) \(error.reason)"))
            }
        }
        return withholding(out, request.disclosure)
    }

    /// `rows` of a statistic of `domain`'s rows with a note where `--lonely-psu average` found
    /// nothing to average over, leaving an estimate without a standard error (R's NaN): the
    /// note says at which stage and where (`VarianceEngine.nothingToAverage`).
    private func notingNothingToAverage(_ rows: [EstimateRow], _ request: EstimateRequest, domain: [Int32]) throws -> [EstimateRow] {
        guard design.spec.lonelyPSU == .average, design.spec.varianceMethod == .linearization, standardErrors,
              rows.contains(where: { $0.estimate.isFinite && !($0.standardError?.isFinite ?? false) && $0.note == nil })
        else { return rows }
        let reason = engine.nothingToAverage(rows: try rowsUsed(request, domain: domain)) ?? "nothing to average over"
        return rows.map { row in
            guard row.estimate.isFinite, !(row.standardError?.isFinite ?? false), row.note == nil else { return row }
            var row = row
            row.note = "no standard error: --lonely-psu average has \(reason); R gives NaN"
            return row
        }
    }

    /// `rows` of statistics with a note where a standard error (R's 0, kept) measures nothing
    /// (`SurveyDesign.measuresNothing`: a mean, share or ratio of rows in one PSU), row i being
    /// of domain `domainOf(i)` (nil: none to flag). A domain's rows used and their df are counted
    /// once, and only for a standard error of 0: a factor's 20,000 shares cost one count.
    private func flaggingZeroDegreesOfFreedom(_ rows: [EstimateRow], _ request: EstimateRequest, domains: Domains,
                                              domainOf: (Int) -> Int?) throws -> [EstimateRow] {
        guard request.statistic.isNormalisedByWeight else { return rows }
        var flat: [Int: Bool] = [:]
        return try rows.enumerated().map { i, row in
            guard SurveyDesign.isZero(row.standardError, of: row.estimate), let d = domainOf(i) else { return row }
            if flat[d] == nil { flat[d] = design.degreesOfFreedom(rows: try rowsUsed(request, domain: domains.rows[d])) == 0 }
            guard flat[d]! else { return row }
            var row = row
            row.note = [row.note, SurveyDesign.zeroDegreesOfFreedomNote].compactMap { $0 }.joined(separator: "; ")
            return row
        }
    }

    /// `rows` under disclosure control: each figure resting on too few observations withheld
    /// (no estimate, SE, interval or design effect; the reason as its note), and then the
    /// proportions that would give one away (`DisclosureControl.complementary`: a domain's
    /// shares add up to 1, so one withheld share among shown ones is their complement).
    private func withholding(_ rows: [EstimateRow], _ disclosure: DisclosureControl) -> [EstimateRow] {
        var rows = rows
        func withhold(_ i: Int, _ reason: String) {
            rows[i].inferred = Inferred(estimate: .nan, standardError: nil, df: nil, low: nil, high: nil)
            rows[i].designEffect = nil
            rows[i].note = reason
        }
        var withheld = rows.map { _ in false }
        for i in rows.indices where rows[i].estimate.isFinite {
            guard let reason = disclosure.reason(smallestCell: rows[i].smallestCell) else { continue }
            withhold(i, reason)
            withheld[i] = true
        }
        guard withheld.contains(true) else { return rows }
        // Each domain's proportions: consecutive rows of one group with a category.
        var lines: [[Int]] = []
        for i in rows.indices where rows[i].category != nil {
            if let last = lines.last?.last, rows[last].group.map(\.level) == rows[i].group.map(\.level) {
                lines[lines.count - 1].append(i)
            } else {
                lines.append([i])
            }
        }
        let counts = rows.map { $0.categoryCount ?? $0.n }
        for i in DisclosureControl.complementary(counts: counts, withheld: withheld, lines: lines) where rows[i].estimate.isFinite {
            withhold(i, disclosure.complementaryReason)
        }
        return rows
    }

    /// What a domain (or the data) cannot give a statistic for, said after its name in the
    /// domain's note, or in the error when there are no domains.
    private struct NotEstimable: Error {
        let reason: String

        /// No row of the domain has a value of `variable`.
        static func noValues(_ variable: String) -> NotEstimable { NotEstimable(reason: "has no rows with a value of \(quoted: variable)") }
        /// Every row of the domain has weight 0.
        static let noWeight = NotEstimable(reason: "has no rows with a positive weight")
    }

    /// The request's statistics as weighted totals and their ratios, in the order of
    /// `linearized` (a domain without rows one statistic, not estimated), for the replicates'
    /// one-pass evaluation on the request's `domains`; nil for statistics that are not ratios of
    /// totals (quantiles, SDs).
    private func ratiosOfTotals(_ request: EstimateRequest, in domains: Domains) throws -> RatiosOfTotals? {
        guard request.statistic.isRatioOfTotals else { return nil }
        var totals = RatiosOfTotals()
        switch request.statistic {
        case .mean, .total, .index, .ratio:
            let y = request.statistic == .index ? try request.index!.values(in: table) : try table.numeric(request.variable)
            let x = request.statistic == .ratio ? try table.numeric(request.denominator!) : nil
            // A total of y, or the ratio of the totals of y and x (of 1: a mean).
            let ratio = request.statistic != .total
            totals.addPerDomain(domains.rows, rowCount: table.rowCount, totals: ratio ? 2 : 1, ratios: [(0, ratio ? 1 : nil)],
                                perRow: ratio ? 2 : 1, uses: { !y[Int($0)].isNaN && !(x?[Int($0)].isNaN ?? false) }) { r, j, first in
                j == 0 ? (first, y[Int(r)]) : (first + 1, x?[Int(r)] ?? 1)
            }
        case .proportion:
            // The shares of the k categories: each category's total over the domain's. A domain
            // without a positive weight is one statistic, not estimated, as it is one row.
            let factor = try table.proportionCategories(request.variable)
            let k = factor.levels.count, w = design.weights
            let rows = domains.rows.map { rows in rows.contains { factor.codes[Int($0)] >= 0 && w[Int($0)] != 0 } ? rows : [] }
            totals.addPerDomain(rows, rowCount: table.rowCount, totals: k + 1, ratios: (0..<k).map { ($0, k) }, perRow: 2,
                                uses: { factor.codes[Int($0)] >= 0 }) { r, j, first in (j == 0 ? first + Int(factor.codes[Int(r)]) : first + k, 1) }
        case .sd, .quantile, .lowerMean:
            preconditionFailure("not a ratio of totals")
        }
        return totals
    }

    /// The per-domain computation for the requested statistic, with its columns read once.
    private func statisticFunction(_ request: EstimateRequest, replicateShares: Bool) throws -> ([Int32]) throws -> [EstimateRow] {
        let name = request.variable
        if request.statistic == .proportion {
            let factor = try table.proportionCategories(name)
            return { try self.proportions(request, factor, domain: $0) }
        }
        if request.statistic == .index {
            let y = try request.index!.values(in: table)
            return { try self.moment(request, y, domain: $0) }
        }
        let column = try table.numericColumn(name)
        let y = column.values
        switch request.statistic {
        case .mean, .total, .sd:
            if let exact = ExactDecimals(column) {
                return { try self.moment(request, exact.integers, domain: $0).map { $0.rescaled(dividingBy: exact.scale) } }
            }
            return { try self.moment(request, y, domain: $0) }
        case .ratio:
            let x = try table.numeric(request.denominator!)
            return { try self.ratio(request, y, x, domain: $0) }
        case .quantile:
            return { try self.quantile(request, y, domain: $0, replicateShares: replicateShares) }
        case .lowerMean:
            return { try self.lowerMean(request, y, domain: $0) }
        case .proportion, .index:
            preconditionFailure("handled above")
        }
    }

    // MARK: statistics

    /// The mean (`svymean`), total (`svytotal`), standard deviation (`svyvar`) or composite index
    /// (its row values' mean) of `y` on a domain: one row, with its SE from the variance engine
    /// and, for a mean, index or total, the design effect (`svymean(..., deff = TRUE)`).
    private func moment(_ request: EstimateRequest, _ y: [Double], domain: [Int32]) throws -> [EstimateRow] {
        let w = design.weights
        let used = try present(domain, [y], request.variable)
        let (mean, W) = WeightedMean.of(y, w, rows: used)
        guard W != 0 else { throw NotEstimable.noWeight }
        // W is finite (`SurveyDesign` refuses weights summing beyond a double).
        guard mean.isFinite, request.statistic != .total || (mean * W).isFinite else { throw overflow(request, "its weighted sum") }
        let observed = simpleRandomSampleSize(used)
        let spread = WeightedMean.squaredDeviations(y, w, rows: used, about: mean)
        // R's svyvar of the centred values: the design-effect denominator, in units of `unit²`
        // (1, or a power of two where the squared deviations are beyond a double).
        let unit = spread.isFinite ? 1 : WeightedMean.deviationUnit(y, rows: used, about: mean)
        let scaledSpread = spread.isFinite ? spread : WeightedMean.squaredDeviations(y, w, rows: used, about: mean, in: unit)
        let unitVariance = observed > 1 ? scaledSpread / W * Double(observed) / Double(observed - 1) : .nan
        var values = [Double](repeating: 0, count: used.count)
        let estimate: Double
        var srsVariance: Double? = nil
        switch request.statistic {
        case .mean, .index:
            estimate = mean
            for (i, r) in used.enumerated() { values[i] = w[Int(r)] * (y[Int(r)] - mean) / W }
            srsVariance = unitVariance * (W - Double(observed)) / (W * Double(observed))
        case .total:
            estimate = mean * W
            for (i, r) in used.enumerated() { values[i] = w[Int(r)] * y[Int(r)] }
            srsVariance = unitVariance * W * W * (W - Double(observed)) / (W * Double(observed))
        default:
            // R's svyvar: svymean((y - ȳ)² n/(n-1)), n as R counts it (`sdCount`).
            let n = Double(sdCount(domain: domain, used: used))
            guard n > 1 else {
                // One observation has no spread to estimate: the row says so with nulls and a note.
                return [EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [], category: nil,
                                    estimate: .nan, standardError: nil, confidenceLow: nil, confidenceHigh: nil,
                                    df: nil, n: used.count, designEffect: nil,
                                    note: "fewer than two observations: no standard deviation (R's svyvar gives NaN)")]
            }
            guard spread.isFinite else { throw overflow(request, "its weighted sum of squared deviations from the mean") }
            let factor = n / (n - 1)
            let variance = spread / W * factor
            for (i, r) in used.enumerated() {
                let d = y[Int(r)] - mean
                values[i] = w[Int(r)] * (d * d * factor - variance) / W
            }
            let sd = variance.squareRoot()
            let v = try self.variance(Influence(rows: used, width: 1, values: values), request)
            return [row(request, estimate: sd, se: sd > 0 ? v.standardError / (2 * sd) : 0, used: used)]
        }
        guard standardErrors else {
            var result = row(request, estimate: estimate, se: .nan, used: used)
            result.simpleRandomSamplingVariance = srsVariance.flatMap { $0 > 0 && $0.isFinite && unit == 1 ? $0 : nil }
            return [result]
        }
        let v = try variance(Influence(rows: used, width: 1, values: values), request)
        var result = row(request, estimate: estimate, se: v.standardError, used: used)
        if let srs = srsVariance, srs > 0, srs.isFinite {
            // A variance beyond a double still has its ratio to the SRS variance, from the standard errors.
            let ratio = v.variance.isFinite && unit == 1 ? v.variance / srs : v.standardError / unit / srs.squareRoot()
            result.designEffect = v.variance.isFinite && unit == 1 ? ratio : ratio * ratio
        }
        return [result]
    }

    /// The design effects of a ratio per domain on a replicate design, as R's
    /// `svyratio.svyrep.design(..., deff = TRUE)` gives them: `deff(svytotal(e))` of the residuals
    /// e = y − R̂x at the domain's full-sample ratio R̂ (`ratios`, one per domain): the replicate
    /// variance of e's total over the simple random sample's, svyvar(e)·W²/n·(W − n)/W with n
    /// every row of the domain with both values (R's replicate designs count rows of weight 0).
    /// Nil for a domain without a ratio or where that variance is 0 or not finite; all nil for
    /// domains that share rows.
    private func replicateRatioDesignEffects(_ request: EstimateRequest, in domains: Domains, ratios: [Double]) throws -> [Double?] {
        let y = try table.numeric(request.variable), x = try table.numeric(request.denominator!), w = design.weights
        let none = [Double?](repeating: nil, count: ratios.count)
        guard ratios.count == domains.rows.count else { return none }
        let used = domains.rows.map { rows in rows.filter { !y[Int($0)].isNaN && !x[Int($0)].isNaN } }
        // Each row's residual at its domain's ratio (a row of two domains has no one residual).
        var residuals = [Double](repeating: .nan, count: table.rowCount)
        for (d, rows) in used.enumerated() where ratios[d].isFinite {
            for r in rows {
                guard residuals[Int(r)].isNaN else { return none }
                residuals[Int(r)] = y[Int(r)] - ratios[d] * x[Int(r)]
            }
        }
        var totals = RatiosOfTotals()
        totals.addPerDomain(used.indices.map { ratios[$0].isFinite ? used[$0] : [] }, rowCount: table.rowCount, totals: 1,
                            ratios: [(0, nil)], perRow: 1, uses: { _ in true }) { r, _, first in (first, residuals[Int(r)]) }
        let estimates = used.map { rows in rows.reduce(0.0) { $0 + w[Int($1)] * residuals[Int($1)] } }
        guard let replicated = try design.replicateCovariance(estimates: estimates, totals, overflow: overflow(request, "its residual total"))
        else { return none }
        return used.indices.map { d -> Double? in
            let rows = used[d], n = Double(rows.count)
            guard ratios[d].isFinite, rows.count > 1, let se = replicated.standardError(d) else { return nil }
            let (mean, W) = WeightedMean.of(residuals, w, rows: rows)
            let unitVariance = WeightedMean.squaredDeviations(residuals, w, rows: rows, about: mean) / W * n / (n - 1)
            let srs = unitVariance * W * W / n * (W - n) / W
            return srs > 0 && srs.isFinite ? se * se / srs : nil
        }
    }

    /// The sample size n of a simple random sample's variance (the design effect's
    /// denominator, R's `vsrs`) for an estimate on `used`: the rows of non-zero weight
    /// (`svymean.survey.design2`'s `nobs`), but on a replicate design every row, as
    /// `svymean.svyrep.design` counts them (`length(design$pweights)`, and `svyvar`'s n).
    private func simpleRandomSampleSize(_ used: [Int32]) -> Int {
        guard design.spec.varianceMethod == .linearization else { return used.count }
        let w = design.weights
        return used.reduce(0) { $0 + (w[Int($1)] != 0 ? 1 : 0) }
    }

    /// The ratio of the weighted totals of `y` and `x` (R's `svyratio`), by linearization.
    /// - Throws: `NotEstimable` when every weight or the denominator's weighted total is zero.
    private func ratio(_ request: EstimateRequest, _ y: [Double], _ x: [Double], domain: [Int32]) throws -> [EstimateRow] {
        let used = try present(domain, [y, x], request.variable)
        guard used.contains(where: { design.weights[Int($0)] != 0 }) else { throw NotEstimable.noWeight }
        guard let ratio = Linearization.ratio(y, x, design.weights, rows: used) else {
            throw NotEstimable(reason: "has a weighted total of \(quoted: request.denominator!) of zero, so the ratio is undefined")
        }
        guard ratio.estimate.isFinite else { throw overflow(request, "its ratio to \(quoted: request.denominator!) (or the weighted sum of either)") }
        let se = standardErrors ? try variance(Influence(rows: used, width: 1, values: ratio.values), request).standardError : .nan
        var result = row(request, estimate: ratio.estimate, se: se, used: used)
        result.designEffect = ratioDesignEffect(standardError: se, influence: ratio.values, used: used)
        return [result]
    }

    /// A ratio's design effect as R's `svyratio(..., deff = TRUE)` gives it: `deff(svytotal(r))`
    /// of r = (y − R̂x)/X̂ (the influence values over the weights), the variance over the simple
    /// random sample's, svyvar(r)·W²·(W − n)/(W·n) with n the rows of non-zero weight; nil where
    /// that is 0 or not finite (one row, or weights all 1: W = n), where R's is Inf or NaN.
    private func ratioDesignEffect(standardError se: Double, influence values: [Double], used: [Int32]) -> Double? {
        let w = design.weights
        var W = 0.0, total = 0.0, observed = 0
        for (i, r) in used.enumerated() where w[Int(r)] != 0 {
            W += w[Int(r)]
            total += values[i]
            observed += 1
        }
        guard observed > 1, se.isFinite else { return nil }
        let mean = total / W
        var spread = 0.0
        for (i, r) in used.enumerated() where w[Int(r)] != 0 {
            let d = values[i] / w[Int(r)] - mean
            spread += w[Int(r)] * d * d
        }
        let n = Double(observed)
        let srs = spread / W * n / (n - 1) * W * W * (W - n) / (W * n)
        guard srs > 0, srs.isFinite else { return nil }
        let ratio = se / srs.squareRoot()
        return ratio * ratio
    }

    /// The most categories whose shares' variances come from their joint covariance; beyond,
    /// from each share's own (`VarianceEngine.shareVariances`).
    static let jointShareLimit = 64

    /// One row per category of `factor` that occurs in the domain, in level order: the weighted
    /// share of the domain's rows with a value, with the requested interval (`ProportionInterval`).
    private func proportions(_ request: EstimateRequest, _ factor: CategoricalColumn, domain: [Int32]) throws -> [EstimateRow] {
        let w = design.weights
        let used = domain.filter { factor.codes[Int($0)] >= 0 }
        guard !used.isEmpty else { throw NotEstimable.noValues(request.variable) }
        guard used.contains(where: { w[Int($0)] != 0 }) else { throw NotEstimable.noWeight }
        let k = factor.levels.count
        var shares = [Double](repeating: 0, count: k)
        var counts = [Int](repeating: 0, count: k)
        var W = 0.0
        for r in used {
            W += w[Int(r)]
            shares[Int(factor.codes[Int(r)])] += w[Int(r)]
            counts[Int(factor.codes[Int(r)])] += 1
        }
        shares = shares.map { $0 / W }
        // Each category's variance (NaN when the linearization's standard errors are skipped).
        // The joint call costs k² per stratum, so a variable with very many categories (a
        // proportion of a continuous variable, say) takes the shares' variances alone, each in
        // time for its own rows (`VarianceEngine.shareVariances`), or category by category
        // where the design needs every row for each (calibration, a second stage).
        var variances = [Double](repeating: .nan, count: k)
        if standardErrors, k <= Self.jointShareLimit {
            var values = [Double](repeating: 0, count: used.count * k)
            for (i, r) in used.enumerated() {
                let c = Int(factor.codes[Int(r)])
                let scale = w[Int(r)] / W
                for j in 0..<k { values[i * k + j] = scale * ((j == c ? 1 : 0) - shares[j]) }
            }
            let covariance = try engine.covariance(Influence(rows: used, width: k, values: values))
            for j in 0..<k { variances[j] = covariance[j, j] }
        } else if standardErrors, let sparse = try engine.shareVariances(rows: used, codes: used.map { factor.codes[Int($0)] }, count: k,
                                                                                    shares: shares, weight: W) {
            variances = sparse
        } else if standardErrors {
            for j in 0..<k {
                let values = used.map { r in w[Int(r)] / W * ((Int(factor.codes[Int(r)]) == j ? 1 : 0) - shares[j]) }
                variances[j] = try engine.covariance(Influence(rows: used, width: 1, values: values))[0, 0]
            }
        }
        let observed = simpleRandomSampleSize(used)
        // The df the interval takes, the same for every category: counted once.
        let df: Double? = switch request.proportionInterval {
        case .wald: degreesOfFreedom(request, rows: used, designByDefault: false)
        case .logit, .wilson: degreesOfFreedom(request, rows: used, designByDefault: request.proportionInterval == .logit)
        case .kornGraubard: Double(design.degreesOfFreedom(rows: used))
        }
        return (0..<k).map { j in
            let p = shares[j]
            let variance = variances[j]
            var result = EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [],
                                     category: factor.levels[j], estimate: p, standardError: variance.squareRoot(),
                                     confidenceLow: nil, confidenceHigh: nil, df: nil, n: used.count, designEffect: nil)
            result.categoryCount = counts[j]
            let unitVariance = p * (1 - p) * Double(observed) / Double(observed - 1)
            let srs = unitVariance * (W - Double(observed)) / (W * Double(observed))
            if observed > 1, srs > 0, srs.isFinite {
                result.simpleRandomSamplingVariance = srs
                if variance.isFinite { result.designEffect = variance / srs }
            }
            let se = variance.squareRoot()
            switch request.proportionInterval {
            case .wald:
                result.inferred = Inferred.wald(p, standardError: se, df: df, level: request.level)
            case .logit, .wilson:
                result.df = df
                // The logit's standard error by the delta method: the intercept-only fit's under linearization.
                result.proportionInterval(request, variance: variance, logitStandardError: se / (p * (1 - p)))
            case .kornGraubard:
                result.df = df
                // The t ratio's row count is R's nrow(design): the domain's rows, but every row of a
                // calibrated design, whose subsets and domains R keeps whole (`[.survey.design2`
                // zeroes the other rows' weights); replicates (--bootstrap too) drop them, as R.
                let calibrated = design.calibration != nil && design.spec.varianceMethod == .linearization
                result.proportionInterval(request, variance: variance, logitStandardError: .nan,
                                          rows: calibrated ? design.rowCount : used.count)
            }
            return result
        }
    }

    /// The q-quantile by R's `qrule="math"` with Woodruff's interval and SE (`WoodruffQuantile`),
    /// t on the domain's design df by default, as `svyquantile`. With `replicateShares` the
    /// share's SE is its replicate spread (`SurveyDesign.replicateCovariance`) with the quantile
    /// held at the full sample's, as R's `woodruffCI` on a replicate design.
    private func quantile(_ request: EstimateRequest, _ y: [Double], domain: [Int32], replicateShares: Bool = false) throws -> [EstimateRow] {
        let used = try present(domain, [y], request.variable)
        guard used.contains(where: { design.weights[Int($0)] != 0 }) else { throw NotEstimable.noWeight }
        let df = degreesOfFreedom(request, rows: used, designByDefault: true)
        let replicateNote = WoodruffQuantile.ReplicateNote()
        let woodruff = try WoodruffQuantile(y, design.weights, rows: used, q: request.q, level: request.level, df: df, engine: engine,
                                            shareStandardError: replicateShares
                                                ? WoodruffQuantile.replicateShareStandardError(y, rows: used, design: design, note: replicateNote) : nil)
        guard woodruff.standardError?.isFinite != false else { throw overflow(request, "the width of its Woodruff interval") }
        // Without both ends of Woodruff's interval there is no standard error: say why; replicates
        // left out of the share's variance are said too.
        let notes = [replicateNote.text, woodruff.noStandardErrorNote].compactMap { $0 }
        let note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        return [EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [], category: nil,
                            estimate: woodruff.estimate, standardError: woodruff.standardError, confidenceLow: woodruff.low,
                            confidenceHigh: woodruff.high, df: df, n: used.count, designEffect: nil, note: note)]
    }

    /// The mean of the values at or below the q-quantile (the "weakest 25 %" measure), with the
    /// linearization of `Linearization.lowerMean`.
    private func lowerMean(_ request: EstimateRequest, _ y: [Double], domain: [Int32]) throws -> [EstimateRow] {
        let (used, _, q) = try quantileOf(request, y, domain: domain)
        let lower = Linearization.lowerMean(y, design.weights, rows: used, cut: q)
        guard lower.estimate.isFinite else { throw overflow(request, "its weighted sum") }
        let v = try variance(Influence(rows: used, width: 1, values: lower.values), request)
        return [row(request, estimate: lower.estimate, se: v.standardError, used: used)]
    }

    // MARK: helpers

    /// The domain's rows with a value, their weighted order, and the requested quantile.
    private func quantileOf(_ request: EstimateRequest, _ y: [Double], domain: [Int32]) throws -> ([Int32], SortedSample, Double) {
        let used = try present(domain, [y], request.variable)
        let sample = SortedSample(y, design.weights, rows: used)
        // The rows have values (`present`); the sample leaves out those of weight 0.
        guard !sample.values.isEmpty else { throw NotEstimable.noWeight }
        return (used, sample, sample.quantile(request.q))
    }

    /// The rows of `domain` that the request's statistic uses: those with a value of each of
    /// its variables (a category, for a proportion).
    private func rowsUsed(_ request: EstimateRequest, domain: [Int32]) throws -> [Int32] {
        switch request.statistic {
        case .proportion:
            let factor = try table.proportionCategories(request.variable)
            return domain.filter { factor.codes[Int($0)] >= 0 }
        case .index: return rowsWithValues(domain, in: [try request.index!.values(in: table)])
        case .ratio: return rowsWithValues(domain, in: [try table.numeric(request.variable), try table.numeric(request.denominator!)])
        default: return rowsWithValues(domain, in: [try table.numeric(request.variable)])
        }
    }

    /// The domain's rows where every given column has a value.
    private func present(_ domain: [Int32], _ columns: [[Double]], _ variable: String) throws -> [Int32] {
        let used = rowsWithValues(domain, in: columns)
        guard !used.isEmpty else { throw NotEstimable.noValues(variable) }
        return used
    }

    /// The n of an sd's n/(n − 1) on a domain (after `--subset`) whose rows with a value are
    /// `used`, as R's `svyvar` counts it: on a design without replicates
    /// (`svyvar.survey.design`, `n <- sum(weights(design) != 0)` before `na.rm`), the domain's
    /// rows with a non-zero weight, with or without a value; on a replicate design
    /// (`svyvar.svyrep.design`, `n <- NROW(x)` after `na.rm`, its domains and subsets dropping
    /// the other rows), the rows with a value, weight 0 included. Replicates (`--bootstrap`
    /// too, R's `as.svrepdesign`) keep the full sample's n.
    private func sdCount(domain: [Int32], used: [Int32]) -> Int {
        guard design.spec.varianceMethod == .linearization else { return used.count }
        let w = design.weights
        return domain.reduce(0) { $0 + (w[Int($1)] != 0 ? 1 : 0) }
    }

    /// The variance of a statistic of the request's variable from its finite `influence` values
    /// and its standard error (NaN where the design estimates none, `--lonely-psu average`);
    /// the variance +∞ where it is beyond a double but its square root, the standard error, is not.
    /// - Throws: `overflow` when an influence value or the standard error exceeds a double.
    private func variance(_ influence: Influence, _ request: EstimateRequest) throws -> (variance: Double, standardError: Double) {
        let covariance = try engine.covariance(influence)
        var se = covariance.standardError(0)
        guard !se.isInfinite, influence.values.allSatisfy(\.isFinite) else {
            throw overflow(request, "a weighted sum in the variance of its \(request.statistic.rawValue) estimate")
        }
        // Influence values so small that their squares underflow (values near 1e-200: an index
        // on a range of 1e200) gave a variance, and so a standard error, of 0: the variance is
        // taken again of the values scaled by a power of two (exactly), its root scaled back.
        if se == 0, let largest = influence.values.lazy.map(abs).max(), largest > 0, largest < Self.underflowingInfluence {
            let scale = Double(sign: .plus, exponent: -largest.exponent, significand: 1)
            let scaled = try engine.covariance(Influence(rows: influence.rows, width: 1, values: influence.values.map { $0 * scale }))
            se = scaled.standardError(0) / scale
        }
        return (covariance[0, 0], se)
    }

    /// Below this largest influence value, a variance of 0 may be an underflow of its squares
    /// (2^-400, about 4e-121: squares and their sums stay normal doubles above it).
    static let underflowingInfluence = 0x1p-400

    /// The error that `what` of the request's variable (its weighted sum, say) exceeds a double.
    private func overflow(_ request: EstimateRequest, _ what: String) -> DisparityError {
        .overflow(file: table.source, column: request.variable, what)
    }

    /// The df of an interval on `rows` by the one policy (`DegreesOfFreedom`).
    private func degreesOfFreedom(_ request: EstimateRequest, rows: [Int32], designByDefault: Bool) -> Double? {
        request.degreesOfFreedom.resolved(designByDefault: designByDefault) { design.degreesOfFreedom(rows: rows) }
    }

    /// A Wald-interval row on the rows used.
    private func row(_ request: EstimateRequest, estimate: Double, se: Double, used: [Int32]) -> EstimateRow {
        var result = EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [], category: nil,
                                 estimate: estimate, standardError: se, confidenceLow: nil, confidenceHigh: nil,
                                 df: nil, n: used.count, designEffect: nil)
        result.inferred = Inferred.wald(estimate, standardError: se, df: degreesOfFreedom(request, rows: used, designByDefault: false),
                                        level: request.level)
        return result
    }
}

extension EstimateRow {
    /// Sets a proportion row's interval by the request's method (`Intervals.proportion`) from
    /// the variance of its share and the standard error of its logit, on the row's `n` rows
    /// (or `rows`, Korn-Graubard's count where it differs) and `df`; without degrees of freedom left for the method, no interval and no df.
    mutating func proportionInterval(_ request: EstimateRequest, variance: Double, logitStandardError: Double, rows: Int? = nil) {
        let interval = Intervals.proportion(request.proportionInterval, estimate, variance: variance, logitStandardError: logitStandardError,
                                            rows: rows ?? n, df: df, level: request.level)
        (confidenceLow, confidenceHigh) = (interval?.0, interval?.1)
        if interval == nil { df = nil }
    }
}
