import Foundation

// MARK: - Shared numerical kernels
//
// The helpers in `DistributionNumerics` are used by every distribution file
// (incomplete gamma, incomplete beta, Student t, chi-squared, F, beta).  They
// live here because the incomplete gamma function is the lowest layer of the
// distribution stack; nothing in this file depends on the other files.

/// Numerical building blocks shared by the probability distributions.
///
/// Everything here is written so that *relative* accuracy survives into the
/// extreme tails (probabilities down to ~1e-300) and to very large shape
/// parameters (up to ~1e7), where the textbook formulas such as
/// `exp(a*log(x) - x - lgamma(a))` lose many digits to cancellation.
enum DistributionNumerics {
    /// log(sqrt(2π)).
    static let logSqrtTwoPi = 0.918_938_533_204_672_741_78

    /// `log(1 + t) - t`, accurate to a few ulps *relative* for every t > -1.
    ///
    /// Near t = 0 the naive `log1p(t) - t` cancels (the result is ~ -t²/2), so
    /// for -0.5 < t < 1 we use the atanh series
    /// `log(1+t) = 2r(1 + r²/3 + r⁴/5 + …)`, `r = t/(2+t)`, which gives
    /// `log(1+t) - t = -r·t + 2r·r²(1/3 + r²/5 + …)` with no cancellation.
    static func log1pmx(_ t: Double) -> Double {
        guard t > -0.5 && t < 1 else { return log1p(t) - t }
        if t == 0 { return 0 }
        let r = t / (2 + t)
        let y = r * r
        // |r| <= 1/3 here, so y <= 1/9 and 20 terms reach below 1e-19.
        var sum = 0.0
        var k = 41.0
        while k >= 3 {
            sum = 1 / k + y * sum
            k -= 2
        }
        return -r * t + 2 * r * y * sum
    }

    /// Stirling-series remainder `log Γ(a) - [(a - ½)·log a - a + log √(2π)]`.
    ///
    /// The remainder, not `lgamma` itself, is what the scaled power terms of the
    /// incomplete gamma/beta functions need: for large a, `lgamma(a)` is huge
    /// and carries an absolute error of ~1e-16·lgamma(a), which would be
    /// exponentiated into the result.  For a ≥ 15 the asymptotic series
    /// (Bernoulli numbers, through a⁻¹³) is accurate to < 1e-17; below that the
    /// direct difference has an absolute error of a few 1e-16, which is
    /// harmless because it only ever enters through `exp`.
    static func stirlingError(_ a: Double) -> Double {
        if a >= 15 {
            let r = 1 / a
            let r2 = r * r
            // 1/12, -1/360, 1/1260, -1/1680, 1/1188, -691/360360, 1/156
            let series = 1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680
                + r2 * (1.0 / 1188 + r2 * (-691.0 / 360_360 + r2 * (1.0 / 156))))))
            return series * r
        }
        return lgamma(a) - ((a - 0.5) * log(a) - a + logSqrtTwoPi)
    }

    /// Evaluates the continued fraction `b0 + a1/(b1 + a2/(b2 + …))` with the
    /// modified Lentz algorithm (Thompson & Barnett 1986), which needs no
    /// rescaling and stops when a step changes the value by < ~2 ulps.
    ///
    /// `term(n)` returns the partial numerator aₙ and denominator bₙ for n ≥ 1.
    static func continuedFraction(
        b0: Double,
        maxIterations: Int = 100_000,
        _ term: (Int) -> (a: Double, b: Double)
    ) -> Double {
        let tiny = 1e-300
        var f = b0 == 0 ? tiny : b0
        var c = f
        var d = 0.0
        for n in 1...maxIterations {
            let (an, bn) = term(n)
            d = bn + an * d
            if d == 0 { d = tiny }
            c = bn + an / c
            if c == 0 { c = tiny }
            d = 1 / d
            let delta = c * d
            f *= delta
            if abs(delta - 1) <= 2.5e-16 { break }
        }
        return f
    }

    /// Safeguarded Newton iteration for a monotone equation g(x) = 0.
    ///
    /// `evaluate(x)` returns g(x) and g'(x).  The quantile routines pass
    /// g = log(tail(x)) - log(target), which is close to linear over many orders
    /// of magnitude, so Newton converges in a handful of steps even from rough
    /// starting values.  A bracket [lower, upper] is kept at all times; any step
    /// leaving it (or a NaN/zero derivative) is replaced by bisection —
    /// geometric when the bracket spans orders of magnitude on the positive
    /// axis — so the iteration can never diverge.
    ///
    /// If the root lies beyond the representable range the bracket runs into
    /// ±∞ or 0 and that limit is returned.
    ///
    /// Iteration stops when a Newton step is below 1e-15 relative, or three
    /// steps after the step size first fell below 1e-10 relative (at that
    /// point quadratic convergence has already reached full precision, and any
    /// remaining movement is rounding noise of the evaluated function).
    static func solveMonotone(
        initial: Double,
        lower: Double,
        upper: Double,
        increasing: Bool,
        maxIterations: Int = 300,
        _ evaluate: (Double) -> (value: Double, derivative: Double)
    ) -> Double {
        var lo = lower
        var hi = upper
        var gLo = Double.nan
        var gHi = Double.nan
        var x = initial
        if !(x > lo && x < hi) { x = bisect(lo, hi) }
        var closeSteps = 0
        for _ in 0..<maxIterations {
            let (g, dg) = evaluate(x)
            if g == 0 || g.isNaN { return x }
            if (g < 0) == increasing {
                lo = x
                gLo = g
            } else {
                hi = x
                gHi = g
            }
            // A zero or infinite derivative (density under/overflow at the
            // edge of the double range) yields NaN here and forces bisection.
            var next = dg.isFinite && dg != 0 ? x - g / dg : .nan
            // Newton has reached the rounding level of x.
            if next == x { return x }
            let isNewton = next > lo && next < hi
            if !isNewton {
                // Newton left the bracket (typically an overshoot of a convex
                // tail): use the secant through the bracket ends when both are
                // known and it lands well inside, otherwise bisect.
                let width = hi - lo
                let secant = lo - gLo * width / (gHi - gLo)
                if width.isFinite && gLo.isFinite && gHi.isFinite
                    && secant > lo + width / 64 && secant < hi - width / 64
                {
                    next = secant
                } else {
                    next = bisect(lo, hi)
                }
                // The root lies beyond the representable range (the answer
                // overflows to ±∞ or underflows to 0): return that limit.
                if next.isInfinite || next == 0 { return next }
                if next == lo || next == hi { return x }
            }
            let step = abs(next - x)
            let scale = max(abs(next), Double.leastNormalMagnitude)
            if step <= 1e-15 * scale { return next }
            if isNewton && step <= 1e-10 * scale {
                closeSteps += 1
                if closeSteps >= 3 { return next }
            }
            if lo.isFinite && hi.isFinite && (hi - lo) <= 2e-16 * scale { return next }
            x = next
        }
        return x
    }

    /// Bisection point of a bracket that may be unbounded or span many orders
    /// of magnitude (then the geometric mean is used).
    static func bisect(_ lo: Double, _ hi: Double) -> Double {
        if hi == .infinity {
            return lo > 0 ? lo * 8 : (lo == 0 ? 1 : (lo < -1 ? lo / 8 : 0))
        }
        if lo == -.infinity {
            return hi < 0 ? hi * 8 : (hi == 0 ? -1 : (hi > 1 ? hi / 8 : 0))
        }
        if lo > 0 && hi > 4 * lo { return sqrt(lo) * sqrt(hi) }
        if lo == 0 && hi > 0 { return hi * 0x1p-10 }
        return lo + (hi - lo) / 2
    }
}

// MARK: - Regularized incomplete gamma

extension DistributionNumerics {
    /// `log(xᵃ·e⁻ˣ / Γ(a))` computed as `log√(a/2π) + a·log1pmx((x-a)/a) - stirlingError(a)`.
    ///
    /// This is the Temme/DiDonato–Morris scaling: the large, nearly cancelling
    /// terms `a·log x`, `x` and `lgamma(a)` never appear, so the result keeps
    /// full relative accuracy for a up to ~1e7 and into the far tails.
    static func logGammaPowerTerm(a: Double, x: Double) -> Double {
        let t = (x - a) / a
        let exponent: Double
        if t > -0.5 && t < 1 {
            exponent = a * log1pmx(t)
        } else {
            exponent = a * (log(x) - log(a)) - (x - a)
        }
        return exponent - stirlingError(a) + 0.5 * log(a / (2 * Double.pi))
    }

    /// `xᵃ·e⁻ˣ / Γ(a)`; see `logGammaPowerTerm`.
    static func gammaPowerTerm(a: Double, x: Double) -> Double {
        exp(logGammaPowerTerm(a: a, x: x))
    }

    /// Returns (P(a,x), Q(a,x)) with both computed so that neither loses
    /// relative accuracy: the smaller one is always evaluated directly.
    ///
    /// * x < a + 1: power series `P = xᵃe⁻ˣ/Γ(a+1)·Σ xⁿ/((a+1)…(a+n))`
    ///   (all terms positive), Q = 1 - P (P ≲ 0.6 there for a ≥ 1, and for
    ///   a < 1 the complement stays ≳ 0.05).
    /// * otherwise: Legendre continued fraction for Q (modified Lentz),
    ///   P = 1 - Q.
    static func incompleteGammaPair(a: Double, x: Double) -> (p: Double, q: Double) {
        if a.isNaN || x.isNaN || a <= 0 || x < 0 { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        if a == .infinity { return (.nan, .nan) }
        let prefactor = gammaPowerTerm(a: a, x: x)
        if x < a + 1 {
            var term = 1.0
            var sum = 1.0
            var ap = a
            for _ in 0..<1_000_000 {
                ap += 1
                term *= x / ap
                sum += term
                if term <= sum * 1e-17 { break }
            }
            let p = prefactor / a * sum
            return (p, 1 - p)
        }
        // Q = prefactor / (x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - …)))
        let f = continuedFraction(b0: x + 1 - a) { n in
            let nd = Double(n)
            return (-nd * (nd - a), x + 2 * nd + 1 - a)
        }
        let q = prefactor / f
        return (1 - q, q)
    }
}

/// Regularized lower incomplete gamma function P(a, x) = γ(a,x)/Γ(a).
///
/// Series / continued fraction with a cancellation-free power prefactor; see
/// `DistributionNumerics.incompleteGammaPair`.  Returns NaN for invalid input.
public func regularizedIncompleteGammaP(a: Double, x: Double) -> Double {
    DistributionNumerics.incompleteGammaPair(a: a, x: x).p
}

/// Regularized upper incomplete gamma function Q(a, x) = Γ(a,x)/Γ(a) = 1 - P(a, x),
/// evaluated directly (not as 1 - P) so that small upper-tail values keep full
/// relative accuracy.
public func regularizedIncompleteGammaQ(a: Double, x: Double) -> Double {
    DistributionNumerics.incompleteGammaPair(a: a, x: x).q
}

/// Inverse of the regularized incomplete gamma function: the x ≥ 0 with
/// P(a, x) = p, or, when `upper` is true, with Q(a, x) = p.
///
/// Start: Wilson–Hilferty cube-root normal approximation, replaced by the
/// small-x expansion `x ≈ (p·Γ(a+1))^(1/a)` in the lower tail and by the
/// large-x asymptote `Q ≈ xᵃ⁻¹e⁻ˣ/Γ(a)` in the upper tail.  Refinement:
/// safeguarded Newton on log P (or log Q), whose derivative is the density
/// divided by the tail, so tail probabilities down to 1e-300 converge as
/// fast as central ones.  p = 0 / 1 give 0 / +∞ (swapped for `upper`), NaN
/// or out-of-range input gives NaN.
public func inverseRegularizedIncompleteGamma(a: Double, p: Double, upper: Bool = false) -> Double {
    if a.isNaN || p.isNaN || !(a > 0) || a == .infinity || p < 0 || p > 1 { return .nan }
    // Work with the smaller tail so that the target is known to full relative precision.
    var useUpper = upper
    var target = p
    if target > 0.5 {
        target = 1 - target
        useUpper.toggle()
    }
    if target == 0 { return useUpper ? .infinity : 0 }
    let logTarget = log(target)

    // --- starting value ---
    // Normal deviate of the lower-tail probability, from the small tail (no 1 - p).
    let z = useUpper ? -Normal.quantile(target) : Normal.quantile(target)
    let c = 1 / (9 * a)
    let wh = a * pow(max(1 - c + z * sqrt(c), 0), 3)
    var x0 = wh
    if !useUpper {
        // P ≈ xᵃ/Γ(a+1) for small x.
        let small = exp((logTarget + lgamma(a + 1)) / a)
        if !(wh > 0) || small < wh { x0 = small }
        if !(x0 > 0) { x0 = Double.leastNormalMagnitude }
    } else {
        // Q ≈ xᵃ⁻¹e⁻ˣ/Γ(a): iterate x = -log(q·Γ(a)) + (a-1)·log x (a contraction
        // for x ≫ a; for large a Wilson–Hilferty is already excellent).
        if a < 50 && (a < 1 || logTarget < -20 || !(wh > 0)) {
            var x = max(wh.isFinite ? wh : 0, 1, a)
            let base = -(logTarget + lgamma(a))
            for _ in 0..<8 { x = max(base + (a - 1) * log(x), 1e-3) }
            if !(wh > 0) || !wh.isFinite || x > wh { x0 = x }
        }
    }
    if !(x0 > 0) || !x0.isFinite { x0 = max(a, 1) }

    return DistributionNumerics.solveMonotone(initial: x0, lower: 0, upper: .infinity, increasing: !useUpper) { x in
        let pair = DistributionNumerics.incompleteGammaPair(a: a, x: x)
        let tail = useUpper ? pair.q : pair.p
        // Far beyond the representable tail: report "too far out" (-∞) so
        // the solver moves back towards the bulk.
        if !(tail > 0) { return (-.infinity, .nan) }
        // d log(tail)/dx = ±density/tail, formed in logs to avoid underflow.
        let ratio = exp(DistributionNumerics.logGammaPowerTerm(a: a, x: x) - log(x) - log(tail))
        return (log(tail) - logTarget, useUpper ? -ratio : ratio)
    }
}
