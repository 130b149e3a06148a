import Foundation

/// Evaluates a formula's numeric expression on rows of a table, in double or double-double. A
/// missing input gives a missing result (NaN); a value outside a function's domain (log of
/// zero, square root of a negative number, division by zero) is an error that names the row,
/// rather than a silent NaN.
struct ArithmeticEvaluation {
    let table: Table
    let label: String
    /// The rows to evaluate; all when nil.
    var rows: [Int32]? = nil

    private var indices: [Int] { rows.map { $0.map(Int.init) } ?? Array(0..<table.rowCount) }

    func values<T: ModelScalar>(_ e: ArithmeticExpression, as _: T.Type = T.self) throws -> [T] {
        switch e {
        case .number(let v): return [T](repeating: T(v), count: indices.count)
        case .column(let name):
            let column = try table.numericColumn(name)
            return indices.map { T.lift(column, $0) }
        case .negate(let inner): return try values(inner, as: T.self).map { -$0 }
        case .binary(let op, let a, let b):
            let x: [T] = try values(a), y: [T] = try values(b)
            return try (0..<x.count).map { i in
                let (p, q) = (x[i], y[i])
                if p.doubleValue.isNaN || q.doubleValue.isNaN { return T(.nan) }
                switch op {
                case "+": return p + q
                case "-": return p - q
                case "*": return p * q
                case "/":
                    if q.doubleValue == 0 { throw domainError(i, "division by zero") }
                    return p / q
                default:
                    let r = T.power(p, q.doubleValue)
                    if !r.doubleValue.isFinite { throw domainError(i, "\(p.doubleValue)^\(q.doubleValue) is not a finite real number") }
                    return r
                }
            }
        case .call(let f, let inner):
            let x: [T] = try values(inner)
            return try x.enumerated().map { i, t in
                let v = t.doubleValue
                guard !v.isNaN else { return t }
                let r: Double
                switch f {
                case "log": r = v > 0 ? log(v) : .nan
                case "log10": r = v > 0 ? log10(v) : .nan
                case "log2": r = v > 0 ? log2(v) : .nan
                case "exp": r = exp(v)
                case "sqrt": r = v >= 0 ? v.squareRoot() : .nan
                default: return v < 0 ? -t : t
                }
                guard r.isFinite else { throw domainError(i, "\(f)(\(v)) is not a finite number") }
                return T(r)
            }
        }
    }

    private func domainError(_ i: Int, _ message: String) -> DisparityError {
        table.rowError(indices[i], "\(label): \(message)")
    }
}
