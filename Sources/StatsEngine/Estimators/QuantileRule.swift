/// R survey's default quantile rule (`qrule_math`): the smallest value whose weighted cumulative
/// share reaches p, computed as R does (cumulative sums in extended precision, ties in original
/// row order) so that boundary cases agree with R exactly.
struct SortedSample {
    /// Values in increasing order (ties by row), with zero-weight rows dropped as R does.
    let values: [Double]
    /// Running totals of the weights in that order.
    let cumulativeWeights: [Double]
    let totalWeight: Double

    init(_ y: [Double], _ w: [Double], rows: [Int32]) {
        let kept = rows.filter { w[Int($0)] != 0 }
        let sorted = RadixOrder.sorted(kept, values: y, weights: w)
        values = sorted.values
        let n = kept.count
        #if arch(x86_64) || arch(i386)
        var running: Float80 = 0
        cumulativeWeights = [Double](unsafeUninitializedCapacity: n) { out, count in
            for i in 0..<n { running += Float80(sorted.weights[i]); out[i] = Double(running) }
            count = n
        }
        var total: Float80 = 0
        for r in kept { total += Float80(w[Int(r)]) }
        totalWeight = Double(total)
        #else
        var running = 0.0
        cumulativeWeights = sorted.weights.map { running += $0; return running }
        totalWeight = kept.reduce(0.0) { $0 + w[Int($1)] }
        #endif
    }

    /// The p-quantile by R's "math" rule.
    func quantile(_ p: Double) -> Double {
        let target = p * totalWeight
        // Last position whose cumulative weight does not exceed the target (binary search).
        var lo = 0, hi = cumulativeWeights.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeWeights[mid] <= target { lo = mid + 1 } else { hi = mid }
        }
        // R's qs(): when even the smallest value's weight exceeds the target, `last()` falls
        // back to position 1 and the rule then takes the next value up, so R's "math" rule
        // returns the second smallest value there; matched exactly (docs/statistics.md).
        let position = max(lo - 1, 0)
        if p - cumulativeWeights[position] / totalWeight == 0 { return values[position] }
        return values[min(position + 1, values.count - 1)]
    }
}
