import Foundation

/// The nonlinear (Fairlie / Yun) decomposition of a gap in a 0/1 outcome, from logistic
/// regressions in each group: with P̄(X, β) the weighted mean of the fitted probabilities
/// F(xᵢ'β) over a group's rows,
///
///     gap = [P̄(X_f, β_f) − P̄(X_f, β_r)] + [P̄(X_f, β_r) − P̄(X_r, β_r)]
///            unexplained (coefficients)      explained (characteristics)
///
/// which add up to the difference in shares because a logistic fit with an intercept
/// reproduces its group's share. Each part is a mean over rows plus a smooth function of the
/// coefficients; its influence values are the rows' own deviations plus the gradient
/// Σ w·F'(x'β)·x / W times the coefficients' influence values, all through the variance engine.
struct NonlinearDecomposition {
    let estimator: RegressionEstimator

    /// The explained and unexplained parts of the focal-minus-reference gap in the share of
    /// `outcome`, from logistic fits of `covariates` in each group, with their SEs.
    func decompose(outcome: String, covariates: String, groups: CategoricalColumn, focal: String, reference: String,
                   domain: [Bool]?) throws -> [OaxacaBlinder.Component] {
        let models = try GroupModels(estimator: estimator, outcome: outcome, covariates: covariates, family: .binomial,
                                     groups: groups, focal: focal, reference: reference, domain: domain)
        try models.requireCoefficients(of: .reference, for: "the logistic decomposition (its prediction of the focal group at the reference coefficients)")
        let (f, r) = (models.focal, models.reference)
        let p = f.design.columnCount

        /// Fitted probabilities of a group's rows under coefficients β, their weighted mean and
        /// the mean's gradient in β.
        func predicted(_ model: RegressionEstimator.LinearizedModel, _ beta: [Double]) -> (values: [Double], mean: Double, gradient: [Double]) {
            let x = model.design, n = x.rowCount, matrix = x.values
            let eta = IRLS.linearPredictor(x.columns, beta: beta)
            let W = model.weights.reduce(0, +)
            var values = [Double](repeating: 0, count: n), gradient = [Double](repeating: 0, count: p), mean = 0.0
            for i in 0..<n {
                let mu = Family.binomial.mean(eta[i])
                values[i] = mu
                mean += model.weights[i] * mu / W
                let slope = model.weights[i] * mu * (1 - mu) / W
                for j in 0..<p { gradient[j] += slope * matrix[j * n + i] }
            }
            return (values, mean, gradient)
        }
        let betaF = OaxacaBlinder.estimable(f.fit.coefficients), betaR = OaxacaBlinder.estimable(r.fit.coefficients)
        let ff = predicted(f, betaF), fr = predicted(f, betaR), rr = predicted(r, betaR)
        let explained = fr.mean - rr.mean, unexplained = ff.mean - fr.mean

        // Influence values of [explained, unexplained] on the two groups' rows.
        let rows = f.design.rows + r.design.rows
        var values = [Double](repeating: 0, count: rows.count * 2)
        let Wf = f.weights.reduce(0, +), Wr = r.weights.reduce(0, +)
        // Coefficient influence values cover the estimable columns (a column the focal group
        // lacks has none; its gradient there is 0 anyway).
        let kf = f.influence.rank, kr = r.influence.rank
        let focalInfluence = f.influence.values(), referenceInfluence = r.influence.values()
        for i in 0..<f.design.rowCount {
            let w = f.weights[i] / Wf
            values[2 * i] = w * (fr.values[i] - fr.mean)
            values[2 * i + 1] = w * ((ff.values[i] - fr.values[i]) - unexplained)
            for (a, j) in f.influence.kept.enumerated() { values[2 * i + 1] += ff.gradient[j] * focalInfluence[i * kf + a] }
        }
        for i in 0..<r.design.rowCount {
            let at = f.design.rowCount + i
            values[2 * at] = -r.weights[i] / Wr * (rr.values[i] - rr.mean)
            // β_r moves P̄(X_f, β_r) (in both parts, with opposite signs) and P̄(X_r, β_r).
            for (a, j) in r.influence.kept.enumerated() {
                let b = referenceInfluence[i * kr + a]
                values[2 * at] += (fr.gradient[j] - rr.gradient[j]) * b
                values[2 * at + 1] -= fr.gradient[j] * b
            }
        }
        let covariance = try VarianceEngine(design: estimator.design).covariance(Influence(rows: rows, width: 2, values: values))
        return [OaxacaBlinder.Component(name: "explained", estimate: explained, variance: covariance[0, 0], n: rows.count),
                OaxacaBlinder.Component(name: "unexplained", estimate: unexplained, variance: covariance[1, 1], n: rows.count)]
    }
}
