/// The calibration model on a table: the model matrix X of the calibration formula for every
/// row (R's `model.matrix(formula, model.frame(design))`) and the population total of each of
/// its columns, matched from a `PopulationTotals` file. `--poststratify COL` is the formula
/// `~ factor(COL) - 1` and `--rake "A,B"` is `~ factor(A) + factor(B)` whose population size is
/// the sum of A's levels (or the totals' `(Intercept)`, when given, which every factor must sum to). With `within`, each level of that column is calibrated on its own.
struct CalibrationModel {
    /// Column-major, `rowCount × names.count`, every table row.
    let x: [Double]
    /// The constraints: the model matrix's column names, `(Intercept)`, `x`, `x[L]`.
    let names: [String]
    /// The population total of each column.
    let population: [Double]
    /// Rows of the table.
    let rowCount: Int

    /// Relative tolerance within which the levels of a factor must sum to the population size.
    static let marginTolerance = 1e-8

    /// Builds the model of `spec` on `table` and matches `totals` to its columns.
    /// - Throws: `DisparityError.usage` for an interaction term; `.data` naming the totals file
    ///   (and line) for a level of the totals absent from the data, a level of the data absent
    ///   from the totals or with a population count of 0 there, a variable of the totals not in the model, a missing `(Intercept)`
    ///   where the model has an intercept (raking's and a post-stratification's may give one,
    ///   an `(Intercept)` where the model has neither an intercept nor a factor), or a factor
    ///   whose levels do not sum to the population size; naming the data file and line for a row where a calibration variable
    ///   is missing; and the design matrix's errors.
    init(_ spec: CalibrationSpec, table: Table, totals: PopulationTotals) throws {
        let formula = try spec.formula()
        // Raking's factors each sum to the population size: an intercept the totals need not give.
        let impliedIntercept: Bool
        if case .rake = spec.model { impliedIntercept = true } else { impliedIntercept = false }
        if let term = formula.terms.first(where: { $0.variables.count > 1 }) {
            throw DisparityError.usage("calibration formula '\(formula.text)': interaction terms such as '\(term.label)' are not supported; calibrate on a combined column instead")
        }
        let matrix = try DesignMatrix(formula: formula, table: table)
        if matrix.rowCount < table.rowCount {
            let used = Set(matrix.rows)
            let row = (0..<table.rowCount).first { !used.contains(Int32($0)) }!
            let column = formula.columns.first { (try? table.column($0).isMissing(row)) == true }
            throw table.rowError(row, column: column,
                                      "missing value of a calibration variable (calibration needs it on every row)")
        }

        // The totals by variable, and the file's variables the model does not use.
        var byVariable: [String: [PopulationTotals.Entry]] = [:]
        for e in totals.entries { byVariable[e.variable, default: []].append(e) }
        var used = Set<String>()
        func entries(_ variable: String) throws -> [PopulationTotals.Entry] {
            used.insert(variable)
            guard let found = byVariable[variable] else {
                throw DisparityError.data(file: totals.source, "no total for '\(variable)' of the calibration model '\(formula.text)'")
            }
            return found
        }
        var totalOf: [String: Double] = [:]     // column name → total
        var population: Double? = nil
        var populationSource = "'(Intercept)'"
        if formula.hasIntercept && !impliedIntercept {
            population = try entries("(Intercept)")[0].total
        } else if byVariable["(Intercept)"] != nil, formula.terms.contains(where: { matrix.factorLevels[$0.variables[0]] != nil }) {
            // Raking's and a post-stratification's totals may give the population size: each
            // factor's levels must then sum to it, as they must to a calibration's intercept.
            population = try entries("(Intercept)")[0].total
        }
        for term in formula.terms {
            let v = term.variables[0]
            if let levels = matrix.factorLevels[v] {
                let base = v.columns[0]
                let rows = try entries(base)
                let listed = Dictionary(rows.map { ($0.level ?? "", $0) }, uniquingKeysWith: { a, _ in a })
                let present = Set(levels)
                if let extra = rows.first(where: { !present.contains($0.level ?? "") }) {
                    throw DisparityError.data(file: totals.source, line: extra.line,
                                              "level '\(extra.level ?? "")' of '\(base)' does not occur in the data \(table.source) (post-strata absent from the sample cannot be calibrated)")
                }
                if let missing = levels.first(where: { listed[$0] == nil }) {
                    throw DisparityError.data(file: totals.source, "no total for level '\(missing)' of '\(base)' (list every level, the reference included)")
                }
                // A level of the sample with no one in the population would take its rows' weights
                // to 0 (or below, linearly) without a word: R's postStratify refuses it.
                if let empty = levels.first(where: { listed[$0]!.total == 0 }) {
                    throw DisparityError.data(file: totals.source, line: listed[empty]!.line,
                                              "level '\(empty)' of '\(base)' has a population count of 0 but rows in the data \(table.source): a post-stratum of the sample cannot be empty in the population (R's postStratify refuses it); merge the level or leave its rows out of the data")
                }
                for level in levels { totalOf["\(base)[\(level)]"] = listed[level]!.total }
                let sum = levels.reduce(0.0) { $0 + listed[$1]!.total }
                if let population {
                    guard abs(sum - population) <= Self.marginTolerance * max(1, abs(population)) else {
                        throw DisparityError.data(file: totals.source, "the levels of '\(base)' sum to \(NumberFormat.label(sum)), not to the population size \(NumberFormat.label(population)) (\(populationSource))")
                    }
                } else {
                    population = sum
                    populationSource = "the sum of the levels of '\(base)'"
                }
            } else {
                let rows = try entries(v.label)
                guard rows.count == 1, rows[0].level == nil else {
                    throw DisparityError.data(file: totals.source, line: rows.first { $0.level != nil }?.line,
                                              "'\(v.label)' is numeric in the data: give its total with an empty level")
                }
                totalOf[v.label] = rows[0].total
            }
        }
        if let unused = totals.entries.first(where: { !used.contains($0.variable) }) {
            if unused.variable == "(Intercept)" {
                throw DisparityError.data(file: totals.source, line: unused.line, "'(Intercept)': the calibration model '\(formula.text)' has no intercept, nor a factor whose levels would sum to it; drop the row")
            }
            throw DisparityError.data(file: totals.source, line: unused.line, "'\(unused.variable)' is not a variable of the calibration model '\(formula.text)'")
        }
        if let population { totalOf["(Intercept)"] = population }
        let n = table.rowCount
        var x = matrix.values, names = matrix.names
        var totals = matrix.names.map { totalOf[$0]! }
        if let within = spec.within {
            // Each level its own calibration: the columns times the level's indicator.
            let levels = try table.categorical(within)
            if let row = levels.codes.firstIndex(where: { $0 < 0 }) {
                throw table.rowError(row, column: within, "missing value of the column each level of which is calibrated")
            }
            let p = names.count
            var split = [Double](repeating: 0, count: n * p * levels.levels.count)
            for l in levels.levels.indices {
                for j in 0..<p {
                    let target = (l * p + j) * n
                    for i in 0..<n where levels.codes[i] == l { split[target + i] = x[j * n + i] }
                }
            }
            x = split
            names = levels.levels.flatMap { level in names.map { "\(within)=\(level): \($0)" } }
            totals = levels.levels.flatMap { _ in totals }
        }
        self.x = x
        self.names = names
        self.population = totals
        self.rowCount = n
    }
}
