/// `disparity estimate`: means, totals, standard deviations, proportions, ratios, quantiles and
/// lower-tail means, overall or by domain, each with a design-based standard error from the one
/// variance engine and an R-compatible confidence interval.
///
/// Domains are R's subset domains: each keeps the whole design (strata and PSUs it does not
/// touch count as zero totals), and rows missing the analysed variable leave the domain, as
/// `svyby(..., na.rm = TRUE)` does. The data are grouped once; each domain then costs time in
/// proportion to its own rows.
public struct DescriptiveEstimator: Sendable {
    public let table: Table
    public let design: SurveyDesign
    public let engine: VarianceEngine

    public init(table: Table, design: SurveyDesign) {
        self.table = table
        self.design = design
        self.engine = VarianceEngine(design: design)
    }

    public func estimate(_ request: EstimateRequest) throws -> [EstimateRow] {
        try request.validate()
        let domains = try Domains(table: table, by: request.by).within(try request.subset?.rows(of: table))
        let statistic = try statisticFunction(request)
        if let replicates = request.bootstrapReplicates {
            return try bootstrapped(request, replicates: replicates)
        }
        var out: [EstimateRow] = []
        for d in domains.rows.indices {
            let group = zip(domains.columns, domains.labels[d]).map { (column: $0, level: $1) }
            do {
                out += try statistic(domains.rows[d]).map { var row = $0; row.group = group; return row }
            } catch let error as EmptyDomain {
                let place = group.isEmpty ? "the data" : "domain " + group.map { "\($0.column)=\($0.level)" }.joined(separator: ", ")
                throw DisparityError.data(file: table.source, column: request.variable, "\(place) has no rows with a value of '\(error.variable)'")
            }
        }
        return out
    }

    private struct EmptyDomain: Error { let variable: String }

    /// The rows with standard errors from the Rao-Wu bootstrap (Wald intervals on them, with the
    /// df the statistic would use).
    private func bootstrapped(_ request: EstimateRequest, replicates: Int) throws -> [EstimateRow] {
        var copy = request
        copy.bootstrapReplicates = nil
        let single = copy, table = self.table
        let rows = try estimate(single)
        let covariance = try RaoWuBootstrap(design: design, replicates: replicates, seed: request.seed).covariance { replicate in
            try DescriptiveEstimator(table: table, design: replicate).estimate(single).map(\.estimate)
        }
        return rows.enumerated().map { i, row in
            var row = row
            let se = covariance[i, i].squareRoot()
            row.standardError = se.isFinite ? se : nil
            if let se = row.standardError, let z = Intervals.critical(level: request.level, df: row.df) {
                (row.confidenceLow, row.confidenceHigh) = Intervals.wald(row.estimate, se, critical: z)
            }
            row.designEffect = nil
            return row
        }
    }

    /// The per-domain computation for the requested statistic, with its columns read once.
    private func statisticFunction(_ request: EstimateRequest) throws -> ([Int32]) throws -> [EstimateRow] {
        let name = request.variable
        if request.statistic == .proportion {
            let factor = try table.categorical(name)
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
            return { try self.quantile(request, y, domain: $0) }
        case .lowerMean:
            return { try self.lowerMean(request, y, domain: $0) }
        case .proportion, .index:
            preconditionFailure("handled above")
        }
    }

    // MARK: statistics

    private func moment(_ request: EstimateRequest, _ y: [Double], domain: [Int32]) throws -> [EstimateRow] {
        let w = design.weights
        let used = try present(domain, [y], request.variable)
        let (mean, W) = WeightedMean.of(y, w, rows: used)
        let observed = used.reduce(0) { $0 + (w[Int($1)] != 0 ? 1 : 0) }
        let spread = WeightedMean.squaredDeviations(y, w, rows: used, about: mean)
        // R's svyvar of the centred values: the design-effect denominator.
        let unitVariance = observed > 1 ? spread / W * Double(observed) / Double(observed - 1) : .nan
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
            // R's svyvar: n counts the domain's rows with a non-zero weight, analysed value
            // present or not, and the variance is svymean((y - ȳ)² n/(n-1)).
            let n = Double(domain.reduce(0) { $0 + (w[Int($1)] != 0 ? 1 : 0) })
            guard n > 1 else {
                // One observation has no spread to estimate: the row says so with nulls.
                return [EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [], category: nil,
                                    estimate: .nan, standardError: nil, confidenceLow: nil, confidenceHigh: nil,
                                    df: nil, n: used.count, designEffect: nil)]
            }
            let factor = n / (n - 1)
            let variance = spread / W * factor
            for (i, r) in used.enumerated() {
                let d = y[Int(r)] - mean
                values[i] = w[Int(r)] * (d * d * factor - variance) / W
            }
            let sd = variance.squareRoot()
            let v = try engine.covariance(Influence(rows: used, width: 1, values: values))[0, 0]
            return [row(request, estimate: sd, se: sd > 0 ? v.squareRoot() / (2 * sd) : 0, domain: domain, used: used)]
        }
        let v = try engine.covariance(Influence(rows: used, width: 1, values: values))[0, 0]
        var result = row(request, estimate: estimate, se: v.squareRoot(), domain: domain, used: used)
        if let srs = srsVariance, srs > 0, srs.isFinite { result.designEffect = v / srs }
        return [result]
    }

    private func ratio(_ request: EstimateRequest, _ y: [Double], _ x: [Double], domain: [Int32]) throws -> [EstimateRow] {
        let used = try present(domain, [y, x], request.variable)
        guard let ratio = Linearization.ratio(y, x, design.weights, rows: used) else {
            throw DisparityError.analysis("\(table.source): the weighted total of '\(request.denominator!)' is zero, so the ratio is undefined")
        }
        let v = try engine.covariance(Influence(rows: used, width: 1, values: ratio.values))[0, 0]
        return [row(request, estimate: ratio.estimate, se: v.squareRoot(), domain: domain, used: used)]
    }

    private func proportions(_ request: EstimateRequest, _ factor: CategoricalColumn, domain: [Int32]) throws -> [EstimateRow] {
        let w = design.weights
        let used = domain.filter { factor.codes[Int($0)] >= 0 }
        guard !used.isEmpty else { throw EmptyDomain(variable: request.variable) }
        let k = factor.levels.count
        var shares = [Double](repeating: 0, count: k)
        var W = 0.0
        for r in used {
            W += w[Int(r)]
            shares[Int(factor.codes[Int(r)])] += w[Int(r)]
        }
        shares = shares.map { $0 / W }
        // Each category's variance. The joint call costs k² per stratum, so a variable with
        // very many categories (a proportion of a continuous variable, say) goes category by
        // category instead.
        var variances = [Double](repeating: 0, count: k)
        if k <= 64 {
            var values = [Double](repeating: 0, count: used.count * k)
            for (i, r) in used.enumerated() {
                let c = Int(factor.codes[Int(r)])
                let scale = w[Int(r)] / W
                for j in 0..<k { values[i * k + j] = scale * ((j == c ? 1 : 0) - shares[j]) }
            }
            let covariance = try engine.covariance(Influence(rows: used, width: k, values: values))
            for j in 0..<k { variances[j] = covariance[j, j] }
        } else {
            for j in 0..<k {
                let values = used.map { r in w[Int(r)] / W * ((Int(factor.codes[Int(r)]) == j ? 1 : 0) - shares[j]) }
                variances[j] = try engine.covariance(Influence(rows: used, width: 1, values: values))[0, 0]
            }
        }
        let observed = used.reduce(0) { $0 + (w[Int($1)] != 0 ? 1 : 0) }
        return (0..<k).map { j in
            let p = shares[j]
            let variance = variances[j]
            var result = EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [],
                                     category: factor.levels[j], estimate: p, standardError: variance.squareRoot(),
                                     confidenceLow: nil, confidenceHigh: nil, df: nil, n: used.count, designEffect: nil)
            let unitVariance = p * (1 - p) * Double(observed) / Double(observed - 1)
            let srs = unitVariance * (W - Double(observed)) / (W * Double(observed))
            if observed > 1, srs > 0, srs.isFinite { result.designEffect = variance / srs }
            let domainDF = Double(design.degreesOfFreedom(rows: domain))
            switch request.proportionInterval {
            case .wald:
                setWald(&result, request, domain: domain)
            case .logit:
                let df = chosenDF(request, automatic: domainDF, domain: domain)
                if let z = Intervals.critical(level: request.level, df: df) {
                    (result.confidenceLow, result.confidenceHigh) = Intervals.logit(p, variance.squareRoot(), critical: z)
                    result.df = df
                }
            case .kornGraubard:
                let rows = domain.reduce(0) { $0 + (w[Int($1)] != 0 ? 1 : 0) }
                if let (low, high) = Intervals.kornGraubard(p, variance: variance, rows: rows, df: domainDF, level: request.level) {
                    (result.confidenceLow, result.confidenceHigh) = (low, high)
                    result.df = domainDF
                }
            case .wilson:
                let df = chosenDF(request, automatic: nil, domain: domain)
                if let z = Intervals.critical(level: request.level, df: df) {
                    (result.confidenceLow, result.confidenceHigh) = Intervals.wilson(p, variance: variance, rows: observed, critical: z)
                    result.df = df
                }
            }
            return result
        }
    }

    private func quantile(_ request: EstimateRequest, _ y: [Double], domain: [Int32]) throws -> [EstimateRow] {
        let (used, sample, estimate) = try quantileOf(request, y, domain: domain)
        // Woodruff: an interval for the share at or below the estimate, mapped back through the
        // quantile function; R uses the design df of the rows analysed by default.
        let (share, values) = belowShare(y, used: used, threshold: estimate)
        let v = try engine.covariance(Influence(rows: used, width: 1, values: values))[0, 0]
        let df = chosenDF(request, automatic: Double(design.degreesOfFreedom(rows: used)), domain: used)
        var result = EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [], category: nil,
                                 estimate: estimate, standardError: nil, confidenceLow: nil, confidenceHigh: nil,
                                 df: df, n: used.count, designEffect: nil)
        guard let z = Intervals.critical(level: request.level, df: df) else { return [result] }
        let (low, high) = Intervals.wald(share, v.squareRoot(), critical: z)
        result.confidenceLow = low < 0 ? nil : sample.quantile(low)
        result.confidenceHigh = high > 1 ? nil : sample.quantile(high)
        if let l = result.confidenceLow, let h = result.confidenceHigh { result.standardError = (h - l) / (2 * z) }
        return [result]
    }

    /// The mean of the values at or below the q-quantile (the "weakest 25 %" measure), with the
    /// linearization of `Linearization.lowerMean`.
    private func lowerMean(_ request: EstimateRequest, _ y: [Double], domain: [Int32]) throws -> [EstimateRow] {
        let (used, _, q) = try quantileOf(request, y, domain: domain)
        let lower = Linearization.lowerMean(y, design.weights, rows: used, cut: q)
        let v = try engine.covariance(Influence(rows: used, width: 1, values: lower.values))[0, 0]
        return [row(request, estimate: lower.estimate, se: v.squareRoot(), domain: domain, used: used)]
    }

    // MARK: helpers

    /// The domain's rows with a value, their weighted order, and the requested quantile.
    private func quantileOf(_ request: EstimateRequest, _ y: [Double], domain: [Int32]) throws -> ([Int32], SortedSample, Double) {
        let used = try present(domain, [y], request.variable)
        let sample = SortedSample(y, design.weights, rows: used)
        guard !sample.values.isEmpty else { throw EmptyDomain(variable: request.variable) }
        return (used, sample, sample.quantile(request.q))
    }

    /// The domain's rows where every given column has a value.
    private func present(_ domain: [Int32], _ columns: [[Double]], _ variable: String) throws -> [Int32] {
        let used = domain.filter { r in columns.allSatisfy { !$0[Int(r)].isNaN } }
        guard !used.isEmpty else { throw EmptyDomain(variable: variable) }
        return used
    }

    /// The weighted share of `used` rows at or below `threshold`, and its influence values.
    private func belowShare(_ y: [Double], used: [Int32], threshold: Double) -> (Double, [Double]) {
        let w = design.weights
        var W = 0.0, below = 0.0
        for r in used {
            W += w[Int(r)]
            if y[Int(r)] <= threshold { below += w[Int(r)] }
        }
        let share = below / W
        let values = used.map { r in w[Int(r)] * ((y[Int(r)] <= threshold ? 1 : 0) - share) / W }
        return (share, values)
    }

    /// The df an interval uses: the statistic's R default (`automatic`, nil = normal) unless
    /// the user chose.
    private func chosenDF(_ request: EstimateRequest, automatic: Double?, domain: [Int32]) -> Double? {
        switch request.degreesOfFreedom {
        case .automatic: return automatic
        case .normal: return nil
        case .design: return Double(design.degreesOfFreedom(rows: domain))
        case .fixed(let v): return v
        }
    }

    /// A Wald-interval row.
    private func row(_ request: EstimateRequest, estimate: Double, se: Double, domain: [Int32], used: [Int32]) -> EstimateRow {
        var result = EstimateRow(variable: request.variable, statistic: request.statistic.rawValue, group: [], category: nil,
                                 estimate: estimate, standardError: se, confidenceLow: nil, confidenceHigh: nil,
                                 df: nil, n: used.count, designEffect: nil)
        setWald(&result, request, domain: domain)
        return result
    }

    private func setWald(_ result: inout EstimateRow, _ request: EstimateRequest, domain: [Int32]) {
        let df = chosenDF(request, automatic: nil, domain: domain)
        guard let se = result.standardError, let z = Intervals.critical(level: request.level, df: df) else { return }
        (result.confidenceLow, result.confidenceHigh) = Intervals.wald(result.estimate, se, critical: z)
        result.df = df
    }
}
