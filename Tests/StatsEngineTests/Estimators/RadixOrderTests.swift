import XCTest
@testable import StatsEngine

/// `RadixOrder.sorted` (the order quantiles are read in) against sorting (value, row) pairs with
/// `<` and reading each row's value and weight: the same bits, zeros' signs included.
final class RadixOrderTests: XCTestCase {
    /// A small linear congruential generator, so every run checks the same inputs.
    private struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    private func expected(_ rows: [Int32], _ values: [Double]) -> [Int32] {
        rows.sorted { a, b in values[Int(a)] < values[Int(b)] || (values[Int(a)] == values[Int(b)] && a < b) }
    }

    /// Fails naming the first position where the values or weights differ from those of the
    /// sorted pairs' rows.
    private func check(_ rows: [Int32], _ values: [Double], _ label: String, line: UInt = #line) {
        let weights = values.indices.map { Double($0) + 0.5 }
        let got = RadixOrder.sorted(rows, values: values, weights: weights), want = expected(rows, values)
        let wantValues = want.map { values[Int($0)].bitPattern }, wantWeights = want.map { weights[Int($0)] }
        let first = (0..<want.count).first { got.values[$0].bitPattern != wantValues[$0] || got.weights[$0] != wantWeights[$0] }
        XCTAssert(got.values.count == want.count && got.weights.count == want.count && first == nil,
                  "\(label): first difference at position \(first.map(String.init) ?? "count")", line: line)
    }

    func testOrderEqualsSortedPairsForRowsInAndOutOfOrder() {
        var random = Seeded(state: 7)
        for n in [2, 3, 17, 1000, 70_000] {
            // Ties, both zeros, negatives, huge and tiny magnitudes, infinities.
            let pool: [Double] = [0, -0.0, 1, -1, 2.5, -2.5, 1e300, -1e-300, .infinity, -.infinity, 542.9865, 0.1]
            let values = (0..<n).map { i in i % 3 == 0 ? pool.randomElement(using: &random)! : Double.random(in: -1e6...1e6, using: &random) }
            let ascending = (0..<Int32(n)).filter { _ in Bool.random(using: &random) || n < 10 }
            check(ascending, values, "rows in order, n = \(n)")
            // Rows out of order: ties still by row number.
            let shuffled = ascending.shuffled(using: &random)
            check(shuffled, values, "rows shuffled, n = \(n)")
        }
    }
}
