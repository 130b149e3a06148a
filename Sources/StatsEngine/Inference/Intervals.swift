import Foundation

/// Confidence intervals from an estimate and its variance: Wald on the natural scale (normal or
/// t), and for proportions R's `svyciprop` logit and Korn-Graubard intervals and Wilson's.
enum Intervals {
    /// The two-sided critical value at `level`: normal when `df` is nil, else Student t.
    /// Nil when the t has no degrees of freedom left.
    static func critical(level: Double, df: Double?) -> Double? {
        let p = 1 - (1 - level) / 2
        guard let df else { return Normal.quantile(p) }
        return df > 0 ? StudentT.quantile(p, df: df) : nil
    }

    static func wald(_ estimate: Double, _ se: Double, critical: Double) -> (Double, Double) {
        (estimate - critical * se, estimate + critical * se)
    }

    /// A proportion's interval by `method` from its variance, on `rows` rows (R's `nrow` of
    /// the design: the domain's rows with a value, zero weights included) with `df` (nil:
    /// normal): `wald`, `logit` (from the standard error of logit p̂), `kornGraubard`
    /// (which needs a df), `wilson`. Nil when the t has no degrees of freedom left. The same for
    /// a linearized variance and a replicate design's (`DescriptiveEstimator`).
    static func proportion(_ method: ProportionInterval, _ p: Double, variance: Double, logitStandardError: Double, rows: Int,
                           df: Double?, level: Double) -> (Double, Double)? {
        if method == .kornGraubard { return df.flatMap { kornGraubard(p, variance: variance, rows: rows, df: $0, level: level) } }
        guard let critical = critical(level: level, df: df) else { return nil }
        switch method {
        case .wald: return wald(p, variance.squareRoot(), critical: critical)
        case .logit: return logit(p, logitStandardError: logitStandardError, critical: critical)
        case .wilson: return wilson(p, variance: variance, rows: rows, critical: critical)
        case .kornGraubard: preconditionFailure("taken above")
        }
    }

    /// logit p = log(p / (1 − p)).
    static func logit(_ p: Double) -> Double { log(p / (1 - p)) }

    /// Symmetric on the logit scale, as `svyciprop(method = "logit")`: logit p̂ ± critical times
    /// the standard error of logit p̂ (its intercept-only quasibinomial fit's). Degenerate at p = 0 or 1.
    static func logit(_ p: Double, logitStandardError se: Double, critical: Double) -> (Double, Double) {
        guard p > 0, p < 1 else { return (p, p) }
        let centre = logit(p)
        let half = critical * se
        return (expit(centre - half), expit(centre + half))
    }

    /// Korn and Graubard's Clopper-Pearson interval on the effective sample size
    /// p(1-p)/var, deflated by (t_{n-1} / t_df)², exactly as `svyciprop(method = "beta")`.
    /// With a zero variance (p = 0 or 1) the effective size is the row count.
    static func kornGraubard(_ p: Double, variance: Double, rows: Int, df: Double, level: Double) -> (Double, Double)? {
        let alpha = 1 - level
        guard df > 0, rows > 1 else { return nil }
        var effective = variance > 0 ? p * (1 - p) / variance : Double(rows)
        let ratio = StudentT.quantile(alpha / 2, df: Double(rows - 1)) / StudentT.quantile(alpha / 2, df: df)
        effective *= ratio * ratio
        let low = p <= 0 ? 0 : BetaDistribution.quantile(alpha / 2, a: effective * p, b: effective * (1 - p) + 1)
        let high = p >= 1 ? 1 : BetaDistribution.quantile(1 - alpha / 2, a: effective * p + 1, b: effective * (1 - p))
        return (low, high)
    }

    /// Wilson's score interval with the Kish effective sample size p(1-p)/var.
    static func wilson(_ p: Double, variance: Double, rows: Int, critical z: Double) -> (Double, Double) {
        let n = variance > 0 ? p * (1 - p) / variance : Double(rows)
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    static func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
