import Foundation

/// Evaluates a formula's numeric expression on every row of a table. A missing input gives a
/// missing result; a value outside a function's domain (log of zero, square root of a negative
/// number) is an error that names the row, rather than a silent NaN.
struct ArithmeticEvaluation {
    let table: Table
    let label: String

    func values(_ e: ArithmeticExpression) throws -> [Double] {
        switch e {
        case .number(let v): return [Double](repeating: v, count: table.rowCount)
        case .column(let name): return try table.numeric(name)
        case .negate(let inner): return try values(inner).map { -$0 }
        case .binary(let op, let a, let b):
            let x = try values(a), y = try values(b)
            switch op {
            case "+": return zip(x, y).map(+)
            case "-": return zip(x, y).map(-)
            case "*": return zip(x, y).map(*)
            case "/":
                return try zip(x, y).enumerated().map { i, p in
                    if p.1 == 0, !p.0.isNaN { throw domainError(row: i, "division by zero") }
                    return p.0 / p.1
                }
            default:
                return try zip(x, y).enumerated().map { i, p in
                    let v = Self.power(p.0, p.1)
                    if v.isNaN, !p.0.isNaN, !p.1.isNaN { throw domainError(row: i, "\(p.0)^\(p.1) is not a real number") }
                    return v
                }
            }
        case .call(let f, let inner):
            let x = try values(inner)
            return try x.enumerated().map { i, v in
                guard !v.isNaN else { return v }
                let r: Double
                switch f {
                case "log": r = v > 0 ? log(v) : .nan
                case "log10": r = v > 0 ? log10(v) : .nan
                case "log2": r = v > 0 ? log2(v) : .nan
                case "exp": r = exp(v)
                case "sqrt": r = v >= 0 ? v.squareRoot() : .nan
                default: r = abs(v)
                }
                guard r.isFinite else { throw domainError(row: i, "\(f)(\(v)) is not a finite number") }
                return r
            }
        }
    }

    /// x^y as R computes it: x*x for squares, the C library's (nearly correctly rounded) pow otherwise.
    static func power(_ x: Double, _ y: Double) -> Double {
        y == 2 ? x * x : pow(x, y)
    }

    private func domainError(row: Int, _ message: String) -> DisparityError {
        DisparityError.data(file: table.source, line: row + 2, "\(label): \(message)")
    }
}
