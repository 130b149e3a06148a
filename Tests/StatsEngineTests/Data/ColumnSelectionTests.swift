import Foundation
import XCTest
@testable import StatsEngine

/// Reading only the columns an analysis uses (`ReadOptions.columns`, `ColumnUsing`): every
/// analysis and design reads the same numbers from the columns it declares as from the whole
/// file, to the last digit, and its table holds only those columns; a column the analysis uses
/// but did not declare is an error naming it (the battery below would catch such a miss); an
/// unknown column is still named with the file's columns and a near name.
final class ColumnSelectionTests: ScratchFolderTestCase {
    /// The wide survey's columns the analyses may use.
    private static let survey = ["id", "stratum", "psu", "weight", "y", "x", "z", "grp", "sex", "wave", "i1", "i2", "i3",
                                 "repw1", "repw2", "repw3", "repw4"]

    /// A survey of 240 rows, 4 strata of 3 PSUs, among columns no analysis uses that would cost
    /// or fail if parsed: a numeric-looking column with text in it, a column of a distinct text
    /// per row (quoted, with commas and doubled quotes) and 20 numeric fillers.
    private func writeWideSurvey() throws -> URL {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let fillers = (1...20).map { "filler\($0)" }
        var lines = [(Self.survey.prefix(13) + ["code", "comment"] + Self.survey.suffix(4) + fillers).joined(separator: ",")]
        for r in 0..<240 {
            let stratum = r % 4 + 1, psu = stratum * 10 + (r / 4) % 3
            let weight = 1 + Double(r % 5) + next()
            let x = next() * 2, sex = next() < 0.5 ? "f" : "m", grp = ["A", "B", "C"][Int(next() * 3)]
            let y = 3 + 2 * x + (sex == "f" ? 0.5 : 0) + (grp == "B" ? 1 : 0) + next()
            var cells = ["\(r + 1)", "\(stratum)", "\(psu)", "\(weight)", "\(y)", "\(x)", "\(next())", grp, sex, r % 2 == 0 ? "2022" : "2023"]
            cells += (0..<3).map { _ in "\(1 + Int(next() * 5))" }
            cells += [r % 17 == 0 ? "n/a?" : "\(next() * 1000)", "\"note \(r), \"\"quoted\"\" \(next())\""]
            cells += (1...4).map { k in "\(weight * (k == stratum ? 0 : 4.0 / 3))" }
            cells += fillers.map { _ in "\(next())" }
            lines.append(cells.joined(separator: ","))
        }
        let url = directory.appendingPathComponent("wide.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// `O`'s report of `arguments` on `design` from the whole file and from the columns the
    /// design and request declare: equal to the last digit. Returns the table read by selection.
    @discardableResult
    private func assertSameReport<O: AnalysisOptions>(_ type: O.Type, _ arguments: [String], design: [String], data: URL,
                                                      file: StaticString = #filePath, line: UInt = #line) throws -> Table {
        let request = try O.parse(arguments).checkedRequest()
        let spec = try DesignOptions.parse(design).spec()
        let full = try TableFile.read(path: data.path)
        let selected = try TableFile.read(path: data.path, options: ReadOptions(columns: spec.columnsUsed.union(request.columnsUsed)))
        let expected = try O.report(request, table: full, design: SurveyDesign(spec: spec, table: full))
        let got = try O.report(request, table: selected, design: SurveyDesign(spec: spec, table: selected))
        XCTAssertEqual(got.json.serialized(), expected.json.serialized(), "\(arguments) on \(design)", file: file, line: line)
        XCTAssertLessThan(selected.names.count, full.names.count, "only the used columns", file: file, line: line)
        XCTAssertEqual(selected.fileNames, full.names, "the file's header is remembered", file: file, line: line)
        return selected
    }

    private static let clustered = ["--weights", "weight", "--strata", "stratum", "--cluster", "psu"]

    func testEveryAnalysisReadsOnlyItsColumnsAndGetsTheSameResult() throws {
        let data = try writeWideSurvey()
        let table = try assertSameReport(EstimateOptions.self, ["mean", "y", "--by", "grp"], design: Self.clustered, data: data)
        XCTAssertEqual(table.names, ["stratum", "psu", "weight", "y", "grp"], "in file order, nothing else")
        try assertSameReport(EstimateOptions.self, ["ratio", "y", "--denominator", "x", "--subset", "z > 0.3 & sex == f"],
                             design: Self.clustered, data: data)
        let index = try assertSameReport(EstimateOptions.self, ["index", "i1,i2,i3", "--item-range", "1,5"], design: ["--weights", "weight"], data: data)
        XCTAssertEqual(index.names, ["weight", "i1", "i2", "i3"])
        try assertSameReport(EstimateOptions.self, ["proportion", "grp", "--by", "sex,wave"], design: Self.clustered, data: data)
        try assertSameReport(EstimateOptions.self, ["quantile", "y", "--q", "0.25"], design: Self.clustered, data: data)
        try assertSameReport(TableOptions.self, ["grp", "sex", "--by", "wave"], design: Self.clustered, data: data)
        try assertSameReport(GapOptions.self, ["y", "--group", "grp", "--reference", "A", "--adjust", "x + factor(sex)"],
                             design: Self.clustered, data: data)
        try assertSameReport(GapOptions.self, ["y", "--group", "sex", "--reference", "f", "--period", "wave", "--baseline", "2022",
                                               "--current", "2023"], design: Self.clustered, data: data)
    }

    func testFormulaTermsAndSubsetPickUpTheirColumns() throws {
        let data = try writeWideSurvey()
        let request = try RegressOptions.parse(["y ~ I(x^2) + factor(grp) * sex + log(z)", "--subset", "wave == 2023 & i1 >= 2"]).checkedRequest()
        XCTAssertEqual(request.columnsUsed, ColumnSelection(["y", "x", "grp", "sex", "z", "wave", "i1"]))
        let table = try assertSameReport(RegressOptions.self, ["y ~ I(x^2) + factor(grp) * sex + log(z)", "--subset", "wave == 2023 & i1 >= 2"],
                                         design: Self.clustered, data: data)
        XCTAssertEqual(Set(table.names), ["stratum", "psu", "weight", "y", "x", "z", "grp", "sex", "wave", "i1"])
        XCTAssertEqual(RegressionRequest(formula: "y ~ x + (").columnsUsed, .all, "a formula that does not parse reads everything")
    }

    func testReplicateWeightPatternsAndCalibrationPickUpTheirColumns() throws {
        let data = try writeWideSurvey()
        for pattern in ["repw*", "rep?1,repw2,*w3,repw4"] {
            let table = try assertSameReport(EstimateOptions.self, ["mean", "y"], design: ["--weights", "weight", "--replicate-weights", pattern,
                                                                                          "--replicate-type", "jk1"], data: data)
            XCTAssertEqual(table.names, ["weight", "y", "repw1", "repw2", "repw3", "repw4"], pattern)
        }
        let poststratified = directory.appendingPathComponent("sex.csv")
        try "variable,level,total\nsex,f,5200\nsex,m,4800\n".write(to: poststratified, atomically: true, encoding: .utf8)
        let table = try assertSameReport(EstimateOptions.self, ["mean", "y"], design: Self.clustered + ["--poststratify", "sex", "--totals", poststratified.path],
                                         data: data)
        XCTAssertTrue(table.names.contains("sex"))
        let raked = directory.appendingPathComponent("rake.csv")
        try "variable,level,total\nsex,f,5200\nsex,m,4800\ngrp,A,3000\ngrp,B,3500\ngrp,C,3500\n".write(to: raked, atomically: true, encoding: .utf8)
        try assertSameReport(GapOptions.self, ["y", "--group", "wave", "--reference", "2022"],
                             design: Self.clustered + ["--rake", "sex,grp", "--totals", raked.path], data: data)
        let saving = try DesignOptions.parse(["--weights", "weight", "--make-replicates", "jk1", "--save-replicates", "r.csv",
                                              "--save-replicates-id", "id"]).spec()
        XCTAssertTrue(saving.columnsUsed.contains("id"))
    }

    func testStatisticalFilesSkipVariables() throws {
        for (name, ext) in [("people", "sav"), ("people", "dta"), ("people", "sas7bdat")] {
            let data = try FixtureFiles.url(name, ext, in: "statfiles")
            let table = try assertSameReport(EstimateOptions.self, ["mean", "income", "--by", "sex"], design: Self.clustered, data: data)
            XCTAssertEqual(table.names, ["stratum", "psu", "weight", "sex", "income"], name)
            XCTAssertEqual(table.metadata.map(\.name), table.names, "metadata only for the columns read: \(name)")
        }
        let none = try TableFile.read(path: FixtureFiles.url("people", "dta", in: "statfiles").path, options: ReadOptions(columns: ColumnSelection(["nosuch"])))
        XCTAssertEqual(none.rowCount, try TableFile.read(path: FixtureFiles.url("people", "dta", in: "statfiles").path).rowCount)
        XCTAssertThrowsError(try none.column("incme")) { XCTAssertTrue("\($0)".contains("did you mean 'income'?"), "\($0)") }
    }

    func testRunSpecReadsTheUnionOfItsAnalysesColumns() throws {
        let data = try writeWideSurvey()
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        data: \(data.path)
        design: {weights: weight, strata: stratum, cluster: psu}
        analyses:
          - {name: mean_y, command: estimate, stat: mean, variable: y, by: grp}
          - {name: model, command: regress, formula: "y ~ I(x^2) + sex:z"}
          - {name: cross, command: table, row: wave, col: sex, subset: "i2 > 1"}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let run = try RunSpec.load(path: spec.path)
        let selected = try TableFile.read(path: data.path, options: ReadOptions(columns: run.columnsUsed))
        XCTAssertEqual(selected.names, ["stratum", "psu", "weight", "y", "x", "z", "grp", "sex", "wave", "i2"])
        let outcomes = try BatchRunner(spec: run).run(into: directory.appendingPathComponent("out").path)
        let full = try TableFile.read(path: data.path)
        let design = try SurveyDesign(spec: run.design, table: full)
        for (analysis, outcome) in zip(run.analyses, outcomes) {
            XCTAssertNil(outcome.error, analysis.name)
            XCTAssertEqual(outcome.report?.json.serialized(), try analysis.run(full, design).json.serialized(), analysis.name)
        }
    }

    func testBarometerReadsEachFileForTheColumnsOfItsMeasures() throws {
        let config = try BarometerConfig.load(path: CoverageTests.datasets.appendingPathComponent("barometer.yaml").path)
        let used = config.columnsUsed()
        var whole = BarometerEvaluator(config: config)
        var skipped = 0
        for measure in config.goals.flatMap(\.measures) {
            var files = [measure.data]
            if case .representation(let r) = measure.kind { files.append(r.benchmarkData) }
            for file in files {
                let full = try TableFile.read(path: config.path(of: file), options: measure.reading)
                whole.tables[file] = full
                let selection = try XCTUnwrap(used[config.path(of: file)], file)
                XCTAssertNotEqual(selection, .all, file)
                skipped += full.names.filter { !selection.contains($0) }.count
            }
        }
        XCTAssertGreaterThan(skipped, 0, "some files are read in part")
        let expected = Report.barometer(try whole.evaluate()).json.serialized()
        XCTAssertEqual(Report.barometer(try BarometerEvaluator(config: config).evaluate()).json.serialized(), expected)
    }

    func testUnknownColumnListsTheFilesColumnsAndAMissedOneIsABug() throws {
        let data = try writeWideSurvey()
        let table = try TableFile.read(path: data.path, options: ReadOptions(columns: ColumnSelection(["y", "commnet"])))
        XCTAssertEqual(table.names, ["y"])
        XCTAssertThrowsError(try table.column("commnet")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("did you mean 'comment'?"), message)
            XCTAssertTrue(message.contains("(columns: id, stratum,") && message.contains("39 in all"), "lists the file's columns: \(message)")
        }
        XCTAssertThrowsError(try table.numeric("x")) { error in
            XCTAssertTrue("\(error)".contains("'x' was not read"), "\(error)")
            XCTAssertTrue("\(error)".contains("this is a bug"), "\(error)")
        }
        let formula = try ModelFormula("y ~ x")
        XCTAssertThrowsError(try DesignMatrix(formula: formula, table: table), "a formula's skipped column is the same bug") { error in
            XCTAssertTrue("\(error)".contains("was not read"), "\(error)")
        }
        let design = try DesignOptions.parse(["--weights", "y", "--replicate-weights", "repw*", "--replicate-type", "jk1"]).spec()
        XCTAssertThrowsError(try SurveyDesign(spec: design, table: table), "replicate columns matched but skipped") { error in
            XCTAssertTrue("\(error)".contains("was not read"), "\(error)")
        }
    }

    func testSkippedFieldsStillCountAndChunksAgree() throws {
        let csv = "a,b,c\n1,\"x,\ny\",2\n3,,4\n5,\"z\"\"\",6\n"
        let whole = try CSVReader.parse(Array(csv.utf8), source: "t.csv", columns: ColumnSelection(["a", "c"]))
        XCTAssertEqual(try whole.numeric("c"), [2, 4, 6])
        var options = CSVOptions()
        options.chunkSize = 1
        let chunked = try CSVReader.parse(Array(csv.utf8), source: "t.csv", options: options, columns: ColumnSelection(["a", "c"]))
        XCTAssertEqual(try chunked.numeric("a"), [1, 3, 5])
        XCTAssertEqual(try chunked.numeric("c"), [2, 4, 6])
        let none = try CSVReader.parse(Array(csv.utf8), source: "t.csv", columns: ColumnSelection(["nosuch"]))
        XCTAssertEqual(none.names, [])
        XCTAssertEqual(none.rowCount, 3, "a read that keeps no column still has the file's rows")
        XCTAssertThrowsError(try CSVReader.parse(Array("a,b\n1,2\n3\n".utf8), source: "t.csv", columns: ColumnSelection(["a"])),
                             "a skipped field is still counted") { error in
            XCTAssertTrue("\(error)".contains("1 field where the header has 2"), "\(error)")
        }
    }

    /// Runs of skipped columns are stepped over together (`ByteWords.skipFields`), stopping at
    /// quotes and line ends: every window of kept columns reads the cells (and the error, at
    /// the same line) that the whole file gives, in one chunk and in small ones, with long and
    /// short cells, quoted cells with delimiters and line breaks, a stray quote, CRLF lines, a
    /// lone carriage return, blank lines and empty cells.
    func testRunsOfSkippedFieldsReadAsTheWholeFile() throws {
        func cells(_ column: Column) -> String {
            switch column {
            case .numeric(let c): return "\(c.decimals.map(String.init) ?? "-") \(c.values.map { $0.isNaN ? "NA" : "\($0.bitPattern)" })"
            case .categorical(let c): return "\(c.codes.map { $0 < 0 ? "NA" : c.levels[Int($0)] })"
            }
        }
        func read(_ text: String, _ selection: ColumnSelection, chunkSize: Int?) -> [String: String] {
            var options = CSVOptions()
            options.chunkSize = chunkSize
            do {
                let table = try CSVReader.parse(Array(text.utf8), source: "t.csv", options: options, columns: selection)
                return Dictionary(uniqueKeysWithValues: zip(table.names, table.columns.map(cells)))
            } catch {
                return ["error": "\(error)"]
            }
        }
        let names = (1...12).map { "c\($0)" }
        var rows: [String] = []
        for r in 0..<60 {
            var row = names.indices.map { c in
                (c + r) % 5 == 0 ? "\(Double(r * 37 + c) / 8)" : (c + r) % 5 == 1 ? "-1234567.\(r)\(c)" : (c * r) % 7 == 0 ? "" : "\(r + c)"
            }
            if r % 9 == 4 { row[(r / 9) % 12] = "\"q,\"\"x\"\"\ny\"" }
            if r % 11 == 6 { row[(r + 3) % 12] = "ab\"c" }
            if r % 13 == 7 { row[(r + 5) % 12] = "\"1\r5\"" }  // a line break in the cell (a lone CR outside quotes ends the line)
            rows.append(row.joined(separator: ",") + (r % 3 == 0 ? "\r\n" : "\n") + (r % 17 == 8 ? "\n" : ""))
        }
        let good = names.joined(separator: ",") + "\n" + rows.joined()
        var short = rows, long = rows
        short[40] = "1,2,3,4,5,6,7,8,9,10,11\n"
        long[41] = "1,2,3,4,5,6,7,8,9,10,11,12,13\n"
        for text in [good, names.joined(separator: ",") + "\n" + short.joined(), names.joined(separator: ",") + "\n" + long.joined()] {
            let whole = read(text, .all, chunkSize: nil)
            for first in names.indices {
                for last in first..<min(first + 3, names.count) {
                    let selection = ColumnSelection(Array(names[first...last]))
                    let expected = whole["error"].map { ["error": $0] } ?? whole.filter { selection.contains($0.key) }
                    for chunkSize in [nil, 64, 300] {
                        XCTAssertEqual(read(text, selection, chunkSize: chunkSize), expected, "columns \(first + 1)...\(last + 1), chunks \(chunkSize ?? 0)")
                    }
                }
            }
        }
    }

    func testCommandLineAnalysesAFileWithAGarbageUnusedColumn() throws {
        let rows: [(Int, Double, Int)] = (1...40).map { (r: Int) -> (Int, Double, Int) in (r, Double(r % 7) + 0.5, r % 3 + 1) }
        let clean = directory.appendingPathComponent("clean.csv"), garbage = directory.appendingPathComponent("garbage.csv")
        try ("score,weight\n" + rows.map { "\($0.1),\($0.2)\n" }.joined()).write(to: clean, atomically: true, encoding: .utf8)
        // Not UTF-8, text in a numeric-looking column, a level per row: well-formed CSV all the same.
        var bytes = Array("score,junk,weight\n".utf8)
        for (r, score, weight) in rows { bytes += Array("\(score),".utf8) + (r % 2 == 0 ? [0xFF, 0xFE, 0x41] : Array("\(r)x".utf8)) + Array(",\(weight)\n".utf8) }
        try Data(bytes).write(to: garbage)
        let expected = try CommandLine.run(["estimate", "mean", "score", "--weights", "weight", "--data", clean.path, "--format", "csv"])
        let got = try CommandLine.run(["estimate", "mean", "score", "--weights", "weight", "--data", garbage.path, "--format", "csv"])
        XCTAssertEqual(got.status, 0, got.stderr)
        XCTAssertEqual(got.stdout, expected.stdout)
        let unread = try CommandLine.run(["estimate", "mean", "junk", "--weights", "weight", "--data", garbage.path])
        XCTAssertEqual(unread.status, 1, "the column itself is still checked when used")
        XCTAssertTrue(unread.stderr.contains("not UTF-8"), unread.stderr)
    }
}
