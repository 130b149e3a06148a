/// A running sum of doubles kept in double-double, four lanes at a time (Knuth's TwoSum on each
/// addition): about 1e-22 relative at a million terms in any order, so the double it rounds to
/// is the correctly rounded sum unless the exact one lies within about 1e-7 of an ulp of a
/// midpoint between two doubles. R's `sum` accumulates in long double (64 bits, 2e-17 relative
/// at each addition): its double is this one or, in a few columns in a hundred of a million
/// weights, the next (a replicate's divisor, `ScaledWeights.normalized`, whose last bit scales
/// the weights and moves no coefficient).
struct CompensatedSum {
    private var high = SIMD4<Double>.zero, low = SIMD4<Double>.zero

    /// Adds four values, one to each lane.
    @inline(__always)
    mutating func add(_ values: SIMD4<Double>) {
        let sum = high + values, part = sum - high
        low += (high - (sum - part)) + (values - part)
        high = sum
    }

    /// Adds one value.
    @inline(__always)
    mutating func add(_ value: Double) { add(SIMD4(value, 0, 0, 0)) }

    /// The sum, rounded to a double.
    var value: Double {
        var total = DoubleDouble.zero
        for lane in 0..<4 { total += DoubleDouble(high[lane], low[lane]) }
        return total.value
    }
}
