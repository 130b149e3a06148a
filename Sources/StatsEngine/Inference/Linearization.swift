/// A statistic's value on a set of rows and its influence values there (row `rows[i]` carries
/// `values[i]`): what the variance engine needs, and what disparity measures combine across
/// domains.
public struct Linearized: Sendable {
    /// The statistic's value, in its unit.
    public var estimate: Double
    /// The rows the statistic is computed on (its domain's rows with the analysed values).
    public var rows: [Int32]
    /// One influence value per entry of `rows`, in the same order, in the statistic's unit.
    public var values: [Double]
    /// A quantile's own interval (Woodruff's, with its df and the standard error it implies,
    /// its width over 2t; an end, and then the standard error, nil where it does not exist),
    /// which the statistic's figure shows in place of a Wald interval; nil for the others.
    public var interval: (low: Double?, high: Double?, df: Double?, standardError: Double?)? = nil
    /// The note of the statistic's own figure where it shows `interval`, as `estimate quantile`
    /// notes it: replicates its share's variance left out, why it has no standard error.
    public var note: String? = nil
}

/// The linearizations of the smooth statistics, shared by `estimate` and the disparity measures.
enum Linearization {
    /// Σwy/Σw with influence w(y − ȳ)/W.
    static func mean(_ y: [Double], _ w: [Double], rows: [Int32]) -> Linearized {
        let (mean, W) = WeightedMean.of(y, w, rows: rows)
        return Linearized(estimate: mean, rows: rows, values: rows.map { w[Int($0)] * (y[Int($0)] - mean) / W })
    }

    /// Σwy/Σwx with influence w(y − R·x)/Σwx; nil when Σwx is zero.
    static func ratio(_ y: [Double], _ x: [Double], _ w: [Double], rows: [Int32]) -> Linearized? {
        let (my, W) = WeightedMean.of(y, w, rows: rows)
        let (mx, _) = WeightedMean.of(x, w, rows: rows)
        guard mx != 0 else { return nil }
        let ratio = my / mx
        let X = mx * W
        return Linearized(estimate: ratio, rows: rows, values: rows.map { w[Int($0)] * (y[Int($0)] - ratio * x[Int($0)]) / X })
    }

    /// The mean of the values at or below the estimated q-quantile `cut` = q̂.
    ///
    /// With F the share at or below q̂ and L the lower mean, the influence of row i is
    /// (wᵢ/W)·[q̂ − L + (yᵢ − q̂)·1{yᵢ ≤ q̂}/F]: the expected-shortfall influence function. Its
    /// term in q̂ carries the quantile's own sampling error, and the density at q̂ cancels, so no
    /// density estimate is needed (derivation in docs/statistics.md).
    static func lowerMean(_ y: [Double], _ w: [Double], rows: [Int32], cut q: Double) -> Linearized {
        let (mean, B) = WeightedMean.of(y, w, rows: rows.filter { y[Int($0)] <= q })
        let W = rows.reduce(0.0) { $0 + w[Int($1)] }
        let share = B / W
        return Linearized(estimate: mean, rows: rows, values: rows.map { r in
            let yi = y[Int(r)]
            return w[Int(r)] / W * (q - mean + (yi <= q ? (yi - q) / share : 0))
        })
    }
}
