import XCTest
@testable import StatsEngine

/// A replicate's sum of weights, the divisor of its refit's weights (R's `wi/sum(wi)` in
/// `svyglm.svyrep.design`): `CompensatedSum` gives the correctly rounded sum in any order, and
/// the sum taken as the columns are read (`ReplicateWeights.total`) is the one
/// `ScaledWeights.normalized` takes itself; a column whose sum overflows is refused.
final class ReplicateTotalsTests: XCTestCase {
    /// Values k·2⁻²⁰ with |k| < 2⁴⁴ and their exact sum (at most 2⁶³·2⁻²⁰, up to 63 significant
    /// bits): the correctly rounded sum is Double(Σk)·2⁻²⁰ (the integer's conversion rounds to
    /// nearest, the power of two is exact).
    private func values(count: Int, seed: UInt64, spread: Bool) -> (values: [Double], exact: Double) {
        var rng = SplitMix64(seed: seed)
        var total = 0
        let values = (0..<count).map { i -> Double in
            // A few large values among small ones (spread), or weights of similar size.
            let magnitude: UInt64 = spread && i % 1_000 != 0 ? 1 << 36 : 1 << 44
            let k = Int(rng.next() % magnitude) - (spread ? Int(magnitude / 2) : 0)
            total += k
            return Double(k) * 0x1p-20
        }
        return (values, Double(total) * 0x1p-20)
    }

    /// Sums `values` one at a time, in the order of `order`, as a plain running sum would not.
    private func compensated(_ values: [Double], order: [Int]) -> Double {
        var sum = CompensatedSum()
        for i in order { sum.add(values[i]) }
        return sum.value
    }

    func testCompensatedSumIsCorrectlyRoundedInAnyOrder() {
        var naiveWrong = 0
        for seed in 1...6 as ClosedRange<UInt64> {
            let (values, exact) = self.values(count: 300_000, seed: seed, spread: seed % 2 == 0)
            var rng = SplitMix64(seed: seed + 100)
            var shuffled = Array(values.indices)
            for i in shuffled.indices.reversed() where i > 0 { shuffled.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            XCTAssertEqual(compensated(values, order: Array(values.indices)), exact, "seed \(seed), in order")
            XCTAssertEqual(compensated(values, order: shuffled), exact, "seed \(seed), shuffled")
            // Four lanes at a time, as the columns are summed.
            var lanes = CompensatedSum(), i = 0
            while i + 4 <= values.count {
                lanes.add(SIMD4(values[i], values[i + 1], values[i + 2], values[i + 3]))
                i += 4
            }
            while i < values.count { lanes.add(values[i]); i += 1 }
            XCTAssertEqual(lanes.value, exact, "seed \(seed), four lanes")
            if values.reduce(0, +) != exact { naiveWrong += 1 }
        }
        // The sums are ones a running double sum gets wrong.
        XCTAssertGreaterThanOrEqual(naiveWrong, 3)
    }

    /// The totals taken as replicate columns are read and checked equal the sums
    /// `ScaledWeights.normalized` takes without them, and the exact sums correctly rounded;
    /// over a subset of rows the columns are summed there.
    func testReadTotalsAreTheRefitsDivisors() throws {
        let columns = (0..<5).map { r in values(count: 50_001, seed: 40 + UInt64(r), spread: false) }
        let names = columns.indices.map { "w\($0)" }
        let table = Table(source: "replicates.csv", names: names, columns: columns.map { .numeric(NumericColumn($0.values)) })
        let read = try ReplicateWeights(spec: ReplicateWeightsSpec(columns: "w*", type: .bootstrap), table: table)
        let computed = ScaledWeights.normalized(columns.map(\.values), rows: nil)
        let given = ScaledWeights.normalized(columns.map(\.values), rows: nil, totals: columns.indices.map { read.total(replicate: $0) })
        for j in columns.indices {
            XCTAssertEqual(read.total(replicate: j), columns[j].exact, "replicate \(j)")
            XCTAssertEqual(computed[j].divisor, columns[j].exact, "replicate \(j)")
            XCTAssertEqual(given[j].divisor, columns[j].exact, "replicate \(j)")
            XCTAssertEqual(given[j].total, given[j].divisor)
        }
        // A subset of rows: its own sums, whatever totals over every row are given.
        let rows: [Int32] = stride(from: 0, to: 50_001, by: 3).map { Int32($0) }
        let subset = ScaledWeights.normalized(columns.map(\.values), rows: rows, totals: columns.map { $0.exact })
        for j in columns.indices {
            // Each value is k·2⁻²⁰ exactly: the subset's exact sum from the integers.
            let exact = Double(rows.reduce(0) { $0 + Int(columns[j].values[Int($1)] * 0x1p20) }) * 0x1p-20
            XCTAssertEqual(subset[j].divisor, exact)
            XCTAssertNotEqual(subset[j].divisor, columns[j].exact)
        }
        // A column whose weights sum beyond a double's range is refused, naming it (the sum
        // would make a refit's divisor and every replicate statistic Inf or NaN).
        var huge = columns.map(\.values)
        huge[3][10] = 1.5e308
        huge[3][20] = 1.5e308
        let overflowing = Table(source: "replicates.csv", names: names, columns: huge.map { .numeric(NumericColumn($0)) })
        XCTAssertThrowsError(try ReplicateWeights(spec: ReplicateWeightsSpec(columns: "w*", type: .bootstrap), table: overflowing)) {
            XCTAssertEqual(String(describing: $0),
                           "replicates.csv, column 'w3': the replicate weights sum beyond the largest double (1.8e308); rescale them")
        }
        // Made replicates carry no totals.
        let made = ReplicateWeights(columns: names, type: .bootstrap, rho: nil, scale: 0.25, rscales: names.map { _ in 1 }, mse: false,
                                    values: columns.map(\.values), made: nil)
        XCTAssertNil(made.total(replicate: 0))
    }
}
