import Foundation

/// Student's t distribution with `df` degrees of freedom (df > 0; `.infinity`
/// gives the standard normal).
///
/// Probabilities come from the regularized incomplete beta function:
/// P(|T| > t) = I_x(ν/2, ½) with x = ν/(ν+t²), and P(|T| < t) = I_y(½, ν/2)
/// with y = t²/(ν+t²).  x, y and the beta "distance from the mean"
/// δ = ν(1 - t²)/(2(ν+t²)) are all formed here without cancellation, so the
/// results keep ~1e-14 relative accuracy for ν from 0.5 to 1e7 and for tail
/// probabilities down to 1e-300.  NaN or invalid input (ν ≤ 0) gives NaN.
public enum StudentT {
    /// P(T ≤ t).  The lower tail (t < 0) is computed directly from the tail
    /// probability, the upper half as 1 - tail (≥ ½, so nothing is lost).
    public static func cdf(_ t: Double, df: Double) -> Double {
        guard let split = halves(t, df: df) else { return .nan }
        return t < 0 ? split.tail : 1 - split.tail
    }

    /// P(T > t), computed directly (not as 1 - cdf) so that upper-tail
    /// p-values keep full relative accuracy.
    public static func survival(_ t: Double, df: Double) -> Double {
        guard let split = halves(t, df: df) else { return .nan }
        return t > 0 ? split.tail : 1 - split.tail
    }

    /// The quantile t with P(T ≤ t) = p.
    ///
    /// ν = ∞ → normal quantile; ν = 1 (Cauchy) and ν = 2 use their closed
    /// forms.  Otherwise the beta inverse gives a starting value, which is then
    /// polished by safeguarded Newton steps on log P(T > t) (tails, p < ¼ or
    /// p > ¾) or on log P(0 < T < t) (centre, using the exact |p - ½|), so that
    /// both tail quantiles and quantiles next to the median are accurate to a
    /// few ulps.  p = 0 → -∞, p = 1 → +∞.
    public static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || df.isNaN || p < 0 || p > 1 || !(df > 0) { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if df == .infinity || df > normalLimit { return Normal.quantile(p) }
        let q = min(p, 1 - p)          // exact
        let sign: Double = p < 0.5 ? -1 : 1
        if df == 1 {
            // Cauchy: t = tan(π(p - ½)) = -cot(πp).
            return sign * (q < 0.25 ? 1 / tan(Double.pi * q) : tan(Double.pi * (0.5 - q)))
        }
        if df == 2 {
            // F(t) = ½ + t/(2√(2+t²))  ⇒  |t| = (1 - 2q)/√(2q(1-q))
            return sign * (1 - 2 * q) / sqrt(2 * q * (1 - q))
        }
        let a = df / 2
        let t: Double
        if q < 0.25 {
            // Tail: I_x(ν/2, ½) = 2q with x = ν/(ν+t²).
            let x0 = inverseRegularizedIncompleteBeta(p: 2 * q, a: a, b: 0.5)
            let y0 = 1 - x0
            let start = (x0 > 0 && y0 > 0) ? sqrt(df * y0) / sqrt(x0) : 1
            let logTarget = log(q)
            t = DistributionNumerics.solveMonotone(
                initial: start, lower: 0, upper: .infinity, increasing: false
            ) { t in
                guard let split = halves(t, df: df), split.tail > 0 else { return (-.infinity, .nan) }
                return (log(split.tail) - logTarget, -exp(split.logDensity - log(split.tail)))
            }
        } else {
            // Centre: I_y(½, ν/2) = 1 - 2q = 2|p - ½| with y = t²/(ν+t²).
            let d = 0.5 - q            // exact for q in [¼, ½]
            let y0 = inverseRegularizedIncompleteBeta(p: 2 * d, a: 0.5, b: a)
            let x0 = 1 - y0
            let start = (x0 > 0 && y0 > 0) ? sqrt(df * y0) / sqrt(x0) : 1
            let logTarget = log(d)
            t = DistributionNumerics.solveMonotone(
                initial: start, lower: 0, upper: .infinity, increasing: true
            ) { t in
                guard let split = halves(t, df: df), split.central > 0 else { return (-.infinity, .nan) }
                return (log(split.central) - logTarget, exp(split.logDensity - log(split.central)))
            }
        }
        return sign * t
    }

    /// Degrees of freedom beyond which t(ν) equals N(0,1) to double precision
    /// everywhere it matters (relative difference ≲ t⁴/(4ν) < 1e-16 for the
    /// representable tail).
    private static let normalLimit = 1e25

    /// For |t|: the one-sided tail P(T > |t|), the central mass P(0 < T < |t|),
    /// and the log of the density at t.  Returns nil for NaN or invalid input.
    static func halves(_ t: Double, df: Double) -> (tail: Double, central: Double, logDensity: Double)? {
        if t.isNaN || df.isNaN || !(df > 0) { return nil }
        let at = abs(t)
        if df == .infinity || df > normalLimit {
            return (Normal.survival(at), 0.5 - Normal.survival(at), -0.5 * at * at - DistributionNumerics.logSqrtTwoPi)
        }
        if at == .infinity { return (0, 0.5, -.infinity) }
        if at == 0 {
            let a = df / 2
            let logB: Double = lgamma(a) + lgamma(0.5) - lgamma(a + 0.5)
            return (0.5, 0, -logB - 0.5 * log(df))
        }
        let a = df / 2
        let b = 0.5
        let r = (df / at) / at                 // ν/t²
        if r < 1e-250 {
            // |t| so large that x = ν/(ν+t²) ≈ ν/t² may underflow: use the
            // leading term I_x(a,½) = xᵃ/(a·B(a,½))·(1 + O(x)), exact here.
            let logX = log(df) - 2 * log(at)
            let logB: Double = lgamma(a) + lgamma(0.5) - lgamma(a + 0.5)
            let tail = 0.5 * exp(a * logX - log(a) - logB)
            return (tail, 0.5 - tail, a * logX - logB - log(at))
        }
        // x = ν/(ν+t²), y = t²/(ν+t²), δ = x·b - y·a = ν(1-t²)/(2(ν+t²)).
        let x: Double, y: Double, delta: Double
        let t2 = at * at
        if t2 < 1e300 {
            let s = df + t2
            x = df / s
            y = t2 / s
            delta = df * ((1 - at) * (1 + at)) / (2 * s)
        } else {
            x = r / (1 + r)
            y = 1 / (1 + r)
            delta = (r - df) / (2 * (1 + r))
        }
        let pair = DistributionNumerics.incompleteBetaPair(a: a, b: b, x: x, y: y, delta: delta)
        // d/dt of the tail: the beta power term over |t| (dx/dt = -2xy/t).
        let logDensity = DistributionNumerics.logBetaPowerTerm(a: a, b: b, x: x, y: y, delta: delta) - log(at)
        return (0.5 * pair.lower, 0.5 * pair.upper, logDensity)
    }
}
