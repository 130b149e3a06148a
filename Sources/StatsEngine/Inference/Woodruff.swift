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

    /// Why the interval gives no standard error, nil where it does: the rows' 0 degrees of
    /// freedom (no t), or an end of the share's interval beyond 0 or 1. `estimate quantile`'s
    /// note, and a gap's on the group's own row.
    var noStandardErrorNote: String? {
        standardError != nil ? nil : df == 0
            ? "no standard error: the design leaves these rows 0 degrees of freedom (R gives NaN)"
            : "no standard error: Woodruff's interval leaves the data (the share's interval passes 0 or 1; R gives NA)"
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

    /// Where `replicateShareStandardError` leaves its replicate variance's note.
    final class ReplicateNote {
        /// The note, nil for none.
        var text: String?
    }
}
