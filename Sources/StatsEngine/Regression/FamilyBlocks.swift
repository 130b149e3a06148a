import CVectorMath
import Foundation

/// A family's means and unit deviances for a block of rows at once, with glibc's vector `exp`
/// and `log` (libmvec, `CVectorMath`): each value as `mean(_:)` and `deviance(_:_:)` compute
/// it, to within a few ulp instead of one (the vector functions are within 4 ulp of the exact
/// value, libm's within 1). Used by the passes of the fits (`IRLSPass.run`) and of the replicate
/// refits (`IRLSPass.deviances`, `normalEquations`, `means`); the careful path's fits and the
/// values at an estimate use the scalar functions.
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
            // scalar form.
            for i in 0..<count { unit[i] = y[i] == 1 ? mean[i] : y[i] == 0 ? 1 - mean[i] : 1 }
            disparity_map(disparity_log, unit, unit, count)
            for i in 0..<count where y[i] == 0 || y[i] == 1 { unit[i] = -2 * unit[i] }
            for i in 0..<count where !(y[i] == 0 || y[i] == 1) { unit[i] = deviance(y[i], mean[i]) }
        case .poisson:
            for i in 0..<count { unit[i] = y[i] > 0 ? y[i] / mean[i] : 1 }
            disparity_map(disparity_log, unit, unit, count)
            for i in 0..<count { unit[i] = 2 * ((y[i] > 0 ? y[i] * unit[i] : 0) - (y[i] - mean[i])) }
        }
    }
}
