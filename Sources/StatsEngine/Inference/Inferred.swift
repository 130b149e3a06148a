/// One estimate with its inference: standard error, the df of its interval and the interval
/// itself. The single place where a variance becomes an interval, a p-value or a verdict, for
/// every command (as a statsmodels results object does for its parameters).
public struct Inferred: Sendable, Equatable {
    public var estimate: Double
    /// Nil where no standard error exists (a single observation, a degenerate interval).
    public var standardError: Double?
    /// Degrees of freedom of the interval; nil where the normal was used.
    public var df: Double?
    public var low: Double?
    public var high: Double?

    public init(estimate: Double, standardError: Double?, df: Double?, low: Double?, high: Double?) {
        self.estimate = estimate
        self.standardError = standardError
        self.df = df
        self.low = low
        self.high = high
    }

    /// The Wald interval estimate ± critical·SE at `level` (normal where `df` is nil, else t).
    /// A non-finite or negative variance gives no SE and no interval, never NaN.
    public static func wald(_ estimate: Double, variance: Double, df: Double?, level: Double) -> Inferred {
        let se = variance >= 0 && variance.isFinite ? variance.squareRoot() : nil
        return wald(estimate, standardError: se, df: df, level: level)
    }

    /// The Wald interval from a standard error.
    public static func wald(_ estimate: Double, standardError se: Double?, df: Double?, level: Double) -> Inferred {
        var result = Inferred(estimate: estimate, standardError: se, df: df, low: nil, high: nil)
        if let se, estimate.isFinite, let z = Intervals.critical(level: level, df: df) {
            (result.low, result.high) = Intervals.wald(estimate, se, critical: z)
        }
        return result
    }

    /// The Wald statistic estimate / SE (t where `df` is given, z where it is nil); nil without a
    /// positive, finite standard error.
    public var statistic: Double? {
        guard let se = standardError, se > 0, se.isFinite else { return nil }
        return estimate / se
    }

    /// The two-sided p-value of the hypothesis that the quantity is zero: Student t with `df`, the
    /// normal where `df` is nil; nil without a statistic or where the t has no degrees of freedom.
    public var twoSidedPValue: Double? {
        guard let statistic else { return nil }
        guard let df else { return 2 * Normal.survival(abs(statistic)) }
        return df > 0 ? 2 * StudentT.survival(abs(statistic), df: df) : nil
    }

    /// The same quantity in other units (`--scale pp` multiplies by 100).
    public func scaled(by factor: Double) -> Inferred {
        guard factor != 1 else { return self }
        return Inferred(estimate: estimate * factor, standardError: standardError.map { $0 * abs(factor) }, df: df,
                        low: low.map { $0 * factor }, high: high.map { $0 * factor })
    }

    /// The verdict of the interval against a target (inconclusive without an interval).
    public func verdict(against target: Target) -> Target.Verdict {
        guard let low, let high else { return .inconclusive }
        return target.verdict(low: low, high: high)
    }

    /// The one-sided p-value that the target is not met (`Target.pValue`).
    public func pValue(against target: Target) -> Double? {
        standardError.flatMap { target.pValue(estimate: estimate, standardError: $0, df: df) }
    }
}

