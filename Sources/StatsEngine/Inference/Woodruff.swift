/// Woodruff's confidence interval for a quantile (Woodruff 1952; R's `svyquantile` with
/// `interval.type = "mean"`, its default for linearization and replicate designs alike): an
/// interval for the weighted share at or below the estimate, from its design-based variance
/// (linearization, or the replicates' spread of the share with the estimate held fixed),
/// mapped back through the quantile function. Its standard error is
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
    /// The interval's df (nil: normal).
    let df: Double?

    /// - Parameters:
    ///   - rows: the rows used (domain rows with a value).
    ///   - df: the interval's df (nil: normal), by the request's policy.
    ///   - shareStandardError: the standard error of the share at or below the estimate, from its
    ///     value, its influence values and the estimate; nil takes the linearization of `engine`.
    init(_ y: [Double], _ w: [Double], rows: [Int32], q: Double, level: Double, df: Double?, engine: VarianceEngine,
         shareStandardError given: ((_ share: Double, _ influence: [Double], _ estimate: Double) throws -> Double)? = nil) throws {
        let sample = SortedSample(y, w, rows: rows)
        estimate = sample.quantile(q)
        self.rows = rows
        let share = Self.share(y, w, rows: rows, atOrBelow: estimate)
        var W = 0.0
        for r in rows { W += w[Int(r)] }
        let threshold = estimate
        shareInfluence = rows.map { r in w[Int(r)] * ((y[Int(r)] <= threshold ? 1 : 0) - share) / W }
        shareStandardError = try given?(share, shareInfluence, estimate)
            ?? engine.covariance(Influence(rows: rows, width: 1, values: shareInfluence))[0, 0].squareRoot()
        self.df = df
        critical = Intervals.critical(level: level, df: df)
        guard let z = critical else {
            (low, high) = (nil, nil)
            return
        }
        let (lowShare, highShare) = Intervals.wald(share, shareStandardError, critical: z)
        low = lowShare < 0 ? nil : sample.quantile(lowShare)
        high = highShare > 1 ? nil : sample.quantile(highShare)
    }

    /// The weighted share of `rows` whose value is at or below `threshold` (R's
    /// `svymean(x <= qhat)`).
    static func share(_ y: [Double], _ w: [Double], rows: [Int32], atOrBelow threshold: Double) -> Double {
        var W = 0.0, below = 0.0
        for r in rows {
            W += w[Int(r)]
            if y[Int(r)] <= threshold { below += w[Int(r)] }
        }
        return below / W
    }

    /// (high − low) / (2 × critical), nil without both ends.
    var standardError: Double? {
        guard let low, let high, let z = critical else { return nil }
        return (high - low) / (2 * z)
    }

    /// The quantile's influence values: −slope × the share's, with slope = SE / SE(share), and
    /// its interval; nil where the interval does not exist or the share has no variance.
    var linearized: Linearized? {
        guard let se = standardError, shareStandardError > 0 else { return nil }
        let slope = se / shareStandardError
        return Linearized(estimate: estimate, rows: rows, values: shareInfluence.map { -slope * $0 },
                          interval: (low, high, df, se))
    }

    /// The standard error of the share of `rows` at or below a quantile from `design`'s
    /// replicates (for `init`'s `shareStandardError`): each replicate's share at or below the
    /// full sample's quantile, held fixed, combined by the design's replicate variance, as R's
    /// `svyquantile` on a replicate design (`interval.type = "mean"`, its default); NaN where the
    /// design has no replicates. `note`, when given, receives the replicate variance's note
    /// (replicates that gave no share, left out of it).
    static func replicateShareStandardError(_ y: [Double], rows: [Int32], design: SurveyDesign, note: ReplicateNote? = nil)
        -> (_ share: Double, _ influence: [Double], _ estimate: Double) throws -> Double {
        { share, _, estimate in
            let covariance = try design.replicateCovariance(estimates: [share]) { replicate in
                [WoodruffQuantile.share(y, replicate.weights, rows: rows, atOrBelow: estimate)]
            }
            note?.text = covariance?.note(0)
            return covariance?.standardError(0) ?? .nan
        }
    }

    /// The covariance of several cells' quantiles on `design`'s replicate weights, each
    /// linearized through its Woodruff interval as `linearized` does for the variance engine:
    /// the replicates' covariance of the cells' shares at or below their quantiles (each held at
    /// the full sample's, as `replicateShareStandardError`), each share scaled by its cell's
    /// slope SE / SE(share). A cell's own variance is so its interval's SE², and a contrast of
    /// cells (a change between waves, a gap) counts what their shares share over the replicates,
    /// as the joint linearization counts shared PSUs. NaN for a cell without a standard error
    /// (no interval, or a share without variance); nil under linearization.
    /// - Parameters:
    ///   - cells: the quantiles (`estimate`, `rows`, and `interval` with its standard error, as
    ///     made with the replicates' share variance).
    ///   - y: the variable, one value per table row.
    /// - Returns: the quantiles' covariance, and the shares' replicate covariance for its notes
    ///   (replicates that gave a cell no share, left out of it).
    static func replicateCovariance(_ cells: [Linearized], _ y: [Double], design: SurveyDesign) throws
        -> (covariance: Covariance, shares: ReplicateCovariance)? {
        let shares = cells.map { share(y, design.weights, rows: $0.rows, atOrBelow: $0.estimate) }
        guard let replicated = try design.replicateCovariance(estimates: shares, { replicate in
            cells.map { share(y, replicate.weights, rows: $0.rows, atOrBelow: $0.estimate) }
        }) else { return nil }
        let slopes = cells.indices.map { c in
            guard let se = cells[c].interval?.standardError, let shareSE = replicated.standardError(c), shareSE > 0 else { return Double.nan }
            return se / shareSE
        }
        let k = cells.count
        var values = [Double](repeating: 0, count: k * k)
        for a in 0..<k { for b in 0..<k { values[a * k + b] = slopes[a] * replicated[a, b] * slopes[b] } }
        return (Covariance(size: k, values: values), replicated)
    }

    /// Where `replicateShareStandardError` leaves its replicate variance's note.
    final class ReplicateNote {
        /// The note, nil for none.
        var text: String?
    }
}
