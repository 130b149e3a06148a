import Foundation

/// Statistics that are weighted totals or ratios of two weighted totals — means, totals,
/// proportions and ratios, overall or in domains — described by their row values, so that a
/// replicate design can evaluate all its replicates in one pass over the rows instead of one
/// re-estimation per replicate (R's `svrepdesign` statistics, `svrVar`'s inputs).
///
/// Total `t` is Σ_i w_i z_it over the entries that name it; statistic `o` is
/// `t[numerator[o]] / t[denominator[o]]`, or `t[numerator[o]]` without a denominator, or not
/// estimated (NaN) without a numerator (a domain with no rows, a withheld cell).
public struct RatiosOfTotals: Sendable {
    /// The row of each entry.
    private(set) var rows: [Int32] = []
    /// The total each entry adds to, `0..<totalCount`.
    private(set) var slots: [Int32] = []
    /// The value z each entry contributes, weighted by the row's (replicate) weight.
    private(set) var values: [Double] = []
    /// The number of totals.
    public private(set) var totalCount = 0
    /// Per statistic, its numerator total, or −1 when the statistic is not estimated.
    private(set) var numerator: [Int] = []
    /// Per statistic, its denominator total, or −1 for a plain total.
    private(set) var denominator: [Int] = []

    /// An empty description: no totals, no statistics.
    public init() {}

    /// The number of statistics described.
    public var count: Int { numerator.count }

    /// A statistic that is the total Σ w·y over `rows`.
    public mutating func addTotal(rows: [Int32], _ y: (Int32) -> Double) {
        let t = newTotals(1)
        for r in rows { add(r, t, y(r)) }
        addStatistic(numerator: t, denominator: nil)
    }

    /// A statistic that is the ratio Σ w·y / Σ w·x over `rows` (a mean when x is 1).
    public mutating func addRatio(rows: [Int32], _ y: (Int32) -> Double, over x: (Int32) -> Double) {
        let t = newTotals(2)
        for r in rows {
            add(r, t, y(r))
            add(r, t + 1, x(r))
        }
        addStatistic(numerator: t, denominator: t + 1)
    }

    /// `count` statistics, the shares of the weight of `rows` in each category (`category(row)`
    /// in `0..<count`): proportions.
    public mutating func addShares(_ count: Int, rows: [Int32], category: (Int32) -> Int) {
        let first = newTotals(count + 1)
        for r in rows {
            add(r, first + category(r), 1)
            add(r, first + count, 1)
        }
        for j in 0..<count { addStatistic(numerator: first + j, denominator: first + count) }
    }

    /// Reserves `count` new totals; returns the first one's index.
    private mutating func newTotals(_ count: Int) -> Int {
        totalCount += count
        return totalCount - count
    }

    /// An entry: row `r` adds `value` times its weight to total `t`. A row's entries are kept
    /// together, so each row's replicate weights are read once.
    private mutating func add(_ r: Int32, _ t: Int, _ value: Double) {
        rows.append(r)
        slots.append(Int32(t))
        values.append(value)
    }

    /// A statistic: the ratio of two totals, or a total alone when `denominator` is nil.
    private mutating func addStatistic(numerator: Int, denominator: Int?) {
        self.numerator.append(numerator)
        self.denominator.append(denominator ?? -1)
    }

    /// A statistic that is not estimated (NaN on every replicate, not required of them).
    public mutating func addMissingStatistic() {
        numerator.append(-1)
        denominator.append(-1)
    }

    /// The statistics from the totals `t` (`totalCount` values).
    func statistics(_ t: UnsafeBufferPointer<Double>) -> [Double] {
        numerator.indices.map { o in
            let n = numerator[o], d = denominator[o]
            guard n >= 0 else { return .nan }
            return d >= 0 ? t[n] / t[d] : t[n]
        }
    }

    /// The statistics under one set of row weights.
    func statistics(weights w: [Double]) -> [Double] {
        var t = [Double](repeating: 0, count: totalCount)
        for e in rows.indices { t[Int(slots[e])] += values[e] * w[Int(rows[e])] }
        return t.withUnsafeBufferPointer(statistics)
    }

    /// The statistics under every replicate whose weight of row i is
    /// `rowScale[i] · factors[key(i) · replicates + r]` (replicate weights: scale 1 and the row
    /// itself as key; a bootstrap: the sampling weight and the row's PSU), computed in one pass
    /// over the entries on all cores. Returns one vector of `count` statistics per replicate.
    ///
    /// - Parameters:
    ///   - factors: K × `replicates`, row-major.
    ///   - rowScale: per table row, nil for 1.
    ///   - key: per table row, its row of `factors`; nil for the row itself.
    func replicateStatistics(factors: UnsafeBufferPointer<Double>, replicates: Int, rowScale: [Double]?,
                             key: [Int32]?) -> [[Double]] {
        let width = replicates
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, rows.count / 65_536))
        var sums = [[Double]](repeating: [], count: parts)
        let source = UnsafeSendable(factors)
        sums.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (rows.count * part / parts)..<(rows.count * (part + 1) / parts)
                var out = [Double](repeating: 0, count: totalCount * width)
                out.withUnsafeMutableBufferPointer { out in
                    rows.withUnsafeBufferPointer { rows in
                        accumulate(range, rows, out, source.value, width, rowScale, key)
                    }
                }
                shared.value[part] = out
            }
        }
        var totals = sums[0]
        for part in sums.dropFirst() { for i in totals.indices { totals[i] += part[i] } }
        // Column r of the totals, statistic by statistic.
        var column = [Double](repeating: 0, count: totalCount)
        return (0..<width).map { r in
            for t in 0..<totalCount { column[t] = totals[t * width + r] }
            return column.withUnsafeBufferPointer(statistics)
        }
    }

    /// Adds the entries in `range` into `out` (totals × replicates, row-major).
    private func accumulate(_ range: Range<Int>, _ rows: UnsafeBufferPointer<Int32>, _ out: UnsafeMutableBufferPointer<Double>,
                        _ factors: UnsafeBufferPointer<Double>, _ width: Int, _ rowScale: [Double]?, _ key: [Int32]?) {
        let out = out.baseAddress!, factors = factors.baseAddress!
        for e in range {
            let i = Int(rows[e])
            let v = values[e] * (rowScale?[i] ?? 1)
            guard v != 0 else { continue }
            let source = factors + (key.map { Int($0[i]) } ?? i) * width
            let target = out + Int(slots[e]) * width
            for r in 0..<width { target[r] += v * source[r] }
        }
    }
}
