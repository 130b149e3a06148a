import XCTest
@testable import StatsEngine

/// R's `degf` of replicate weights (the rank by `dqrdc2`'s test, minus 1) on weights whose rank
/// is known by construction: full, short by an exact or a near dependence, full but hidden from
/// the block sums that show full rank cheaply (the Gram matrix of every row decides), and on a
/// subset of rows.
final class ReplicateDegreesOfFreedomTests: XCTestCase {
    /// Asserts the df of `columns` on `rows` (nil: all), as replicate weights made (the rank
    /// found when asked) and as read from a table (the block sums of all rows taken as the
    /// columns are checked).
    private func assertDegreesOfFreedom(_ columns: [[Double]], rows: [Int32]? = nil, _ expected: Int,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let names = columns.indices.map { "r\($0)" }
        let made = ReplicateWeights(columns: names, type: .bootstrap, rho: nil, scale: 1 / Double(columns.count - 1),
                                    rscales: columns.map { _ in 1 }, mse: false, values: columns, made: nil)
        let table = Table(source: "replicates.csv", names: names, columns: columns.map { .numeric(NumericColumn($0)) })
        let read = try ReplicateWeights(spec: ReplicateWeightsSpec(columns: "r*", type: .bootstrap), table: table)
        XCTAssertEqual(made.degreesOfFreedom(rows: rows), expected, "made", file: file, line: line)
        XCTAssertEqual(read.degreesOfFreedom(rows: rows), expected, "read from a table", file: file, line: line)
    }

    /// Bootstrap-like columns: each row's weight a draw of 0…3 times a base weight.
    private func bootstrap(n: Int, r: Int, seed: UInt64) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        let base = (0..<n).map { _ in 1 + 9 * rng.uniform() }
        return (0..<r).map { _ in base.map { $0 * Double(rng.next() % 4) } }
    }

    func testFullRank() throws {
        for n in [30, 5_000, 20_011] {
            try assertDegreesOfFreedom(bootstrap(n: n, r: 20, seed: UInt64(n)), 19)
        }
    }

    /// A column that is the sum of two others does not count; one that repeats another but for
    /// a relative 1e-7 on one row (its residual far below 1e-5 of its norm) neither.
    func testDependentColumnsDoNotCount() throws {
        var columns = bootstrap(n: 10_000, r: 12, seed: 3)
        columns[7] = zip(columns[2], columns[5]).map { $0 + $1 }
        try assertDegreesOfFreedom(columns, 10)
        columns[9] = columns[4]
        columns[9][123] *= 1 + 1e-7
        try assertDegreesOfFreedom(columns, 9)
    }

    /// Columns that differ only by a +d, −d pattern on pairs of consecutive rows are equal
    /// over every block of an even number of rows; on the rows they are independent.
    func testFullRankHiddenFromTheBlockSums() throws {
        var rng = SplitMix64(seed: 11)
        let n = 4 * ReplicateWeights.rankBlocks, r = 8
        let base = (0..<n).map { _ in 10 + rng.uniform() }
        let columns = (0..<r).map { _ in
            var column = base
            for i in stride(from: 0, to: n, by: 2) {
                let d = rng.uniform()
                (column[i], column[i + 1]) = (column[i] + d, column[i + 1] - d)
            }
            return column
        }
        try assertDegreesOfFreedom(columns, r - 1)
    }

    /// On a subset of rows: columns independent on the rows but equal on the subset count once.
    func testSubsetOfRows() throws {
        var columns = bootstrap(n: 6_000, r: 6, seed: 17)
        let subset = (0..<6_000).filter { $0 % 3 == 0 }.map(Int32.init)
        for i in subset { columns[4][Int(i)] = columns[1][Int(i)] }
        try assertDegreesOfFreedom(columns, 5)
        try assertDegreesOfFreedom(columns, rows: subset, 4)
    }
}
