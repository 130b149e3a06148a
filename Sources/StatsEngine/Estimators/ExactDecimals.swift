/// A column of short decimals rewritten as the integers they are at their finest decimal place
/// (10000000.2 → 100000002), so that deviations from the mean carry no binary representation
/// error. Means, totals and standard deviations are computed on the integers and scaled back:
/// this is what lifts NIST's NumAcc3/4 standard deviations from 8 to 15 correct digits, since
/// the mean's own rounding affects a variance only to second order.
struct ExactDecimals {
    let integers: [Double]
    /// 10^decimals: the integers are the values times this.
    let scale: Double

    /// Nil when the column has no decimals to remove or its integers would not be exact.
    init?(_ column: NumericColumn) {
        guard let decimals = column.decimals, decimals > 0 else { return nil }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let limit = 9_007_199_254_740_992.0  // 2^53
        var integers = [Double](repeating: .nan, count: column.values.count)
        for (i, v) in column.values.enumerated() where !v.isNaN {
            let m = (v * scale).rounded()
            guard abs(m) < limit else { return nil }
            integers[i] = m
        }
        self.integers = integers
        self.scale = scale
    }
}

extension EstimateRow {
    /// The row for the variable divided by `scale` (scale > 0).
    func rescaled(dividingBy scale: Double) -> EstimateRow {
        var row = self
        row.estimate /= scale
        row.standardError = standardError.map { $0 / scale }
        row.confidenceLow = confidenceLow.map { $0 / scale }
        row.confidenceHigh = confidenceHigh.map { $0 / scale }
        row.simpleRandomSamplingVariance = simpleRandomSamplingVariance.map { $0 / (scale * scale) }
        return row
    }
}
