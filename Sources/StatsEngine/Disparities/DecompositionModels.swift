/// The two group regressions a decomposition of a gap is built from, on one coding of the
/// covariates (the factor levels present in either group), with the columns each group lacks.
///
/// A covariate column that is 0 in every row of positive weight of a group — typically a factor
/// level no member of the group has — has no coefficient in that group's regression. It is
/// kept (its coefficient NaN, its influence values 0) and reported in `absentInFocal` /
/// `absentInReference`, so that each decomposition can use it where the group's mean of the
/// column, 0, multiplies it, and name the group and the level where it cannot. Any other
/// aliased column is an error naming the group.
struct GroupModels {
    enum Side { case focal, reference }

    let formula: ModelFormula
    let levels: [ModelVariable: [String]]
    /// Per table row, whether it belongs to the focal (reference) group within the domain.
    let inFocal: [Bool]
    let inReference: [Bool]
    let focal: RegressionEstimator.LinearizedModel
    let reference: RegressionEstimator.LinearizedModel
    let focalName: String
    let referenceName: String
    /// Design columns that are 0 in every weighted row of the focal (reference) group.
    let absentInFocal: [Int]
    let absentInReference: [Int]
    /// The note that a group's linear model fits its rows essentially perfectly
    /// (`RegressionEstimator.fitsEssentiallyPerfectly`, `regress`'s test and note), naming the
    /// group or groups; nil otherwise. The coefficients' influence values are then rounding
    /// errors, and so is every standard error of a part resting on them.
    let essentiallyPerfectFitNote: String?

    init(estimator: RegressionEstimator, outcome: String, covariates: String, family: Family, groups: CategoricalColumn,
         focal: String, reference: String, domain: [Bool]?) throws {
        let focalCode = Int32(groups.levels.firstIndex(of: focal)!), referenceCode = Int32(groups.levels.firstIndex(of: reference)!)
        let inDomain = domain ?? [Bool](repeating: true, count: groups.codes.count)
        inFocal = groups.codes.indices.map { groups.codes[$0] == focalCode && inDomain[$0] }
        inReference = groups.codes.indices.map { groups.codes[$0] == referenceCode && inDomain[$0] }
        formula = try Self.formula(outcome: outcome, covariates: covariates)
        (focalName, referenceName) = (focal, reference)
        let request = RegressionRequest(formula: formula.text, family: family, allowAliased: true)
        let levels = try DesignMatrix(formula: formula, table: estimator.table, within: zip(inFocal, inReference).map { $0 || $1 }).factorLevels
        self.levels = levels
        let formula = self.formula
        func fit(_ within: [Bool], _ name: String, _ role: String) throws -> (RegressionEstimator.LinearizedModel, [Int]) {
            let model: RegressionEstimator.LinearizedModel
            do {
                model = try estimator.linearized(formula, request: request, within: within, fixedLevels: levels)
            } catch let error as DisparityError {
                throw DisparityError(error.kind, "group \(name) (\(role)): \(error.message)")
            }
            let x = model.design, n = x.rowCount, matrix = x.values
            let absent = (0..<x.columnCount).filter { j in (0..<n).allSatisfy { model.weights[$0] <= 0 || matrix[j * n + $0] == 0 } }
            let aliased = (0..<x.columnCount).filter { model.fit.aliased[$0] && !absent.contains($0) }.map { x.names[$0] }
            // A factor whose base level the group lacks: its other levels' dummies add up to the
            // intercept in every weighted row of the group.
            for variable in Set(aliased.compactMap { DesignMatrix.factorLevel(ofColumnNamed: $0)?.variable }).sorted() {
                let dummies = (0..<x.columnCount).filter { DesignMatrix.factorLevel(ofColumnNamed: x.names[$0])?.variable == variable }
                let lacksBase = (0..<n).allSatisfy { i in model.weights[i] <= 0 || dummies.reduce(0.0) { $0 + matrix[$1 * n + i] } == 1 }
                guard lacksBase, let base = levels.first(where: { $0.key.label == variable || $0.key.columns == [variable] })?.value.first else { continue }
                throw DisparityError.analysis("group \(name) (\(role)): \(variable)=\(base), the factor's base level, has no rows in this group, so its other levels cannot be told from the intercept; leave the level out (--subset \"\(variable) != \(base)\") or merge it with another")
            }
            if !aliased.isEmpty {
                throw DisparityError.analysis("group \(name) (\(role)): \(formula.label): singular design: \(listed: aliased) \(aliased.count == 1 ? "is a linear combination" : "are linear combinations") of earlier terms in this group (drop \(aliased.count == 1 ? "it" : "them") from --adjust)")
            }
            return (model, absent)
        }
        let (focalModel, focalAbsent) = try fit(inFocal, focal, "focal")
        let (referenceModel, referenceAbsent) = try fit(inReference, reference, "reference")
        (self.focal, absentInFocal, self.reference, absentInReference) = (focalModel, focalAbsent, referenceModel, referenceAbsent)
        let exact = [(focalModel, "group \(focal) (focal)"), (referenceModel, "group \(reference) (reference)")].filter { model, _ in
            RegressionEstimator.fitsEssentiallyPerfectly(model.fit, weights: model.weights, rank: model.influence.rank)
        }.map(\.1)
        essentiallyPerfectFitNote = exact.isEmpty ? nil
            : RegressionEstimator.essentiallyPerfectFitNote(of: "the linear model\(exact.count > 1 ? "s" : "") of \(exact.joined(separator: " and "))")
    }

    /// The groups' model, `outcome ~ covariates`, its errors naming `--adjust` and its text.
    /// - Throws: `DisparityError.usage` for covariates that are no list of terms, or that
    ///   remove the intercept (`"0"`, `"x - 1"`): the decomposition needs one.
    static func formula(outcome: String, covariates: String) throws -> ModelFormula {
        let formula = try ModelFormula(response: OaxacaBlinder.quoted(outcome), terms: covariates, option: "--adjust")
        guard formula.hasIntercept else { throw DisparityError.usage("--adjust \(quoted: covariates): the decomposition needs an intercept") }
        return formula
    }

    /// Fails when `side`'s regression lacks a coefficient that `user` (the part of the
    /// decomposition that needs it) needs, naming the group and the level.
    func requireCoefficients(of side: Side, for user: String) throws {
        let (absent, name, model) = side == .focal ? (absentInFocal, focalName, focal) : (absentInReference, referenceName, reference)
        guard let j = absent.first else { return }
        let column = model.design.names[j]
        let role = side == .focal ? "the focal group" : "the reference group"
        if let (variable, level) = DesignMatrix.factorLevel(ofColumnNamed: column) {
            throw DisparityError.analysis("\(variable)=\(level) has no rows in group \(name) (\(role)), but \(user) needs that group's coefficient for it; leave the level out (--subset \"\(variable) != \(level)\") or merge it with another")
        }
        throw DisparityError.analysis("\(quoted: column) is 0 in every row of group \(name) (\(role)), but \(user) needs that group's coefficient for it; drop it from --adjust")
    }
}

/// The columns a decomposition is computed on, as a linear map of the regression's columns.
///
/// Without normalisation it is the identity. With it (Yun 2005, "Decomposing differences in
/// the first moment", Economics Letters 82:275–280; Stata's `oaxaca, normalize()`), each
/// factor entered as a main effect with K levels gains a column for its omitted level, and its
/// coefficients become deviations from their mean over all K levels, the omitted one's 0
/// included: β̃ₖ = βₖ − β̄ with β̄ = Σₖ βₖ / K, and the intercept α̃ = α + Σ_factors β̄.
/// The omitted level's mean is 1 minus the others'. Because each group's level shares sum to
/// 1, x̄'β is unchanged, so the totals are those of the plain decomposition, while the per-term
/// detail no longer depends on which level is omitted.
struct Normalization {
    /// Columns of the decomposition: the design's, then one per normalised factor.
    let columnCount: Int
    /// Per decomposition column, its term in the formula (−1 for the intercept).
    let termOfColumn: [Int]
    /// Per decomposition column, its coefficient as a combination of design coefficients.
    private let coefficientMap: [[(column: Int, factor: Double)]]
    /// Per decomposition column, its mean as a constant plus a combination of design means.
    private let meanMap: [[(column: Int, factor: Double)]]
    private let meanConstant: [Double]
    private let sourceCount: Int

    /// The identity on `design`'s columns.
    init(identityOn design: DesignMatrix) {
        let p = design.columnCount
        columnCount = p
        sourceCount = p
        termOfColumn = design.termOfColumn
        coefficientMap = (0..<p).map { [($0, 1)] }
        meanMap = coefficientMap
        meanConstant = [Double](repeating: 0, count: p)
    }

    /// Yun's normalisation of every factor of `design`; a factor inside an interaction is a
    /// usage error (its normalisation would need the interaction's levels too), and so is a
    /// design without a factor (nothing to normalise: the option would change nothing).
    init(design: DesignMatrix) throws {
        let p = design.columnCount, formula = design.formula
        let factors = design.factorLevels
        var coefficients: [[(column: Int, factor: Double)]] = (0..<p).map { [($0, 1)] }
        var means = coefficients
        var constant = [Double](repeating: 0, count: p)
        var terms = design.termOfColumn
        let intercept = design.termOfColumn.firstIndex(of: -1)!
        for (t, term) in formula.terms.enumerated() {
            if term.variables.count > 1, let v = term.variables.first(where: { factors[$0] != nil }) {
                throw DisparityError.usage("--normalize needs every factor as a main effect only: \(quoted: term.label) interacts \(quoted: v.label)")
            }
            guard term.variables.count == 1, let levels = factors[term.variables[0]] else { continue }
            let columns = (0..<p).filter { design.termOfColumn[$0] == t }
            let k = Double(levels.count)
            // β̃_c = β_c − β̄ for the coded levels, β̃_omitted = −β̄, α̃ = α + β̄.
            for c in columns { coefficients[c] += columns.map { ($0, -1 / k) } }
            coefficients[intercept] += columns.map { ($0, 1 / k) }
            coefficients.append(columns.map { ($0, -1 / k) })
            means.append(columns.map { ($0, -1) })
            constant.append(1)
            terms.append(t)
        }
        guard coefficients.count > p else {
            throw DisparityError.usage("--normalize normalises the factor covariates of --adjust (Yun 2005), and \(quoted: formula.text) has none")
        }
        columnCount = coefficients.count
        sourceCount = p
        termOfColumn = terms
        coefficientMap = coefficients
        meanMap = means
        meanConstant = constant
    }

    /// The decomposition's coefficients from the design's.
    func coefficients(_ beta: [Double]) -> [Double] {
        coefficientMap.map { $0.reduce(0) { $0 + $1.factor * beta[$1.column] } }
    }

    /// The decomposition's column means from the design's.
    func means(_ x: [Double]) -> [Double] {
        zip(meanMap, meanConstant).map { map, c in map.reduce(c) { $0 + $1.factor * x[$1.column] } }
    }

    /// Influence values laid out as `blocks` blocks of the design's columns per row (the first
    /// `meanBlocks` of them means, the rest coefficients), mapped to blocks of this map's columns.
    func transform(_ values: [Double], rows n: Int, blocks: Int, meanBlocks: Int) -> [Double] {
        let p = sourceCount, q = columnCount
        var out = [Double](repeating: 0, count: n * blocks * q)
        for i in 0..<n {
            for block in 0..<blocks {
                let map = block < meanBlocks ? meanMap : coefficientMap
                let source = i * blocks * p + block * p, target = i * blocks * q + block * q
                for e in 0..<q { out[target + e] = map[e].reduce(0) { $0 + $1.factor * values[source + $1.column] } }
            }
        }
        return out
    }
}
