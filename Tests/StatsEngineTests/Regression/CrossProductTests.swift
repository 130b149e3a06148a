import CCrossProducts
import XCTest
@testable import StatsEngine

/// `BlockedProducts.addCrossProduct` adds B'B to a Gram matrix's upper triangle, by the C kernel
/// (`Sources/CCrossProducts`, up to `kernelColumns` columns) or by `dsyrk` beyond: small
/// integers make every sum exact, so both routes must give the sums written out by hand, added
/// to what was there, and leave the lower triangle as it was. The kernel's AVX2 and portable
/// codes give the same bits, and its sums of real values are as accurate as summing row by row.
final class CrossProductTests: XCTestCase {
    /// A block of `m` rows × `p` columns (leading dimension m + 3, whose extra rows are NaN and
    /// must never be read) of values from `value`.
    private func block(rows m: Int, columns p: Int, _ value: (Int, Int) -> Double) -> (values: [Double], leading: Int) {
        let leading = m + 3
        var block = [Double](repeating: .nan, count: leading * p)
        for j in 0..<p { for i in 0..<m { block[j * leading + i] = value(i, j) } }
        return (block, leading)
    }

    private func checkExact(rows m: Int, columns p: Int, file: StaticString = #filePath, line: UInt = #line) {
        // Values that repeat only every 101 rows and differ between any two columns, so that
        // reading a neighbouring row or column changes some sum.
        let (values, leading) = block(rows: m, columns: p) { i, j in Double((i * 7 + j * 13) % 101) - 50 }
        var gram = (0..<(p * p)).map { Double($0 % 5) }
        let before = gram
        BlockedProducts.addCrossProduct(values, rows: m, columns: p, leading: leading, into: &gram)
        for k in 0..<p {
            for j in 0..<p {
                var sum = 0.0
                for i in 0..<m { sum += values[j * leading + i] * values[k * leading + i] }
                let expected = j <= k ? before[k * p + j] + sum : before[k * p + j]
                XCTAssertEqual(gram[k * p + j], expected, "\(m) rows, \(p) columns, entry (\(j), \(k))", file: file, line: line)
            }
        }
    }

    /// Every kernel width (groups of three columns, full and partial), rows fewer than four, every
    /// remainder modulo four, and past the kernel's 256-row chunks.
    func testKernelSumsExactly() {
        for p in 1...BlockedProducts.kernelColumns {
            for m in [1, 2, 3, 4, 6, 37, 256, 260, 517] { checkExact(rows: m, columns: p) }
        }
    }

    /// A NaN makes exactly the sums of its column NaN, as summing row by row does.
    func testNaNReachesOnlyItsColumnsSums() {
        let (m, p, bad) = (41, 7, 2)
        let made = block(rows: m, columns: p) { i, j in Double(i + j) }
        var values = made.values
        let leading = made.leading
        values[bad * leading + 5] = .nan
        var gram = [Double](repeating: 0, count: p * p)
        BlockedProducts.addCrossProduct(values, rows: m, columns: p, leading: leading, into: &gram)
        for k in 0..<p { for j in 0...k { XCTAssertEqual(gram[k * p + j].isNaN, j == bad || k == bad, "entry (\(j), \(k))") } }
    }

    func testTriangleRoute() { checkExact(rows: 37, columns: BlockedProducts.kernelColumns + 3) }

    func testPortableCodeGivesTheSameBits() {
        var generator = SystemRandomNumberGenerator()
        for p in [1, 2, 5, 15, 32] {
            let m = 2_047
            let (values, leading) = block(rows: m, columns: p) { _, _ in Double.random(in: -3...3, using: &generator) }
            var chosen = [Double](repeating: 0.5, count: p * p), portable = chosen
            disparity_add_cross_product(values, m, p, leading, &chosen, p)
            disparity_add_cross_product_portable(values, m, p, leading, &portable, p)
            XCTAssertEqual(chosen.map(\.bitPattern), portable.map(\.bitPattern), "\(p) columns")
        }
    }

    /// Against sums in double-double arithmetic (each product and sum with its rounding error,
    /// Dekker's and Knuth's error-free transformations): within the error of summing the rows
    /// one by one.
    func testRealSumsAreAccurate() {
        let (m, p) = (2_048, 15)
        let (values, leading) = block(rows: m, columns: p) { i, j in sin(Double(i * 31 + j * 17)) * Double(1 + j) }
        var gram = [Double](repeating: 0, count: p * p)
        BlockedProducts.addCrossProduct(values, rows: m, columns: p, leading: leading, into: &gram)
        for k in 0..<p {
            for j in 0...k {
                var (high, low, magnitude) = (0.0, 0.0, 0.0)
                for i in 0..<m {
                    let (a, b) = (values[j * leading + i], values[k * leading + i])
                    let product = a * b, productError = (-product).addingProduct(a, b)
                    let sum = high + product, virtual = sum - high
                    low += (high - (sum - virtual)) + (product - virtual) + productError
                    high = sum
                    magnitude += abs(product)
                }
                XCTAssertLessThan(abs(gram[k * p + j] - (high + low)), 1e-14 * magnitude, "entry (\(j), \(k))")
            }
        }
    }
}
