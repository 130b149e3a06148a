import Foundation
import XCTest
@testable import StatsEngine

/// Secondary (complementary) suppression: figures that add up along a line (a domain's shares of
/// a factor's categories, a cross-table's rows, columns and whole) never show all but one
/// withheld figure of the line, whose value would be the line's total less the others.
final class SecondarySuppressionTests: XCTestCase {
    private func table(_ text: String) throws -> Table { try CSVReader.parse(Array(text.utf8), source: "t.csv") }

    /// The heuristic on lines written out: the shown figure of fewest observations covers a
    /// line's one withheld figure (the first of equals), a figure of no observations never
    /// does, lines are visited until none has exactly one, and nothing withheld adds nothing.
    func testComplementaryCellsOnLines() {
        XCTAssertEqual(DisclosureControl.complementary(counts: [2, 10, 5], withheld: [true, false, false], lines: [[0, 1, 2]]), [2])
        XCTAssertEqual(DisclosureControl.complementary(counts: [1, 0, 7, 7], withheld: [true, false, false, false], lines: [[0, 1, 2, 3]]), [2])
        XCTAssertEqual(DisclosureControl.complementary(counts: [1, 2, 7], withheld: [true, true, false], lines: [[0, 1, 2]]), [])
        XCTAssertEqual(DisclosureControl.complementary(counts: [4, 5, 6], withheld: [false, false, false], lines: [[0, 1, 2]]), [])
        // A line of one non-empty figure has nothing to withhold with it (its share is the total).
        XCTAssertEqual(DisclosureControl.complementary(counts: [2, 0], withheld: [true, false], lines: [[0, 1]]), [])
        // A 3 × 3 table, column-major (c = i + 3j), counts
        //   2 9 4
        //   8 6 5
        //   7 3 9
        // with cell (0,0) withheld: row 0 takes (0,2) (4 rows), column 0 takes (2,0) (7 rows);
        // then column 2 has (0,2) alone: (1,2) (5 rows); row 2 has (2,0) alone: (2,1) (3 rows);
        // row 1 has (1,2) alone: (1,1) (6 rows); column 1 then has (2,1) and (1,1).
        let counts = [2, 8, 7, 9, 6, 3, 4, 5, 9]
        let rows = (0..<3).map { i in (0..<3).map { i + 3 * $0 } }, columns = (0..<3).map { j in (0..<3).map { $0 + 3 * j } }
        let withheld = counts.indices.map { $0 == 0 }
        let secondary = DisclosureControl.complementary(counts: counts, withheld: withheld, lines: rows + columns + [Array(0..<9)])
        XCTAssertEqual(secondary, [2, 4, 5, 6, 7])
        let hidden = counts.indices.map { withheld[$0] || secondary.contains($0) }
        for line in rows + columns + [Array(0..<9)] { XCTAssertNotEqual(line.filter { hidden[$0] }.count, 1, "\(line)") }
    }

    /// A proportion's domain with one small category withholds the category of fewest rows
    /// besides it, with its own note and its n; the other domains and categories are as without
    /// disclosure control; the same under replicate weights (JK1).
    func testProportionsWithholdTheCategoryThatWouldRevealASmallOne() throws {
        // g=a: u 2 rows, v 6, x 4; g=b: u 5, v 3, x 4. JK1 replicates, each dropping a row.
        var data: [(k: String, g: String)] = []
        for (g, counts) in [("a", [2, 6, 4]), ("b", [5, 3, 4])] {
            for (k, count) in zip(["u", "v", "x"], counts) { data += Array(repeating: (k, g), count: count) }
        }
        var text = "k,g,w," + data.indices.map { "r\($0 + 1)" }.joined(separator: ",") + "\n"
        for (i, row) in data.enumerated() {
            let w = Double(1 + i % 3)
            text += "\(row.k),\(row.g),\(w)," + data.indices.map { "\($0 == i ? 0 : w * Double(data.count) / Double(data.count - 1))" }
                .joined(separator: ",") + "\n"
        }
        let t = try table(text)
        for method in [VarianceMethod.linearization, .replicateWeights(ReplicateWeightsSpec(columns: "r*", type: .jk1))] {
            let design = try SurveyDesign(spec: DesignSpec(weights: "w", varianceMethod: method), table: t)
            var request = EstimateRequest(statistic: .proportion, variable: "k", by: ["g"])
            let open = try DescriptiveEstimator(table: t, design: design).estimate(request)
            request.disclosure = .statisticsDenmark
            let rows = try DescriptiveEstimator(table: t, design: design).estimate(request)
            XCTAssertEqual(rows.map { "\($0.group[0].level)\($0.category!)" }, ["au", "av", "ax", "bu", "bv", "bx"])
            XCTAssertEqual(rows[0].note, "withheld: rests on fewer than 3 observations", "\(method)")
            XCTAssertEqual(rows[2].note, DisclosureControl.statisticsDenmark.complementaryReason, "\(method)")
            for i in [0, 2] {
                XCTAssert(rows[i].estimate.isNaN && rows[i].standardError == nil && rows[i].confidenceLow == nil, "\(method) \(i)")
                XCTAssertEqual(rows[i].n, 12)
            }
            for i in [1, 3, 4, 5] {
                XCTAssertEqual(rows[i].estimate, open[i].estimate, "\(method) \(i)")
                XCTAssertEqual(rows[i].standardError, open[i].standardError, "\(method) \(i)")
                XCTAssertNil(rows[i].note, "\(method) \(i)")
            }
        }
    }

    /// A cross-table under `--min-cell` shows no row, column or table with exactly one withheld
    /// non-empty cell; each withheld cell is one of few rows or named as secondary, and the
    /// shown cells keep their values.
    func testCrossTableLinesNeverHideOneCell() throws {
        let table = try FixtureFiles.table("nested", in: "survey")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true), table: table)
        var request = CrossTableRequest(row: "region", column: "cat")
        let open = try CrossTableEstimator(table: table, design: design).estimate(request)[0].cells
        let smallest = try XCTUnwrap(open.map(\.n).filter { $0 > 0 }.min())
        request.disclosure = DisclosureControl(minimumCell: smallest + 1)
        let cells = try CrossTableEstimator(table: table, design: design).estimate(request)[0].cells
        let hidden = cells.map { $0.cell.estimate.isNaN && $0.n > 0 }
        XCTAssertGreaterThan(hidden.filter { $0 }.count, open.filter { $0.n == smallest }.count, "some cells withheld as secondary")
        let rowLevels = Set(cells.map { $0.group[0].level }), columnLevels = Set(cells.map { $0.group[1].level })
        let lines = rowLevels.map { level in cells.indices.filter { cells[$0].group[0].level == level } }
            + columnLevels.map { level in cells.indices.filter { cells[$0].group[1].level == level } } + [Array(cells.indices)]
        for line in lines { XCTAssertNotEqual(line.filter { hidden[$0] }.count, 1, "\(line)") }
        for (cell, original) in zip(cells, open) {
            if cell.cell.estimate.isNaN {
                XCTAssert(cell.rowShare.estimate.isNaN && cell.columnShare.estimate.isNaN)
                XCTAssertEqual(cell.note, original.n <= smallest ? "withheld: rests on fewer than \(smallest + 1) observations"
                                                                  : request.disclosure.complementaryReason)
            } else {
                XCTAssertEqual(cell.cell.estimate, original.cell.estimate)
                XCTAssertEqual(cell.rowShare.estimate, original.rowShare.estimate)
            }
            XCTAssertEqual(cell.n, original.n)
        }
    }

    /// A table with withheld cells shows no test, whichever test: the statistic with the shown
    /// shares and n's is an equation a reader could solve for the withheld shares. The domain
    /// bin=0 (region Øst has 2 rows of blomme and 2 of æble) is withheld under --min-cell 5 and
    /// has no test, with the note; bin=1 (no cell under 5 rows) keeps the test of the open table.
    func testATableWithWithheldCellsShowsNoTest() throws {
        let table = try FixtureFiles.table("nested", in: "survey")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true), table: table)
        for test in [IndependenceTest.f, .chisq, .wald, .adjWald] {
            var request = CrossTableRequest(row: "region", column: "cat")
            request.by = ["bin"]
            request.test = test
            let open = try CrossTableEstimator(table: table, design: design).estimate(request)
            request.disclosure = DisclosureControl(minimumCell: 5)
            let tables = try CrossTableEstimator(table: table, design: design).estimate(request)
            XCTAssertEqual(tables.map { $0.domain.map(\.level) }, [["0"], ["1"]], "\(test)")
            XCTAssert(tables[0].cells.contains { $0.cell.estimate.isNaN }, "\(test)")
            XCTAssertNil(tables[0].test, "\(test)")
            XCTAssertEqual(tables[0].testNote, "no test: cells are withheld under --min-cell, and the test statistic would give them away", "\(test)")
            XCTAssertFalse(tables[1].cells.contains { $0.cell.estimate.isNaN }, "\(test)")
            XCTAssertNotNil(open[0].test, "\(test)")
            XCTAssertEqual(try XCTUnwrap(tables[1].test).statistic, try XCTUnwrap(open[1].test).statistic, "\(test)")
            XCTAssertNil(tables[1].testNote, "\(test)")
        }
    }
}
