import Foundation

/// The change of a logistic or Poisson fit's deviance over an IRLS step, bounded from the
/// normal equations the step was solved from, without a pass over the rows: when the bound
/// shows that R's deviance test stops at the step's end whatever the exact change, a replicate
/// refit finishes there, with the same coefficients and iterations as after a pass computing
/// the deviance (`IRLS.splitFits`; the coefficients are the step's, as R's `glm.fit` returns
/// them).
///
/// For a canonical link the deviance is D(β) = 2Σᵢ wᵢ(ℓᵢ(sat) − yᵢηᵢ + b(ηᵢ)), b' = μ, b'' = v,
/// so along a step s from β (tᵢ = xᵢ's) Taylor's theorem with the integral remainder gives
///
///     D(β + s) − D(β) = −2gᵀs + sᵀHs + 2Σᵢ wᵢRᵢ,  |Rᵢ| ≤ max|b'''|·|tᵢ|³/6,
///
/// with g = X'W(y − μ) = X'Ωz − Hβ and H = X'ΩX, Ω = diag(wᵢvᵢ), both from the normal equations
/// at β. For the logit and the log link |b'''(η + u)| ≤ v(η + u) ≤ v(η)·e^|u| (d log v/dη is
/// 1 − 2μ or 1), so with m ≥ maxᵢ|tᵢ|, 2Σ wᵢ|Rᵢ| ≤ (m·eᵐ/3)·sᵀHs. m is bounded by
/// Σⱼ|sⱼ|·maxᵢ|xᵢⱼ| (the design's column magnitudes). The bound holds only where IRLS's
/// safeguards do not act: every |η| along the step below `Family.logitSaturation`, so that no
/// mean is clamped, every working weight is wᵢvᵢ and no mean is at its bound (no pinned rows
/// for the separation check).
///
/// R's test compares deviances as computed, not exact ones, so the bound also leaves room for
/// their rounding: a row's computed unit deviance is off by a few ulps of the means it is
/// computed from, which for the logit is about ε·(1 + |η| + e^|η|) (log(1 − μ) of a mean near
/// 1 keeps only the digits 1 − μ has), for the log link about ε·(3(y + μ) + d(y, μ)); summed
/// with the weights, `roundingMultiple`·ε times Σwᵢ·(1 + L + eᴸ) (L the largest |η| at either
/// end) or (3·eᵐ·Σwᵢ(yᵢ + μᵢ) + D) — on a replicate's weights summing to 1 and |η| up to about
/// 8, under 1e-11, far inside the test's 1e-9.
///
/// The same bound from below shows where the test certainly fails: a replicate's first step
/// from the full-sample estimate moves the deviance by far more than the threshold, so the
/// pass at that step's end need not compute the deviance (a log per row and replicate) for the
/// test; its bounds (`continuingDeviance`) stand in for it at the next step's test, chain to
/// the next deviance's bounds where that test certainly fails too, and where they can neither
/// settle nor fail that test, a later pass computes it.
enum DevianceChangeBound {
    /// The share of the deviance test's threshold the bound, the computed deviances' rounding
    /// added (twice the rounding bound), must stay within: the tenth left over is a reserve
    /// for rounding beyond that model, about 1e3 times the rounding bound of a replicate refit
    /// at 1M rows (4e-10 against 7e-13). Measured there (W1's logistic model, 80 bootstrap
    /// replicates): a half settled 69 of the 80 second steps, whose changes were 4e-9 to 8e-9
    /// against a threshold of 8.3e-9; nine tenths settle all but the one at 8.36e-9.
    static let margin = 0.9
    /// The largest relative error of the quadratic model (m·eᵐ/3) the bound is used with.
    static let largestModelError = 0.5
    /// The relative error allowed in the pass's sums X'ΩX and X'Ωz (sums over the rows, whose
    /// rounding is many orders of magnitude below it).
    static let sumError = 1e-8
    /// The ulps a row's computed unit deviance may be off by, per unit of its amplification
    /// (the vector exp and log are within 4 ulp each; the rest is a few roundings).
    static let roundingMultiple = 64.0

    /// The deviance at `next` (D(β) plus the quadratic model's change) when the deviance test
    /// (|ΔD|/(|D(next)| + `floor`) < `tolerance`) certainly passes there and the deviance
    /// certainly has not risen above `first` (the fit's first deviance, when it started from
    /// given coefficients); nil when the bound cannot show it, or the family is not logistic or
    /// Poisson.
    /// - Parameters:
    ///   - gram: X'ΩX at `beta` (p × p, symmetric); `product`: X'Ωz there (p).
    ///   - beta: the step's start, `next` its end (p each).
    ///   - deviance: D(beta) as a pass computes it: the value a pass computed (a one-point
    ///     range), or bounds on it where the pass at `beta` did not compute it
    ///     (`continuingDeviance`); the deviance returned is then from their midpoint, within
    ///     half their width (and the test's resolution) of the computed one.
    ///   - largestPredictor: the largest |η| over the rows at `beta`.
    ///   - roundingScale: over the rows at `beta`, Σwᵢ (logistic) or Σwᵢ(yᵢ + μᵢ) (Poisson),
    ///     which scales the rounding of the computed deviances.
    ///   - columnMagnitudes: per column of X, its largest |x|.
    static func settledDeviance(family: Family, gram: [Double], product: [Double], beta: [Double], next: [Double],
                                deviance: ClosedRange<Double>, first: Double?, largestPredictor: Double, roundingScale: Double,
                                columnMagnitudes: [Double], tolerance: Double, floor: Double) -> Double? {
        guard let (low, high, rounding) = change(family: family, gram: gram, product: product, beta: beta, next: next,
                                                 deviance: deviance, largestPredictor: largestPredictor,
                                                 roundingScale: roundingScale, columnMagnitudes: columnMagnitudes)
        else { return nil }
        let lowest = max(0, deviance.lowerBound + low - rounding)
        guard max(abs(low), abs(high)) + 2 * rounding <= margin * tolerance * (lowest + floor) else { return nil }
        if let first, deviance.upperBound + high + 2 * rounding > first { return nil }
        return (deviance.lowerBound + deviance.upperBound) / 2 + (low + high) / 2
    }

    /// Bounds on the deviance at `next` as a pass would compute it, when the deviance test
    /// certainly fails there: the computed deviances change by at least the test's threshold
    /// over `margin` (the same reserve as `settledDeviance`'s), so the fit certainly steps again
    /// and a refit pass at `next` need not compute its deviance for the test (`IRLS.splitFits`,
    /// a replicate refit's first step from the full-sample estimate). Nil when the bound cannot
    /// show it, or the family is not logistic or Poisson. The parameters are
    /// `settledDeviance`'s: `deviance` the one computed at `beta`, or bounds on it (a step from
    /// a deviance not computed either: the change is bounded whatever it is, and the range only
    /// widens the test's denominator and the bounds returned).
    static func continuingDeviance(family: Family, gram: [Double], product: [Double], beta: [Double], next: [Double],
                                   deviance: ClosedRange<Double>, largestPredictor: Double, roundingScale: Double,
                                   columnMagnitudes: [Double], tolerance: Double, floor: Double) -> ClosedRange<Double>? {
        guard let (low, high, rounding) = change(family: family, gram: gram, product: product, beta: beta, next: next,
                                                 deviance: deviance, largestPredictor: largestPredictor,
                                                 roundingScale: roundingScale, columnMagnitudes: columnMagnitudes),
              low > 0 || high < 0 else { return nil }
        let least = min(abs(low), abs(high)) - 2 * rounding
        let (lower, upper) = (deviance.lowerBound + low - 2 * rounding, deviance.upperBound + high + 2 * rounding)
        guard least > 0, margin * least >= tolerance * (max(abs(lower), abs(upper)) + floor) else { return nil }
        return lower...upper
    }

    /// The exact change of the deviance over the step from `beta` to `next` within
    /// [`low`, `high`], and the bound on how far a computed deviance at either end may be from
    /// its exact value (`rounding`); nil outside the bound's assumptions (see the type's
    /// documentation). `deviance` bounds the computed D(beta).
    private static func change(family: Family, gram: [Double], product: [Double], beta: [Double], next: [Double],
                               deviance: ClosedRange<Double>, largestPredictor: Double, roundingScale: Double,
                               columnMagnitudes: [Double]) -> (low: Double, high: Double, rounding: Double)? {
        guard family != .gaussian, deviance.lowerBound.isFinite, deviance.upperBound.isFinite else { return nil }
        let p = beta.count
        let step = zip(next, beta).map { $0 - $1 }
        guard step.allSatisfy(\.isFinite), beta.allSatisfy(\.isFinite) else { return nil }
        // The largest move of a row's linear predictor, and where the step may take it.
        let move = zip(step, columnMagnitudes).reduce(0.0) { $0 + abs($1.0) * $1.1 } * (1 + 1e-12)
        // The computed η of the next pass may exceed the exact one by its rounding: a margin.
        let largest = largestPredictor + move
        guard largest <= Family.logitSaturation * (1 - 1e-9) - 1e-9 else { return nil }
        let modelError = move * exp(move) / 3
        guard modelError <= largestModelError else { return nil }
        // sᵀHs and gᵀs with g = X'Ωz − Hβ, and what an error of `sumError` in the sums moves them by.
        var curvature = 0.0, slope = 0.0, sensitivity = 0.0
        for j in 0..<p {
            var hs = 0.0, hb = 0.0, magnitude = abs(product[j])
            for i in 0..<p {
                hs += gram[j * p + i] * step[i]
                hb += gram[j * p + i] * beta[i]
                magnitude += abs(gram[j * p + i]) * (2 * abs(beta[i]) + abs(step[i]))
            }
            curvature += step[j] * hs
            slope += (product[j] - hb) * step[j]
            sensitivity += 2 * magnitude * abs(step[j])
        }
        let change = curvature - 2 * slope
        let spread = modelError * abs(curvature) + sumError * sensitivity
        let (low, high) = (change - spread, change + spread)
        // How far each computed deviance (at either end) may be from its exact value.
        let amplification = family == .binomial ? 1 + largest + exp(largest) : 3 * exp(move)
        let rounding = roundingMultiple * Double.ulpOfOne
            * (amplification * roundingScale + max(abs(deviance.lowerBound), abs(deviance.upperBound)) + abs(high))
        guard rounding.isFinite else { return nil }
        return (low, high, rounding)
    }
}
