import Foundation

/// A fitted generalized linear model: the coefficients and what the variance estimators need.
struct GLMFit {
    var family: Family
    var coefficients: [Double]
    var aliased: [Bool]
    /// (X'ΩX)⁻¹ with the final working weights Ω.
    var unscaledCovariance: [Double]
    var mean: [Double]
    /// Working weights ω = w·(dμ/dη)²/V(μ).
    var workingWeights: [Double]
    /// Per row, the factor that turns xᵢ into the estimating function: w·(y−μ)·(dμ/dη)/V(μ).
    var scoreFactor: [Double]
    var iterations: Int
    var converged: Bool
    var deviance: Double
    /// The weighted residual sum of squares of the last least-squares step (for gaussian fits,
    /// the RSS in the precision it was solved in).
    var residualSumOfSquares: Double
    var extendedPrecision: Bool
    var rank: Int { aliased.filter { !$0 }.count }
}

/// Iteratively reweighted least squares with survey weights as prior weights, as R's `glm.fit`
/// (same starting values, the relative-deviance convergence test with ε = 1e-8, at most 25
/// iterations by default), each step solved by `LeastSquares`.
struct IRLS {
    let family: Family
    var tolerance = 1e-8
    var maximumIterations = 25
    /// Problems above this many n·p² operations take the fused path.
    var fusedAbove = LeastSquares.smallProblem

    func fit(_ x: DesignMatrix, weights w: [Double]) throws -> GLMFit {
        let n = x.rowCount, p = x.columnCount
        if family != .gaussian, n * p * p > fusedAbove, let fused = try fusedFit(x, weights: w) { return fused }
        let y = x.response
        var mu = y.map(family.start)
        var eta = mu.map(family.link)
        var deviance = Double.infinity
        var solution: LeastSquaresFit? = nil
        var omega = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n)
        var converged = false
        var iteration = 0
        let exact = ExactInputs(design: { try x.extendedValues() },
                                response: family == .gaussian ? { try x.extendedResponse() } : nil)
        while iteration < maximumIterations {
            iteration += 1
            for i in 0..<n {
                let d = family.meanDerivative(mu[i])
                z[i] = eta[i] + (y[i] - mu[i]) / d
                omega[i] = w[i] * d * d / family.variance(mu[i])
            }
            let step = try LeastSquares.fit(x: x.values, rows: n, columns: p, response: z, weights: omega, exact: exact,
                                            refine: family == .gaussian)
            solution = step
            let beta = step.coefficients.map { $0.isNaN ? 0 : $0 }
            eta = Self.linearPredictor(x.values, n: n, p: p, beta: beta)
            mu = eta.map(family.mean)
            var newDeviance = 0.0
            for i in 0..<n { newDeviance += w[i] * family.deviance(y[i], mu[i]) }
            if family == .gaussian || abs(newDeviance - deviance) / (abs(newDeviance) + 0.1) < tolerance {
                deviance = newDeviance
                converged = true
                break
            }
            deviance = newDeviance
        }
        let final = solution!
        if family != .gaussian {
            try SeparationCheck.check(family: family, mean: mu, y: y, weights: w, design: x, coefficients: final.coefficients, converged: converged)
        }
        // Working weights and score factors at the final estimate.
        var scoreFactor = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let d = family.meanDerivative(mu[i])
            let v = family.variance(mu[i])
            omega[i] = w[i] * d * d / v
            scoreFactor[i] = w[i] * (y[i] - mu[i]) * d / v
        }
        let last = family == .gaussian ? final
            : try LeastSquares.fit(x: x.values, rows: n, columns: p, response: z, weights: omega, exact: exact, refine: false)
        return GLMFit(family: family, coefficients: final.coefficients, aliased: final.aliased, unscaledCovariance: last.unscaledCovariance,
                      mean: mu, workingWeights: omega, scoreFactor: scoreFactor, iterations: iteration,
                      converged: converged, deviance: deviance, residualSumOfSquares: final.residualSumOfSquares,
                      extendedPrecision: final.extendedPrecision)
    }

    /// The large-sample path: one fused pass over the design per iteration (`IRLSPass`), whose
    /// last pass also gives the weights at the estimate for the covariance. Nil hands an
    /// ill-conditioned problem to the general loop.
    private func fusedFit(_ x: DesignMatrix, weights w: [Double]) throws -> GLMFit? {
        let n = x.rowCount, p = x.columnCount, y = x.response
        let pass = IRLSPass(family: family, x: x.values, rows: n, columns: p, weights: w, response: y)
        var beta: [Double]? = nil
        var previous = Double.infinity
        var iteration = 0
        var converged = false
        var state = pass.run(beta: nil)
        previous = state.deviance
        var system: NormalEquations
        while true {
            guard let current = NormalEquations(gram: state.gram, size: p) else { return nil }
            system = current
            if converged || iteration == maximumIterations { break }
            beta = system.solve(state.product)
            iteration += 1
            state = pass.run(beta: beta)
            if abs(state.deviance - previous) / (abs(state.deviance) + 0.1) < tolerance { converged = true }
            previous = state.deviance
        }
        let final = system.fit(beta!, residualSumOfSquares: .nan)
        let mu = state.eta.map(family.mean)
        try SeparationCheck.check(family: family, mean: mu, y: y, weights: w, design: x, coefficients: final.coefficients, converged: converged)
        var omega = [Double](repeating: 0, count: n), scoreFactor = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let d = family.meanDerivative(mu[i]), v = family.variance(mu[i])
            omega[i] = w[i] * d * d / v
            scoreFactor[i] = w[i] * (y[i] - mu[i]) * d / v
        }
        return GLMFit(family: family, coefficients: final.coefficients, aliased: final.aliased,
                      unscaledCovariance: final.unscaledCovariance, mean: mu, workingWeights: omega, scoreFactor: scoreFactor,
                      iterations: iteration, converged: converged, deviance: state.deviance, residualSumOfSquares: .nan,
                      extendedPrecision: false)
    }

    static func linearPredictor(_ x: [Double], n: Int, p: Int, beta: [Double]) -> [Double] {
        var eta = [Double](repeating: 0, count: n)
        for j in 0..<p where beta[j] != 0 {
            let b = beta[j]
            for i in 0..<n { eta[i] += b * x[j * n + i] }
        }
        return eta
    }
}

/// Perfect or quasi-complete separation in logistic and Poisson fits: fitted means pinned at
/// their bounds while the coefficients run off. Reported as an error naming the term with the
/// largest coefficient rather than as a fit with meaningless huge estimates.
enum SeparationCheck {
    static func check(family: Family, mean mu: [Double], y: [Double], weights w: [Double], design: DesignMatrix,
                      coefficients: [Double], converged: Bool) throws {
        let eps = 10 * 2.220446e-16
        var pinned = 0
        for i in mu.indices where w[i] > 0 {
            if family == .binomial, mu[i] < eps || mu[i] > 1 - eps { pinned += 1 }
            if family == .poisson, mu[i] < eps, y[i] == 0 { pinned += 1 }
        }
        guard pinned > 0 || !converged else { return }
        // The term whose coefficient moves the linear predictor most: |βⱼ|·sd(xⱼ), intercept aside.
        let n = design.rowCount
        func influence(_ j: Int) -> Double {
            guard !coefficients[j].isNaN, design.termOfColumn[j] >= 0 else { return -1 }
            let column = design.values[(j * n)..<((j + 1) * n)]
            let mean = column.reduce(0, +) / Double(n)
            let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, n - 1))).squareRoot()
            return abs(coefficients[j]) * sd
        }
        let index = (0..<design.columnCount).max { influence($0) < influence($1) } ?? 0
        let term = design.names[index]
        if pinned > 0 {
            throw DisparityError.analysis("formula '\(design.formula.text)': separation: \(pinned) row\(pinned == 1 ? " is" : "s are") fitted with probability 0 or 1; the term '\(term)' perfectly predicts the outcome for them, so its coefficient does not exist")
        }
        throw DisparityError.analysis("formula '\(design.formula.text)': the fit did not converge in the allowed iterations (largest coefficient: '\(term)')")
    }
}
