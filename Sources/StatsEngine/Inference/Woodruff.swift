/// Woodruff's confidence interval for a quantile (Woodruff 1952; R's `svyquantile` with
/// `interval.type = "mean"`): an interval for the weighted share at or below the estimate, from
/// its design-based variance, mapped back through the quantile function. Its standard error is
/// the interval's width over 2 × the critical value, as R reports it; its linearization (for
/// contrasts between cells) is the share's influence times the slope of the quantile function
/// that the interval implies, so that a cell's variance in a gap equals its `estimate quantile`
/// variance and no kernel density is needed.
struct WoodruffQuantile {
    let estimate: Double
    let rows: [Int32]
    /// Influence values of the share at or below the estimate, on `rows`.
    let shareInfluence: [Double]
    let shareStandardError: Double
    /// The interval's ends: nil where the share's interval leaves [0, 1].
    let low: Double?
    let high: Double?
    let critical: Double?

    /// - Parameters:
    ///   - rows: the rows used (domain rows with a value).
    ///   - df: the interval's df (nil: normal), by the request's policy.
    init(_ y: [Double], _ w: [Double], rows: [Int32], q: Double, level: Double, df: Double?, engine: VarianceEngine) throws {
        let sample = SortedSample(y, w, rows: rows)
        estimate = sample.quantile(q)
        self.rows = rows
        var W = 0.0, below = 0.0
        for r in rows {
            W += w[Int(r)]
            if y[Int(r)] <= estimate { below += w[Int(r)] }
        }
        let share = below / W
        let threshold = estimate
        shareInfluence = rows.map { r in w[Int(r)] * ((y[Int(r)] <= threshold ? 1 : 0) - share) / W }
        shareStandardError = try engine.covariance(Influence(rows: rows, width: 1, values: shareInfluence))[0, 0].squareRoot()
        critical = Intervals.critical(level: level, df: df)
        guard let z = critical else {
            (low, high) = (nil, nil)
            return
        }
        let (lowShare, highShare) = Intervals.wald(share, shareStandardError, critical: z)
        low = lowShare < 0 ? nil : sample.quantile(lowShare)
        high = highShare > 1 ? nil : sample.quantile(highShare)
    }

    /// (high − low) / (2 × critical), nil without both ends.
    var standardError: Double? {
        guard let low, let high, let z = critical else { return nil }
        return (high - low) / (2 * z)
    }

    /// The quantile's influence values: −slope × the share's, with slope = SE / SE(share); nil
    /// where the interval does not exist or the share has no variance.
    var linearized: Linearized? {
        guard let se = standardError, shareStandardError > 0 else { return nil }
        let slope = se / shareStandardError
        return Linearized(estimate: estimate, rows: rows, values: shareInfluence.map { -slope * $0 })
    }
}
