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
        let n = 70_001
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
}
