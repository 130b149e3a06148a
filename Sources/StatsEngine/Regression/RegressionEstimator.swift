import Foundation

/// `disparity regress`: survey-weighted linear, logistic and Poisson regression with R's formula
/// syntax, fitted by IRLS on `LeastSquares`, with design-based (through the one variance
/// engine), classical, HC0–HC3 or cluster-robust standard errors, Wald tests of groups of
/// terms and average marginal effects.
public struct RegressionEstimator: Sendable {
    /// The data the formulas' variables are read from.
    public let table: Table
    /// The survey design of `table`'s rows: weights, strata and PSUs for the design-based covariance.
    public let design: SurveyDesign

    /// An estimator of models on `table` under `design`.
    public init(table: Table, design: SurveyDesign) {
        self.table = table
        self.design = design
    }

    /// Fits the request's model (R's `svyglm`, or `glm` with `--vcov classical`) and computes its
    /// coefficient rows, covariance, Wald tests and, if asked, average marginal effects.
    /// - Throws: `DisparityError.usage` for a level outside (0, 1), fewer than one iteration, a
    ///   formula that does not parse, an unknown `--test` term, or marginal effects of a
    ///   non-binomial family; `.data` when no row has every variable, the response does not fit
    ///   the family or a weighted sum exceeds the largest double (`refuseOverflow`); `.analysis`
    ///   when the fit does not converge, terms are aliased (unless allowed), a tested covariance
    ///   is singular or `--vcov cluster` has one cluster; `.usage` for a model-based `--vcov` on
    ///   a design whose variances come from replicates, which it would not use.
    public func fit(_ request: RegressionRequest) throws -> RegressionResult {
        try request.validate()
        try request.validate(under: design.spec)
        let formula = try ModelFormula(request.formula)
        let subset = try request.subset?.selectedRows(of: table)
        let model = try linearized(formula, request: request, within: subset, regressOptions: true)
        let (x, fit, influence, weights) = (model.design, model.fit, model.influence, model.weights)
        let replicated = try replicateCovariance(formula, request: request, model: model, within: subset)
        let (covariance, df) = try replicated.map { ($0.covariance, $0.df) }
            ?? coefficientCovariance(request.covariance, x: x, fit: fit, influence: influence, weights: weights)
        try refuseOverflow(covariance: covariance, rank: influence.rank, columns: influence.kept.map { x.names[$0] }, formula: formula)

        let k = influence.rank
        var rows: [CoefficientRow] = []
        var position = 0
        for j in 0..<x.columnCount {
            guard !fit.aliased[j] else {
                rows.append(CoefficientRow(term: x.names[j], nil))
                continue
            }
            let estimate = fit.coefficients[j]
            let se = covariance[position * k + position].squareRoot()
            position += 1
            rows.append(CoefficientRow(term: x.names[j], .wald(estimate, standardError: se, df: df, level: request.level)))
        }
        let aliasedNames = (0..<x.columnCount).filter { fit.aliased[$0] }.map { x.names[$0] }
        let (tests, testNotes) = try TermTests(design: x, kept: influence.kept, coefficients: fit.coefficients, covariance: covariance, df: df)
            .run(requested: request.tests)
        var effects: [CoefficientRow] = []
        if request.marginalEffects {
            effects = try MarginalEffects(estimator: self, formula: formula, design: x, fit: fit, influence: influence,
                                          covariance: covariance, type: request.covariance, weights: weights)
                .compute(level: request.level, df: df)
        }
        var notes = (replicated?.note.map { [$0] } ?? []) + testNotes
        if Self.fitsEssentiallyPerfectly(fit, weights: weights, rank: k) {
            notes.append(Self.essentiallyPerfectFitNote())
        }
        // As many coefficients as the design's degrees of freedom allow, or more (a coefficient
        // per PSU, say): the coefficients' covariance from the PSU totals is singular, and standard
        // errors near 0 (the scores' PSU totals all but zero) measure nothing; R's svyglm gives
        // the same residual df (0 or negative) and no tests.
        if df <= 0, request.covariance == .design, design.spec.varianceMethod == .linearization {
            notes.append("the model's \(k) coefficients leave the design's degrees of freedom none (residual df \(Int(df))): their covariance is singular, standard errors near 0 measure nothing, and nothing is tested; fit fewer terms or use a design with more PSUs")
        }
        return RegressionResult(formula: request.formula, family: request.family, covariance: request.covariance,
                                coefficients: rows, covarianceMatrix: covariance, dfResidual: df, n: Self.rowsWithWeight(weights), rank: k,
                                aliased: aliasedNames, converged: fit.converged, iterations: fit.iterations,
                                deviance: fit.deviance, tests: tests, marginalEffects: effects, notes: notes)
    }

    /// The note on a fit for which `fitsEssentiallyPerfectly` holds; `of` names the model where
    /// the note is not on its own output (a decomposition's group: "group b (focal)'s model").
    static func essentiallyPerfectFitNote(of model: String? = nil) -> String {
        "essentially perfect fit\(model.map { " of \($0)" } ?? ""): the residuals are rounding errors, so the standard errors, tests and intervals measure nothing (R's summary.lm warns the same)"
    }

    /// Whether a linear model fits its rows exactly, to rounding: R's `summary.lm` test
    /// (residual variance below 1e-30 times mean(f)² + var(f), f the fitted values), with the
    /// weights taken at mean 1 over the rows with weight so that the test does not depend on
    /// their scale (R's uses them as given). Its residuals are then rounding errors, and every
    /// standard error built from them (whatever the covariance) is noise: a t of 1e16, or of
    /// −401 for a term with no effect at all.
    static func fitsEssentiallyPerfectly(_ fit: GLMFit, weights: [Double], rank: Int) -> Bool {
        let n = rowsWithWeight(weights)
        guard fit.family == .gaussian, n > rank, !fit.mean.isEmpty else { return false }
        let fitted = zip(fit.mean, weights).filter { $0.1 > 0 }.map(\.0)
        let mean = fitted.reduce(0, +) / Double(n)
        let variance = n > 1 ? fitted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : 0
        let weightsMean = weights.reduce(0, +) / Double(n)
        let residualVariance = fit.residualSumOfSquares / weightsMean / Double(n - rank)
        return residualVariance.isFinite && residualVariance < (mean * mean + variance) * 1e-30
    }

    /// A fitted model with what every variance needs: the design matrix, the fit, the
    /// coefficients' influence values and the rows' weights.
    struct LinearizedModel {
        let design: DesignMatrix
        let fit: GLMFit
        let influence: CoefficientInfluence
        let weights: [Double]
    }

    /// Fits `formula` (on the rows marked in `within`, the design kept whole, as R's subset
    /// designs), failing on aliased terms unless the request allows them. `regressOptions` says
    /// the fit is `disparity regress`'s own, whose errors may then suggest its options
    /// (`--allow-aliased`, `--max-iterations`); fits inside other commands suggest none.
    func linearized(_ formula: ModelFormula, request: RegressionRequest, within: [Bool]? = nil,
                    fixedLevels: [ModelVariable: [String]]? = nil, regressOptions: Bool = false) throws -> LinearizedModel {
        let x = try DesignMatrix(formula: formula, table: table, fixedLevels: fixedLevels, within: within)
        try request.family.validate(response: x.response, rows: x.rows, name: formula.response.label, table: table)
        let weights = x.atRows(design.weights)
        guard weights.contains(where: { $0 > 0 }) else {
            throw DisparityError.data(file: table.source, "\(formula.label): the \(x.rowCount) rows of the model all have weight 0")
        }
        // Linear calibration may leave weights below 0; R's glm refuses them ("negative
        // weights not allowed"), and no least-squares path here gives them a meaning.
        if let first = weights.firstIndex(where: { $0 < 0 }) {
            let count = weights.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
            let more = count == 1 ? "" : ", as are \(count - 1) more of the model's rows"
            throw table.rowError(Int(x.rows[first]), "\(formula.label): calibrated weight \(weights[first]) is negative\(more); a regression needs weights ≥ 0, as R's glm (calibrate with --bounds, or --calfun raking or logit)")
        }
        try refuseOverflow(x, weights: weights, family: request.family)
        let fit: GLMFit
        do {
            fit = try IRLS(family: request.family, tolerance: request.tolerance, maximumIterations: request.maximumIterations)
                .fit(x, weights: weights, weightsMean: request.family == .gaussian ? nil : priorWeightsMean(within: within))
        } catch let failure as IRLS.NonConvergence {
            throw DisparityError.analysis("\(formula.label): the fit did not converge in \(failure.iterations) iteration\(failure.iterations == 1 ? "" : "s")\(regressOptions ? " (raise --max-iterations)" : "")")
        } catch is IRLS.Overflow {
            throw meanOverflow(formula)
        }
        if !request.allowAliased, fit.aliased.contains(true) {
            let names = (0..<x.columnCount).filter { fit.aliased[$0] }.map { x.names[$0] }
            let them = names.count == 1 ? "it" : "them"
            // The terms whole (room for 90 characters of them in the 280 of a message), not cut
            // to a list's 20 characters each: the name says which term to drop.
            throw DisparityError.analysis("\(formula.label): singular design: \(listed: names, whole: 90) \(names.count == 1 ? "is a linear combination" : "are linear combinations") of earlier terms (drop \(them)\(regressOptions ? ", or pass --allow-aliased to report \(them) as NA like R" : ""))")
        }
        return LinearizedModel(design: x, fit: fit, influence: CoefficientInfluence(design: x, fit: fit), weights: weights)
    }

    /// The mean R's `svyglm` divides the design's weights by (`rescale = TRUE`) for a fit on the
    /// rows marked in `within` (nil: all): the mean over those rows, rows with missing values in
    /// the model included (R's `design[subset, ]` drops the others) — over every row, the others
    /// at weight 0, on a calibrated design without replicate weights, whose subset R keeps whole.
    /// Computed as R's `mean` (an extended-precision sum, then its correction pass).
    func priorWeightsMean(within: [Bool]?) -> Double {
        let w = design.weights
        let keepsOtherRows = design.calibration != nil && !design.spec.varianceMethod.usesReplicateWeights
        let rows = within.flatMap { within in keepsOtherRows ? nil : w.indices.filter { within[$0] } }
        let count = rows?.count ?? w.count
        guard count > 0 else { return .nan }
        func value(_ k: Int) -> Double {
            guard let rows else { return within.map { $0[k] ? w[k] : 0 } ?? w[k] }
            return w[rows[k]]
        }
        #if arch(x86_64) || arch(i386)
        var sum: Float80 = 0
        for k in 0..<count { sum += Float80(value(k)) }
        var mean = sum / Float80(count), correction: Float80 = 0
        for k in 0..<count { correction += Float80(value(k)) - mean }
        mean += correction / Float80(count)
        return Double(mean)
        #else
        return (0..<count).reduce(0.0) { $0 + value($1) } / Double(count)
        #endif
    }

    /// With `--vcov design` on a replicate design: the covariance of the estimable coefficients
    /// from refits on the replicate weights, with the design df as for the linearized
    /// covariance, and a note when replicates gave no estimate (`RefitFailures`). Nil under
    /// linearization or another covariance type. The df is R's `degf` of the design on the rows
    /// marked in `within` (nil: all), rows with missing values in the model included, as
    /// `svyglm.svyrep.design` takes it (the linearized fit's leaves those rows out, as R's).
    private func replicateCovariance(_ formula: ModelFormula, request: RegressionRequest, model: LinearizedModel,
                                     within: [Bool]?) throws -> (covariance: [Double], df: Double, note: String?)? {
        guard request.covariance == .design else { return nil }
        let (x, kept) = (model.design, model.influence.kept)
        // Each replicate refits the same design matrix on its weights scaled to sum to 1,
        // starting from the full-sample estimate, as R's svyglm.svyrep.design does (the scale
        // sets where its deviance test stops); a replicate whose fit fails is dropped. A group
        // of replicates is refitted together, sharing each pass over the design matrix.
        let irls = IRLS(family: request.family, tolerance: request.tolerance, maximumIterations: request.maximumIterations)
        let start = model.fit.coefficients.map { $0.isNaN ? 0 : $0 }
        let text = formula.text
        let estimates = kept.map { model.fit.coefficients[$0] }
        var failures = RefitFailures()
        // Calibration may leave a replicate's weights below 0 where the full sample's are not:
        // refused as in `linearized` (R's glm stops on the replicate).
        if design.calibration != nil, let replicates = design.replicateWeights {
            for j in 0..<replicates.count {
                let column = replicates.weights(replicate: j)
                if let first = x.rows.first(where: { column[Int($0)] < 0 }) {
                    throw table.rowError(Int(first), "formula \(quoted: text): replicate \(j + 1)'s calibrated weight \(column[Int(first)]) is negative; a regression needs weights ≥ 0, as R's glm (calibrate with --bounds, or --calfun raking or logit)")
                }
            }
        }
        guard let replicated = try design.replicateCovariance(estimates: estimates, groupSize: Self.refitGroup, { group, totals in
            // Each replicate's weights at the model's rows over their sum (known when the rows
            // are all the table's), read where they are (a linear fit's as they are: its
            // coefficients do not depend on their scale). A
            // replicate that gives every model row weight 0 has no fit (R's svyglm stops there).
            let rows = x.usesEveryRow ? nil : x.rows
            let weights = request.family == .gaussian ? ScaledWeights.unscaled(group, rows: rows) : ScaledWeights.normalized(group, rows: rows, totals: totals)
            let fitted = weights.indices.filter { weights[$0].divisor > 0 }
            var refits = [Result<GLMFit, Error>?](repeating: nil, count: weights.count)
            for (k, fit) in zip(fitted, irls.fits(x, weights: fitted.map { weights[$0] }, start: start)) { refits[k] = fit }
            return refits.map { fit in
                guard let fit else {
                    failures.weightless += 1
                    return .failure(DisparityError.analysis("formula '\(text)': a replicate gives every row of the model weight 0"))
                }
                return Result {
                    let refit: GLMFit
                    do {
                        refit = try fit.get()
                    } catch let failure as IRLS.NonConvergence {
                        failures.unconverged += 1
                        throw DisparityError.analysis("formula '\(text)': a replicate's fit did not converge in \(failure.iterations) iterations")
                    } catch is IRLS.Divergence {
                        failures.diverged += 1
                        throw DisparityError.analysis("formula '\(text)': a replicate's fit moved away from the full-sample estimate (its deviance rose)")
                    } catch is IRLS.Overflow {
                        // Not a replicate to leave out: the analysis stops (`ReplicateEstimates`).
                        throw meanOverflow(formula)
                    } catch {
                        if let failure = error as? DisparityError, failure.kind == .analysis, failure.message.contains(": separation:") {
                            failures.separated += 1
                        } else {
                            failures.other += 1
                        }
                        throw error
                    }
                    // A coefficient not aliased but not finite overflowed: no replicate to leave out.
                    if let j = kept.first(where: { !refit.aliased[$0] && !refit.coefficients[$0].isFinite }) {
                        throw coefficientOverflow(formula, x.names[j])
                    }
                    // R's svrVar takes the coefficients together: a replicate that leaves one
                    // not estimable is left out of them all (counted by difference).
                    guard kept.allSatisfy({ !refit.aliased[$0] && refit.coefficients[$0].isFinite }) else {
                        throw DisparityError.analysis("formula '\(text)': a replicate leaves a coefficient not estimable")
                    }
                    return kept.map { refit.coefficients[$0] }
                }
            }
        }) else { return nil }
        let note = failures.note(dropped: replicated.failed, of: replicated.replicates)
        let subsetRows = within.map { within in within.indices.filter { within[$0] }.map(Int32.init) }
        return (replicated.covariance.values, Double(design.degreesOfFreedom(rows: subsetRows) + 1 - kept.count), note)
    }

    /// The rows of a model with a non-zero weight: its n (R's `nobs` of a `glm`).
    static func rowsWithWeight(_ weights: [Double]) -> Int { weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// Replicates refitted together, sharing each pass over the design: a refit keeps no row
    /// values of its own (its weights are read from its replicate's column, its linear predictor
    /// is formed a block at a time), only about 40 kB of a pass's scratch (`IRLSPass.refitPass`:
    /// its weights of a chunk of rows, its working weights of a block).
    static let refitGroup = 80

    /// How close to 1 a leverage is taken as 1 by `--vcov hc2` and `hc3` (R's `sandwich` warns
    /// from 1 − 1e-10, where 1/(1 − h) has lost most of its digits).
    static let unitLeverage = 1e-10

    /// The covariance of the estimable coefficients (rank × rank) and the residual df for
    /// intervals and tests, by the requested method. The model-based methods (classical,
    /// HC0–HC3, cluster) count only the rows with weight: a row of weight 0 adds nothing to the
    /// fit, and n − rank, HC1's n/(n − k) and CR1's G and (n − 1)/(n − k) are those of the fit
    /// without it, as R's `glm` takes its residual df (`n.ok`, the rows with non-zero weight)
    /// and Stata drops rows of weight 0 from the estimation sample.
    func coefficientCovariance(_ type: CovarianceType, x: DesignMatrix, fit: GLMFit, influence: CoefficientInfluence,
                               weights: [Double]) throws -> ([Double], Double) {
        let n = Self.rowsWithWeight(weights), k = influence.rank
        if type != .classical { try refuseOverflow(scores: fit, x) }
        switch type {
        case .design:
            let v = try VarianceEngine(design: design).covariance(influence.blocks(rows: x.rows))
            return (v.values, Double(design.degreesOfFreedom(rows: x.rows) + 1 - k))
        case .classical:
            // Gaussian: φ = the weighted RSS/(n − k), R's lm(weights = w), free of the weights'
            // scale. Binomial and Poisson fix φ at 1, where (X'ΩX)⁻¹ on the weights as given
            // would take them as frequency weights (×100 the weights, a tenth the standard
            // errors): they are normalised to mean 1 over the rows with weight, R's
            // glm(weights = w / mean(w)), whose (X'ΩX)⁻¹ is the bread times that mean.
            let dispersion = fit.family == .gaussian ? fit.residualSumOfSquares / Double(n - k)
                : weights.reduce(0, +) / Double(n)
            return (influence.bread.map { $0 * dispersion }, Double(n - k))
        case .hc0, .hc1:
            var v = OuterProducts.sum(influence.values(), width: k)
            if type == .hc1 { v = v.map { $0 * Double(n) / Double(n - k) } }
            return (v, Double(n - k))
        case .hc2, .hc3:
            let h = influence.leverages(design: x, fit: fit)
            // A row that alone determines a coefficient (a factor level with one row) has
            // leverage 1 and a residual of 0: its term is 0/0 (R's sandwich gives NaN).
            if let i = h.firstIndex(where: { $0 > 1 - Self.unitLeverage }) {
                throw table.rowError(Int(x.rows[i]), "--vcov \(type.rawValue) is undefined: this row has leverage 1 (it alone determines a coefficient, such as a factor level with one row); use --vcov hc0, hc1 or design")
            }
            let scale = h.map { type == .hc2 ? 1 / (1 - $0).squareRoot() : 1 / (1 - $0) }
            return (OuterProducts.sum(influence.values(), width: k, rowScale: scale), Double(n - k))
        case .cluster:
            // The clusters with a row of weight; a row of weight 0 has influence 0 and joins
            // the first group when its cluster has none.
            var slot = [Int32](repeating: -1, count: design.psuTotal)
            var groups = [Int32](repeating: 0, count: x.rowCount)
            var count: Int32 = 0
            for (i, r) in x.rows.enumerated() where weights[i] > 0 {
                let p = Int(design.psu[Int(r)])
                if slot[p] < 0 { slot[p] = count; count += 1 }
                groups[i] = slot[p]
            }
            let g = Double(count)
            guard count > 1 else { throw DisparityError.analysis("--vcov cluster needs two or more clusters (--cluster)") }
            let factor = g / (g - 1) * Double(n - 1) / Double(n - k)
            return (OuterProducts.sum(influence.values(), width: k, groups: groups, groupCount: Int(count)).map { $0 * factor }, g - 1)
        }
    }
}

/// The replicate refits that failed, by cause, for the note on a regression's replicate
/// standard errors.
struct RefitFailures {
    /// Refits that separate the outcome (or otherwise fail the separation check).
    var separated = 0
    /// Refits that reached the iteration limit without separating.
    var unconverged = 0
    /// Refits whose deviance ended above its value at the full-sample estimate (`IRLS.Divergence`).
    var diverged = 0
    /// Refits that failed otherwise.
    var other = 0
    /// Replicates that give every row of the model weight 0: no refit (R's `svyglm` stops with
    /// an error, "NAs in V(mu)").
    var weightless = 0

    /// The note for `dropped` of `total` replicates left out (nil when none): the causes
    /// counted here, the rest (a coefficient not estimable in the replicate, such as a factor
    /// level without weight) by difference. R's `svrVar` leaves out replicates with NA
    /// coefficients as well; R's `svyglm` keeps a separated or unconverged refit's diverging
    /// coefficients, so where those are left out the standard errors may be smaller than R's.
    func note(dropped: Int, of total: Int) -> String? {
        guard dropped > 0 else { return nil }
        let unestimable = dropped - separated - unconverged - diverged - other - weightless
        let causes = [(separated, "separate the outcome"), (unconverged, "did not converge: raise --max-iterations"),
                      (diverged, "moved away from the full-sample estimate, their deviance rising"),
                      (other, "failed otherwise"), (unestimable, "leave a coefficient not estimable"),
                      (weightless, "give every row of the model weight 0")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        let consequence = separated + unconverged + diverged + other > 0
            ? "the standard errors leave out the most unstable replicates and may understate the uncertainty (R's svyglm keeps their diverging coefficients)"
            : unestimable > 0 ? "as R's svrVar leaves out replicates with NA coefficients"
            : "R's svyglm stops with an error there"
        return "\(dropped) of \(total) replicates gave no estimate and were left out (\(causes)): \(consequence)"
    }
}
