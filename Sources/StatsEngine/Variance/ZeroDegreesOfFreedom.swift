extension SurveyDesign {
    /// The note of a figure whose standard error `measuresNothing`, or that rests on one: the 0
    /// is shown as R gives it, flagged, and no verdict rests on it.
    static let zeroDegreesOfFreedomNote = "rows in one PSU (or one observation) leave the design 0 degrees of freedom: the standard error of 0 there (R's too) measures nothing, and no verdict rests on it"

    /// Whether `standardError`, of a statistic normalised by its rows' weight (a mean, share,
    /// ratio, standard deviation, lower mean, or a quantile's replicate spread) estimated as
    /// `estimate` on `rows`, is 0 only
    /// because those rows leave the design 0 degrees of freedom: rows in one PSU (one
    /// observation among them) have influence values that sum to 0 in that PSU by construction,
    /// and replicates that scale that PSU's rows alike leave the statistic unchanged, so the
    /// standard error is 0 or rounding noise, which R's `svymean`/`svyby` report as if it were a
    /// precision. Zero up to 1e-9 of the estimate's size is the sign; only then are the rows'
    /// degrees of freedom (`degreesOfFreedom(rows:)`) counted, so figures with a measured error
    /// cost nothing more. A domain total is not normalised: its other PSUs count as zeros, and its
    /// standard error measures their spread.
    func measuresNothing(standardError: Double?, estimate: Double, rows: [Int32]) -> Bool {
        Self.isZero(standardError, of: estimate) && degreesOfFreedom(rows: rows) == 0
    }

    /// Whether `standardError` is finite and 0 up to 1e-9 of `estimate`'s size (rounding noise).
    static func isZero(_ standardError: Double?, of estimate: Double) -> Bool {
        guard let se = standardError, se.isFinite else { return false }
        return se <= 1e-9 * abs(estimate)
    }
}
