import Foundation

/// Fisher's F distribution with numerator/denominator degrees of freedom
/// `df1`, `df2` > 0 (non-integer allowed).
///
/// P(F ≤ f) = I_x(ν₁/2, ν₂/2) with x = ν₁f/(ν₁f + ν₂).  Here x, y = 1 - x and the
/// beta distance from the mean δ = ν₁ν₂(f - 1)/(2(ν₁f + ν₂)) are formed from
/// f directly, which keeps ~1e-13 relative accuracy for degrees of freedom
/// from 0.5 to 1e7 and tail probabilities down to 1e-300.  NaN or invalid input
/// (df ≤ 0 or infinite) gives NaN.
public enum FisherF {
    /// P(F ≤ f).
    public static func cdf(_ x: Double, df1: Double, df2: Double) -> Double {
        guard let r = evaluate(x, df1: df1, df2: df2) else { return .nan }
        return r.lower
    }

    /// P(F > f), computed directly (not 1 - cdf) so that small p-values keep
    /// full relative accuracy.
    public static func survival(_ x: Double, df1: Double, df2: Double) -> Double {
        guard let r = evaluate(x, df1: df1, df2: df2) else { return .nan }
        return r.upper
    }

    /// The f with P(F ≤ f) = p.
    ///
    /// Start from the inverse incomplete beta x (f = ν₂x/(ν₁(1-x))), then
    /// polish with safeguarded Newton steps on the log of the smaller tail in
    /// the f variable itself, so that quantiles whose beta argument is close
    /// to 1 are not limited by the resolution of 1 - x.  p = 0 → 0, p = 1 → +∞.
    public static func quantile(_ p: Double, df1: Double, df2: Double) -> Double {
        if p.isNaN || df1.isNaN || df2.isNaN || p < 0 || p > 1 || !valid(df1, df2) { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        let a = df1 / 2, b = df2 / 2
        let upperTail = p > 0.5
        let target = upperTail ? 1 - p : p     // exact
        let x0 = inverseRegularizedIncompleteBeta(p: p, a: a, b: b)
        var start = (df2 / df1) * (x0 / (1 - x0))
        if !(start > 0) || !start.isFinite { start = 1 }
        let logTarget = log(target)
        return DistributionNumerics.solveMonotone(
            initial: start, lower: 0, upper: .infinity, increasing: !upperTail
        ) { f in
            guard let r = evaluate(f, df1: df1, df2: df2) else { return (.nan, .nan) }
            let tail = upperTail ? r.upper : r.lower
            if !(tail > 0) { return (-.infinity, .nan) }
            let ratio = exp(r.logDensity - log(tail))
            return (log(tail) - logTarget, upperTail ? -ratio : ratio)
        }
    }

    private static func valid(_ df1: Double, _ df2: Double) -> Bool {
        df1 > 0 && df2 > 0 && df1 != .infinity && df2 != .infinity
    }

    /// (cdf, survival, log density) at f; nil for NaN or invalid input.
    private static func evaluate(_ f: Double, df1: Double, df2: Double)
        -> (lower: Double, upper: Double, logDensity: Double)?
    {
        if f.isNaN || df1.isNaN || df2.isNaN || !valid(df1, df2) { return nil }
        if f <= 0 { return (0, 1, -.infinity) }
        if f == .infinity { return (1, 0, -.infinity) }
        let a = df1 / 2, b = df2 / 2
        let x: Double, y: Double, delta: Double
        let numerator = df1 * f
        if numerator.isFinite && numerator < 1e300 {
            let s = numerator + df2
            x = numerator / s
            y = df2 / s
            delta = df1 * (df2 * (f - 1) / (2 * s))
        } else {
            let r = (df2 / df1) / f            // ν₂/(ν₁f), tiny
            x = 1 / (1 + r)
            y = r / (1 + r)
            delta = (b - a * r) / (1 + r)
        }
        let pair = DistributionNumerics.incompleteBetaPair(a: a, b: b, x: x, y: y, delta: delta)
        // dx/df = x·y/f, so the F density is the beta power term over f.
        let logDensity = DistributionNumerics.logBetaPowerTerm(a: a, b: b, x: x, y: y, delta: delta) - log(f)
        return (pair.lower, pair.upper, logDensity)
    }
}
