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

    /// Σw·(y - m)² over `rows` in units of `unit²`, where `unit` is a power of two near the
    /// largest |y − m| (`deviationUnit`): finite where the deviations' squares are beyond a double.
    static func squaredDeviations(_ y: [Double], _ w: [Double], rows: [Int32], about m: Double, in unit: Double) -> Double {
        var s = 0.0
        for r in rows {
            let i = Int(r)
            let d = (y[i] - m) / unit
            s += w[i] * d * d
        }
        return s
    }

    /// The power of two whose multiples `squaredDeviations(_:_:rows:about:in:)` takes: that of
    /// the largest |y − m| over `rows` (1 where all are 0).
    static func deviationUnit(_ y: [Double], rows: [Int32], about m: Double) -> Double {
        let largest = rows.reduce(0.0) { max($0, abs(y[Int($1)] - m)) }
        return largest > 0 && largest.isFinite ? Double(sign: .plus, exponent: largest.exponent, significand: 1) : 1
    }
}
