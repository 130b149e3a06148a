import Foundation

/// The beta distribution Beta(a, b), a, b > 0.
///
/// Thin wrapper over the regularized incomplete beta function and its inverse
/// (see IncompleteBeta.swift), accurate to ~1e-13 relative for shapes from
/// 0.01 to 1e7 — the range needed by Korn–Graubard confidence intervals.
/// NaN or invalid input (a ≤ 0, b ≤ 0, infinite shapes) gives NaN.
public enum BetaDistribution {
    /// P(X ≤ x) = I_x(a, b); 0 below the support, 1 above it.
    public static func cdf(_ x: Double, a: Double, b: Double) -> Double {
        if x.isNaN || a.isNaN || b.isNaN || !(a > 0) || !(b > 0) || a == .infinity || b == .infinity {
            return .nan
        }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        return regularizedIncompleteBeta(x: x, a: a, b: b)
    }

    /// The x with I_x(a, b) = p (safeguarded Newton on the log of the smaller
    /// tail from an AS 109 / small-x asymptotic start).  p = 0 → 0, p = 1 → 1.
    public static func quantile(_ p: Double, a: Double, b: Double) -> Double {
        inverseRegularizedIncompleteBeta(p: p, a: a, b: b)
    }
}
