import Foundation
import XCTest
@testable import StatsEngine

/// `--na` codes, and columns that look numeric but are not: the error names the column, the
/// line, the text and the option that reads it, instead of the column silently becoming
/// categorical (a proportion with thousands of categories).
final class MissingCodeTests: XCTestCase {
    /// 30 incomes (10, 11, ..., 39), with "ved ikke" at line 5 and 9999 at line 9.
    private let incomes: String = {
        var lines = ["id;income"]
        for i in 0..<30 { lines.append("\(i);\(i == 3 ? "ved ikke" : i == 7 ? "9999" : "\(10 + i),5")") }
        return lines.joined(separator: "\n") + "\n"
    }()

    private func table(_ text: String, na: [String] = []) throws -> Table {
        try CSVReader.parse(Array(text.utf8), source: "d.csv", options: CSVOptions(missingCodes: na))
    }

    /// A numeric code stands for a value: `--na 9999` drops `9999.0`, `9.999e3` and `09999` too
    /// (as a pandas export writes them), on the fast path, the general path (a quoted or padded
    /// cell), in a column that turns to text in a later chunk, and with the decimal comma.
    func testNumericCodeMatchesTheNumberHoweverWritten() throws {
        for size in [nil, 1, 5] {
            var options = CSVOptions(missingCodes: ["9999"])
            options.chunkSize = size
            let t = try CSVReader.parse(Array("x,y,z\n1,1,1\n9999.0,\"9.999e3\",a\n09999, 9999.00 ,9999.0\n3,3,3\n".utf8), source: "d.csv", options: options)
            XCTAssertEqual(try t.numeric("x").map(\.isNaN), [false, true, true, false], "chunks of \(size ?? 0)")
            XCTAssertEqual(try t.numeric("y").map(\.isNaN), [false, true, true, false], "chunks of \(size ?? 0)")
            XCTAssertEqual(try t.categorical("z").levels, ["1", "3", "a"], "chunks of \(size ?? 0)")
            XCTAssertEqual(try t.numericColumn("x").decimals, 0)
        }
        let comma = try CSVReader.parse(Array("x;g\n1,5;a\n9999,0;b\n2;a\n".utf8), source: "d.csv", options: CSVOptions(missingCodes: ["9999"]))
        XCTAssertEqual(try comma.numeric("x").map(\.isNaN), [false, true, false])
        let t = try table("x\n1\n9999.0\n3\n", na: ["9999"])
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        let row = try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: .mean, variable: "x"))[0]
        XCTAssertEqual(row.estimate, 2)
        XCTAssertEqual(row.n, 2)
    }

    func testMissingCodesBecomeMissing() throws {
        let t = try table(incomes, na: ["ved ikke", "9999"])
        let values = try t.numeric("income")
        XCTAssertEqual(values.filter(\.isNaN).count, 2)
        // The mean of the other 28: (sum of 10.5...39.5) minus 13.5 and 17.5, over 28.
        let all: [Double] = (0..<30).map { 10.5 + Double($0) }
        let expected: Double = (all.reduce(0, +) - 13.5 - 17.5) / 28
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        let row = try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: .mean, variable: "income"))[0]
        assertClose(row.estimate, expected, rel: 1e-12)
        XCTAssertEqual(row.n, 28)
        // A numeric code is matched as written, in any chunking; a text column drops it too.
        var options = CSVOptions(missingCodes: ["9999"])
        options.chunkSize = 8
        XCTAssertEqual(try CSVReader.parse(Array("a,b\n9999,x\n1,9999\n 9999 ,y\n".utf8), source: "d.csv", options: options)
            .numeric("a").map(\.isNaN), [true, false, true])
        guard case .categorical(let b) = try CSVReader.parse(Array("a,b\n1,x\n2,9999\n".utf8), source: "d.csv", options: options)
            .column("b") else { return XCTFail("b is text") }
        XCTAssertEqual(b.levels, ["x"])
        XCTAssertEqual(try CSVOptions.missingCodes(named: " ved ikke , 9999,"), ["ved ikke", "9999"])
        XCTAssertThrowsError(try CSVOptions.missingCodes(named: " , "))
    }

    func testNumericColumnWithTextNamesLineTextAndOption() throws {
        let t = try table(incomes)
        XCTAssertThrowsError(try t.numeric("income")) { error in
            XCTAssertEqual("\(error)", "d.csv:5, column 'income': expected a number, found 'ved ikke' (1 of 30 cells are not numbers); if it marks a missing value, pass --na \"ved ikke\"")
        }
    }

    /// A number asked of a column whose every cell is text (`estimate total a` of levels hi,
    /// lo, mid) names it categorical and what reads it, rather than suggesting --na for its
    /// levels, which would leave no value at all (a review found that advice).
    func testNumberOfACategoricalColumnSaysItIsCategorical() throws {
        let t = try CSVReader.parse(Array("a,w\nhi,1\nlo,2\nmid,1\nhi,3\n".utf8), source: "d.csv")
        XCTAssertThrowsError(try t.numeric("a")) { error in
            XCTAssertEqual("\(error)", "d.csv:2, column 'a': expected a number, found 'hi' (4 of 4 cells are not numbers); no cell is a number, so it is categorical: `estimate proportion` gives its levels' shares, `table` its cross-tables")
        }
    }

    /// A proportion of a column of numbers with a few text cells is that error, not one
    /// category per number.
    func testProportionOfAlmostNumericColumnFails() throws {
        let t = try table(incomes)
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        XCTAssertThrowsError(try DescriptiveEstimator(table: t, design: design)
            .estimate(EstimateRequest(statistic: .proportion, variable: "income"))) { error in
            XCTAssert("\(error)".contains("--na \"ved ikke\""), "\(error)")
        }
        // Real categories (few levels) still give proportions.
        let coded = try table("id,answer\n1,1\n2,2\n3,ved ikke\n4,2\n")
        let rows = try DescriptiveEstimator(table: coded, design: try SurveyDesign(spec: DesignSpec(), table: coded))
            .estimate(EstimateRequest(statistic: .proportion, variable: "answer"))
        XCTAssertEqual(rows.map(\.category), ["1", "2", "ved ikke"])
    }

    /// A regression term on a column of numbers with a few text cells is that error too, not a
    /// factor with one coefficient per number; a real categorical term is still a factor.
    func testModelTermOnAlmostNumericColumnFails() throws {
        let t = try table(incomes)
        let formula = try ModelFormula("id ~ income")
        XCTAssertThrowsError(try DesignMatrix(formula: formula, table: t)) { error in
            XCTAssert("\(error)".hasPrefix("d.csv:5, column 'income': expected a number, found 'ved ikke'"), "\(error)")
        }
        let fitted = try DesignMatrix(formula: formula, table: try table(incomes, na: ["ved ikke", "9999"]))
        XCTAssertEqual(fitted.columnCount, 2)
        let coded = try table("id,answer\n1,1\n2,2\n3,ved ikke\n4,2\n")
        XCTAssertEqual(try DesignMatrix(formula: ModelFormula("id ~ answer"), table: coded).columnCount, 3)
    }

    /// A misspelt column name suggests the nearest column.
    func testMisspeltColumnSuggestsTheNearest() throws {
        let t = try table(incomes)
        XCTAssertThrowsError(try t.numeric("incme")) { XCTAssert("\($0)".contains("no such column; did you mean 'income'?"), "\($0)") }
        XCTAssertThrowsError(try DesignMatrix(formula: ModelFormula("id ~ incme"), table: t)) {
            XCTAssert("\($0)".contains("did you mean 'income'?"), "\($0)")
        }
    }

    func testThousandsSeparatorsAndDecimalMarksAreNamed() throws {
        let grouped = try table("id;income\n1;1.234,5\n2;12,5\n")
        XCTAssertThrowsError(try grouped.numeric("income")) { error in
            XCTAssert("\(error)".hasPrefix("d.csv:2, column 'income': expected a number, found '1.234,5'"), "\(error)")
            XCTAssert("\(error)".contains("digit grouping (thousands separators), which no option reads"), "\(error)")
        }
        let comma = try table("id,income\n1,\"1,234.5\"\n2,3.5\n")
        XCTAssertThrowsError(try comma.numeric("income")) { XCTAssert("\($0)".contains("'1,234.5'") && "\($0)".contains("digit grouping"), "\($0)") }
        let decimal = try table("id,income\n1,3.5\n2,\"12,5\"\n")
        XCTAssertThrowsError(try decimal.numeric("income")) { error in
            XCTAssert("\(error)".hasPrefix("d.csv:3, column 'income': expected a number, found '12,5'"), "\(error)")
            XCTAssert("\(error)".contains("--decimal , reads it"), "\(error)")
        }
    }

    /// `--na` on the command line and in a run spec.
    func testCommandLineAndSpec() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("disparity-na-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("d.csv")
        try incomes.write(to: data, atomically: true, encoding: .utf8)
        let failed = try CommandLine.run(["estimate", "mean", "income", "--data", data.path])
        XCTAssertEqual(failed.status, 1)
        XCTAssert(failed.stderr.contains("d.csv:5, column 'income'") && failed.stderr.contains("--na"), failed.stderr)
        let run = try CommandLine.run(["estimate", "mean", "income", "--data", data.path, "--na", "ved ikke,9999", "--format", "csv"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssert(run.stdout.contains(",28,"), run.stdout)
        let spec = directory.appendingPathComponent("spec.yaml")
        try "data: d.csv\nna: [ved ikke, 9999]\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: income}\n"
            .write(to: spec, atomically: true, encoding: .utf8)
        let batch = try CommandLine.run(["run", spec.path, "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(batch.status, 0, batch.stderr)
        let csv = try String(contentsOf: directory.appendingPathComponent("out/m.csv"), encoding: .utf8)
        XCTAssert(csv.contains(",28,"), csv)
    }
}
