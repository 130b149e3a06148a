/// The model matrix of a formula on a table: one column per coefficient, for the rows that
/// have every variable the model uses (R's `na.omit`), with R's coding of categories and its
/// coefficient names (INTERFACE.md): `(Intercept)`, `x`, `x[L]` for level L of a factor,
/// `a:b` for interactions.
public struct DesignMatrix: Sendable {
    /// The table rows the model uses.
    public let rows: [Int32]
    /// Column-major values, `rows.count × names.count`.
    public let values: [Double]
    public let names: [String]
    /// Per column, the index of its term in `formula.terms`, or -1 for the intercept.
    public let termOfColumn: [Int]
    public let response: [Double]
    public let formula: ModelFormula
    /// The levels each factor variable was coded with (reference first).
    public let factorLevels: [ModelVariable: [String]]

    public var rowCount: Int { rows.count }
    public var columnCount: Int { names.count }

    /// Column `j` as a buffer slice.
    public func column(_ j: Int) -> ArraySlice<Double> { values[(j * rows.count)..<((j + 1) * rows.count)] }

    /// The model matrix of `formula` on `table`. `fixedLevels` codes factors with given levels
    /// instead of those present (for counterfactual predictions on a fitted model's coding).
    public init(formula: ModelFormula, table: Table, fixedLevels: [ModelVariable: [String]]? = nil) throws {
        self.formula = formula
        let resolver = VariableResolver(table: table, formula: formula)
        let response = try resolver.numeric(formula.response, role: "response")
        var resolved: [ModelVariable: ResolvedVariable] = [:]
        for v in formula.terms.flatMap(\.variables) where resolved[v] == nil { resolved[v] = try resolver.resolve(v) }

        // Rows with the response and every variable present.
        var keep = response.map { !$0.isNaN }
        for variable in resolved.values { variable.markMissing(&keep) }
        let rows = keep.indices.compactMap { keep[$0] ? Int32($0) : nil }
        guard !rows.isEmpty else {
            throw DisparityError.data(file: table.source, "formula '\(formula.text)': no row has every variable of the model")
        }
        var factors: [ModelVariable: PresentLevels] = [:]
        for (v, r) in resolved {
            if case .factor(let codes, let levels, let base) = r {
                let present = PresentLevels(codes: codes, levels: levels, rows: rows, fixed: fixedLevels?[v])
                if present.levels.count < 2 {
                    throw DisparityError.data(file: table.source, column: base,
                                              "formula '\(formula.text)': factor '\(base)' has \(present.levels.count == 1 ? "only the level '\(present.levels[0])'" : "no levels") in the rows used; a factor needs two or more")
                }
                factors[v] = present
            }
        }

        var builder = ColumnBuilder(rowCount: rows.count)
        if formula.hasIntercept { builder.append(name: "(Intercept)", term: -1, values: [Double](repeating: 1, count: rows.count)) }
        for (t, term) in formula.terms.enumerated() {
            // Each variable's columns within this term: numbers as one column, factors coded by
            // contrasts when the term without the factor is in the model (R's rule), else by
            // one indicator per level.
            var pieces: [[(name: String, values: [Double])]] = []
            for v in term.variables {
                switch resolved[v]! {
                case .numeric(let values):
                    pieces.append([(v.label, rows.map { values[Int($0)] })])
                case .factor(_, _, let base):
                    let present = factors[v]!
                    let rest = term.variables.filter { $0 != v }
                    let marginPresent = rest.isEmpty ? formula.hasIntercept
                        : formula.terms.contains { Set($0.variables) == Set(rest) }
                    let first = marginPresent ? 1 : 0
                    pieces.append((first..<present.levels.count).map { level in
                        ("\(base)[\(present.levels[level])]", present.codes.map { $0 == level ? 1.0 : 0.0 })
                    })
                }
            }
            // Products, the earlier variables varying fastest (R's column order).
            var combined: [(name: String, values: [Double])] = [("", [Double](repeating: 1, count: rows.count))]
            for (k, piece) in pieces.enumerated() {
                var next: [(String, [Double])] = []
                for p in piece {
                    for c in combined {
                        next.append((k == 0 ? p.name : c.name + ":" + p.name, zip(c.values, p.values).map(*)))
                    }
                }
                combined = next
            }
            for c in combined { builder.append(name: c.name, term: t, values: c.values) }
        }
        self.rows = rows
        self.factorLevels = factors.mapValues(\.levels)
        self.values = builder.values
        self.names = builder.names
        self.termOfColumn = builder.terms
        self.response = rows.map { response[Int($0)] }
    }
}

/// Columns appended one by one into column-major storage.
private struct ColumnBuilder {
    let rowCount: Int
    var values: [Double] = []
    var names: [String] = []
    var terms: [Int] = []

    mutating func append(name: String, term: Int, values column: [Double]) {
        values.append(contentsOf: column)
        names.append(name)
        terms.append(term)
    }
}

/// A factor's levels that occur in the rows used (R drops unused levels), recoded densely.
private struct PresentLevels {
    let levels: [String]
    /// Per used row, its level's position in `levels`.
    let codes: [Int]

    init(codes all: [Int32], levels allLevels: [String], rows: [Int32], fixed: [String]?) {
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
