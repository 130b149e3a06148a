import Foundation

/// The arithmetic a model matrix is built in: doubles for fitting, double-double for the
/// careful least-squares path, where inputs written as short decimals are lifted exactly
/// (10000000.2 is 100000002/10, not the nearest double) and powers keep 32 digits. That is what
/// NIST's Filip needs: with x^k rounded to double, the data themselves are already perturbed
/// beyond the problem's conditioning.
protocol ModelScalar: SendableMetatype {
    init(_ value: Double)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    /// Row `i` of a numeric column.
    static func lift(_ column: NumericColumn, _ i: Int) -> Self
    /// x^y.
    static func power(_ x: Self, _ y: Double) -> Self
    var doubleValue: Double { get }
}

extension Double: ModelScalar {
    static func lift(_ column: NumericColumn, _ i: Int) -> Double { column.values[i] }
    /// As R: x*x for squares, the C library's pow otherwise.
    static func power(_ x: Double, _ y: Double) -> Double { y == 2 ? x * x : pow(x, y) }
    var doubleValue: Double { self }
}

extension DoubleDouble: ModelScalar {
    init(_ value: Double) { self.init(value, 0) }

    static func lift(_ column: NumericColumn, _ i: Int) -> DoubleDouble {
        let v = column.values[i]
        guard let d = column.decimals, d > 0, d <= 22, !v.isNaN else { return DoubleDouble(v) }
        let scale = pow(10.0, Double(d))
        let m = (v * scale).rounded()
        guard abs(m) < 9_007_199_254_740_992 else { return DoubleDouble(v) }
        return DoubleDouble(m) / DoubleDouble(scale)
    }

    static func power(_ x: DoubleDouble, _ y: Double) -> DoubleDouble {
        guard y == y.rounded(), abs(y) <= 64 else { return DoubleDouble(pow(x.value, y)) }
        var result = DoubleDouble(1), base = x, k = Int(abs(y))
        while k > 0 {
            if k & 1 == 1 { result = result * base }
            base = base * base
            k >>= 1
        }
        return y < 0 ? DoubleDouble(1) / result : result
    }

    var doubleValue: Double { value }
}
