/// The Oaxaca-Blinder decomposition of a gap in a mean (or, for a 0/1 outcome, a linear
/// probability) between a focal and a reference group into the part the covariates explain
/// (different characteristics) and the part they do not (different returns to them).
///
/// Twofold with the reference group's coefficients by default — explained = (x̄_f − x̄_r)'β_r,
/// unexplained = x̄_f'(β_f − β_r) — or with pooled coefficients β* from a regression on both
/// groups with a group indicator (Jann's `oaxaca, pooled`): explained = (x̄_f − x̄_r)'β*,
/// unexplained = x̄_f'(β_f − β*) + x̄_r'(β* − β_r). The threefold variant splits the gap into
/// endowments (x̄_f − x̄_r)'β_r, coefficients x̄_r'(β_f − β_r) and their interaction
/// (x̄_f − x̄_r)'(β_f − β_r). Detail rows give each term's share; with normalisation
/// (`Normalization`, Yun 2005) a factor's detail does not depend on its omitted level.
///
/// Standard errors: every component is a function of the groups' covariate means and
/// coefficients; their influence values (means: wᵢ(xᵢ − x̄)/W; coefficients: the survey-weighted
/// regressions' estimating functions) go to the variance engine together, so the covariance of
/// everything — the two groups share PSUs — enters the delta method.
struct OaxacaBlinder {
    enum Weighting: String, Sendable { case reference, pooled }

    struct Component {
        var name: String
        var estimate: Double
        var variance: Double
        var n: Int
        /// Why the standard error measures nothing (a group's linear model fitting essentially
        /// perfectly: `GroupModels.essentiallyPerfectFitNote`); nil otherwise.
        var note: String? = nil
    }

    let estimator: RegressionEstimator

    /// Decomposes the gap between `focal` and `reference` (levels of `groups`), within the rows
    /// marked in `domain` when given. With `normalize`, each categorical covariate's
    /// coefficients are re-expressed as deviations from their mean over all its levels (Yun
    /// 2005), so the per-term detail does not depend on the omitted level.
    ///
    /// A covariate column that is 0 in every row of one group (a factor level the group lacks)
    /// has no coefficient there; it counts as 0 (Stata `oaxaca`'s convention) wherever the
    /// group's own mean of that column, 0, multiplies it. Where the decomposition would need
    /// it otherwise — the reference coefficients of the twofold and logistic decompositions,
    /// and either group's in the threefold one and with `normalize` — the error names the group
    /// and the level.
    func decompose(outcome: String, covariates: String, groups: CategoricalColumn, focal: String, reference: String,
                   domain: [Bool]?, weighting: Weighting, threefold: Bool, normalize: Bool = false) throws -> [Component] {
        let table = estimator.table
        let models = try GroupModels(estimator: estimator, outcome: outcome, covariates: covariates, family: .gaussian,
                                     groups: groups, focal: focal, reference: reference, domain: domain)
        let (f, r, formula, levels) = (models.focal, models.reference, models.formula, models.levels)
        try models.requireCoefficients(of: .reference, for: "the explained part (valued at the reference coefficients)")
        if threefold {
            try models.requireCoefficients(of: .focal, for: "the threefold decomposition (its coefficients and interaction parts)")
        } else if normalize {
            // A missing coefficient taken as 0 would enter the factor's mean over its levels and
            // bring back the omitted level the normalisation removes.
            try models.requireCoefficients(of: .focal, for: "--normalize (each factor's coefficients about their mean over all its levels)")
        }
        let p = f.design.columnCount

        // Parameters θ = [x̄_f, x̄_r, β_f, β_r, β*] and their influence values on the union of rows.
        let rows = f.design.rows + r.design.rows
        var position = [Int32: Int]()
        for (i, row) in rows.enumerated() { position[row] = i }
        let blocks = weighting == .pooled ? 5 : 4
        var values = [Double](repeating: 0, count: rows.count * blocks * p)
        let meanF = Self.means(f, into: &values, width: blocks * p, offset: 0, position: position)
        let meanR = Self.means(r, into: &values, width: blocks * p, offset: p, position: position)
        Self.coefficients(f, into: &values, width: blocks * p, offset: 2 * p, position: position)
        Self.coefficients(r, into: &values, width: blocks * p, offset: 3 * p, position: position)
        let betaF = Self.estimable(f.fit.coefficients), betaR = Self.estimable(r.fit.coefficients)
        var betaStar = betaR
        if weighting == .pooled {
            let indicator = groups.codes.indices.map { models.inFocal[$0] ? 1.0 : (models.inReference[$0] ? 0.0 : Double.nan) }
            let pooledTable = table.adding(".focal", .numeric(NumericColumn(indicator)))
            let pooledFormula = try ModelFormula("\(formula.text) + .focal")
            let pooled = try RegressionEstimator(table: pooledTable, design: estimator.design)
                .linearized(pooledFormula, request: RegressionRequest(formula: pooledFormula.text), fixedLevels: levels)
            guard pooled.design.rowCount == rows.count else {
                throw DisparityError.analysis("the pooled model uses different rows from the two group models")
            }
            betaStar = Array(pooled.fit.coefficients.prefix(p))
            let k = pooled.influence.rank, pooledInfluence = pooled.influence.values()
            for (i, row) in pooled.design.rows.enumerated() {
                let at = position[row]!
                for j in 0..<p { values[at * blocks * p + 4 * p + j] = pooledInfluence[i * k + j] }
            }
        }
        // Re-express every block on the decomposition's columns (with --normalize, each factor's
        // omitted level too), transforming the influence values by the same linear map.
        let map = normalize ? try Normalization(design: f.design) : Normalization(identityOn: f.design)
        let q = map.columnCount, width = blocks * q
        let transformed = map.transform(values, rows: rows.count, blocks: blocks, meanBlocks: 2)
        let (xF, xR) = (map.means(meanF), map.means(meanR))
        let (bF, bR, bStar) = (map.coefficients(betaF), map.coefficients(betaR), map.coefficients(betaStar))
        let covariance = try VarianceEngine(design: estimator.design).covariance(Influence(rows: rows, width: width, values: transformed))
        func variance(_ gradient: [Double]) -> Double {
            var v = 0.0
            for a in 0..<width where gradient[a] != 0 { for b in 0..<width where gradient[b] != 0 { v += gradient[a] * covariance[a, b] * gradient[b] } }
            return max(0, v)
        }
        let n = rows.count
        func component(_ name: String, columns: [Int], _ terms: (Int, inout [Double]) -> Double) -> Component {
            var gradient = [Double](repeating: 0, count: width)
            var estimate = 0.0
            for j in columns { estimate += terms(j, &gradient) }
            return Component(name: name, estimate: estimate, variance: variance(gradient), n: n, note: models.essentiallyPerfectFitNote)
        }
        let all = Array(0..<q)
        let star = weighting == .pooled ? 4 * q : 3 * q
        // Each closure adds column j's contribution and its partial derivatives.
        func explained(_ j: Int, _ g: inout [Double]) -> Double {
            let d = xF[j] - xR[j]
            g[j] += bStar[j]; g[q + j] -= bStar[j]; g[star + j] += d
            return d * bStar[j]
        }
        func unexplained(_ j: Int, _ g: inout [Double]) -> Double {
            // x̄_f(β_f − β*) + x̄_r(β* − β_r); with reference weighting β* = β_r and the second part vanishes.
            g[j] += bF[j] - bStar[j]; g[2 * q + j] += xF[j]; g[star + j] -= xF[j]
            if weighting == .pooled { g[q + j] += bStar[j] - bR[j]; g[star + j] += xR[j]; g[3 * q + j] -= xR[j] }
            return xF[j] * (bF[j] - bStar[j]) + (weighting == .pooled ? xR[j] * (bStar[j] - bR[j]) : 0)
        }
        var out = [component("explained", columns: all, explained), component("unexplained", columns: all, unexplained)]
        if threefold {
            out.append(component("endowments", columns: all) { j, g in
                let d = xF[j] - xR[j]
                g[j] += bR[j]; g[q + j] -= bR[j]; g[3 * q + j] += d
                return d * bR[j]
            })
            out.append(component("coefficients", columns: all) { j, g in
                g[q + j] += bF[j] - bR[j]; g[2 * q + j] += xR[j]; g[3 * q + j] -= xR[j]
                return xR[j] * (bF[j] - bR[j])
            })
            out.append(component("interaction", columns: all) { j, g in
                let d = xF[j] - xR[j], b = bF[j] - bR[j]
                g[j] += b; g[q + j] -= b; g[2 * q + j] += d; g[3 * q + j] -= d
                return d * b
            })
        }
        // Detail: each term's part (the intercept's unexplained part stands alone).
        var termColumns: [(String, [Int])] = []
        for (j, t) in map.termOfColumn.enumerated() {
            let label = t < 0 ? "(Intercept)" : formula.terms[t].label
            if let i = termColumns.firstIndex(where: { $0.0 == label }) { termColumns[i].1.append(j) } else { termColumns.append((label, [j])) }
        }
        for (label, columns) in termColumns where label != "(Intercept)" {
            out.append(component("explained[\(label)]", columns: columns, explained))
        }
        for (label, columns) in termColumns {
            out.append(component("unexplained[\(label)]", columns: columns, unexplained))
        }
        return out
    }

    /// Coefficients with an absent column's (NaN) counted as 0.
    static func estimable(_ coefficients: [Double]) -> [Double] { coefficients.map { $0.isNaN ? 0 : $0 } }

    /// Weighted column means of a group's model matrix, writing their influence values.
    private static func means(_ model: RegressionEstimator.LinearizedModel, into values: inout [Double], width: Int, offset: Int,
                              position: [Int32: Int]) -> [Double] {
        let x = model.design, n = x.rowCount, p = x.columnCount, matrix = x.values
        let W = model.weights.reduce(0, +)
        var means = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var s = 0.0
            for i in 0..<n { s += model.weights[i] * matrix[j * n + i] }
            means[j] = s / W
            for i in 0..<n {
                values[position[x.rows[i]]! * width + offset + j] = model.weights[i] * (matrix[j * n + i] - means[j]) / W
            }
        }
        return means
    }

    /// A group's coefficient influence values, placed at `offset` in their columns' positions
    /// (an absent column's stay 0).
    private static func coefficients(_ model: RegressionEstimator.LinearizedModel, into values: inout [Double], width: Int, offset: Int,
                                     position: [Int32: Int]) {
        let k = model.influence.rank, kept = model.influence.kept, influence = model.influence.values()
        for (i, row) in model.design.rows.enumerated() {
            for (a, j) in kept.enumerated() { values[position[row]! * width + offset + j] = influence[i * k + a] }
        }
    }

    /// A column name as a formula may spell it.
    static func quoted(_ name: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ? name : "`\(name)`"
    }
}
