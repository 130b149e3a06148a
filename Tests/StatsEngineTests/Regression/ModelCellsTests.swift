import XCTest
@testable import StatsEngine

/// The cells of a model's categorical inputs (`ModelCells`) that the replicate refits' passes
/// sort their rows into: which inputs become dimensions, and the invariant the passes rest on.
final class ModelCellsTests: XCTestCase {
    /// A table of n rows: numbers a and b, a 0/1 number d, a number c that is 0/1 but for one
    /// row, and codes g (3 levels), e (5) and h (40) read as factors.
    private func table(rows n: Int) -> Table {
        var rng = SplitMix64(seed: 53)
        let a = (0..<n).map { _ in Double(rng.next() % 1_000) / 100 - 5 }, b = (0..<n).map { _ in Double(rng.next() % 97) / 7 }
        let d = (0..<n).map { _ in Double(rng.next() % 2) }
        var c = (0..<n).map { _ in Double(rng.next() % 2) }
        c[n / 2] = 0.5
        let g = (0..<n).map { _ in Double(rng.next() % 3) }, e = (0..<n).map { _ in Double(rng.next() % 5) }
        let h = (0..<n).map { _ in Double(rng.next() % 40) }
        let y = (0..<n).map { _ in Double(rng.next() % 2) }
        return Table(source: "simulated", names: ["a", "b", "d", "c", "g", "e", "h", "y"],
                     columns: [a, b, d, c, g, e, h, y].map { .numeric(NumericColumn($0)) })
    }

    /// Within its row's cell each column of the model matrix is its monomial or 0, bit for bit
    /// as R's `model.matrix` coding forms it (`ModelColumnInputs.matrix`), for main effects,
    /// interactions of a dimension with numbers, a 0/1 number, a number that is not 0/1 and a
    /// factor with more levels than cells may number; and the rows sorted by cell are every
    /// row once, in row order within a cell.
    func testEachColumnIsItsMonomialOrZeroInItsRowsCell() throws {
        let n = 1_000
        let data = table(rows: n)
        for formula in ["y ~ d + a + factor(e)", "y ~ d * a + factor(g) * b + c + factor(h)", "y ~ 0 + factor(g):d + d:a:b + a",
                        "y ~ a + b", "y ~ factor(e) * factor(g) * d"] {
            let x = try DesignMatrix(formula: ModelFormula(formula), table: data)
            let inputs = x.columns, p = x.columnCount, matrix = inputs.matrix()
            let cells = inputs.cells(limit: IRLSPass.refitCellLimit)
            XCTAssertLessThanOrEqual(cells.count, IRLSPass.refitCellLimit, formula)
            XCTAssertEqual(cells.count, cells.dimensions.reduce(1) { $0 * $1.levels }, formula)
            var monomials = [Double](repeating: .nan, count: n * cells.monomials.count)
            monomials.withUnsafeMutableBufferPointer { out in
                for u in cells.monomials.indices { inputs.write(monomial: u, of: cells, rows: 0..<n, to: out.baseAddress! + u * n) }
            }
            var cellOf = [Int32](repeating: -1, count: n), order = cellOf, starts = [Int](repeating: -1, count: cells.count + 1)
            cellOf.withUnsafeMutableBufferPointer { cellOf in
                order.withUnsafeMutableBufferPointer { order in
                    starts.withUnsafeMutableBufferPointer { starts in
                        cells.order(0..<n, cells: cellOf.baseAddress!, into: order.baseAddress!, starts: starts.baseAddress!)
                    }
                }
            }
            for i in 0..<n {
                let cell = Int(cellOf[i])
                for j in 0..<p {
                    let expected = cells.present[cell * p + j] ? monomials[cells.monomialOf[j] * n + i] : 0
                    // A 0 may be −0 where a negative number is multiplied by a 0 indicator.
                    XCTAssert(matrix[j * n + i].bitPattern == expected.bitPattern || matrix[j * n + i] == 0 && expected == 0,
                              "\(formula): row \(i), column \(x.names[j]) is \(matrix[j * n + i]), its cell's \(expected)")
                }
            }
            XCTAssertEqual(starts.first, 0, formula)
            XCTAssertEqual(starts.last, n, formula)
            for c in 0..<cells.count {
                let rows = order[starts[c]..<starts[c + 1]]
                XCTAssertEqual(Array(rows), rows.sorted(), "\(formula): cell \(c)'s rows in row order")
                XCTAssert(rows.allSatisfy { cellOf[Int($0)] == Int32(c) }, "\(formula): cell \(c)")
            }
            XCTAssertEqual(Set(order), Set((0..<Int32(n))), formula)
        }
    }

    /// The dimensions: factors and 0/1 numbers in most columns first while the cells number
    /// at most the limit; a number with one value other than 0 and 1 and a factor of more
    /// levels than the limit stay among the monomials' factors.
    func testDimensionsAreTheCategoricalInputsInMostColumns() throws {
        let data = table(rows: 500)
        let cases: [(formula: String, cells: Int, monomials: Int)] = [
            ("y ~ d + a + factor(e)", 10, 2),  // W1's shape: ones and a
            ("y ~ d * a + factor(g) * b + c + factor(h)", 6, 4 + 39),  // ones, a, b, c and h's 39 indicators
            ("y ~ factor(e) * factor(g) * d", 30, 1),  // every column an indicator: ones only
            ("y ~ a + b", 1, 3),
            ("y ~ c", 1, 2),
        ]
        for (formula, count, monomials) in cases {
            let x = try DesignMatrix(formula: ModelFormula(formula), table: data)
            let cells = x.columns.cells(limit: IRLSPass.refitCellLimit)
            XCTAssertEqual(cells.count, count, formula)
            XCTAssertEqual(cells.monomials.count, monomials, formula)
        }
        // At a lower limit the factor in more columns wins: e (4 columns) over d (1).
        let x = try DesignMatrix(formula: ModelFormula("y ~ d + factor(e)"), table: data)
        XCTAssertEqual(x.columns.cells(limit: 5).count, 5)
        XCTAssertEqual(x.columns.cells(limit: 1).count, 1)
    }
}
