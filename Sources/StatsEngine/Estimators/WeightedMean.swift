/// Weighted means to full double precision: a first pass, then one correction pass over the
/// residuals, which recovers the digits a single pass loses when values share a large common
/// part (NIST's NumAcc4: 1e9 + small).
enum WeightedMean {
    /// Σw·y / Σw over `rows`, and Σw.
    static func of(_ y: [Double], _ w: [Double], rows: [Int32]) -> (mean: Double, weight: Double) {
        var sw = 0.0, swy = 0.0
        for r in rows {
            let i = Int(r)
            sw += w[i]
            swy += w[i] * y[i]
        }
        guard sw > 0 else { return (.nan, sw) }
        let first = swy / sw
        var correction = 0.0
        for r in rows {
            let i = Int(r)
            correction += w[i] * (y[i] - first)
        }
        return (first + correction / sw, sw)
    }

    /// Σw·(y - m)² over `rows`.
    static func squaredDeviations(_ y: [Double], _ w: [Double], rows: [Int32], about m: Double) -> Double {
        var s = 0.0
        for r in rows {
            let i = Int(r)
            let d = y[i] - m
            s += w[i] * d * d
        }
        return s
    }
}
