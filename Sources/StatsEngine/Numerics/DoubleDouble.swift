/// A number carried as an unevaluated sum of two doubles, about 32 significant digits: the
/// working precision of the careful least-squares path, where it turns problems with condition
/// numbers near 1e15 (NIST's Filip and Wampler sets) into well-conditioned ones. The
/// algorithms are the error-free transformations of Dekker and Knuth (TwoSum, TwoProduct by FMA).
public struct DoubleDouble: Sendable, Comparable {
    /// The leading part: the double nearest the value.
    public var hi: Double
    /// The trailing part: the rounding error of `hi`, at most half an ulp of it.
    public var lo: Double

    /// The value `hi + lo`; the parts are taken as given (not renormalised).
    @inline(__always) public init(_ hi: Double, _ lo: Double = 0) {
        self.hi = hi
        self.lo = lo
    }

    /// Zero.
    public static let zero = DoubleDouble(0)

    /// The nearest double.
    public var value: Double { hi + lo }

    @inline(__always) static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    @inline(__always) static func quickTwoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        return DoubleDouble(s, b - (s - a))
    }

    @inline(__always) static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        return (p, (-p).addingProduct(a, b))
    }

    /// The sum, to about 32 digits (Dekker's TwoSum on both parts).
    @inline(__always) public static func + (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        var (s, e) = twoSum(a.hi, b.hi)
        let (t, f) = twoSum(a.lo, b.lo)
        e += t
        let r = quickTwoSum(s, e)
        s = r.hi
        e = r.lo + f
        return quickTwoSum(s, e)
    }

    @inline(__always) public static prefix func - (a: DoubleDouble) -> DoubleDouble { DoubleDouble(-a.hi, -a.lo) }

    /// The difference, to about 32 digits.
    @inline(__always) public static func - (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble { a + (-b) }

    /// The product, to about 32 digits (TwoProduct of the leading parts by FMA).
    @inline(__always) public static func * (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let p = a.hi * b.hi
        var e = (-p).addingProduct(a.hi, b.hi)
        e += a.hi * b.lo + a.lo * b.hi
        return quickTwoSum(p, e)
    }

    /// The quotient by three steps of long division.
    @inline(__always) public static func / (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let q1 = a.hi / b.hi
        var r = a - b * DoubleDouble(q1)
        let q2 = r.hi / b.hi
        r = r - b * DoubleDouble(q2)
        let q3 = r.hi / b.hi
        return quickTwoSum(q1, q2) + DoubleDouble(q3)
    }

    /// Adds `b` to `a` in double-double precision.
    /// Subtracts `b` from `a` in double-double precision.
    @inline(__always) public static func += (a: inout DoubleDouble, b: DoubleDouble) { a = a + b }
    @inline(__always) public static func -= (a: inout DoubleDouble, b: DoubleDouble) { a = a - b }

    /// Square root by one Newton step from the double root.
    public func squareRoot() -> DoubleDouble {
        guard hi > 0 else { return .zero }
        let x = hi.squareRoot()
        let (p, e) = DoubleDouble.twoProduct(x, x)
        let residual = (self - DoubleDouble(p, e)).hi
        return DoubleDouble.quickTwoSum(x, residual / (2 * x))
    }

    /// Orders by the leading part, then the trailing part.
    public static func < (a: DoubleDouble, b: DoubleDouble) -> Bool { a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

    /// The absolute value.
    public var magnitude: DoubleDouble { hi < 0 || (hi == 0 && lo < 0) ? -self : self }
}
