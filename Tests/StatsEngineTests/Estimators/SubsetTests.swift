import Foundation
import XCTest
@testable import StatsEngine

/// `--subset`: parsing of every operator, each operator giving the estimates of the same rows
/// taken as a domain, R's degf(subset(design, ...)), and R survey's svymean and svyglm on
/// subset(design, ...) (Fixtures/subset/expected.csv, from oracle/subset_fixtures.R).
final class SubsetTests: XCTestCase {
    private func nested() throws -> (Table, SurveyDesign) {
        let table = try FixtureFiles.table("nested", in: "svyglm")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true), table: table)
        return (table, design)
    }

    func testParsing() throws {
        let filter = try RowFilter(parsing: "x <= 6 & y >= 2 & a < 1 & b > 0 & c == 'p & q' & d != \"r s\"")
        XCTAssertEqual(filter.conditions.map(\.comparison), [.lessOrEqual, .greaterOrEqual, .less, .greater, .equal, .notEqual])
        XCTAssertEqual(filter.conditions.map(\.column), ["x", "y", "a", "b", "c", "d"])
        XCTAssertEqual(filter.conditions.map(\.value), ["6", "2", "1", "0", "p & q", "r s"])
        XCTAssertThrowsError(try RowFilter(parsing: "x < high")) { XCTAssert("\($0)".contains("'high' is not one")) }
        XCTAssertThrowsError(try RowFilter(parsing: "x = 1")) { XCTAssert("\($0)".contains("column OP value")) }
        let (table, _) = try nested()
        XCTAssertThrowsError(try RowFilter(parsing: "region < 3").rows(of: table)) {
            XCTAssert("\($0)".contains("column 'region'") && "\($0)".contains("not numeric"), "\($0)")
        }
    }

    /// Line breaks around a condition (a YAML block scalar's last one, `--subset "$(cat f)"`)
    /// are space, not part of a column or value: `a\n` was a value that does not occur.
    func testLineBreaksAroundConditionsAreSpace() throws {
        let filter = try RowFilter(parsing: "\n x <= 6 &\r\n c == a\n\t& d != 'r s'\n")
        XCTAssertEqual(filter.conditions.map(\.column), ["x", "c", "d"])
        XCTAssertEqual(filter.conditions.map(\.value), ["6", "a", "r s"])
    }

    /// Each operator: the subset's estimates (mean, its SE, design df) equal those of the
    /// same rows as a `--by` domain of an indicator column; the df is PSUs minus strata of those rows.
    func testSubsetEqualsTheDomainOfItsRows() throws {
        let (table, design) = try nested()
        for text in ["x < 6", "x <= 6", "x > 5", "x >= 5", "region == Syd", "region != Nord", "x >= 4 & region != Øst"] {
            let filter = try RowFilter(parsing: text)
            let keep = try filter.rows(of: table)
            let marked = table.adding("inside", .numeric(NumericColumn(keep.map { $0 ? 1 : 0 })))
            var request = EstimateRequest(statistic: .mean, variable: "y", degreesOfFreedom: .design)
            request.subset = filter
            let subset = try DescriptiveEstimator(table: table, design: design).estimate(request)
            request.subset = nil
            request.by = ["inside"]
            let domain = try DescriptiveEstimator(table: marked, design: design).estimate(request).first { $0.group.first?.level == "1" }
            XCTAssertEqual(subset.count, 1, text)
            assertClose(subset[0].estimate, try XCTUnwrap(domain).estimate, rel: 1e-12, text)
            assertClose(subset[0].standardError, domain?.standardError, rel: 1e-12, text)
            XCTAssertEqual(subset[0].df, domain?.df, text)
            XCTAssertEqual(subset[0].n, domain?.n, text)
            // degf(subset(design, ...)): PSUs minus strata among the subset's rows with weight.
            let y = try table.numeric("y"), psu = try table.numeric("psu"), stratum = try table.numeric("stratum"), w = try table.numeric("w")
            let rows = keep.indices.filter { keep[$0] && !y[$0].isNaN && w[$0] != 0 }
            let psus = Set(rows.map { "\(stratum[$0])/\(psu[$0])" }).count, strata = Set(rows.map { stratum[$0] }).count
            XCTAssertEqual(subset[0].df, Double(psus - strata), text)
        }
    }

    /// R survey: svymean(~x, subset(design, ...)) with degf, and svyglm(y ~ x + z + num, subset(design, ...)).
    func testSubsetMatchesRSurvey() throws {
        let (table, design) = try nested()
        let url = try FixtureFiles.url("expected", "csv", in: "subset")
        let expected = try CSVReader.read(path: url.path)
        let cases = try expected.categorical("case"), kinds = try expected.categorical("kind"), subsets = try expected.categorical("subset")
        let formulas = try expected.categorical("formula"), terms = try expected.categorical("term")
        let estimates = try expected.numeric("estimate"), errors = try expected.numeric("std_error"), dfs = try expected.numeric("df")
        func text(_ c: CategoricalColumn, _ i: Int) -> String { c.levels[Int(c.codes[i])] }
        var checked = 0
        for name in Set((0..<expected.rowCount).map { text(cases, $0) }).sorted() {
            let rows = (0..<expected.rowCount).filter { text(cases, $0) == name }
            let first = rows[0]
            let filter = try RowFilter(parsing: text(subsets, first))
            if text(kinds, first) == "mean" {
                var request = EstimateRequest(statistic: .mean, variable: text(formulas, first), degreesOfFreedom: .design)
                request.subset = filter
                let row = try DescriptiveEstimator(table: table, design: design).estimate(request)[0]
                assertClose(row.estimate, estimates[first], rel: 1e-9, name)
                assertClose(row.standardError, errors[first], rel: 1e-6, name)
                XCTAssertEqual(row.df, dfs[first], name)
            } else {
                var request = RegressionRequest(formula: text(formulas, first))
                request.subset = filter
                let fit = try RegressionEstimator(table: table, design: design).fit(request)
                XCTAssertEqual(fit.dfResidual, dfs[first], name)
                XCTAssertEqual(fit.coefficients.map(\.term), rows.map { text(terms, $0) }, name)
                for (coefficient, i) in zip(fit.coefficients, rows) {
                    assertClose(coefficient.estimate, estimates[i], rel: 1e-6, "\(name) \(coefficient.term)")
                    assertClose(coefficient.standardError, errors[i], rel: 1e-6, "\(name) \(coefficient.term) SE")
                }
            }
            checked += 1
        }
        XCTAssertEqual(checked, 10)
    }

    /// --subset on the command line of estimate and regress.
    func testSubsetOnTheCommandLine() throws {
        let data = try FixtureFiles.url("nested", "csv", in: "svyglm").path
        let design = ["--data", data, "--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest", "--format", "json"]
        for arguments in [["estimate", "mean", "y", "--subset", "x >= 5 & region != Nord"], ["regress", "y ~ x", "--subset", "x < 6"],
                          ["gap", "y", "--group", "region", "--reference", "Nord", "--subset", "x > 4"]] {
            let result = try CommandLine.run(arguments + design)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
        }
        let bad = try CommandLine.run(["estimate", "mean", "y", "--subset", "region >= 2"] + design)
        XCTAssertEqual(bad.status, 1)
        XCTAssert(bad.stderr.contains("'region'"), bad.stderr)
    }

    /// A subset that keeps no row is named as such by every command whose analysis it is the
    /// whole of (they said the variable had no values, or a group no rows, when every row had
    /// them): exit 1, one line naming the subset and the file.
    func testASubsetKeepingNoRowIsNamed() throws {
        let data = try FixtureFiles.url("nested", "csv", in: "svyglm").path
        let design = ["--data", data, "--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest", "--subset", "x > 1e9"]
        for arguments in [["estimate", "mean", "y"], ["estimate", "proportion", "region", "--by", "cat"], ["table", "region", "cat"],
                          ["regress", "y ~ x"], ["gap", "y", "--group", "region", "--reference", "Nord"]] {
            let result = try CommandLine.run(arguments + design)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssert(result.stderr.contains("nested.csv") && result.stderr.contains("subset 'x > 1e9' keeps no row of the data's"),
                      "\(arguments): \(result.stderr)")
        }
    }

    /// Rows outside `--subset` are none of the analysis's business: a formula's `log(x)` or
    /// `I(x^0.5)` is evaluated on the subset's rows alone (a row outside with x = −1 was an
    /// error, so the subset could not keep the log defined), and a gap's proportion checks its
    /// 0/1 values there too; without `--focal`, a level the subset keeps no row of is not compared.
    func testRowsOutsideTheSubsetAreNotEvaluated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("subset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rows = [(2.0, 5.0, 0), (3, 7, 1), (-1, -4, 2), (4, 8, 0), (5, 11, 1), (6, 12, 1), (7, 15, 0), (2, 6, 1), (3, 8, 0)]
        let data = directory.appendingPathComponent("d.csv"), positive = directory.appendingPathComponent("p.csv")
        try ("x,y,b\n" + rows.map { "\($0.0),\($0.1),\($0.2)\n" }.joined()).write(to: data, atomically: true, encoding: .utf8)
        try ("x,y,b\n" + rows.filter { $0.0 > 0 }.map { "\($0.0),\($0.1),\($0.2)\n" }.joined()).write(to: positive, atomically: true, encoding: .utf8)
        func estimates(_ arguments: [String]) throws -> [Double] {
            let result = try CommandLine.run(arguments + ["--format", "json"])
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            return try XCTUnwrap(json["results"] as? [[String: Any]]).compactMap { ($0["estimate"] as? NSNumber)?.doubleValue }
        }
        for formula in ["y ~ log(x)", "y ~ I(x^0.5)"] {
            let subset = try estimates(["regress", formula, "--subset", "x > 0", "--data", data.path])
            let alone = try estimates(["regress", formula, "--data", positive.path])
            XCTAssertEqual(subset.count, 2)
            for (a, b) in zip(subset, alone) { XCTAssertEqual(a, b, accuracy: 1e-12 * abs(b), formula) }
        }
        let gap = try estimates(["gap", "b", "--group", "x", "--reference", "2", "--stat", "proportion", "--subset", "x > 0", "--data", data.path])
        XCTAssertEqual(gap, try estimates(["gap", "b", "--group", "x", "--reference", "2", "--stat", "proportion", "--data", positive.path]))
        let inside = try CommandLine.run(["gap", "b", "--group", "x", "--reference", "2", "--stat", "proportion", "--data", data.path])
        XCTAssertEqual(inside.status, 1)
        XCTAssert(inside.stderr.contains("d.csv:4, column 'b': a proportion needs a 0/1 variable (found 2)"), inside.stderr)
    }

    /// Average marginal effects after `--subset` are those of the same model fitted on the
    /// subset's rows alone (the counterfactual predictions use the fitted rows only).
    func testMarginalEffectsAfterASubsetEqualThoseOnTheSubsetsRows() throws {
        let (table, design) = try nested()
        let within = try RowFilter(parsing: "region != Syd")
        var request = RegressionRequest(formula: "bin ~ x + factor(cat)", family: .binomial, marginalEffects: true)
        request.subset = within
        let subset = try RegressionEstimator(table: table, design: design).fit(request)
        // The same rows as a table of their own, under the classical covariance (which needs no design).
        let keep = try within.rows(of: table)
        let rows = (0..<table.rowCount).filter { keep[$0] }
        let alone = try CSVReader.parse(Array(try Self.csv(table, rows: rows).utf8), source: "alone.csv")
        var plain = RegressionRequest(formula: "bin ~ x + factor(cat)", family: .binomial, marginalEffects: true)
        plain.covariance = .classical
        var classical = request
        classical.covariance = .classical
        let reference = try RegressionEstimator(table: alone, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: alone)).fit(plain)
        let same = try RegressionEstimator(table: table, design: design).fit(classical)
        XCTAssertEqual(subset.marginalEffects.count, reference.marginalEffects.count)
        for (a, b) in zip(same.marginalEffects, reference.marginalEffects) {
            assertClose(a.estimate, b.estimate, rel: 1e-9, a.term)
            assertClose(a.standardError, b.standardError, rel: 1e-9, a.term)
        }
        for (a, b) in zip(subset.marginalEffects, reference.marginalEffects) {
            assertClose(a.estimate, b.estimate, rel: 1e-9, a.term)
            XCTAssertNotEqual(a.estimate, 0, a.term)
        }
    }

    /// The rows of `table` as CSV text (numbers in shortest form, labels as they are).
    private static func csv(_ table: Table, rows: [Int]) throws -> String {
        var text = table.names.joined(separator: ",") + "\n"
        for r in rows {
            text += try table.names.map { name -> String in
                switch try table.column(name) {
                case .numeric(let c): return c.values[r].isNaN ? "" : NumberText.shortest(c.values[r])
                case .categorical(let c): return c.codes[r] < 0 ? "" : c.levels[Int(c.codes[r])]
                }
            }.joined(separator: ",") + "\n"
        }
        return text
    }
}
