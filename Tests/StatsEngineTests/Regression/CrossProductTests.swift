import XCTest
@testable import StatsEngine

/// `BlockedProducts.addCrossProduct` adds B'B to a Gram matrix's upper triangle by either BLAS
/// route (`dgemm` up to `fullProductColumns` columns, `dsyrk` beyond): small integers make every
/// sum exact, so both routes must give the sums written out by hand, added to what was there.
final class CrossProductTests: XCTestCase {
    private func check(columns p: Int) {
        let (m, leading) = (37, 40)
        var block = [Double](repeating: .nan, count: leading * p)  // rows past m are never read
        for j in 0..<p { for i in 0..<m { block[j * leading + i] = Double((i * 7 + j * 3) % 11) - 5 } }
        var gram = (0..<(p * p)).map { Double($0 % 5) }
        let before = gram
        BlockedProducts.addCrossProduct(block, rows: m, columns: p, leading: leading, into: &gram)
        for k in 0..<p {
            for j in 0...k {
                var sum = 0.0
                for i in 0..<m { sum += block[j * leading + i] * block[k * leading + i] }
                XCTAssertEqual(gram[k * p + j], before[k * p + j] + sum, "p = \(p), entry (\(j), \(k))")
            }
        }
    }

    func testFullProductRoute() { check(columns: 15) }
    func testTriangleRoute() { check(columns: BlockedProducts.fullProductColumns + 3) }
    func testOneColumn() { check(columns: 1) }
}
