/// A model variable read from the table: numbers for every row (NaN missing), or a factor's
/// codes and levels with the name its coefficients carry.
enum ResolvedVariable {
    case numeric([Double])
    case factor(codes: [Int32], levels: [String], base: String)

    /// Clears `keep` (one flag per row) where this variable is missing, reading both through
    /// buffers (no uniqueness check per row; a cleared flag is the rare case).
    func markMissing(_ keep: inout [Bool]) {
        keep.withUnsafeMutableBufferPointer { keep in
            switch self {
            case .numeric(let v): v.withUnsafeBufferPointer { v in for i in keep.indices where v[i].isNaN { keep[i] = false } }
            case .factor(let c, _, _): c.withUnsafeBufferPointer { c in for i in keep.indices where c[i] < 0 { keep[i] = false } }
            }
        }
    }
}

/// Reads the variables of a formula from a table, with errors that name the formula.
struct VariableResolver {
    let table: Table
    let formula: ModelFormula
    /// The rows the model may use (`--subset`): an expression is evaluated on them alone, so a
    /// row outside (a log's argument of 0 there) is no error; nil: every row.
    var within: [Bool]? = nil

    func resolve(_ v: ModelVariable) throws -> ResolvedVariable {
        switch v {
        case .column(let name):
            switch try column(name) {
            case .numeric(let c): return .numeric(c.values)
            case .categorical:
                // A column of numbers with a few text cells is an error naming a text cell, not a
                // factor with one level per number.
                let c = try table.proportionCategories(name)
                return .factor(codes: c.codes, levels: c.levels, base: name)
            }
        case .factor(let name):
            _ = try column(name)
            let c = try table.categorical(name)
            return .factor(codes: c.codes, levels: c.levels, base: name)
        case .expression:
            return .numeric(try numeric(v, role: "term"))
        }
    }

    /// A variable that must be numeric (the response, expressions).
    func numeric(_ v: ModelVariable, role: String) throws -> [Double] {
        switch v {
        case .column(let name):
            guard case .numeric(let c) = try column(name) else {
                throw DisparityError.data(file: table.source, column: name, "\(formula.label): the \(role) \(quoted: name) must be numeric")
            }
            return c.values
        case .factor(let name):
            throw DisparityError.usage("\(formula.label): factor(\(name)) cannot be the \(role)")
        case .expression(let e, let label):
            for name in e.columns { _ = try column(name) }
            guard let within else { return try ArithmeticEvaluation(table: table, label: "\(formula.label), \(label)").values(e, as: Double.self) }
            let rows = within.indices.filter { within[$0] }.map(Int32.init)
            let inside = try ArithmeticEvaluation(table: table, label: "\(formula.label), \(label)", rows: rows).values(e, as: Double.self)
            var values = [Double](repeating: .nan, count: table.rowCount)
            for (k, r) in rows.enumerated() { values[Int(r)] = inside[k] }
            return values
        }
    }

    private func column(_ name: String) throws -> Column {
        // A column of the file that was not read is `Table.column`'s error, never "no such column".
        guard table.names.contains(name) || table.fileNames.contains(name) else {
            let position = formula.position(of: name)
            throw DisparityError.data(file: table.source, column: name,
                                      "\(formula.label): no such column\(formula.isOptionTerms ? " \(quoted: name)" : "")\(position.map { " (at character \($0))" } ?? "")\(NearestName.hint(for: name, among: table.fileNames))")
        }
        let column = try table.column(name)
        if case .numeric(let c) = column, c.values.allSatisfy(\.isNaN) {
            throw DisparityError.data(file: table.source, column: name, "\(formula.label): every value is missing")
        }
        if case .categorical(let c) = column, c.codes.allSatisfy({ $0 < 0 }) {
            throw DisparityError.data(file: table.source, column: name, "\(formula.label): every value is missing")
        }
        return column
    }
}
