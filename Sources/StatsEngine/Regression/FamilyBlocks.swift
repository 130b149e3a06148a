import CVectorMath
import Foundation

/// A family's means and unit deviances for a block of rows at once, with glibc's vector `exp`
/// and `log` (libmvec, `CVectorMath`): each value as `mean(_:)` and `deviance(_:_:)` compute
/// it, to within a few ulp instead of one (the vector functions are within 4 ulp of the exact
/// value, libm's within 1); and IRLS's working values four rows at a time, bit for bit as
/// `meanDerivative` and `workingWeight`. Used by the passes of the fits (`IRLSPass.run`) and of
/// the replicate refits (`IRLSPass.refitPass`, `means`); the careful path's fits and the values
/// at an estimate use the scalar functions.
extension Family {
    /// μ = g⁻¹(η) of `count` rows into `mean` (`count` values each).
    func means(_ eta: UnsafePointer<Double>, count: Int, into mean: UnsafeMutablePointer<Double>) {
        switch self {
        case .gaussian:
            mean.update(from: eta, count: count)
        case .binomial:
            for i in 0..<count { mean[i] = -eta[i] }
            disparity_map(disparity_exp, mean, mean, count)
            // Bounded away from 0 and 1 as `mean(_:)`.
            for i in 0..<count {
                let e = eta[i], inverse = 1 / (1 + mean[i])
                mean[i] = e < -Self.logitSaturation ? Self.machineEpsilon : e > Self.logitSaturation ? 1 - Self.machineEpsilon : inverse
            }
        case .poisson:
            disparity_map(disparity_exp, eta, mean, count)
            for i in 0..<count { mean[i] = max(mean[i], Self.machineEpsilon) }
        }
    }

    /// η = g(μ) of `count` rows into `eta` (`count` values each; for starting values).
    func links(_ mean: UnsafePointer<Double>, count: Int, into eta: UnsafeMutablePointer<Double>) {
        switch self {
        case .gaussian:
            eta.update(from: mean, count: count)
        case .binomial:
            for i in 0..<count { eta[i] = mean[i] / (1 - mean[i]) }
            disparity_map(disparity_log, eta, eta, count)
        case .poisson:
            disparity_map(disparity_log, mean, eta, count)
        }
    }

    /// The unit deviance d(y, μ) of `count` rows with responses `y` and means `mean` into
    /// `unit` (`count` values each; the means must be finite).
    func unitDeviances(_ y: UnsafePointer<Double>, mean: UnsafePointer<Double>, count: Int,
                       into unit: UnsafeMutablePointer<Double>) {
        switch self {
        case .gaussian:
            for i in 0..<count { unit[i] = (y[i] - mean[i]) * (y[i] - mean[i]) }
        case .binomial:
            // A 0/1 response takes the logarithm of μ or 1 − μ; a share (between 0 and 1) the
            // scalar form, in a pass of its own when the block has one.
            var shares = false, i = 0
            while i + 4 <= count {
                let response = Self.load(y, i), m = Self.load(mean, i), one = response .== 1, zero = response .== 0
                Self.store(SIMD4(repeating: 1).replacing(with: 1 - m, where: zero).replacing(with: m, where: one), unit, i)
                shares = shares || any(.!(one .| zero))
                i += 4
            }
            while i < count {
                unit[i] = y[i] == 1 ? mean[i] : y[i] == 0 ? 1 - mean[i] : 1
                shares = shares || !(y[i] == 0 || y[i] == 1)
                i += 1
            }
            disparity_map(disparity_log, unit, unit, count)
            for i in 0..<count { unit[i] = -2 * unit[i] }
            if shares { for i in 0..<count where !(y[i] == 0 || y[i] == 1) { unit[i] = deviance(y[i], mean[i]) } }
        case .poisson:
            for i in 0..<count { unit[i] = y[i] > 0 ? y[i] / mean[i] : 1 }
            disparity_map(disparity_log, unit, unit, count)
            for i in 0..<count { unit[i] = 2 * ((y[i] > 0 ? y[i] * unit[i] : 0) - (y[i] - mean[i])) }
        }
    }

    /// Each row's dμ/dη (`meanDerivative`) into `derivative` and working response
    /// z = η + (y − μ)/(dμ/dη) into `z`, for `count` rows with responses `y`, means `mean` and
    /// linear predictors `eta`: the parts of IRLS's working values that do not depend on the
    /// prior weights. Four rows at a time, each value equal bit for bit to the scalar
    /// functions' (the same operations in the same order, on each lane).
    @inline(__always)
    func workingResponses(_ y: UnsafePointer<Double>, mean mu: UnsafePointer<Double>, eta: UnsafePointer<Double>, count: Int,
                          derivative d: UnsafeMutablePointer<Double>, z: UnsafeMutablePointer<Double>) {
        var i = 0
        while i + 4 <= count {
            let m = Self.load(mu, i), derivative = meanDerivatives(m)
            Self.store(derivative, d, i)
            Self.store(Self.load(eta, i) + (Self.load(y, i) - m) / derivative, z, i)
            i += 4
        }
        while i < count {
            d[i] = meanDerivative(mu[i])
            z[i] = eta[i] + (y[i] - mu[i]) / d[i]
            i += 1
        }
    }

    /// Each row's working weight ω = w·(dμ/dη)²/V(μ) (`workingWeight`) and ω·z, from its prior
    /// weight `w`, mean, dμ/dη and working response z (`workingResponses`), for `count` rows;
    /// with `root`, √ω and √ω·z instead (the rows of a cross-product of √ω·X). A row without
    /// weight (a replicate's dropped PSU) gets 0 and 0, whatever its mean: it adds nothing.
    /// Four rows at a time, bit for bit as the scalar functions.
    @inline(__always)
    func workingWeights(_ w: UnsafePointer<Double>, mean mu: UnsafePointer<Double>, derivative d: UnsafePointer<Double>,
                        z: UnsafePointer<Double>, count: Int, root: Bool,
                        omega: UnsafeMutablePointer<Double>, rhs: UnsafeMutablePointer<Double>) {
        var i = 0
        while i + 4 <= count {
            let weight = Self.load(w, i), dropped = weight .== 0
            var working = workingWeights(weight, mean: Self.load(mu, i), derivative: Self.load(d, i))
            if root { working = working.squareRoot() }
            // Selected, not multiplied by the zero weight: a diverging fit's mean may be infinite.
            Self.store(working.replacing(with: 0, where: dropped), omega, i)
            Self.store((working * Self.load(z, i)).replacing(with: 0, where: dropped), rhs, i)
            i += 4
        }
        while i < count {
            var working = workingWeight(w[i], mean: mu[i], derivative: d[i])
            if root { working = working.squareRoot() }
            omega[i] = w[i] != 0 ? working : 0
            rhs[i] = w[i] != 0 ? working * z[i] : 0
            i += 1
        }
    }

    /// `meanDerivative` of four means.
    @inline(__always)
    private func meanDerivatives(_ mu: SIMD4<Double>) -> SIMD4<Double> {
        switch self {
        case .gaussian: return SIMD4(repeating: 1)
        case .binomial:
            // max(v, ε) as Swift's `max` takes it: ε where ε ≥ v.
            let v = mu * (1 - mu)
            return v.replacing(with: Self.machineEpsilon, where: v .<= Self.machineEpsilon)
        case .poisson: return mu
        }
    }

    /// `workingWeight` of four rows.
    @inline(__always)
    private func workingWeights(_ w: SIMD4<Double>, mean mu: SIMD4<Double>, derivative d: SIMD4<Double>) -> SIMD4<Double> {
        switch self {
        case .gaussian: return w
        case .binomial:
            let v = mu * (1 - mu), canonical = d .== v
            // The division only where the derivative was bounded (rare): w·d·d/v.
            if all(canonical) { return w * v }
            return (w * d * d / v).replacing(with: w * v, where: canonical)
        case .poisson: return w * mu
        }
    }

    @inline(__always)
    private static func load(_ values: UnsafePointer<Double>, _ i: Int) -> SIMD4<Double> {
        UnsafeRawPointer(values + i).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    private static func store(_ values: SIMD4<Double>, _ out: UnsafeMutablePointer<Double>, _ i: Int) {
        UnsafeMutableRawPointer(out + i).storeBytes(of: values, as: SIMD4<Double>.self)
    }
}
