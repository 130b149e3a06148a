import Foundation

// MARK: - Regularized incomplete beta I_x(a, b)
//
// Algorithm outline (after DiDonato & Morris, TOMS 708 "BRATIO"):
//
// * Every evaluation carries x, y = 1 - x and δ = x·b - y·a as separately
//   accurate numbers.  δ is the signed distance from the mean in the natural
//   scale of the problem (λ = a - (a+b)x = -δ); callers such as Student t and
//   Fisher F can form it without cancellation from their own arguments, which
//   matters for shape parameters up to ~1e7 where a relative error of one
//   ulp in x would otherwise be amplified by √a.
// * The power term xᵃyᵇ/B(a,b) is evaluated in Stirling-scaled form
//   √(ab/(2π(a+b)))·exp(a·log1pmx(δ/a) + b·log1pmx(-δ/b) + Stirling terms)
//   (TOMS 708 "BRCOMP"), in which the two exponent terms are both ≤ 0, so
//   nothing cancels even for a, b ~ 1e7.
// * The tail on the near side of the mean (λ ≥ 0 after a possible swap
//   a↔b, x↔y) is computed directly, by the power series (BPSER) when x ≤ 0.7
//   and b·x ≤ 0.7 or b ≤ 1, and otherwise by the continued fraction of BFRAC,
//   evaluated with the modified Lentz algorithm.  Together these replace the
//   asymptotic expansions of TOMS 708 (BASYM, BGRAT): the fraction needs
//   O(√max(a,b)) terms at worst, a few thousand for shapes ~1e7, which is
//   fast enough and keeps full accuracy.  The other tail is 1 minus it, which never
//   cancels because the near-side tail is at most ~½ (≲0.95 for extremely
//   skewed shapes such as a = 0.01, b = 1e7).

extension DistributionNumerics {
    /// y = 1 - x and δ = x·b - y·a for an x given alone, using the exact value
    /// of 1 - x (the rounding error of y is recovered exactly and folded into δ)
    /// and exact products (fused multiply-add), so δ is accurate even when it
    /// is tiny compared with x·b.
    static func betaComplementAndDelta(x: Double, a: Double, b: Double) -> (y: Double, delta: Double) {
        let y = 1 - x
        // 1 - y and (1 - y) - x are both exact (Sterbenz), so 1 - x = y + yLow exactly.
        let yLow = (1 - y) - x
        let xb = x * b
        let xbLow = (-xb).addingProduct(x, b)
        let ya = y * a
        let yaLow = (-ya).addingProduct(y, a)
        let delta = (xb - ya) + ((xbLow - yaLow) - yLow * a)
        return (y, delta)
    }

    /// log(xᵃ·yᵇ / B(a, b)), accurate to a few ulps of the log-magnitude
    /// (see the file header).  `delta` = x·b - y·a.
    static func logBetaPowerTerm(a: Double, b: Double, x: Double, y: Double, delta: Double) -> Double {
        let u = delta / a
        let v = -delta / b
        let termA = u > -0.5 ? a * log1pmx(u) : a * log(x * ((a + b) / a)) - delta
        let termB = v > -0.5 ? b * log1pmx(v) : b * log(y * ((a + b) / b)) + delta
        let rest = 0.5 * (log(a) + log(b) - log(a + b)) - logSqrtTwoPi
            + stirlingError(a + b) - stirlingError(a) - stirlingError(b)
        return (termA + termB) + rest
    }

    /// Returns (I_x(a,b), 1 - I_x(a,b)), each to full relative accuracy.
    ///
    /// `y` must be 1 - x and `delta` must be x·b - y·a, each accurate
    /// to a few ulps (see `betaComplementAndDelta`).
    static func incompleteBetaPair(a: Double, b: Double, x: Double, y: Double, delta: Double)
        -> (lower: Double, upper: Double)
    {
        if a.isNaN || b.isNaN || x.isNaN || y.isNaN || delta.isNaN { return (.nan, .nan) }
        if !(a > 0) || !(b > 0) || a == .infinity || b == .infinity { return (.nan, .nan) }
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        // λ = a - (a+b)x = -δ ≥ 0 means x is at or below the mean: compute I_x directly.
        let swap = delta > 0
        let (a0, b0, x0, y0, d0) = swap ? (b, a, y, x, -delta) : (a, b, x, y, delta)
        let w: Double
        if x0 <= 0.7 && (b0 * x0 <= 0.7 || b0 <= 1) {
            w = betaPowerSeries(a: a0, b: b0, x: x0, y: y0, delta: d0)
        } else {
            w = betaContinuedFraction(a: a0, b: b0, x: x0, y: y0, delta: d0)
        }
        return swap ? (1 - w, w) : (w, 1 - w)
    }

    /// BPSER: I_x(a,b) = xᵃ/B(a,b)·[1/a + Σⱼ (1-b)(2-b)…(j-b)/j!·xʲ/(a+j)].
    /// Used for x ≤ 0.7 with either b·x ≤ 0.7 (terms shrink like (bx)ʲ/j!,
    /// cancellation ≤ e^0.7) or b ≤ 1 (all terms positive, shrinking like xʲ).
    /// The prefactor xᵃ/B(a,b) is the scaled power term divided by yᵇ.
    static func betaPowerSeries(a: Double, b: Double, x: Double, y: Double, delta: Double) -> Double {
        let logY = x < 0.5 ? log1p(-x) : log(y)
        let logPrefactor = logBetaPowerTerm(a: a, b: b, x: x, y: y, delta: delta) - b * logY
        var sum = 0.0
        var c = 1.0
        let leading = 1 / a
        var j = 1.0
        while j < 1e6 {
            c *= (1 - b / j) * x
            let term = c / (a + j)
            sum += term
            if abs(term) <= 1e-17 * abs(leading + sum) { break }
            j += 1
        }
        let series = leading + sum
        return exp(logPrefactor) * series
    }

    /// BFRAC: I_x(a,b) = xᵃyᵇ/B(a,b) / (β₀ + α₁/(β₁ + α₂/(β₂ + …))), the
    /// continued fraction of TOMS 708 written in terms of λ = a - (a+b)x ≥ 0,
    /// which converges for x below the mean (≈ √(max(a,b)) terms at worst).
    static func betaContinuedFraction(a: Double, b: Double, x: Double, y: Double, delta: Double) -> Double {
        let logPrefactor = logBetaPowerTerm(a: a, b: b, x: x, y: y, delta: delta)
        let lambda = -delta
        let c = lambda + 1
        let c0 = b / a
        let c1 = 1 / a + 1
        let yp1 = y + 1
        let f = continuedFraction(b0: c / c1) { n in
            let nd = Double(n)
            let p = 1 + (nd - 1) / a
            let s = a + 2 * nd - 1
            let t = nd / a
            let w = nd * (b - nd) * x
            let e = a / s
            let alpha = p * (p + c0) * e * e * (w * x)
            let e2 = (t + 1) / (c1 + t + t)
            let beta = nd + w / s + e2 * (c + nd * yp1)
            return (alpha, beta)
        }
        return exp(logPrefactor) / f
    }

    /// Solves for x in (0, ½] the equation I_x(a, b) = target (`targetIsLower`)
    /// or 1 - I_x(a, b) = target (otherwise), given that the root is ≤ ½.
    /// See `inverseRegularizedIncompleteBeta`.
    static func inverseBetaBelowHalf(target: Double, targetIsLower: Bool, a: Double, b: Double) -> Double {
        if target == 0 && targetIsLower { return 0 }
        let logTarget = log(target)
        // --- starting value: AS 109 (Majumder & Bhattacharjee 1973, after
        // Carter 1947 / Abramowitz & Stegun 26.5.22), with an exact normal
        // deviate z (upper-tail deviate of the lower-tail probability).
        let z = targetIsLower ? -Normal.quantile(target) : Normal.quantile(target)
        let logBeta = lgamma(a) + lgamma(b) - lgamma(a + b)
        var x0: Double
        if a > 1 && b > 1 {
            let r = (z * z - 3) / 6
            let s = 1 / (2 * a - 1)
            let t = 1 / (2 * b - 1)
            let h = 2 / (s + t)
            let w = z * sqrt(h + r) / h - (t - s) * (r + 5.0 / 6 - 2 / (3 * h))
            x0 = w > 0 ? a * exp(-2 * w) / (b + a * exp(-2 * w)) : a / (a + b * exp(2 * w))
        } else {
            let r = 2 * b
            let t9 = 1 / (9 * b)
            let chi = r * pow(1 - t9 + z * sqrt(t9), 3)
            let lowerP = targetIsLower ? target : 1 - target
            if chi <= 0 {
                x0 = -expm1((log1p(-lowerP) + log(b) + logBeta) / b)
            } else {
                let tt = (4 * a + r - 2) / chi
                x0 = tt <= 1 ? exp((log(lowerP * a) + logBeta) / a) : 1 - 2 / (tt + 1)
            }
        }
        if targetIsLower {
            // Small-x asymptote I_x ≈ xᵃ/(a·B(a,b)), exact in the far lower tail.
            let power = exp((logTarget + log(a) + logBeta) / a)
            if !(x0 > 0 && x0 < 0.5) || (power < x0 && power > 0) { x0 = power }
        }
        if !(x0 > 0 && x0 < 0.5) { x0 = min(a / (a + b), 0.25) }

        // The bracket reaches slightly past ½ so that a root at exactly ½ is interior.
        return solveMonotone(initial: x0, lower: 0, upper: 0.5 + 0x1p-20, increasing: targetIsLower) { x in
            let (y, delta) = betaComplementAndDelta(x: x, a: a, b: b)
            let pair = incompleteBetaPair(a: a, b: b, x: x, y: y, delta: delta)
            let tail = targetIsLower ? pair.lower : pair.upper
            if !(tail > 0) { return (-.infinity, .nan) }
            // density/tail = xᵃ⁻¹yᵇ⁻¹/(B(a,b)·tail), formed in logs (no underflow).
            let ratio = exp(logBetaPowerTerm(a: a, b: b, x: x, y: y, delta: delta) - log(x) - log(y) - log(tail))
            return (log(tail) - logTarget, targetIsLower ? ratio : -ratio)
        }
    }
}

/// Regularized incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b), the
/// Beta(a, b) distribution function.
///
/// Accurate to ~1e-14 relative for a, b from 0.01 to 1e7 and results down to
/// 1e-300 (TOMS 708-style power series / continued fraction with a
/// Stirling-scaled power term; see the notes at the top of this file).
/// Returns NaN for NaN or invalid (a ≤ 0, b ≤ 0, x ∉ [0, 1]) input.
public func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
    if x.isNaN || x < 0 || x > 1 { return .nan }
    let (y, delta) = DistributionNumerics.betaComplementAndDelta(x: x, a: a, b: b)
    return DistributionNumerics.incompleteBetaPair(a: a, b: b, x: x, y: y, delta: delta).lower
}

/// Complement 1 - I_x(a, b) = I_{1-x}(b, a), evaluated directly so that
/// upper-tail probabilities keep full relative accuracy.
public func regularizedIncompleteBetaComplement(x: Double, a: Double, b: Double) -> Double {
    if x.isNaN || x < 0 || x > 1 { return .nan }
    let (y, delta) = DistributionNumerics.betaComplementAndDelta(x: x, a: a, b: b)
    return DistributionNumerics.incompleteBetaPair(a: a, b: b, x: x, y: y, delta: delta).upper
}

/// Inverse of the regularized incomplete beta function: the x in [0, 1] with
/// I_x(a, b) = p, or with 1 - I_x(a, b) = p when `upper` is true.
///
/// The smaller tail probability is always the target, and the equation is
/// solved for whichever of x and 1 - x is ≤ ½ (via I_x(a,b) = 1 - I_{1-x}(b,a)),
/// so both tiny and near-1 answers carry full relative precision.  Starting value: AS 109's normal/chi-square approximation or the
/// small-x asymptote xᵃ/(a·B(a,b)), whichever is appropriate; refinement:
/// safeguarded Newton on log I_x, bracketed in (0, 1).  p = 0 and 1 give the
/// bounds 0 and 1; NaN or invalid input gives NaN.
public func inverseRegularizedIncompleteBeta(p: Double, a: Double, b: Double, upper: Bool = false) -> Double {
    if p.isNaN || a.isNaN || b.isNaN || p < 0 || p > 1 || !(a > 0) || !(b > 0)
        || a == .infinity || b == .infinity
    {
        return .nan
    }
    if p == 0 { return upper ? 1 : 0 }
    if p == 1 { return upper ? 0 : 1 }
    // Work with the smaller of p and 1 - p (exact in double precision) ...
    let small = min(p, 1 - p)
    let smallIsLower = upper ? p > 0.5 : p <= 0.5
    // ... and with whichever of x and 1 - x is ≤ ½, so the answer carries
    // full relative precision at both ends: the root is below ½ exactly when
    // the tail probabilities at ½ exceed the target on the target's side.
    let half = DistributionNumerics.incompleteBetaPair(a: a, b: b, x: 0.5, y: 0.5, delta: 0.5 * (b - a))
    let rootBelowHalf = smallIsLower ? half.lower > small : half.upper < small
    if rootBelowHalf {
        return DistributionNumerics.inverseBetaBelowHalf(target: small, targetIsLower: smallIsLower, a: a, b: b)
    }
    // By symmetry, y = 1 - x solves I_y(b, a) = 1 - I_x(a, b), with y ≤ ½.
    let y = DistributionNumerics.inverseBetaBelowHalf(target: small, targetIsLower: !smallIsLower, a: b, b: a)
    return 1 - y
}
