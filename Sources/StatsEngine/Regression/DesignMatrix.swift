import Foundation

/// The model matrix of a formula on a table: one column per coefficient, for the rows that
/// have every variable the model uses (R's `na.omit`), with R's coding of categories and its
/// coefficient names (INTERFACE.md): `(Intercept)`, `x`, `x[L]` for level L of a factor,
/// `a:b` for interactions.
public struct DesignMatrix: Sendable {
    /// The table rows the model uses.
    public let rows: [Int32]
    /// Column-major values, `rows.count × names.count`, formed whole on first use (the passes
    /// of a fit form blocks of rows from `columns` instead).
    public var values: [Double] { shared.values }
    /// The columns as inputs that form any block of rows.
    var columns: ModelColumnInputs<Double> { shared.inputs }
    /// Coefficient names, one per column, in column order.
    public let names: [String]
    /// Per column, the index of its term in `formula.terms`, or -1 for the intercept.
    public let termOfColumn: [Int]
    /// Per column, its largest |value| (bounds for the separation check).
    public var columnMagnitudes: [Double] { shared.magnitudes }
    /// The cells of the rows that the replicate refits' passes take (`ModelColumns.refitCells`).
    var refitCells: ModelCells { shared.refitCells }
    /// The response, one value per entry of `rows`, in the same order.
    public let response: [Double]
    /// The formula the matrix was built from.
    public let formula: ModelFormula
    /// The levels each factor variable was coded with (reference first).
    public var factorLevels: [ModelVariable: [String]] { factors.mapValues(\.levels) }

    private let table: Table
    private let factors: [ModelVariable: PresentLevels]
    /// The columns, which another model with the same right-hand side may share.
    private let shared: ModelColumns

    /// The number of rows the model uses.
    public var rowCount: Int { rows.count }
    /// Whether the model uses every row of the table (then `rows` is `0..<table.rowCount`).
    let usesEveryRow: Bool

    /// `values`, one per table row, at the rows the model uses, in `rows` order: `values`
    /// itself when the model uses every row.
    func atRows(_ values: [Double]) -> [Double] { Self.gathered(values, at: rows, usesEveryRow: usesEveryRow) }

    private static func gathered(_ values: [Double], at rows: [Int32], usesEveryRow: Bool) -> [Double] {
        usesEveryRow ? values : rows.map { values[Int($0)] }
    }
    /// The number of columns (coefficients, aliased ones included).
    public var columnCount: Int { names.count }

    /// The model matrix of `formula` on `table`. `fixedLevels` codes factors with given levels
    /// instead of those present (for counterfactual predictions on a fitted model's coding, or
    /// one coding across groups); `within` restricts the model to a domain (rows marked true).
    public init(formula: ModelFormula, table: Table, fixedLevels: [ModelVariable: [String]]? = nil, within: [Bool]? = nil) throws {
        self.formula = formula
        self.table = table
        let resolver = VariableResolver(table: table, formula: formula, within: within)
        let response = try resolver.numeric(formula.response, role: "response")
        var resolved: [ModelVariable: ResolvedVariable] = [:]
        for v in formula.terms.flatMap(\.variables) where resolved[v] == nil { resolved[v] = try resolver.resolve(v) }

        // Rows with the response and every variable present.
        var keep = response.map { !$0.isNaN }
        if let within { for i in keep.indices where !within[i] { keep[i] = false } }
        for variable in resolved.values { variable.markMissing(&keep) }
        let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        let rows = kept == keep.count ? Array(0..<Int32(kept)) : keep.indices.compactMap { keep[$0] ? Int32($0) : nil }
        guard !rows.isEmpty else {
            let reason = within.map { $0.contains(true) ? "no row of the subset has every variable of the model" : "the subset selects no row" }
            throw DisparityError.data(file: table.source, "\(formula.label): \(reason ?? "no row has every variable of the model")")
        }
        var factors: [ModelVariable: PresentLevels] = [:]
        for (v, r) in resolved {
            if case .factor(let codes, let levels, let base) = r {
                let present = PresentLevels(codes: codes, levels: levels, rows: rows, fixed: fixedLevels?[v], base: base)
                if present.levels.count < 2 {
                    throw DisparityError.data(file: table.source, column: base,
                                              "\(formula.label): factor \(quoted: base) has \(present.levels.count == 1 ? "only the level \(quoted: present.levels[0])" : "no levels") in the rows used; a factor needs two or more")
                }
                // Fewer than two rows a level estimate nothing, and the fit's work grows with the
                // square of the levels: refused at once (most often a number taken as a factor).
                if present.levels.count > Self.mostLevelsUnguarded, 2 * present.levels.count > rows.count {
                    throw DisparityError.data(file: table.source, column: base,
                                              "\(formula.label): factor \(quoted: base) has \(present.levels.count) levels among \(rows.count) rows, fewer than two rows a level (a numeric column taken as a factor?)")
                }
                factors[v] = present
            }
        }
        try Self.refuseOversized(formula: formula, rowCount: rows.count, factors: factors)
        self.rows = rows
        self.factors = factors
        // Rows are in table order, so a model that keeps them all reads every column as it is.
        let usesEveryRow = rows.count == table.rowCount
        self.usesEveryRow = usesEveryRow
        self.response = Self.gathered(response, at: rows, usesEveryRow: usesEveryRow)
        let key = ModelColumnsCache.Key(terms: formula.terms, hasIntercept: formula.hasIntercept, rows: rows,
                                        levels: factors.mapValues(\.levels))
        let shared = table.modelColumns.columns(for: key) {
            let plan = Self.plan(formula: formula, factors: factors)
            let inputs = Self.inputs(plan: plan, rowCount: rows.count, factors: factors) { v -> [Double] in
                guard case .numeric(let values) = resolved[v]! else { preconditionFailure("numeric variable") }
                return Self.gathered(values, at: rows, usesEveryRow: usesEveryRow)
            }
            return ModelColumns(key: key, inputs: inputs, plan: plan)
        }
        self.shared = shared
        self.names = shared.names
        self.termOfColumn = shared.terms
    }

    /// The factor and level of an indicator column named `base[level]` (R's `x[L]` naming),
    /// or nil for any other column (numbers, interactions, the intercept).
    static func factorLevel(ofColumnNamed name: String) -> (variable: String, level: String)? {
        guard name.hasSuffix("]"), !name.contains(":"), let open = name.firstIndex(of: "[") else { return nil }
        return (String(name[..<open]), String(name[name.index(after: open)..<name.index(before: name.endIndex)]))
    }

    /// The most levels a factor may have without the check that it has two rows a level.
    static let mostLevelsUnguarded = 100

    /// Most memory the model matrix and its coefficients' covariance may take, in bytes.
    static let memoryBudget = 4.0 * 1024 * 1024 * 1024

    /// The number of columns `formula` expands to on these factors (an upper bound: one per
    /// level of every factor in every term), in floating point so that products of wide
    /// factors cannot overflow.
    private static func columnBound(formula: ModelFormula, factors: [ModelVariable: PresentLevels]) -> Double {
        formula.terms.reduce(formula.hasIntercept ? 1 : 0) { total, term in
            total + term.variables.reduce(1.0) { $0 * Double(factors[$1]?.levels.count ?? 1) }
        }
    }

    /// Refuses, before anything is allocated, a model whose matrix (`n × p` doubles, twice that
    /// for the careful least-squares path) and covariance (`p × p`) would exceed `memoryBudget`.
    private static func refuseOversized(formula: ModelFormula, rowCount n: Int, factors: [ModelVariable: PresentLevels]) throws {
        let p = columnBound(formula: formula, factors: factors)
        let bytes = Double(MemoryLayout<Double>.size) * (3 * Double(n) * p + p * p)
        guard bytes > memoryBudget else { return }
        let gigabytes = { (b: Double) in NumberFormat.label((b / 1e8).rounded(.up) / 10) }
        throw DisparityError.analysis("\(formula.label): the model would have \(NumberFormat.label(p)) columns for \(n) rows and need \(gigabytes(bytes)) GB (at most \(gigabytes(memoryBudget))); drop terms or merge factor levels")
    }

    /// The same matrix in double-double, numeric inputs lifted exactly from their decimals.
    func extendedValues() throws -> [DoubleDouble] {
        let evaluation = ArithmeticEvaluation(table: table, label: "\(formula.label)", rows: rows)
        return try Self.inputs(plan: Self.plan(formula: formula, factors: factors), rowCount: rows.count, factors: factors) { v -> [DoubleDouble] in
            switch v {
            case .column(let name): return try evaluation.values(.column(name))
            case .expression(let e, _): return try evaluation.values(e)
            case .factor: preconditionFailure("numeric variable")
            }
        }.matrix()
    }

    /// The response in double-double, lifted exactly from its decimals.
    func extendedResponse() throws -> [DoubleDouble] {
        let evaluation = ArithmeticEvaluation(table: table, label: "\(formula.label)", rows: rows)
        switch formula.response {
        case .column(let name): return try evaluation.values(.column(name))
        case .expression(let e, _): return try evaluation.values(e)
        case .factor: return response.map { DoubleDouble($0) }
        }
    }

    /// Plans the columns term by term: numbers as one column; a factor by contrasts with its
    /// first level, unless the rest of its term is not contained in an earlier term (then one
    /// indicator per level) — R's `TermCode` rule — and, without an intercept, the first factor
    /// of the model by indicators; interactions as products, the earlier variables varying
    /// fastest (R's column order), each column the product of its factors in term order (so
    /// every value is computed as R's `model.matrix` computes it).
    private static func plan(formula: ModelFormula, factors: [ModelVariable: PresentLevels]) -> ColumnPlan {
        var plan: [(name: String, term: Int, factors: [ColumnFactor])] = formula.hasIntercept ? [("(Intercept)", -1, [])] : []
        var fullCodingPending = !formula.hasIntercept
        for (t, term) in formula.terms.enumerated() {
            var combined: [(name: String, term: Int, factors: [ColumnFactor])] = [("", t, [])]
            for (k, v) in term.variables.enumerated() {
                let piece: [(name: String, factor: ColumnFactor)]
                if let present = factors[v] {
                    let rest = Set(term.variables.filter { $0 != v })
                    var indicators = !rest.isEmpty && !formula.terms[0..<t].contains { rest.isSubset(of: Set($0.variables)) }
                    if fullCodingPending {
                        indicators = true
                        fullCodingPending = false
                    }
                    piece = ((indicators ? 0 : 1)..<present.levels.count).map { level in
                        ("\(present.base)[\(present.levels[level])]", .indicator(v, level: level))
                    }
                } else {
                    piece = [(v.label, .number(v))]
                }
                combined = piece.flatMap { p in
                    combined.map { c in (k == 0 ? p.name : c.name + ":" + p.name, t, c.factors + [p.factor]) }
                }
            }
            plan += combined
        }
        return ColumnPlan(names: plan.map(\.name), terms: plan.map(\.term), factors: plan.map(\.factors))
    }

    /// The inputs of `plan`'s columns in any arithmetic: `numeric(v)` for each numeric variable
    /// (one value per model row), the factors' codes.
    private static func inputs<T: ModelScalar>(plan: ColumnPlan, rowCount n: Int, factors: [ModelVariable: PresentLevels],
                                               numeric: (ModelVariable) throws -> [T]) rethrows -> ModelColumnInputs<T> {
        var numbers: [ModelVariable: [T]] = [:]
        for case .number(let v) in plan.factors.joined() where numbers[v] == nil { numbers[v] = try numeric(v) }
        return ModelColumnInputs(plan: plan, rowCount: n, numbers: numbers, codes: factors.mapValues(\.codes))
    }
}

/// A factor's levels that occur in the rows used (R drops unused levels), recoded densely.
private struct PresentLevels: Sendable {
    let levels: [String]
    /// Per used row, its level's position in `levels`.
    let codes: [Int]
    /// The name coefficients carry: `base[level]`.
    let base: String

    init(codes all: [Int32], levels allLevels: [String], rows: [Int32], fixed: [String]?, base: String) {
        self.base = base
        if let fixed {
            let position = Dictionary(uniqueKeysWithValues: fixed.enumerated().map { ($1, $0) })
            levels = fixed
            codes = rows.map { position[allLevels[Int(all[Int($0)])]] ?? -1 }
            return
        }
        var present = [Bool](repeating: false, count: allLevels.count)
        for r in rows { present[Int(all[Int(r)])] = true }
        var newCode = [Int](repeating: -1, count: allLevels.count)
        var kept: [String] = []
        for (i, p) in present.enumerated() where p {
            newCode[i] = kept.count
            kept.append(allLevels[i])
        }
        levels = kept
        codes = rows.map { newCode[Int(all[Int($0)])] }
    }
}
