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
    /// The totals' values over the table's rows as a dense matrix (`denseRowCount` rows ×
    /// `totalCount`, column-major, 0 where a row adds nothing) instead of entries: a few totals
    /// over most rows of a single domain (a mean, total, ratio or a few shares of the whole
    /// sample), written by `addPerDomain` without an entry per row and value. Empty when the
    /// entries hold the totals.
    private var dense: [Double] = []
    /// The table rows of `dense`.
    private var denseRowCount = 0

    /// An empty description: no totals, no statistics.
    public init() {}

    /// The number of statistics described.
    public var count: Int { numerator.count }

    /// A statistic that is the total Σ w·y over `rows`.
    public mutating func addTotal(rows: [Int32], _ y: (Int32) -> Double) {
        let t = newTotals(1)
        addEntries(rows: rows, perRow: 1) { r, _ in (t, y(r)) }
        addStatistic(numerator: t, denominator: nil)
    }

    /// A statistic that is the ratio Σ w·y / Σ w·x over `rows` (a mean when x is 1).
    public mutating func addRatio(rows: [Int32], _ y: (Int32) -> Double, over x: (Int32) -> Double) {
        let t = newTotals(2)
        addEntries(rows: rows, perRow: 2) { r, j in j == 0 ? (t, y(r)) : (t + 1, x(r)) }
        addStatistic(numerator: t, denominator: t + 1)
    }

    /// `count` statistics, the shares of the weight of `rows` in each category (`category(row)`
    /// in `0..<count`): proportions.
    public mutating func addShares(_ count: Int, rows: [Int32], category: (Int32) -> Int) {
        let first = newTotals(count + 1)
        addEntries(rows: rows, perRow: 2) { r, j in (j == 0 ? first + category(r) : first + count, 1) }
        for j in 0..<count { addStatistic(numerator: first + j, denominator: first + count) }
    }

    /// Statistics per domain of `domains` (sets of table rows below `rowCount`, each in
    /// increasing order): a domain with rows where `uses(row)` takes `totals` new totals and the
    /// statistics `ratios` (numerator and denominator as offsets from its first total; nil: a
    /// plain total), and each such row `perRow` entries, entry j of row r being
    /// `entry(r, j, first)` with `first` its domain's first total; a domain without such rows
    /// is one missing statistic. The totals and statistics are numbered domain by domain, as
    /// `addTotal`, `addRatio` or `addShares` called per domain would number them, while the
    /// entries are written in row order across disjoint domains, so the one-pass replicate
    /// kernel reads the replicate columns in order without sorting the entries first (domains
    /// that share a row, or a single domain, are written domain by domain).
    @inline(__always)
    public mutating func addPerDomain(_ domains: [[Int32]], rowCount: Int, totals: Int, ratios: [(numerator: Int, denominator: Int?)],
                                      perRow: Int, uses: (Int32) -> Bool, entry: (Int32, Int, Int) -> (total: Int, value: Double)) {
        // The first statistics, a few totals over most rows of one domain: a dense matrix.
        let single = domains.count == 1 ? Self.rows(domains[0], where: uses) : nil
        if let kept = single, !kept.isEmpty, totalCount == 0, totals <= Self.denseTotals, 2 * kept.count >= rowCount {
            _ = newTotals(totals)
            for ratio in ratios { addStatistic(numerator: ratio.numerator, denominator: ratio.denominator) }
            dense = [Double](repeating: 0, count: rowCount * totals)
            denseRowCount = rowCount
            dense.withUnsafeMutableBufferPointer { dense in
                for r in kept {
                    for j in 0..<perRow {
                        let (t, v) = entry(r, j, 0)
                        dense[t * rowCount + Int(r)] += v
                    }
                }
            }
            return
        }
        var domainOf: [Int32] = [], used = [Int](repeating: 0, count: domains.count)
        var inOrder = domains.count > 1
        if inOrder {
            domainOf = [Int32](repeating: -1, count: rowCount)
            mark: for (d, rows) in domains.enumerated() {
                for r in rows where uses(r) {
                    guard domainOf[Int(r)] < 0 else { inOrder = false; break mark }
                    domainOf[Int(r)] = Int32(d)
                    used[d] += 1
                }
            }
        }
        var first = [Int](repeating: -1, count: domains.count)
        for (d, rows) in domains.enumerated() {
            let kept = inOrder ? [] : single ?? Self.rows(rows, where: uses)
            guard inOrder ? used[d] > 0 : !kept.isEmpty else { addMissingStatistic(); continue }
            first[d] = newTotals(totals)
            for ratio in ratios { addStatistic(numerator: first[d] + ratio.numerator, denominator: ratio.denominator.map { first[d] + $0 }) }
            let base = first[d]
            if !inOrder { addEntries(rows: kept, perRow: perRow) { r, j in entry(r, j, base) } }
        }
        guard inOrder else { return }
        let (rows, firsts) = (Self.rows(0..<Int32(rowCount), where: { domainOf[Int($0)] >= 0 }), first)
        addEntries(rows: rows, perRow: perRow) { r, j in entry(r, j, firsts[Int(domainOf[Int(r)])]) }
    }

    /// The rows of `rows` where `keep(row)`, in order (written into storage of `rows.count`).
    @inline(__always)
    private static func rows(_ rows: some Collection<Int32>, where keep: (Int32) -> Bool) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: rows.count) { buffer, count in
            count = 0
            for r in rows where keep(r) {
                buffer[count] = r
                count += 1
            }
        }
    }

    /// Reserves `count` new totals; returns the first one's index.
    private mutating func newTotals(_ count: Int) -> Int {
        totalCount += count
        return totalCount - count
    }

    /// `perRow` entries for each of `rows` in turn, entry j of row r adding `entry(r, j).value`
    /// times the row's weight to total `entry(r, j).total`, written in place. A row's entries are
    /// kept together, so each row's replicate weights are read once.
    @inline(__always)
    private mutating func addEntries(rows added: [Int32], perRow: Int, _ entry: (Int32, Int) -> (total: Int, value: Double)) {
        if !dense.isEmpty { self = withEntries() }
        let start = rows.count, count = added.count * perRow
        rows.append(contentsOf: repeatElement(0, count: count))
        slots.append(contentsOf: repeatElement(0, count: count))
        values.append(contentsOf: repeatElement(0, count: count))
        rows.withUnsafeMutableBufferPointer { rows in
            slots.withUnsafeMutableBufferPointer { slots in
                values.withUnsafeMutableBufferPointer { values in
                    var e = start
                    for r in added {
                        for j in 0..<perRow {
                            let (t, v) = entry(r, j)
                            (rows[e], slots[e], values[e]) = (r, Int32(t), v)
                            e += 1
                        }
                    }
                }
            }
        }
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

    /// The statistics from the totals `t` (`totalCount` values): NaN where there is none (no
    /// numerator, or a denominator of 0: no rows or no weight there), +∞ where a total or the
    /// ratio is beyond a double (an overflow, never a missing estimate).
    func statistics(_ t: UnsafeBufferPointer<Double>) -> [Double] {
        numerator.indices.map { o in
            let n = numerator[o], d = denominator[o]
            guard n >= 0 else { return .nan }
            guard t[n].isFinite, d < 0 || t[d].isFinite else { return .infinity }
            guard d >= 0 else { return t[n] }
            return t[d] != 0 ? t[n] / t[d] : .nan
        }
    }

    /// The statistics under one set of row weights.
    func statistics(weights w: [Double]) -> [Double] {
        var t = [Double](repeating: 0, count: totalCount)
        if !dense.isEmpty {
            for s in 0..<dense.count / denseRowCount { for i in 0..<denseRowCount { t[s] += dense[s * denseRowCount + i] * w[i] } }
        }
        for e in rows.indices { t[Int(slots[e])] += values[e] * w[Int(rows[e])] }
        return t.withUnsafeBufferPointer(statistics)
    }

    /// The same statistics with the dense matrix's values as entries (a row's non-zero values,
    /// in row order): for the kernels that take entries.
    private func withEntries() -> RatiosOfTotals {
        guard !dense.isEmpty else { return self }
        var converted = self
        (converted.dense, converted.denseRowCount) = ([], 0)
        // The matrix's own totals: a statistic being added may have reserved more.
        let (n, t) = (denseRowCount, dense.count / denseRowCount)
        for i in 0..<n {
            for s in 0..<t where dense[s * n + i] != 0 {
                converted.rows.append(Int32(i))
                converted.slots.append(Int32(s))
                converted.values.append(dense[s * n + i])
            }
        }
        return converted
    }

    /// The statistics under every replicate whose weight of row i is
    /// `rowScale[i] · columns[r][key(i)]` (replicate weights: scale 1 and the row itself as key;
    /// a bootstrap: the sampling weight and the row's PSU), computed in one pass over the entries
    /// on all cores. Returns one vector of `count` statistics per replicate.
    ///
    /// Each core takes a contiguous run of entries, a block of `blockEntries` at a time, and
    /// adds the block into every replicate's totals `lanes` replicates at a time: the block's
    /// entries stay in cache while the replicates' columns stream through once. Each replicate's
    /// totals add the entries in order, so the result does not depend on the blocking. A few
    /// totals over most rows of replicate weight columns (a mean, a total, a ratio, a few
    /// shares) are taken as dense blocks instead (`accumulateDense`), each column read in long
    /// runs and summed four values at a time: the same totals to rounding.
    ///
    /// - Parameters:
    ///   - columns: per replicate, its weight (or factor) by key; all of one length.
    ///   - rowScale: per table row, nil for 1.
    ///   - key: per table row, its index in the columns; nil for the row itself.
    func replicateStatistics(columns: [[Double]], rowScale: [Double]?, key: [Int32]?) -> [[Double]] {
        guard dense.isEmpty || (key == nil && rowScale == nil) else {
            return withEntries().replicateStatistics(columns: columns, rowScale: rowScale, key: key)
        }
        let width = columns.count
        let entries = inRowOrder()
        let matrix = !self.dense.isEmpty
        let dense = key == nil && (matrix || entries.isDense)
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, (matrix ? denseRowCount : rows.count) / 65_536))
        var sums = [[Double]](repeating: [], count: parts)
        sums.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let length = matrix ? denseRowCount : rows.count
                let range = (length * part / parts)..<(length * (part + 1) / parts)
                var out = [Double](repeating: 0, count: totalCount * width)
                out.withUnsafeMutableBufferPointer { out in
                    if matrix {
                        entries.accumulateMatrix(range, into: out.baseAddress!, width: width, columns: columns)
                        return
                    }
                    if dense {
                        entries.accumulateDense(range, into: out.baseAddress!, width: width, columns: columns, rowScale)
                        return
                    }
                    for start in stride(from: range.lowerBound, to: range.upperBound, by: Self.blockEntries) {
                        let block = start..<min(range.upperBound, start + Self.blockEntries)
                        for first in stride(from: 0, to: width, by: Self.lanes) {
                            let lanes = first..<min(width, first + Self.lanes)
                            withBaseAddresses(columns[lanes]) { sources in
                                entries.accumulate(block, into: out.baseAddress! + first, width: width, sources, rowScale, key)
                            }
                        }
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

    /// The same statistics with the entries in row order, so that a block of entries reads a
    /// short run of each replicate's column (domains add their rows one domain after another).
    /// The order is stable: a total's entries, added in row order, keep their order and sum.
    private func inRowOrder() -> RatiosOfTotals {
        guard zip(rows, rows.dropFirst()).contains(where: { $0 > $1 }) else { return self }
        // A counting sort: `next[r]` is where row r's next entry goes.
        var next = [Int](repeating: 0, count: Int(rows.max()!) + 2)
        for r in rows { next[Int(r) + 1] += 1 }
        for r in 1..<next.count { next[r] += next[r - 1] }
        var sorted = self
        let n = rows.count
        sorted.rows = Array(unsafeUninitializedCapacity: n) { sortedRows, rowsCount in
            sorted.slots = Array(unsafeUninitializedCapacity: n) { sortedSlots, slotsCount in
                sorted.values = Array(unsafeUninitializedCapacity: n) { sortedValues, valuesCount in
                    for e in 0..<n {
                        let r = Int(rows[e]), k = next[r]
                        next[r] += 1
                        (sortedRows[k], sortedSlots[k], sortedValues[k]) = (rows[e], slots[e], values[e])
                    }
                    valuesCount = n
                }
                slotsCount = n
            }
            rowsCount = n
        }
        return sorted
    }

    /// Whether the entries (in row order) fill most of a rows × totals matrix over the rows
    /// they span: few totals (a mean, a total, a ratio, a few shares) over most rows. Then
    /// `accumulateDense` takes them.
    private var isDense: Bool {
        guard let first = rows.first, let last = rows.last, totalCount <= Self.denseTotals else { return false }
        return 2 * rows.count >= totalCount * (Int(last) - Int(first) + 1)
    }

    /// The most totals `accumulateDense` takes.
    static let denseTotals = 4
    /// Table rows per block of `accumulateDense`: its matrix (at most 4 totals) stays in cache.
    static let denseRows = 65536

    /// Adds the entries `range` (in row order) into `out`, every replicate's totals (as
    /// `accumulate`), when the weight of row i in replicate r is `rowScale[i] · columns[r][i]`:
    /// per block of table rows, the entries as a dense block-rows × totals matrix V (zero where a
    /// row has no entry), and each replicate's totals as V'·w_r — so each replicate's column is
    /// read once, contiguously, instead of an element per entry.
    private func accumulateDense(_ range: Range<Int>, into out: UnsafeMutablePointer<Double>, width: Int,
                                 columns: [[Double]], _ rowScale: [Double]?) {
        guard !range.isEmpty else { return }
        let t = totalCount, blockRows = Self.denseRows
        var matrix = [Double](repeating: 0, count: blockRows * t)
        var e = range.lowerBound
        matrix.withUnsafeMutableBufferPointer { matrix in
            while e < range.upperBound {
                // The block: the entries of the table rows first..<first + blockRows.
                let first = Int(rows[e])
                var end = e
                while end < range.upperBound, Int(rows[end]) < first + blockRows { end += 1 }
                let span = Int(rows[end - 1]) - first + 1
                matrix.baseAddress!.update(repeating: 0, count: span * t)
                for k in e..<end {
                    let i = Int(rows[k])
                    matrix[(i - first) + Int(slots[k]) * span] += values[k] * (rowScale?[i] ?? 1)
                }
                for (r, column) in columns.enumerated() {
                    column.withUnsafeBufferPointer { column in
                        Self.addDots(matrix.baseAddress!, leading: span, totals: t, column.baseAddress! + first, count: span,
                                     into: out + r, width: width)
                    }
                }
                e = end
            }
        }
    }

    /// Adds the table rows `range` of the dense matrix (`dense`) into `out`, every replicate's
    /// totals (as `accumulateDense`, whose blocks of `denseRows` rows it reads in place): each
    /// replicate's column read once, contiguously.
    private func accumulateMatrix(_ range: Range<Int>, into out: UnsafeMutablePointer<Double>, width: Int, columns: [[Double]]) {
        let (n, t) = (denseRowCount, dense.count / denseRowCount)
        dense.withUnsafeBufferPointer { matrix in
            for first in stride(from: range.lowerBound, to: range.upperBound, by: Self.denseRows) {
                let span = min(Self.denseRows, range.upperBound - first)
                for (r, column) in columns.enumerated() {
                    column.withUnsafeBufferPointer { column in
                        Self.addDots(matrix.baseAddress! + first, leading: n, totals: t, column.baseAddress! + first, count: span,
                                     into: out + r, width: width)
                    }
                }
            }
        }
    }

    /// Adds Σᵢ mₜ[i]·w[i] over `count` values to `out[t·width]` for each of the `totals`
    /// columns mₜ of `matrix` (`leading` apart): w is read once for two columns at a time, each
    /// column's products summed in two four-wide running sums (of every eighth value), so that
    /// the additions do not wait on each other, added at the end.
    @inline(__always)
    private static func addDots(_ matrix: UnsafePointer<Double>, leading: Int, totals: Int, _ w: UnsafePointer<Double>, count: Int,
                                into out: UnsafeMutablePointer<Double>, width: Int) {
        func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self) }
        var total = 0
        while total < totals {
            let a = matrix + total * leading, pair = total + 1 < totals
            let b = pair ? a + leading : a
            var (a0, a1, b0, b1) = (SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero)
            var i = 0
            while i + 8 <= count {
                let (w0, w1) = (load(w + i), load(w + i + 4))
                a0 += load(a + i) * w0
                a1 += load(a + i + 4) * w1
                if pair {
                    b0 += load(b + i) * w0
                    b1 += load(b + i + 4) * w1
                }
                i += 8
            }
            var (sumA, sumB) = ((a0 + a1).sum(), (b0 + b1).sum())
            while i < count {
                sumA += a[i] * w[i]
                sumB += b[i] * w[i]
                i += 1
            }
            out[total * width] += sumA
            if pair { out[(total + 1) * width] += sumB }
            total += 2
        }
    }

    /// Entries per block of the one-pass kernel (their rows, slots and values stay in cache).
    static let blockEntries = 4096
    /// Replicates the kernel adds together per entry.
    static let lanes = 8

    /// Adds the entries in `block` into `out`, the totals of `sources.count` replicates in a
    /// totals × `width` row-major array (entry t of the first replicate at `out[t * width]`).
    private func accumulate(_ block: Range<Int>, into out: UnsafeMutablePointer<Double>, width: Int,
                            _ sources: [UnsafePointer<Double>], _ rowScale: [Double]?, _ key: [Int32]?) {
        rows.withUnsafeBufferPointer { rows in
            slots.withUnsafeBufferPointer { slots in
                values.withUnsafeBufferPointer { values in
                    sources.withUnsafeBufferPointer { sources in
                        @inline(__always) func add(lanes: Int) {
                            for e in block {
                                let i = Int(rows[e])
                                let v = values[e] * (rowScale?[i] ?? 1)
                                guard v != 0 else { continue }
                                let source = key.map { Int($0[i]) } ?? i
                                let target = out + Int(slots[e]) * width
                                for k in 0..<lanes { target[k] += v * sources[k][source] }
                            }
                        }
                        guard sources.count == Self.lanes else { return add(lanes: sources.count) }
                        // A full group of lanes: the replicates' weights of the row gathered into
                        // one vector and the slot's eight totals updated as one (lane k as above).
                        for e in block {
                            let i = Int(rows[e])
                            let v = values[e] * (rowScale?[i] ?? 1)
                            guard v != 0 else { continue }
                            let source = key.map { Int($0[i]) } ?? i
                            let w = SIMD8(sources[0][source], sources[1][source], sources[2][source], sources[3][source],
                                          sources[4][source], sources[5][source], sources[6][source], sources[7][source])
                            let target = UnsafeMutableRawPointer(out + Int(slots[e]) * width)
                            target.storeBytes(of: target.loadUnaligned(as: SIMD8<Double>.self) + v * w, as: SIMD8<Double>.self)
                        }
                    }
                }
            }
        }
    }
}
