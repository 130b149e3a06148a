import Foundation

/// The GLM families of `disparity regress`, each with its canonical link, as R's `gaussian()`,
/// `quasibinomial()` and `quasipoisson()` (survey-weighted fits use quasi-likelihood: the
/// dispersion is estimated, and the design-based variance does not depend on it).
public enum Family: String, Sendable, CaseIterable {
    /// Identity link (`gaussian()`), logit link (`quasibinomial()`, a 0/1 response or a share
    /// in [0, 1]: Papke & Wooldridge's fractional logit), log link (`quasipoisson()`, a
    /// non-negative response).
    case gaussian, binomial, poisson

    /// R's `.Machine$double.eps`, the bound `binomial()` and `poisson()` keep means and
    /// variances away from 0 and 1 with.
    static let machineEpsilon = 2.220446e-16
    /// |η| beyond which R's `binomial()$linkinv` returns the bound instead of the logistic.
    static let logitSaturation = 30.0

    /// μ = g⁻¹(η).
    @inline(__always) func mean(_ eta: Double) -> Double {
        switch self {
        case .gaussian: return eta
        case .binomial:
            // Bounded away from 0 and 1 as R's binomial()$linkinv.
            if eta < -Self.logitSaturation { return Self.machineEpsilon }
            if eta > Self.logitSaturation { return 1 - Self.machineEpsilon }
            return 1 / (1 + exp(-eta))
        case .poisson: return max(exp(eta), Self.machineEpsilon)
        }
    }

    /// dμ/dη.
    @inline(__always) func meanDerivative(_ mu: Double) -> Double {
        switch self {
        case .gaussian: return 1
        case .binomial: return max(mu * (1 - mu), Self.machineEpsilon)
        case .poisson: return mu
        }
    }

    /// V(μ).
    @inline(__always) func variance(_ mu: Double) -> Double {
        switch self {
        case .gaussian: return 1
        case .binomial: return mu * (1 - mu)
        case .poisson: return mu
        }
    }

    /// The working weight w·(dμ/dη)²/V(μ) of a row with prior weight `w`, mean `mu` and
    /// dμ/dη = `derivative` (the square of R's `glm.fit` `w`). With the canonical links dμ/dη
    /// is V(μ) itself unless it is bounded, and the weight is w·V(μ) without a division (the
    /// divider is what limits a logistic pass's per-row work).
    @inline(__always) func workingWeight(_ w: Double, mean mu: Double, derivative d: Double) -> Double {
        switch self {
        case .gaussian: return w
        case .binomial:
            let v = mu * (1 - mu)
            return d == v ? w * v : w * d * d / v
        case .poisson: return w * mu
        }
    }

    /// g(μ), for starting values.
    func link(_ mu: Double) -> Double {
        switch self {
        case .gaussian: return mu
        case .binomial: return log(mu / (1 - mu))
        case .poisson: return log(mu)
        }
    }

    /// The starting mean of a row with response `y` and prior weight `w` (the survey weight
    /// divided by the weights' mean, as `svyglm` rescales them), as R's families' `initialize`
    /// sets `mustart`: (w·y + 0.5)/(w + 1) for binomial (0.5 for a row without weight), y + 0.1
    /// for Poisson, y itself for gaussian.
    func start(_ y: Double, weight w: Double) -> Double {
        switch self {
        case .gaussian: return y
        case .binomial: return (w * y + 0.5) / (w + 1)
        case .poisson: return y + 0.1
        }
    }

    /// Unit deviance contribution, for the convergence test.
    func deviance(_ y: Double, _ mu: Double) -> Double {
        switch self {
        case .gaussian: return (y - mu) * (y - mu)
        case .binomial:
            // A 0/1 response (the usual one) takes one logarithm and no division.
            if y == 1 { return -2 * log(mu) }
            if y == 0 { return -2 * log(1 - mu) }
            func term(_ a: Double, _ b: Double) -> Double { a > 0 ? a * log(a / b) : 0 }
            return 2 * (term(y, mu) + term(1 - y, 1 - mu))
        case .poisson: return 2 * ((y > 0 ? y * log(y / mu) : 0) - (y - mu))
        }
    }

    /// Checks the response suits the family; the error names the first offending row.
    func validate(response y: [Double], rows: [Int32], name: String, table: Table) throws {
        if self != .gaussian, y.allSatisfy({ $0 == 0 }) {
            throw DisparityError.data(file: table.source, column: name, "the outcome is 0 in every row used, so a \(rawValue) model has no finite estimate")
        }
        for (i, v) in y.enumerated() {
            switch self {
            case .gaussian: return
            case .binomial where !(v >= 0 && v <= 1):
                throw table.rowError(Int(rows[i]), column: name, "a binomial response must lie between 0 and 1, a 0/1 outcome or a share (found \(NumberFormat.label(v)))")
            case .poisson where v < 0:
                throw table.rowError(Int(rows[i]), column: name, "a Poisson response must not be negative (found \(NumberFormat.label(v)))")
            default: continue
            }
        }
        if self == .binomial, y.allSatisfy({ $0 == 1 }) {
            throw DisparityError.data(file: table.source, column: name, "the outcome is 1 in every row used, so a binomial model has no finite estimate")
        }
    }
}
