import XCTest
@testable import StatsEngine

/// The variance engine's totals by unit (R's `onestrat`) on a design whose rows are its PSUs
/// (no clusters, the moments taken block by block as the values come, stratum by stratum) equal
/// R's formula computed directly: the same design with a cluster column of one row each (totals
/// by unit first), and the centred sums of squares written out. Strata interleaved in row order,
/// values a million times their spread (the centring matters), blocks given as a product, a
/// domain's rows and the rows of a joint scope with units no value falls in.
final class VarianceEngineTests: XCTestCase {
    private let n = 60, strata = 3

    /// Stratum of row r: interleaved, so that each block holds every stratum.
    private func stratum(_ r: Int) -> Int { (r * 7 + r / 5) % strata }

    private func designs() throws -> (rows: SurveyDesign, clusters: SurveyDesign) {
        let table = Table(source: "rows.csv", names: ["stratum", "id", "w"], columns: [
            .numeric(NumericColumn((0..<n).map { Double(stratum($0)) })),
            .numeric(NumericColumn((0..<n).map { Double($0 + 1) })),
            .numeric(NumericColumn((0..<n).map { 1 + Double($0 % 4) })),
        ])
        let rows = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum"), table: table)
        let clusters = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["id"]), table: table)
        XCTAssertTrue(rows.rowsArePSUs)
        XCTAssertFalse(clusters.rowsArePSUs)
        return (rows, clusters)
    }

    /// Values of k statistics on `rows`: row-major, far from 0 relative to their spread.
    private func values(_ rows: [Int32], width k: Int) -> [Double] {
        rows.flatMap { r in (0..<k).map { j in 1e6 * Double(j + 1) + sin(Double(Int(r) * (j + 3))) } }
    }

    /// R's `onestage` written out: per stratum, the units' totals (0 for the stratum's units in
    /// no row given) centred on their sum over the stratum's n units, scaled by n/(n − 1).
    private func expected(_ rows: [Int32], _ v: [Double], width k: Int) -> [Double] {
        var out = [Double](repeating: 0, count: k * k)
        for h in 0..<strata {
            let units = (0..<n).filter { stratum($0) == h }
            let total = Double(units.count)
            var totals = units.map { _ in [Double](repeating: 0, count: k) }
            for (i, r) in rows.enumerated() where stratum(Int(r)) == h {
                let u = units.firstIndex(of: Int(r))!
                for j in 0..<k { totals[u][j] = v[i * k + j] }
            }
            let centre = (0..<k).map { j in totals.map { $0[j] }.reduce(0, +) / total }
            for t in totals {
                for a in 0..<k { for b in 0..<k { out[a * k + b] += (t[a] - centre[a]) * (t[b] - centre[b]) * total / (total - 1) } }
            }
        }
        return out
    }

    private func assertClose(_ a: [Double], _ b: [Double], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let scale = b.map(abs).max()!
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-9 * scale, message, file: file, line: line) }
    }

    /// Blocks of `size` rows of row-major values, as an estimator gives them.
    private func blocks(_ rows: [Int32], _ v: [Double], width k: Int, size: Int) -> InfluenceBlocks {
        InfluenceBlocks(rows: rows, width: k) { body in
            v.withUnsafeBufferPointer { v in
                for start in stride(from: 0, to: rows.count, by: size) {
                    let end = min(start + size, rows.count)
                    body(start..<end, UnsafeBufferPointer(rebasing: v[(start * k)..<(end * k)]))
                }
            }
        }
    }

    func testRowsAsUnitsEqualTheDirectFormula() throws {
        let (rowsDesign, clusterDesign) = try designs()
        let k = 3
        // Every row (the centring on values far from 0 decides), and a domain: every other row
        // but a few, so some units of each stratum are absent.
        let all = (0..<Int32(n)).map { $0 }
        for rows in [all, all.filter { $0 % 2 == 0 || $0 % 7 == 3 }] {
            let v = values(rows, width: k)
            let want = expected(rows, v, width: k)
            for design in [rowsDesign, clusterDesign] {
                let engine = VarianceEngine(design: design), label = "\(rows.count) rows, rows as PSUs: \(design.rowsArePSUs)"
                assertClose(try engine.covariance(Influence(rows: rows, width: k, values: v)).values, want, "held, " + label)
                assertClose(try engine.covariance(blocks(rows, v, width: k, size: 8)).values, want, "blocks, " + label)
            }
        }
    }

    /// Two cells' statistics joined (`JointEstimates`), a row in both (a gap whose two cells
    /// share rows): the row is one unit whose totals are its values in each, as the same
    /// design with a cluster of one row each sums them.
    func testARowInTwoCellsIsOneUnit() throws {
        let (rowsDesign, clusterDesign) = try designs()
        let cell = (0..<Int32(n)).filter { $0 % 4 != 2 }
        let rows = cell + cell
        let one = values(cell, width: 1)
        // Statistic 0 on the first copy, statistic 1 on the second: (x, 0) and (0, x).
        let first: [Double] = one.flatMap { [$0, 0] }, second: [Double] = one.flatMap { [0, $0] }
        let v = first + second
        let clustered = try VarianceEngine(design: clusterDesign).covariance(Influence(rows: rows, width: 2, values: v)).values
        XCTAssertEqual(clustered[1], clustered[0], accuracy: 1e-9 * clustered[0], "one unit: the two statistics vary together")
        assertClose(try VarianceEngine(design: rowsDesign).covariance(Influence(rows: rows, width: 2, values: v)).values, clustered,
                    "rows as PSUs")
    }

    func testRowsAsUnitsWithAFactorAndAJointScope() throws {
        let (rowsDesign, clusterDesign) = try designs()
        // Blocks of 2 values a row, column-major, times a 2 × 3 factor; the scope's rows are
        // every row, so the units of rows outside `rows` count with zero totals.
        let rows = (0..<Int32(n)).filter { $0 % 3 != 1 }
        let inner = values(rows, width: 2)
        let factor: [Double] = [1.5, -2, 0.25, 3, 1, -0.5]
        var v: [Double] = []
        for i in rows.indices { for j in 0..<3 { v.append(inner[i * 2] * factor[j] + inner[i * 2 + 1] * factor[3 + j]) } }
        let want = expected(rows, v, width: 3)
        let product = InfluenceBlocks(rows: rows, width: 3, factor: factor) { body in
            for start in stride(from: 0, to: rows.count, by: 16) {
                let end = min(start + 16, rows.count)
                var columnMajor: [Double] = []
                for j in 0..<2 { for i in start..<end { columnMajor.append(inner[i * 2 + j]) } }
                columnMajor.withUnsafeBufferPointer { body(start..<end, $0) }
            }
        }
        let scope = VarianceEngine.Scope.rows((0..<Int32(n)).map { $0 })
        for design in [rowsDesign, clusterDesign] {
            assertClose(try VarianceEngine(design: design).covariance(product, scope: scope).values, want,
                        "factor, rows as PSUs: \(design.rowsArePSUs)")
        }
    }
}
