import XCTest
@testable import StatsEngine

/// `RatiosOfTotals.replicateStatistics` (every replicate in one pass: dense blocks for a few
/// totals over most rows, the entry kernel otherwise) against `statistics(weights:)`, which
/// adds each replicate's entries one by one in order. Sizes cross the dense blocks, the
/// four-wide sums' tails and the split between cores.
final class RatiosOfTotalsTests: XCTestCase {
    private func check(_ statistics: RatiosOfTotals, columns: [[Double]], _ label: String) {
        let together = statistics.replicateStatistics(columns: columns, rowScale: nil, key: nil)
        XCTAssertEqual(together.count, columns.count, label)
        for (r, column) in columns.enumerated() {
            let alone = statistics.statistics(weights: column)
            XCTAssertEqual(together[r].count, alone.count, label)
            for (a, b) in zip(together[r], alone) {
                XCTAssertEqual(a, b, accuracy: 1e-13 * abs(b), "\(label), replicate \(r)")
            }
        }
    }

    func testReplicateStatisticsEqualEachReplicateAlone() {
        var rng = SplitMix64(seed: 11)
        let n = 140_001
        let y = (0..<n).map { _ in rng.normal() * 10 + 50 }
        let group = (0..<n).map { _ in Int(rng.next() % 3) }
        // Replicate weights with zeros (a bootstrap's unsampled PSUs).
        let columns = (0..<11).map { _ in (0..<n).map { _ in rng.uniform() < 0.37 ? 0 : rng.uniform() * 3 } }
        let all = (0..<Int32(n)).map { $0 }

        var mean = RatiosOfTotals()
        mean.addRatio(rows: all, { y[Int($0)] }, over: { _ in 1 })
        check(mean, columns: columns, "mean (dense)")

        var shares = RatiosOfTotals()
        shares.addShares(3, rows: all) { group[Int($0)] }
        check(shares, columns: columns, "three shares (dense, four totals)")

        var total = RatiosOfTotals()
        total.addTotal(rows: all.filter { $0 % 3 == 1 }) { y[Int($0)] }
        check(total, columns: columns, "a total over every third row (dense)")

        var sparse = RatiosOfTotals()
        sparse.addRatio(rows: all.filter { $0 % 5 == 0 }, { y[Int($0)] }, over: { _ in 1 })
        check(sparse, columns: columns, "a mean over every fifth row (entry kernel)")

        var domains = RatiosOfTotals()
        for g in 0..<3 { domains.addRatio(rows: all.filter { group[Int($0)] == g }, { y[Int($0)] }, over: { _ in 1 }) }
        check(domains, columns: columns, "three domain means (entry kernel)")
    }

    /// A single domain's few totals over most rows are held as a dense matrix (no entry per
    /// row and value): the same statistics as the entries, bit for bit one replicate at a time
    /// and to rounding all together, also through the kernels that take entries (a PSU key and
    /// row scale, as a bootstrap's) and after more statistics are added.
    func testDenseMatrixEqualsEntries() {
        var rng = SplitMix64(seed: 13)
        let n = 150_003
        let y = (0..<n).map { _ in rng.uniform() < 0.1 ? Double.nan : rng.normal() * 5 + 20 }
        let columns = (0..<7).map { _ in (0..<n).map { _ in rng.uniform() < 0.37 ? 0 : rng.uniform() * 3 } }
        let all = (0..<Int32(n)).map { $0 }
        let present = all.filter { !y[Int($0)].isNaN }
        var matrix = RatiosOfTotals()
        matrix.addPerDomain([all], rowCount: n, totals: 2, ratios: [(0, 1)], perRow: 2, uses: { !y[Int($0)].isNaN }) { r, j, first in
            j == 0 ? (first, y[Int(r)]) : (first + 1, 1)
        }
        var entries = RatiosOfTotals()
        entries.addRatio(rows: present, { y[Int($0)] }, over: { _ in 1 })
        for column in columns {
            XCTAssertEqual(matrix.statistics(weights: column).map(\.bitPattern), entries.statistics(weights: column).map(\.bitPattern))
        }
        check(matrix, columns: columns, "a mean held as a dense matrix")
        let together = matrix.replicateStatistics(columns: columns, rowScale: nil, key: nil)
        let fromEntries = entries.replicateStatistics(columns: columns, rowScale: nil, key: nil)
        for r in columns.indices { XCTAssertEqual(together[r][0], fromEntries[r][0], accuracy: 1e-13 * abs(fromEntries[r][0])) }
        // Through the entry kernel: columns by a key (a PSU per row), rows scaled.
        let key = (0..<n).map { Int32($0 % 5) }, scale = (0..<n).map { _ in 1 + rng.uniform() }
        let psuColumns = (0..<3).map { _ in (0..<5).map { _ in rng.uniform() * 2 } }
        XCTAssertEqual(matrix.replicateStatistics(columns: psuColumns, rowScale: scale, key: key).map { $0.map(\.bitPattern) },
                       entries.replicateStatistics(columns: psuColumns, rowScale: scale, key: key).map { $0.map(\.bitPattern) })
        // More statistics after the matrix: it becomes entries, the numbering continues.
        matrix.addTotal(rows: present) { y[Int($0)] }
        entries.addTotal(rows: present) { y[Int($0)] }
        XCTAssertEqual(matrix.count, 2)
        check(matrix, columns: columns, "a mean and a total")
        XCTAssertEqual(matrix.statistics(weights: columns[0]).map(\.bitPattern), entries.statistics(weights: columns[0]).map(\.bitPattern))
    }

    /// `addPerDomain` writes the entries in row order but adds the same totals and statistics
    /// as one call per domain (whose entries are sorted into row order before the pass): the
    /// replicates' statistics are equal bit for bit, for a partition with an empty domain and
    /// missing values, for shares, and for domains that share rows (added one by one).
    func testPerDomainEntriesEqualOneCallPerDomain() {
        var rng = SplitMix64(seed: 12)
        let n = 30_000
        let y = (0..<n).map { _ in rng.uniform() < 0.05 ? Double.nan : rng.normal() }
        let category = (0..<n).map { _ in Int(rng.next() % 4) }
        let columns = (0..<9).map { _ in (0..<n).map { _ in rng.uniform() < 0.3 ? 0 : rng.uniform() * 2 } }
        let domainOf = (0..<n).map { _ in Int(rng.next() % 5) }
        var partition = (0..<6).map { d in (0..<Int32(n)).filter { domainOf[Int($0)] == d } }  // domain 5 is empty
        partition.swapAt(1, 5)
        let overlapping = partition + [(0..<Int32(n)).filter { $0 % 7 == 0 }]
        let uses = { (r: Int32) in !y[Int(r)].isNaN }
        for domains in [partition, overlapping] {
            var together = RatiosOfTotals(), oneByOne = RatiosOfTotals()
            together.addPerDomain(domains, rowCount: n, totals: 2, ratios: [(0, 1)], perRow: 2, uses: uses) { r, j, first in
                j == 0 ? (first, y[Int(r)]) : (first + 1, 1)
            }
            together.addPerDomain(domains, rowCount: n, totals: 5, ratios: (0..<4).map { ($0, 4) }, perRow: 2, uses: { _ in true }) { r, j, first in
                (j == 0 ? first + category[Int(r)] : first + 4, 1)
            }
            for rows in domains {
                let used = rows.filter(uses)
                if used.isEmpty { oneByOne.addMissingStatistic() } else { oneByOne.addRatio(rows: used, { y[Int($0)] }, over: { _ in 1 }) }
            }
            for rows in domains {
                if rows.isEmpty { oneByOne.addMissingStatistic() } else { oneByOne.addShares(4, rows: rows) { category[Int($0)] } }
            }
            XCTAssertEqual(together.count, oneByOne.count)
            let a = together.replicateStatistics(columns: columns, rowScale: nil, key: nil)
            let b = oneByOne.replicateStatistics(columns: columns, rowScale: nil, key: nil)
            for (r, (x, z)) in zip(a, b).enumerated() {
                XCTAssertEqual(x.map(\.bitPattern), z.map(\.bitPattern), "\(domains.count) domains, replicate \(r)")
            }
        }
    }
}
