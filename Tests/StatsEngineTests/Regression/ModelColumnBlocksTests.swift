import XCTest
@testable import StatsEngine

/// The model matrix formed block by block (`ModelColumnInputs`, what the fits' passes read)
/// against values written out by hand from R's `model.matrix` coding, for every row range and
/// with a scale, and `accumulate` against the columns it adds.
final class ModelColumnBlocksTests: XCTestCase {
    /// y, a number x, a factor g (levels a < b < c, first the reference) and a number z; row 3
    /// has x missing, so the model uses rows 0, 1, 2, 4, 5 and 6.
    private let table = Table(source: "t", names: ["y", "x", "g", "z"], columns: [
        .numeric(NumericColumn([1, 0, 1, 1, 0, 1, 0])),
        .numeric(NumericColumn([0.5, -2, 3, .nan, 4, -1.5, 2])),
        .categorical(CategoricalColumn(labels: ["a", "b", "c", "a", "c", "b", "a"])),
        .numeric(NumericColumn([1, 2, 3, 4, 5, 6, 7])),
    ])

    func testBlocksEqualTheMatrixRWouldBuild() throws {
        let x = try DesignMatrix(formula: ModelFormula("y ~ x * g + I(z^2) + x:z"), table: table)
        XCTAssertEqual(x.names, ["(Intercept)", "x", "g[b]", "g[c]", "I(z^2)", "x:g[b]", "x:g[c]", "x:z"])
        XCTAssertEqual(x.rows, [0, 1, 2, 4, 5, 6])
        let xs: [Double] = [0.5, -2, 3, 4, -1.5, 2], gs = ["a", "b", "c", "c", "b", "a"], zs: [Double] = [1, 2, 3, 5, 6, 7]
        let expected: [[Double]] = (0..<6).map { i in
            let b: Double = gs[i] == "b" ? 1 : 0, c: Double = gs[i] == "c" ? 1 : 0
            return [1, xs[i], b, c, zs[i] * zs[i], xs[i] * b, xs[i] * c, xs[i] * zs[i]]
        }
        let n = x.rowCount, p = x.columnCount
        let scale: [Double] = [2, -1, 0.5, 3, -0.25, 1]
        for range in [0..<6, 0..<1, 2..<5, 5..<6] {
            for j in 0..<p {
                var plain = [Double](repeating: .nan, count: range.count), scaled = plain, sums = [Double](repeating: 10, count: range.count)
                plain.withUnsafeMutableBufferPointer { x.columns.write(column: j, rows: range, scale: nil, to: $0.baseAddress!) }
                scale.withUnsafeBufferPointer { s in
                    scaled.withUnsafeMutableBufferPointer { x.columns.write(column: j, rows: range, scale: s.baseAddress! + range.lowerBound, to: $0.baseAddress!) }
                }
                sums.withUnsafeMutableBufferPointer { x.columns.accumulate(column: j, rows: range, times: 3, into: $0.baseAddress!) }
                for (k, i) in range.enumerated() {
                    XCTAssertEqual(plain[k], expected[i][j], "\(x.names[j]), row \(i)")
                    XCTAssertEqual(scaled[k], scale[i] * expected[i][j], "\(x.names[j]) scaled, row \(i)")
                    XCTAssertEqual(sums[k], 10 + 3 * expected[i][j], "\(x.names[j]) accumulated, row \(i)")
                }
            }
        }
        // The whole matrix, formed on demand, holds the same values column-major.
        XCTAssertEqual(x.values, (0..<p).flatMap { j in (0..<n).map { expected[$0][j] } })
        XCTAssertEqual(x.columnMagnitudes, [1, 4, 1, 1, 49, 4, 4, 7 * 4])
    }

    /// Without an intercept the first factor is coded by one indicator per level.
    func testFullCodingWithoutIntercept() throws {
        let x = try DesignMatrix(formula: ModelFormula("y ~ 0 + g + x"), table: table)
        XCTAssertEqual(x.names, ["g[a]", "g[b]", "g[c]", "x"])
        XCTAssertEqual(x.values, [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0.5, -2, 3, 4, -1.5, 2])
    }
}
