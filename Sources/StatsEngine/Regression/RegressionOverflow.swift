/// A regression's sums beyond a double's range (`DisparityError.overflow`): a model column or
/// linear model's response whose weighted squares overflow would make X'WX or X'Wy Inf or NaN,
/// and the fit would report the column as aliased or its coefficients as missing; a finite fit
/// may still have a variance beyond a double. Each is refused, naming the formula and the term.
extension RegressionEstimator {
    /// Refuses a model whose weighted sums of squares exceed a double: any column's Σwx² (the
    /// diagonal of X'WX) and, for a linear model, the response's Σwy² (which bounds X'Wy and the
    /// residual sum of squares). A column is summed only when its largest |value| squared times
    /// Σw does not already bound its sum below the largest double.
    /// - Throws: `DisparityError.overflow` naming the formula and the column or response.
    func refuseOverflow(_ x: DesignMatrix, weights w: [Double], family: Family) throws {
        func squares(_ value: (Int) -> Double) -> Double {
            var sum = 0.0
            for i in w.indices where w[i] != 0 { sum += w[i] * value(i) * value(i) }
            return sum
        }
        // Finite: `SurveyDesign` refuses weights summing beyond a double.
        let total = w.reduce(0, +)
        for (j, magnitude) in x.columnMagnitudes.enumerated() where !(magnitude * magnitude * total).isFinite {
            var column = [Double](repeating: 0, count: x.rowCount)
            column.withUnsafeMutableBufferPointer { x.columns.write(column: j, rows: 0..<x.rowCount, scale: nil, to: $0.baseAddress!) }
            guard squares({ column[$0] }).isFinite else { throw overflow(x.formula, "the weighted sum of squares of \(quoted: x.names[j])") }
        }
        if family == .gaussian, !squares({ x.response[$0] }).isFinite {
            throw overflow(x.formula, "the weighted sum of squares of \(quoted: x.formula.response.label)")
        }
    }

    /// Refuses a coefficient covariance (`rank` × `rank`, the estimable `columns` in order)
    /// with a variance of +∞: a sum of squares in it went beyond a double (the design-based
    /// covariance squares the scores before it applies (X'WX)⁻¹, so scores beyond 1e154 do,
    /// where R's `svyglm`, which multiplies first, may still give a finite variance).
    /// - Throws: `DisparityError.overflow` naming the formula and the coefficient.
    func refuseOverflow(covariance: [Double], rank: Int, columns: [String], formula: ModelFormula) throws {
        if let j = (0..<rank).first(where: { covariance[$0 * rank + $0] == .infinity }) {
            throw overflow(formula, "a weighted sum in the variance of the coefficient of \(quoted: columns[j])")
        }
    }

    /// Refuses a fit whose scores are beyond a double: a row's weighted residual times
    /// (dμ/dη)/V(μ) (for a Poisson fit (y − μ)·μ/μ, whose product overflows for means beyond
    /// about 1e154), which every covariance but the classical one sums; they would leave the
    /// standard errors missing without a word.
    /// - Throws: `DisparityError.overflow` naming the row's line and the formula.
    func refuseOverflow(scores fit: GLMFit, _ x: DesignMatrix) throws {
        guard let i = fit.scoreFactor.firstIndex(where: { !$0.isFinite }) else { return }
        throw table.rowError(Int(x.rows[i]), "formula \(quoted: x.formula.text): the score of this row's \(quoted: x.formula.response.label) (its weighted residual y − μ times (dμ/dη)/V(μ), μ = \(fit.mean[i])) exceeds \(DisparityError.largestDouble); rescale it")
    }

    /// The error that an iterate's deviance of the fit of `formula` is not finite: a fitted mean
    /// beyond a double (`IRLS.Overflow`).
    func meanOverflow(_ formula: ModelFormula) -> DisparityError {
        overflow(formula, "the fit's deviance (a fitted mean exp(η))")
    }

    /// The error that the estimate of the coefficient of `column` in the fit of `formula` is
    /// beyond a double (not aliased, yet not finite).
    func coefficientOverflow(_ formula: ModelFormula, _ column: String) -> DisparityError {
        overflow(formula, "the estimate of the coefficient of \(quoted: column)")
    }

    /// The error that `what`, in the model of `formula`, exceeds a double.
    private func overflow(_ formula: ModelFormula, _ what: String) -> DisparityError {
        .overflow(file: table.source, "\(formula.label): \(what)")
    }
}
