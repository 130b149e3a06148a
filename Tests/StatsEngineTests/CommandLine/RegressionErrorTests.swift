import Foundation
import XCTest
@testable import StatsEngine

/// Bad regression input through the command line: each a one-line error that names the term,
/// column or row at fault, exit status 1 (data) or 2 (usage), and no output file.
final class RegressionErrorTests: ScratchFolderTestCase {

    /// 40 rows: y linear in x, a 0/1 outcome, a count, a three-level factor, a constant factor,
    /// an all-missing column and x2 = 2·x.
    private var data: String {
        var text = "y,x,x2,b,count,g,one,empty\n"
        for i in 0..<40 {
            let x = Double(i % 10)
            text += "\(3 + 2 * x + Double((i * 7) % 5)),\(x),\(2 * x),\(i % 3 == 0 ? 1 : 0),\(i % 4),\(["a", "b", "c"][i % 3]),k,\n"
        }
        return text
    }

    private func assertFails(_ csv: String, _ arguments: [String], code: Int32 = 1, mentions: [String],
                             file: StaticString = #filePath, line: UInt = #line) throws {
        try assertCommandFails(in: directory, csv, ["regress"] + arguments, code: code, mentions: mentions, file: file, line: line)
    }

    /// More coefficients than the design's degrees of freedom (a coefficient per PSU): residual
    /// df -1 as R's svyglm, a singular covariance and standard errors of rounding noise (about
    /// 1e-13) that the JSON's notes now say measure nothing; with fewer terms, no such note.
    func testMoreCoefficientsThanDesignDegreesOfFreedomAreNoted() throws {
        let file = directory.appendingPathComponent("psus.csv")
        var text = "h,psu,y,x\n"
        for i in 0..<36 { text += "\(i % 2),\(i % 6),\(Double(i % 7) + Double(i % 6)),\(i % 5)\n" }
        try text.write(to: file, atomically: true, encoding: .utf8)
        func notes(_ formula: String) throws -> (df: Double?, notes: [String]) {
            let result = try CommandLine.run(["regress", formula, "--data", file.path, "--strata", "h", "--cluster", "psu", "--format", "json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return (root?["df_residual"] as? Double, root?["notes"] as? [String] ?? [])
        }
        let many = try notes("y ~ factor(psu)")
        XCTAssertEqual(many.df, -1)
        XCTAssert(many.notes.contains { $0.contains("the model's 6 coefficients leave the design's degrees of freedom none (residual df -1): their covariance is singular, standard errors near 0 measure nothing") },
                  "\(many.notes)")
        XCTAssertFalse(try notes("y ~ x").notes.contains { $0.contains("measure nothing") })
    }

    func testSingularDesignNamesTheAliasedTerm() throws {
        try assertFails(data, ["y ~ x + x2 + g"], mentions: ["singular design", "x2", "--allow-aliased"])
    }

    /// An aliased term is named whole, however long its column's name (it was cut to 20
    /// characters, 'some_long_variable_…', as a list of levels is): a numeric column, a factor's
    /// level, an `I()` term, two at once.
    func testAnAliasedTermIsNamedWhole() throws {
        let long = data.replacingOccurrences(of: "y,x,x2,b,count,g,", with: "y,x,some_long_variable_name_here,b,count,a_factor_with_a_rather_long_name,")
        try assertFails(long, ["y ~ x + some_long_variable_name_here"],
                        mentions: ["singular design: some_long_variable_name_here is a linear combination of earlier terms"])
        try assertFails(long, ["y ~ some_long_variable_name_here + x + I(some_long_variable_name_here / 2)"],
                        mentions: ["singular design: x, I(some_long_variable_name_here/2) are linear combinations of earlier terms"])
        // b is 1 exactly where the factor is a: its other two levels' indicators and the
        // intercept give b again.
        let factor = long.replacingOccurrences(of: "a_factor_with_a_rather_long_name", with: "the_group_column_whose_level_a_is_b")
        try assertFails(factor, ["y ~ b + x + the_group_column_whose_level_a_is_b"],
                        mentions: ["singular design: the_group_column_whose_level_a_is_b[c] is a linear combination"])
    }

    func testAliasedTermsAreReportedWhenAllowed() throws {
        let data = directory.appendingPathComponent("d.csv")
        try self.data.write(to: data, atomically: true, encoding: .utf8)
        let result = try CommandLine.run(["regress", "y ~ x + x2", "--allow-aliased", "--data", data.path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["aliased"] as? [String], ["x2"])
        let rows = json["results"] as! [[String: Any]]
        XCTAssertTrue(rows[2]["estimate"] is NSNull)
    }

    /// An aliased coefficient's row says so in every format, not only the table's facts and
    /// JSON's `aliased`: the CSV file's `note` column on its row, the count on standard error,
    /// and the workbook's coefficients sheet (its `note` column) and notes sheet.
    func testAliasedCoefficientsAreNotedInCSVAndWorkbook() throws {
        let data = directory.appendingPathComponent("d.csv")
        try self.data.write(to: data, atomically: true, encoding: .utf8)
        let note = "aliased: a linear combination of the other terms, no coefficient (--allow-aliased)"
        let result = try CommandLine.run(["regress", "y ~ x + x2 + g", "--allow-aliased", "--data", data.path, "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first?.hasSuffix(",section,ndf,ddf,note"), true, lines.first ?? "")
        XCTAssertEqual(lines.first { $0.hasPrefix("x2,") }, "x2,,,,,,,coefficient,,,\"\(note)\"")
        XCTAssertEqual(lines.filter { $0.hasSuffix(",coefficient,,,") }.count, 4, result.stdout)
        XCTAssertEqual(result.stderr, "disparity: note: 1 row: \(note)\n")

        let table = try CSVReader.parse(Array(self.data.utf8), source: "d.csv")
        let fit = try RegressionEstimator(table: table, design: SurveyDesign(spec: DesignSpec(), table: table))
            .fit(RegressionRequest(formula: "y ~ x + x2 + g", allowAliased: true))
        let report = Report.regression(fit, design: try SurveyDesign(spec: DesignSpec(), table: table))
        let sheet = try XCTUnwrap(report.sheets.first { $0.title == "coefficients" }).tabular
        XCTAssertEqual(sheet.columns.last, "note")
        XCTAssertEqual(sheet.rows.compactMap { $0.last }, fit.coefficients.map { $0.term == "x2" ? .text(note) : .text(nil) })
        XCTAssertEqual(report.notes, ["1 row: \(note)"])
        // Without an aliased term, no note column.
        let plain = Report.regression(try RegressionEstimator(table: table, design: SurveyDesign(spec: DesignSpec(), table: table))
            .fit(RegressionRequest(formula: "y ~ x + g")), design: try SurveyDesign(spec: DesignSpec(), table: table))
        XCTAssertFalse(plain.tabular.columns.contains("note"))
        XCTAssertFalse(plain.sheets[0].tabular.columns.contains("note"))
    }

    func testFactorWithOneLevel() throws {
        try assertFails(data, ["y ~ x + one"], mentions: ["factor 'one'", "only the level 'k'"])
    }

    func testAllMissingColumn() throws {
        try assertFails(data, ["y ~ x + empty"], mentions: ["'empty'", "every value is missing"])
    }

    func testBinomialOutcomeMustLieBetweenZeroAndOne() throws {
        try assertFails(data, ["count ~ x", "--family", "binomial"], mentions: ["data.csv:4", "'count'", "between 0 and 1", "found 2"])
    }

    func testSeparation() throws {
        var text = "b,x\n"
        for i in 0..<30 { text += "\(i < 15 ? 0 : 1),\(i)\n" }
        try assertFails(text, ["b ~ x", "--family", "binomial"], mentions: ["separation", "'x'"])
    }

    func testNegativeCountForPoisson() throws {
        try assertFails(data.replacingOccurrences(of: ",3,b,k,", with: ",-3,b,k,"), ["count ~ x", "--family", "poisson"],
                        mentions: ["'count'", "must not be negative"])
    }

    func testMalformedFormulaPointsAtTheCharacter() throws {
        try assertFails(data, ["y ~ x + (g"], code: 2, mentions: ["formula 'y ~ x + (g'", "missing ')'", "character 11"])
        try assertFails(data, ["y x"], code: 2, mentions: ["needs '~'"])
        try assertFails(data, ["y ~ x + spline(x)"], code: 2, mentions: ["unknown function 'spline'", "character 9"])
    }

    /// A comparison or logical operator inside I() or a function is named as not supported,
    /// with the operators that are (it was "missing ')'"); an unclosed I() is still that.
    func testUnsupportedOperatorInsideIIsNamed() throws {
        let supported = "supported: +, -, *, /, ^ and the functions log, exp, sqrt, abs, log10, log2"
        try assertFails(data, ["y ~ x + I(x > 5)"], code: 2, mentions: ["the operator '>' is not supported in I()", supported, "character 13"])
        try assertFails(data, ["y ~ log(x >= 5)"], code: 2, mentions: ["the operator '>=' is not supported", supported])
        try assertFails(data, ["y ~ I((x == 5) * 2)"], code: 2, mentions: ["the operator '==' is not supported"])
        try assertFails(data, ["y ~ I(x & b)"], code: 2, mentions: ["the operator '&' is not supported"])
        try assertFails(data, ["y ~ I(x + 5"], code: 2, mentions: ["missing ')'", "character 12"])
    }

    /// `--test "x^2"` reads as x in a formula, as in R: where the model has I(x^2) (with or
    /// without x, which it would silently have tested) the error says so and names the term;
    /// a term the model lacks is named with what was asked and the model's terms.
    func testTestOfABarePowerNamesTheModelsTerm() throws {
        for formula in ["y ~ x + I(x^2)", "y ~ I(x^2) + g"] {
            try assertFails(data, [formula, "--test", "x^2"], code: 2,
                            mentions: ["--test 'x^2': in a formula 'x^2' reads as 'x', as in R; the model's term is 'I(x^2)': --test 'I(x^2)'"])
        }
        try assertFails(data, ["y ~ g", "--test", "x ^ 2"], code: 2,
                        mentions: ["--test 'x ^ 2': the model has no term 'x' ('x ^ 2' reads as 'x' in a formula, as in R); its terms: g"])
        try assertFails(data, ["y ~ g", "--test", "x"], code: 2, mentions: ["--test 'x': the model has no term 'x'; its terms: g"])
    }

    /// A `--test` (and a gap's `--adjust`) that is not a list of terms is named as written, by
    /// its option, pointing at its own character (it was named as a formula 'y ~ …' the user
    /// never wrote, counting 4 characters more), before any model is fitted.
    func testATestOrAdjustThatIsNoListOfTermsIsNamedAsWritten() throws {
        try assertFails(data, ["y ~ x + g", "--test", "x,"], code: 2, mentions: ["--test 'x,': unexpected ',' (at character 2)"])
        try assertFails(data, ["y ~ x + g", "--test", "x +"], code: 2,
                        mentions: ["--test 'x +': the text ends where a column name is expected (at character 4)"])
        try assertCommandFails(in: directory, data, ["gap", "y", "--group", "g", "--reference", "a", "--adjust", "x ++ )"], code: 2,
                               mentions: ["--adjust 'x ++ )': expected a column name, found '+' (at character 4)"])
        try assertCommandFails(in: directory, data, ["gap", "y", "--group", "g", "--reference", "a", "--adjust", "~ x"], code: 2,
                               mentions: ["--adjust '~ x': give the terms without '~'"])
    }

    /// A `--test` or `--adjust` that is a list of terms the model cannot take is named as
    /// written too, by its option, a column's place counted in its own text: no term (`"0"`,
    /// `"1"`: `--test "1"` said every coefficient was aliased, the intercept being none), no
    /// intercept for a decomposition, an unknown column. (They named the formula 'y ~ …' made
    /// of it, counting 4 characters more.)
    func testATestOrAdjustTheModelCannotTakeIsNamedAsWritten() throws {
        try assertFails(data, ["y ~ x + g", "--test", "0"], code: 2, mentions: ["--test '0': names no term", "the model's terms: x, g"])
        try assertFails(data, ["y ~ x + g", "--test", "1"], code: 2, mentions: ["--test '1': names no term", "the model's terms: x, g"])
        let gap = ["gap", "y", "--group", "g", "--reference", "a", "--adjust"]
        try assertCommandFails(in: directory, data, gap + ["0"], code: 2, mentions: ["--adjust '0': the decomposition needs an intercept"])
        try assertCommandFails(in: directory, data, gap + ["zz"], code: 1, mentions: ["--adjust 'zz': no such column 'zz' (at character 1)"])
        try assertCommandFails(in: directory, data, gap + ["x + zz"], code: 1, mentions: ["--adjust 'x + zz': no such column 'zz' (at character 5)"])
    }

    func testUnknownColumnIsNamedWithItsPlace() throws {
        try assertFails(data, ["y ~ x + agee"], mentions: ["'agee'", "no such column", "character 9"])
    }

    func testLogOfZeroNamesTheRow() throws {
        try assertFails(data, ["y ~ log(x)"], mentions: ["data.csv:2", "log(0.0)"])
    }
}

/// Formula expansion and coding against R's `terms()` and `model.matrix()` conventions.
final class FormulaTests: XCTestCase {
    func testExpansionAndOrdering() throws {
        XCTAssertEqual(try ModelFormula("y ~ a*b").terms.map(\.label), ["a", "b", "a:b"])
        XCTAssertEqual(try ModelFormula("y ~ a:b + a").terms.map(\.label), ["a", "a:b"])
        XCTAssertEqual(try ModelFormula("y ~ (a + b + c)^2").terms.map(\.label), ["a", "b", "c", "a:b", "a:c", "b:c"])
        XCTAssertEqual(try ModelFormula("y ~ a*b - a:b").terms.map(\.label), ["a", "b"])
        XCTAssertFalse(try ModelFormula("y ~ x - 1").hasIntercept)
        XCTAssertFalse(try ModelFormula("y ~ 0 + x").hasIntercept)
        XCTAssertFalse(try ModelFormula("y ~ -1 + x").hasIntercept)
        XCTAssertEqual(try ModelFormula("y ~ I(x^2) + log(z + 1)").terms.map(\.label), ["I(x^2)", "log(z + 1)"])
    }

    func testFactorCodingAndNames() throws {
        let table = try CSVReader.parse(Array("y,x,f,g\n1,1,a,u\n2,2,b,v\n3,3,c,u\n4,5,a,v\n5,4,b,u\n6,7,c,v\n".utf8), source: "t.csv")
        let m = try DesignMatrix(formula: ModelFormula("y ~ x*f + f:g"), table: table)
        XCTAssertEqual(m.names, ["(Intercept)", "x", "f[b]", "f[c]", "x:f[b]", "x:f[c]", "f[a]:g[v]", "f[b]:g[v]", "f[c]:g[v]"])
        let noIntercept = try DesignMatrix(formula: ModelFormula("y ~ f - 1"), table: table)
        XCTAssertEqual(noIntercept.names, ["f[a]", "f[b]", "f[c]"])
    }
}
