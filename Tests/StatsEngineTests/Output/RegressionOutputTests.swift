import Foundation
import XCTest
@testable import StatsEngine

/// `regress` output: the coefficients, average marginal effects and Wald tests each once in JSON,
/// together in one rectangular CSV (a `section` column, the tests' `ndf` and `ddf`), as titled
/// sections in the table; p-values and intervals from `Inferred`.
final class RegressionOutputTests: XCTestCase {
    private func json() throws -> [String: Any] {
        let text = try ReportCommands.output(ReportCommands.regress, format: "json")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testCSVIsOneTableWithASectionColumn() throws {
        let csv = try ReportCommands.output(ReportCommands.regress, format: "csv")
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "term,estimate,std_error,statistic,p_value,conf_low,conf_high,section,ndf,ddf")
        let table = try CSVReader.parse(Array(csv.utf8), source: "regress.csv")
        func labels(_ name: String) throws -> [String] {
            let column = try table.categorical(name)
            return column.codes.map { $0 == CategoricalColumn.missingCode ? "" : column.levels[Int($0)] }
        }
        let sections = try labels("section")
        let document = try json()
        let coefficients = try XCTUnwrap(document["results"] as? [[String: Any]])
        let effects = try XCTUnwrap(document["marginal_effects"] as? [[String: Any]])
        let tests = try XCTUnwrap(document["tests"] as? [[String: Any]])
        XCTAssertEqual(sections, Array(repeating: "coefficient", count: coefficients.count)
                       + Array(repeating: "marginal_effect", count: effects.count) + Array(repeating: "term_test", count: tests.count))
        XCTAssertEqual(tests.map { $0["terms"] as? String }, ["factor(education)", "age"])

        let term = try labels("term"), estimate = try table.numeric("estimate"), statistic = try table.numeric("statistic")
        let pValue = try table.numeric("p_value"), ndf = try table.numeric("ndf"), ddf = try table.numeric("ddf")
        for (i, row) in (coefficients + effects).enumerated() {
            XCTAssertEqual(term[i], row["term"] as? String)
            assertClose(estimate[i], row["estimate"] as? Double, rel: 1e-14)
            assertClose(pValue[i], row["p_value"] as? Double, rel: 1e-14)
            XCTAssert(ndf[i].isNaN && ddf[i].isNaN, "no test df on an estimate's row")
        }
        for (offset, test) in tests.enumerated() {
            let i = coefficients.count + effects.count + offset
            XCTAssertEqual(term[i], test["terms"] as? String)
            XCTAssert(estimate[i].isNaN, "a test has no estimate")
            assertClose(statistic[i], test["statistic"] as? Double, rel: 1e-14)
            assertClose(pValue[i], test["p_value"] as? Double, rel: 1e-14)
            XCTAssertEqual(ndf[i], test["df"] as? Double)
            XCTAssertEqual(ddf[i], test["df_denominator"] as? Double)
        }
    }

    func testJSONHoldsEachResultOnce() throws {
        let text = try ReportCommands.output(ReportCommands.regress, format: "json")
        let document = try json()
        XCTAssertEqual((document["results"] as? [Any])?.count, 7)
        XCTAssertEqual((document["marginal_effects"] as? [Any])?.count, 6, "one effect per column of the right-hand side, none for the intercept")
        XCTAssertEqual((document["tests"] as? [Any])?.count, 2)
        // Every estimate and test statistic (as the CSV spells it, the same shortest form) is
        // written once in the whole JSON document.
        let csv = try ReportCommands.output(ReportCommands.regress, format: "csv").split(separator: "\n").dropFirst()
        for row in csv {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let number = fields[fields.count - 3] == "term_test" ? fields[fields.count - 7] : fields[fields.count - 9]
            XCTAssertEqual(text.components(separatedBy: ": \(number),").count - 1, 1, "\(row): once in the JSON")
        }
    }

    func testTableShowsTheSectionsOnceEach() throws {
        for width in [80, 120] {
            let table = try ReportCommands.output(ReportCommands.regress, format: "table", width: width)
            XCTAssert(table.hasPrefix("formula: unemployed ~ origin + age + factor(education)   family: binomial"), table)
            for title in ["Average marginal effects (percentage points)", "Wald tests"] {
                XCTAssertEqual(table.components(separatedBy: "\n\(title)\n").count - 1, 1, "\(title) at \(width):\n\(table)")
            }
            let effects = try XCTUnwrap(table.range(of: "Average marginal effects"))
            let tests = try XCTUnwrap(table.range(of: "Wald tests"))
            XCTAssertLessThan(effects.lowerBound, tests.lowerBound)
            XCTAssert(table[tests.upperBound...].contains("factor(education)"), table)
            let json = try ReportCommands.output(ReportCommands.regress, format: "json")
            let effect = try XCTUnwrap(((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["marginal_effects"]
                as? [[String: Any]])?.first?["estimate"] as? Double)
            XCTAssert(table[effects.upperBound..<tests.lowerBound].contains(Tabular.readable(effect)), "the minority effect, in pp:\n\(table)")
        }
    }

    func testTwoSidedPValues() {
        assertClose(Inferred.wald(1.959963984540054, standardError: 1, df: nil, level: 0.95).twoSidedPValue, 0.05, rel: 1e-12)
        assertClose(Inferred.wald(-2.228138851986274, standardError: 1, df: 10, level: 0.95).twoSidedPValue, 0.05, rel: 1e-10)
        XCTAssertEqual(Inferred.wald(-2, standardError: 0.5, df: 7, level: 0.95).statistic, -4)
        XCTAssertNil(Inferred.wald(1, standardError: 0, df: 7, level: 0.95).twoSidedPValue, "no SE, no test")
        XCTAssertNil(Inferred.wald(1, standardError: 1, df: 0, level: 0.95).twoSidedPValue, "no df left")
    }
}
