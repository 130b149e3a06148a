import Foundation
import XCTest
@testable import StatsEngine

/// `disparity table` against R survey (Fixtures/table/expected.csv, from oracle/table_fixtures.R):
/// cell shares (svymean of the interaction), row and column shares (svyby) with their SEs, and
/// svychisq's F, Chisq, Wald and adjWald (statistic, ndf, ddf, p-value), to 1e-6 relative, on a
/// stratified cluster design (nest = TRUE), the same under `--subset` (R's subset(design, ...)) and
/// a two-stage design with fpcs at both stages; and each on a table of 108 cells (12 × 9), each
/// family of shares taking its variances alone (on two stages share by share through the
/// engine); and lonely PSUs under `average`, `average` and `adjust` with `--adjust-domain-lonely`
/// where a row level lacks a stratum: the row shares' domain is that level's rows, as R's
/// subset (on the table's rows their SEs were 1 % to 300 % off). (R finds the large table's Wald contrasts singular,
/// so they have no row.)
final class CrossTableOracleTests: XCTestCase {
    static let columns = ["case", "data", "weights", "strata", "cluster", "fpc", "nest", "lonely", "adjust_domain_lonely", "subset", "row", "col", "kind", "row_level",
                          "col_level", "estimate", "std_error", "method", "statistic", "ndf", "ddf", "p_value"]

    func testMatchesRSurvey() throws {
        let url = try FixtureFiles.url("expected", "csv", in: "table")
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: Self.columns, file: "table/expected.csv")
        let (order, cases) = OracleFixture.cases(records)
        XCTAssertEqual(order, ["nested", "twostage", "nested_subset", "large", "large_twostage", "large_subset",
                               "lonely_average", "lonely_average_domain", "lonely_adjust_domain"])
        var cache: [String: Table] = [:]
        var checked = 0, worst = 0.0
        for name in order {
            let rows = cases[name]!
            let first = rows[0]
            let table = try OracleFixture.table(first["data"], in: "Fixtures/survey", cache: &cache)
            let design = try SurveyDesign(spec: first.designSpec(), table: table)
            var request = CrossTableRequest(row: first["row"], column: first["col"])
            request.subset = first["subset"].isEmpty ? nil : try RowFilter(parsing: first["subset"])
            let cells = try CrossTableEstimator(table: table, design: design).estimate(request)[0].cells
            func cell(_ record: OracleRecord) -> CrossTableCell? {
                cells.first { $0.group[0].level == record["row_level"] && $0.group[1].level == record["col_level"] }
            }
            for record in rows {
                var fields: [String] = []
                func compare(_ field: String, _ actual: Double?) {
                    OracleFixture.compare(record, field, actual, absolute: 1e-12, into: &fields)
                    if let a = actual, let e = Double(record[field]), e != 0 { worst = max(worst, abs(a - e) / abs(e)) }
                }
                let label = "\(name) \(record["kind"]) \(record["row_level"]) \(record["col_level"]) \(record["method"])"
                switch record["kind"] {
                case "cell", "row_share", "col_share":
                    let found = try XCTUnwrap(cell(record), label)
                    let inferred = record["kind"] == "cell" ? found.cell : record["kind"] == "row_share" ? found.rowShare : found.columnShare
                    compare("estimate", inferred.estimate)
                    compare("std_error", inferred.standardError)
                case "test":
                    request.test = try XCTUnwrap(IndependenceTest(name: record["method"]), label)
                    let test = try XCTUnwrap(try CrossTableEstimator(table: table, design: design).estimate(request)[0].test, label)
                    XCTAssertEqual(test.method.rawValue, record["method"], label)
                    compare("statistic", test.statistic)
                    compare("ndf", test.ndf)
                    compare("ddf", test.ddf)
                    compare("p_value", test.pValue)
                default:
                    XCTFail("unknown kind \(record["kind"])")
                }
                XCTAssert(fields.isEmpty, "\(label): \(fields.joined(separator: "; "))")
                checked += 1
            }
            XCTAssertEqual(cells.count, rows.filter { $0["kind"] == "cell" }.count, name)
        }
        XCTAssertEqual(checked, records.count)
        print("CrossTableOracleTests: \(checked) records, worst relative error \(worst)")
    }

    /// The cell counts sum to the rows with both variables, the shares of each row level (and
    /// of each column level) sum to 1, and --min-cell withholds every small cell (and the cells
    /// that would reveal one, and the test: `SecondarySuppressionTests`).
    func testSharesAndDisclosure() throws {
        let table = try FixtureFiles.table("nested", in: "survey")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true), table: table)
        var request = CrossTableRequest(row: "region", column: "cat")
        let cells = try CrossTableEstimator(table: table, design: design).estimate(request)[0].cells
        assertClose(cells.map(\.cell.estimate).reduce(0, +), 1, rel: 1e-12, "cells")
        for level in Set(cells.map { $0.group[0].level }) {
            assertClose(cells.filter { $0.group[0].level == level }.map(\.rowShare.estimate).reduce(0, +), 1, rel: 1e-12, level)
        }
        let smallest = try XCTUnwrap(cells.map(\.n).min())
        request.disclosure = DisclosureControl(minimumCell: smallest + 1)
        let withheld = try CrossTableEstimator(table: table, design: design).estimate(request)[0]
        for (cell, original) in zip(withheld.cells, cells) where original.n <= smallest {
            XCTAssert(cell.cell.estimate.isNaN)
            XCTAssertEqual(cell.note, "withheld: rests on fewer than \(smallest + 1) observations")
        }
        XCTAssertNil(withheld.test, "no test beside withheld cells: SecondarySuppressionTests")
    }

    /// A domain whose rows lie in one PSU leaves the design 0 degrees of freedom: every test
    /// (R's svychisq gives an F of about 1e32 and p = 0 there, a number that looks fine) is
    /// none, with a note saying why, in JSON without NaN or inf; the same table over every PSU
    /// has its test.
    func testNoTestWithoutDesignDegreesOfFreedom() throws {
        var text = "psu,a,b\n"
        for i in 0..<80 { text += "\(i % 4),\(["x", "y"][(i * 7 / 3) % 2]),\(["u", "v", "w"][(i * 5 / 2) % 3])\n" }
        let table = try CSVReader.parse(Array(text.utf8), source: "t.csv")
        let design = try SurveyDesign(spec: DesignSpec(clusters: ["psu"]), table: table)
        for test in [IndependenceTest.f, .chisq, .wald, .adjWald] {
            var request = CrossTableRequest(row: "a", column: "b")
            request.test = test
            XCTAssertNotNil(try CrossTableEstimator(table: table, design: design).estimate(request)[0].test, "\(test): every PSU")
            request.subset = try RowFilter(parsing: "psu == 1")
            let result = try CrossTableEstimator(table: table, design: design).estimate(request)
            XCTAssertNil(result[0].test, "\(test)")
            XCTAssertEqual(result[0].testNote, "no test: the design leaves these rows 0 degrees of freedom (one PSU or one observation), whose covariance measures nothing", "\(test)")
            let json = Report.crossTables(result, request: request, design: design).rendered(as: .json)
            XCTAssertFalse(json.contains("NaN") || json.contains("inf") || json.contains("e+"), json)
        }
    }
}
