/// The Oaxaca-Blinder decomposition of a gap in a mean (or, for a 0/1 outcome, a linear
/// probability) between a focal and a reference group into the part the covariates explain
/// (different characteristics) and the part they do not (different returns to them).
///
/// Twofold with the reference group's coefficients by default — explained = (x̄_f − x̄_r)'β_r,
/// unexplained = x̄_f'(β_f − β_r) — or with pooled coefficients β* from a regression on both
/// groups with a group indicator (Jann's `oaxaca, pooled`): explained = (x̄_f − x̄_r)'β*,
/// unexplained = x̄_f'(β_f − β*) + x̄_r'(β* − β_r). The threefold variant splits the gap into
/// endowments (x̄_f − x̄_r)'β_r, coefficients x̄_r'(β_f − β_r) and their interaction
/// (x̄_f − x̄_r)'(β_f − β_r). Detail rows give each term's share.
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
    }

    let estimator: RegressionEstimator

    /// Decomposes the gap between `focal` and `reference` (levels of `groups`), within the rows
    /// marked in `domain` when given.
    func decompose(outcome: String, covariates: String, groups: CategoricalColumn, focal: String, reference: String,
                   domain: [Bool]?, weighting: Weighting, threefold: Bool) throws -> [Component] {
        let table = estimator.table
        let focalCode = Int32(groups.levels.firstIndex(of: focal)!), referenceCode = Int32(groups.levels.firstIndex(of: reference)!)
        let inDomain = domain ?? [Bool](repeating: true, count: groups.codes.count)
        let inFocal = groups.codes.indices.map { groups.codes[$0] == focalCode && inDomain[$0] }
        let inReference = groups.codes.indices.map { groups.codes[$0] == referenceCode && inDomain[$0] }
        let formula = try ModelFormula("\(Self.quoted(outcome)) ~ \(covariates)")
        guard formula.hasIntercept else { throw DisparityError.usage("--adjust '\(covariates)': the decomposition needs an intercept") }
        let request = RegressionRequest(formula: formula.text)
        let levels = try DesignMatrix(formula: formula, table: table, within: zip(inFocal, inReference).map { $0 || $1 }).factorLevels
        let f = try estimator.linearized(formula, request: request, within: inFocal, fixedLevels: levels)
        let r = try estimator.linearized(formula, request: request, within: inReference, fixedLevels: levels)
        let p = f.design.columnCount

        // Parameters θ = [x̄_f, x̄_r, β_f, β_r, β*] and their influence values on the union of rows.
        let rows = f.design.rows + r.design.rows
        var position = [Int32: Int]()
        for (i, row) in rows.enumerated() { position[row] = i }
        let blocks = weighting == .pooled ? 5 : 4
        let width = blocks * p
        var values = [Double](repeating: 0, count: rows.count * width)
        let meanF = Self.means(f, into: &values, width: width, offset: 0, position: position)
        let meanR = Self.means(r, into: &values, width: width, offset: p, position: position)
        Self.coefficients(f, into: &values, width: width, offset: 2 * p, position: position)
        Self.coefficients(r, into: &values, width: width, offset: 3 * p, position: position)
        let betaF = f.fit.coefficients, betaR = r.fit.coefficients
        var betaStar = betaR
        if weighting == .pooled {
            let indicator = groups.codes.indices.map { inFocal[$0] ? 1.0 : (inReference[$0] ? 0.0 : Double.nan) }
            let pooledTable = table.adding(".focal", .numeric(NumericColumn(indicator)))
            let pooledFormula = try ModelFormula("\(formula.text) + .focal")
            let pooled = try RegressionEstimator(table: pooledTable, design: estimator.design)
                .linearized(pooledFormula, request: RegressionRequest(formula: pooledFormula.text), fixedLevels: levels)
            guard pooled.design.rowCount == rows.count else {
                throw DisparityError.analysis("the pooled model uses different rows from the two group models")
            }
            betaStar = Array(pooled.fit.coefficients.prefix(p))
            let k = pooled.influence.rank
            for (i, row) in pooled.design.rows.enumerated() {
                let at = position[row]!
                for j in 0..<p { values[at * width + 4 * p + j] = pooled.influence.values[i * k + j] }
            }
        }
        let covariance = try VarianceEngine(design: estimator.design).covariance(Influence(rows: rows, width: width, values: values))
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
            return Component(name: name, estimate: estimate, variance: variance(gradient), n: n)
        }
        let all = Array(0..<p)
        let star = weighting == .pooled ? 4 * p : 3 * p
        // Each closure adds column j's contribution and its partial derivatives.
        func explained(_ j: Int, _ g: inout [Double]) -> Double {
            let d = meanF[j] - meanR[j]
            g[j] += betaStar[j]; g[p + j] -= betaStar[j]; g[star + j] += d
            return d * betaStar[j]
        }
        func unexplained(_ j: Int, _ g: inout [Double]) -> Double {
            // x̄_f(β_f − β*) + x̄_r(β* − β_r); with reference weighting β* = β_r and the second part vanishes.
            g[j] += betaF[j] - betaStar[j]; g[2 * p + j] += meanF[j]; g[star + j] -= meanF[j]
            if weighting == .pooled { g[p + j] += betaStar[j] - betaR[j]; g[star + j] += meanR[j]; g[3 * p + j] -= meanR[j] }
            return meanF[j] * (betaF[j] - betaStar[j]) + (weighting == .pooled ? meanR[j] * (betaStar[j] - betaR[j]) : 0)
        }
        var out = [component("explained", columns: all, explained), component("unexplained", columns: all, unexplained)]
        if threefold {
            out.append(component("endowments", columns: all) { j, g in
                let d = meanF[j] - meanR[j]
                g[j] += betaR[j]; g[p + j] -= betaR[j]; g[3 * p + j] += d
                return d * betaR[j]
            })
            out.append(component("coefficients", columns: all) { j, g in
                g[p + j] += betaF[j] - betaR[j]; g[2 * p + j] += meanR[j]; g[3 * p + j] -= meanR[j]
                return meanR[j] * (betaF[j] - betaR[j])
            })
            out.append(component("interaction", columns: all) { j, g in
                let d = meanF[j] - meanR[j], b = betaF[j] - betaR[j]
                g[j] += b; g[p + j] -= b; g[2 * p + j] += d; g[3 * p + j] -= d
                return d * b
            })
        }
        // Detail: each term's part (the intercept's unexplained part stands alone).
        var termColumns: [(String, [Int])] = []
        for (j, t) in f.design.termOfColumn.enumerated() {
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

    /// Weighted column means of a group's model matrix, writing their influence values.
    private static func means(_ model: RegressionEstimator.LinearizedModel, into values: inout [Double], width: Int, offset: Int,
                              position: [Int32: Int]) -> [Double] {
        let x = model.design, n = x.rowCount, p = x.columnCount
        let W = model.weights.reduce(0, +)
        var means = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var s = 0.0
            for i in 0..<n { s += model.weights[i] * x.values[j * n + i] }
            means[j] = s / W
            for i in 0..<n {
                values[position[x.rows[i]]! * width + offset + j] = model.weights[i] * (x.values[j * n + i] - means[j]) / W
            }
        }
        return means
    }

    /// A group's coefficient influence values, placed at `offset`.
    private static func coefficients(_ model: RegressionEstimator.LinearizedModel, into values: inout [Double], width: Int, offset: Int,
                                     position: [Int32: Int]) {
        let k = model.influence.rank
        for (i, row) in model.design.rows.enumerated() {
            for j in 0..<k { values[position[row]! * width + offset + j] = model.influence.values[i * k + j] }
        }
    }

    /// A column name as a formula may spell it.
    static func quoted(_ name: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ? name : "`\(name)`"
    }
}
