import Foundation
import XCTest
@testable import StatsEngine

/// Spreadsheet outputs: every command's `--output FILE.xlsx` holds its CSV's numbers to the last
/// digit as numeric cells (read back with openpyxl by scripts/check_spreadsheet.py), sheet names
/// follow Excel's rules, `--csv-style danish` parses back to the same numbers, an unknown or
/// contradicting output extension is a usage error, the workbook is written atomically, a cell
/// text Excel cannot hold is an error, and `run --out` writes results.xlsx.
final class SpreadsheetOutputTests: ScratchFolderTestCase {
    private static let script = CoverageTests.datasets.deletingLastPathComponent().appendingPathComponent("scripts/check_spreadsheet.py")

    /// Checks `book` against the sheet specs (scripts/check_spreadsheet.py's SPEC).
    private func assertWorkbook(_ book: URL, sheets: [[String: Any]], names: [String]? = nil,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let spec = directory.appendingPathComponent(UUID().uuidString + ".json")
        var document: [String: Any] = ["sheets": sheets]
        if let names { document["names"] = names }
        try JSONSerialization.data(withJSONObject: document).write(to: spec)
        let result = try Python.run([Self.script.path, "workbook", book.path, spec.path])
        XCTAssertEqual(result.status, 0, "\(book.lastPathComponent): \(result.stderr.suffix(3000))", file: file, line: line)
    }

    /// Runs `arguments`, which must succeed.
    private func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandLine.run(arguments)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
    }

    func testEveryCommandsWorkbookHoldsItsCSVNumbers() throws {
        for (name, arguments) in ReportCommands.all {
            let csv = directory.appendingPathComponent("\(name).csv"), book = directory.appendingPathComponent("\(name).xlsx")
            try run(arguments + ["--output", csv.path])
            try run(arguments + ["--output", book.path])
            switch name {
            case "regress":
                try assertWorkbook(book, sheets: [
                    ["sheet": "coefficients", "csv": csv.path, "where": ["section": "coefficient"]],
                    ["sheet": "marginal effects", "csv": csv.path, "where": ["section": "marginal_effect"]],
                    ["sheet": "Wald tests", "csv": csv.path, "where": ["section": "term_test"], "rename": ["terms": "term"], "skip": ["test"]],
                ], names: ["coefficients", "marginal effects", "Wald tests"])
            case "barometer":
                // One sheet per goal (ids 1 to 7 in datasets/barometer.yaml), then all the rows.
                let goals: [[String: Any]] = (0..<7).map { (goal: Int) -> [String: Any] in
                    ["sheet": goal, "csv": csv.path, "where": ["goal": String(goal + 1)]]
                }
                try assertWorkbook(book, sheets: goals + [["sheet": "all", "csv": csv.path]])
            default:
                try assertWorkbook(book, sheets: [["sheet": "results", "csv": csv.path]])
            }
        }
    }

    func testNumbersKeepEveryDigit() throws {
        let values = [0.1 + 0.2, 1.0 / 3, 123456789.12345679, 5e-324, -1e300, 2.0 / 3 * 1e-300, 1e22, 0.5, -7]
        let tabular = Tabular(columns: ["x", "k", "flag"], rows: values.enumerated().map { i, v in
            [.number(v), .integer(i == 0 ? nil : i * 1_000_000_007), .flag(i == 1 ? nil : i % 2 == 0)]
        } + [[.number(.nan), .integer(1), .flag(nil)]])
        let book = directory.appendingPathComponent("digits.xlsx")
        try Workbook(sheets: [("digits", tabular)]).write(to: book.path)
        let result = try Python.run(["-c", """
            import sys, openpyxl
            for x, k, flag in openpyxl.load_workbook(sys.argv[1]).active.iter_rows(min_row=2, values_only=True):
                print(type(x).__name__, repr(x), type(k).__name__, repr(k), repr(flag))
            """, book.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        // A failed read (openpyxl missing) is the failure above, not an index out of range below.
        guard result.status == 0 else { return }
        XCTAssertEqual(lines.count, values.count + 1)
        for (v, fields) in zip(values, lines) {
            XCTAssert(["float", "int"].contains(fields[0]), "a numeric cell: \(fields)")
            XCTAssertEqual(Double(fields[1]), v, "every digit of \(v)")
        }
        XCTAssertEqual(lines[1], ["float", "0.3333333333333333", "int", "1000000007", "None"])
        XCTAssertEqual(lines[0].suffix(3), ["NoneType", "None", "True"])
        XCTAssertEqual(lines.last, ["NoneType", "None", "int", "1", "None"], "NaN and missing are empty cells")
    }

    func testSheetNamesFollowExcelsRules() {
        let long = String(repeating: "x", count: 40)
        let names = Workbook.sheetNames(["a/b:c*d?[e]\\f", long, long, "Results", "results", "", "'quoted'", "History", "Mål 1: Bedre faglige resultater for alle"])
        XCTAssertEqual(names, ["abcdef", String(repeating: "x", count: 31), String(repeating: "x", count: 27) + " (2)", "Results", "results (2)",
                               "Sheet", "quoted", "History (2)", "Mål 1 Bedre faglige resultater"])
        XCTAssert(names.allSatisfy { $0.unicodeScalars.count <= 31 })
        XCTAssertEqual(Set(names.map { $0.lowercased() }).count, names.count)
    }

    func testDanishCSVParsesBackToTheSameNumbers() throws {
        for (name, arguments) in ReportCommands.all where ["estimate", "gap", "barometer"].contains(name) {
            let standard = directory.appendingPathComponent("\(name).csv"), danish = directory.appendingPathComponent("\(name)-da.csv")
            try run(arguments + ["--output", standard.path])
            try run(arguments + ["--output", danish.path, "--csv-style", "danish"])
            let result = try Python.run([Self.script.path, "danish", danish.path, standard.path])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr.suffix(3000))")
            let explicit = try CommandLine.run(arguments + ["--format", "csv", "--csv-style", "standard"])
            XCTAssertEqual(Data(explicit.stdout.utf8), try Data(contentsOf: standard), "standard is today's CSV, byte for byte")
        }
    }

    func testUnknownOrContradictingOutputIsAUsageError() throws {
        let estimate = ["estimate", "mean", "age", "--data", ReportCommands.data("labour_force.csv")]
        let cases: [([String], String, [String])] = [
            (["--format", "json"], "x.xlsx", ["x.xlsx", "Excel workbook", "--format json"]),
            ([], "x.xslx", ["unknown extension '.xslx'", ".csv", ".json", ".txt", ".xlsx"]),
            (["--format", "json"], "x.csv", [".csv file", "--format is json"]),
            (["--csv-style", "danish"], "x.xlsx", ["--csv-style danish", "CSV output only"]),
            (["--csv-style", "danish", "--format", "json"], "x.out", ["--csv-style danish", "CSV output only"]),
        ]
        for (options, name, fragments) in cases {
            let output = directory.appendingPathComponent(name)
            let result = try CommandLine.run(estimate + options + ["--output", output.path])
            XCTAssertEqual(result.status, 2, "\(name) \(options): \(result.stderr)")
            let message = result.stderr.trimmingCharacters(in: .newlines)
            XCTAssertEqual(message.split(separator: "\n").count, 1, message)
            for fragment in fragments { XCTAssert(message.contains(fragment), "'\(message)' lacks '\(fragment)'") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "no \(name)")
        }
        // With --format, another extension is written as asked; .txt takes any format.
        try run(estimate + ["--format", "json", "--output", directory.appendingPathComponent("x.out").path])
        try run(estimate + ["--format", "csv", "--output", directory.appendingPathComponent("x.txt").path])
        XCTAssert(try String(contentsOf: directory.appendingPathComponent("x.txt"), encoding: .utf8).hasPrefix("variable,statistic"))
    }

    func testWorkbookIsWrittenAtomically() throws {
        let estimate = ["estimate", "mean", "age", "--data", ReportCommands.data("labour_force.csv")]
        let missing = directory.appendingPathComponent("no-such-folder/out.xlsx")
        let failed = try CommandLine.run(estimate + ["--output", missing.path])
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertEqual(failed.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count, 1, "one line: \(failed.stderr)")
        XCTAssert(failed.stderr.contains("out.xlsx"), failed.stderr)
        XCTAssertThrowsError(try Workbook(sheets: [("a", Tabular(columns: ["x"]))]).write(to: missing.path))

        // A failing analysis leaves the workbook there as it was; a good one replaces it whole.
        let book = directory.appendingPathComponent("out.xlsx")
        try Data("old".utf8).write(to: book)
        let broken = try CommandLine.run(["estimate", "mean", "no_such_column", "--data", ReportCommands.data("labour_force.csv"), "--output", book.path])
        XCTAssertEqual(broken.status, 1, broken.stderr)
        XCTAssertEqual(try Data(contentsOf: book), Data("old".utf8), "the target is unchanged")
        try run(estimate + ["--output", book.path])
        XCTAssertEqual(try Data(contentsOf: book).prefix(2), Data("PK".utf8), "a zip archive")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.xlsx"], "no temporary file left")
    }

    /// A text longer than the 32,767 characters an Excel cell holds (libxlsxwriter left the cell
    /// blank and the workbook looked whole): an error naming the sheet, cell and column, the
    /// target as it was and no temporary file; 20,000 two-byte characters fit.
    func testOverlongCellTextIsAnError() throws {
        let data = directory.appendingPathComponent("long.csv")
        let long = String(repeating: "x", count: 40_000), accented = String(repeating: "é", count: 20_000)
        try ("v,y\n" + (0..<6).map { "\($0 < 2 ? long : $0 < 4 ? accented : "short"),\($0)\n" }.joined()).write(to: data, atomically: true, encoding: .utf8)
        let book = directory.appendingPathComponent("out.xlsx")
        try Data("old".utf8).write(to: book)
        let result = try CommandLine.run(["estimate", "proportion", "v", "--data", data.path, "--output", book.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        let message = result.stderr.trimmingCharacters(in: .newlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        XCTAssert(message.contains("out.xlsx: cannot write the workbook: sheet 'results', cell C3 (column 'category'): its text has 40000 characters, more than the 32767 an Excel cell holds"), message)
        XCTAssertEqual(try Data(contentsOf: book), Data("old".utf8), "the target is unchanged")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["long.csv", "out.xlsx"], "no temporary file left")

        try "v,y\n\(accented),1\nshort,2\n".write(to: data, atomically: true, encoding: .utf8)
        try run(["estimate", "proportion", "v", "--data", data.path, "--output", book.path])
        let read = try Python.run(["-c", "import sys, openpyxl; print(len(openpyxl.load_workbook(sys.argv[1])['results']['C3'].value))", book.path])
        XCTAssertEqual(read.stdout.trimmingCharacters(in: .newlines), "20000", read.stderr)
    }

    func testRunWritesResultsWorkbook() throws {
        let spec = directory.appendingPathComponent("spec.yaml")
        let example = try String(contentsOf: CoverageTests.datasets.appendingPathComponent("run.yaml"), encoding: .utf8)
        try example.replacingOccurrences(of: "data: labour_force.csv", with: "csv-style: danish\ndata: \(ReportCommands.data("labour_force.csv"))")
            .write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        try run(["run", spec.path, "--out", out.path])
        let names = ["unemployment_by_origin", "over_unemployment", "unemployment_model", "age_quartile", "education_mix"]
        try assertWorkbook(out.appendingPathComponent("results.xlsx"), sheets: names.map { name in
            ["sheet": name, "csv": out.appendingPathComponent("\(name).csv").path, "style": "danish"]
        }, names: names)
        let notebook = try String(contentsOf: out.appendingPathComponent("results.ipynb"), encoding: .utf8)
        XCTAssert(notebook.contains(#"sep=\";\", decimal=\",\""#), "the notebook reads the Danish CSV files")
    }
}
