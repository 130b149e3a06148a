import Foundation

/// Average marginal effects of a logistic model, in percentage points: for a factor level (and
/// a 0/1 variable) the average change in predicted probability from the reference level; for a
/// numeric variable the average derivative (by central differences on the data, so that
/// transformations and interactions, `I(age^2)` or `age:minority`, are carried through).
///
/// Standard errors: with the design covariance, by full linearization through the variance
/// engine (the estimate is a weighted mean over the sample, so its influence is
/// wᵢ(gᵢ − AME)/W plus the gradient times the coefficients' influence, as Stata's
/// `margins` after `svy`); otherwise by the delta method G'VG.
struct MarginalEffects {
    /// The central difference step of a continuous covariate's effect, in its standard
    /// deviations (statsmodels' `get_margeff` uses a comparable relative step).
    static let relativeStep = 1e-5
    let estimator: RegressionEstimator
    let formula: ModelFormula
    let design: DesignMatrix
    let fit: GLMFit
    let influence: CoefficientInfluence
    let covariance: [Double]
    let type: CovarianceType
    let weights: [Double]

    /// One effect: two counterfactual model matrices and the divisor between them.
    private struct Contrast {
        let label: String
        let high: DesignMatrix
        let low: DesignMatrix
        let divisor: Double
    }

    /// One row per contrast (`x[L]` or `x`), in percentage points, with Wald intervals on `df`.
    /// - Throws: `DisparityError` from building the counterfactual design matrices or from the
    ///   variance engine.
    func compute(level: Double, df: Double) throws -> [CoefficientRow] {
        let contrasts = try self.contrasts()
        let n = design.rowCount, k = influence.rank, m = contrasts.count
        guard m > 0 else { return [] }
        let W = weights.reduce(0, +)
        let beta = fit.coefficients.map { $0.isNaN ? 0 : $0 }
        var estimates = [Double](repeating: 0, count: m)
        var gradients = [Double](repeating: 0, count: m * k)
        var perRow = [Double](repeating: 0, count: n * m)
        for (c, contrast) in contrasts.enumerated() {
            let etaHigh = IRLS.linearPredictor(contrast.high.columns, beta: beta)
            let etaLow = IRLS.linearPredictor(contrast.low.columns, beta: beta)
            let high = contrast.high.values, low = contrast.low.values
            var total = 0.0
            for i in 0..<n {
                let muHigh = fit.family.mean(etaHigh[i]), muLow = fit.family.mean(etaLow[i])
                let g = (muHigh - muLow) / contrast.divisor
                perRow[i * m + c] = g
                total += weights[i] * g
                let dHigh = fit.family.meanDerivative(muHigh), dLow = fit.family.meanDerivative(muLow)
                for (a, j) in influence.kept.enumerated() {
                    gradients[c * k + a] += weights[i] * (dHigh * high[j * n + i] - dLow * low[j * n + i]) / contrast.divisor
                }
            }
            estimates[c] = total / W
        }
        gradients = gradients.map { $0 / W }
        let variance: [Double]
        if type == .design, estimator.design.spec.varianceMethod == .linearization {
            let coefficientInfluence = influence.values()
            var values = [Double](repeating: 0, count: n * m)
            for i in 0..<n {
                for c in 0..<m {
                    var v = weights[i] * (perRow[i * m + c] - estimates[c]) / W
                    for a in 0..<k { v += gradients[c * k + a] * coefficientInfluence[i * k + a] }
                    values[i * m + c] = v
                }
            }
            variance = try VarianceEngine(design: estimator.design).covariance(Influence(rows: design.rows, width: m, values: values)).values
        } else {
            var v = [Double](repeating: 0, count: m * m)
            for c in 0..<m {
                for d in 0..<m {
                    var s = 0.0
                    for a in 0..<k { for b in 0..<k { s += gradients[c * k + a] * covariance[a * k + b] * gradients[d * k + b] } }
                    v[c * m + d] = s
                }
            }
            variance = v
        }
        return contrasts.enumerated().map { c, contrast in
            CoefficientRow(term: contrast.label, .wald(100 * estimates[c], standardError: 100 * variance[c * m + c].squareRoot(),
                                                       df: df, level: level))
        }
    }

    /// The effects to compute: every column of the data the right-hand side reads.
    private func contrasts() throws -> [Contrast] {
        let table = estimator.table
        var columns: [String] = []
        for term in formula.terms { for v in term.variables { for c in v.columns where !columns.contains(c) { columns.append(c) } } }
        var out: [Contrast] = []
        for name in columns {
            let asFactor = formula.terms.flatMap(\.variables).first { v in
                if case .factor(let c) = v, c == name { return true }
                if case .column(let c) = v, c == name, case .categorical = try? table.column(name) { return true }
                return false
            }
            if let variable = asFactor, let levels = design.factorLevels[variable] {
                let codes = try table.categorical(name)
                let low = try counterfactual(name, level: levels[0], codes: codes)
                for level in levels.dropFirst() {
                    out.append(Contrast(label: "\(name)[\(level)]", high: try counterfactual(name, level: level, codes: codes), low: low, divisor: 1))
                }
                continue
            }
            let values = try table.numeric(name)
            let used = design.atRows(values)
            if used.allSatisfy({ $0 == 0 || $0 == 1 }) {
                out.append(Contrast(label: name, high: try shifted(name, values) { _ in 1 }, low: try shifted(name, values) { _ in 0 }, divisor: 1))
            } else {
                let mean = used.reduce(0, +) / Double(used.count)
                let sd = (used.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, used.count - 1))).squareRoot()
                let h = Self.relativeStep * (sd > 0 ? sd : max(1, abs(mean)))
                out.append(Contrast(label: name, high: try shifted(name, values) { $0 + h }, low: try shifted(name, values) { $0 - h }, divisor: 2 * h))
            }
        }
        return out
    }

    private func shifted(_ name: String, _ values: [Double], _ change: (Double) -> Double) throws -> DesignMatrix {
        let table = try estimator.table.replacing(name, with: .numeric(NumericColumn(values.map { $0.isNaN ? $0 : change($0) })))
        return try DesignMatrix(formula: formula, table: table, fixedLevels: design.factorLevels, within: fittedRows)
    }

    /// The rows the model was fitted on (a `--subset` and missing values leave the others out),
    /// so that every counterfactual design matrix has the fit's rows in the fit's order.
    private var fittedRows: [Bool] {
        var mask = [Bool](repeating: false, count: estimator.table.rowCount)
        for r in design.rows { mask[Int(r)] = true }
        return mask
    }

    private func counterfactual(_ name: String, level: String, codes: CategoricalColumn) throws -> DesignMatrix {
        let code = Int32(codes.levels.firstIndex(of: level)!)
        let column = CategoricalColumn(codes: codes.codes.map { $0 < 0 ? $0 : code }, levels: codes.levels)
        let table = try estimator.table.replacing(name, with: .categorical(column))
        return try DesignMatrix(formula: formula, table: table, fixedLevels: design.factorLevels, within: fittedRows)
    }
}
