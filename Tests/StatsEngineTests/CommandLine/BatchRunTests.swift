import Foundation
import XCTest
@testable import StatsEngine

/// `disparity run`: a failing analysis among good ones (and its sheet in the workbook), the notebook against the committed
/// example (validated and executed with nbformat and nbclient), and bad specs.
final class BatchRunTests: ScratchFolderTestCase {
    private static let root = CoverageTests.datasets.deletingLastPathComponent()

    /// Writes `spec.yaml` in the scratch folder: the bundled labour-force data and its design,
    /// then `analyses` (YAML sequence items, one per line).
    private func labourForceSpec(_ analyses: String) throws -> URL {
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        data: \(CoverageTests.datasets.appendingPathComponent("labour_force.csv").path)
        design: {weights: weight, strata: district, cluster: psu}
        analyses:
        \(analyses)
        """.write(to: spec, atomically: true, encoding: .utf8)
        return spec
    }

    /// A batch starts the most work first (iterated fits, then least squares and adjusted gaps,
    /// then sorts, then one-pass statistics), whatever the spec's order and with a variance
    /// method of its own; the outcomes keep the spec's order.
    func testTheMostWorkStartsFirstAndOutcomesKeepSpecOrder() throws {
        let spec = try labourForceSpec("""
          - {name: mean, command: estimate, stat: mean, variable: age}
          - {name: median, command: estimate, stat: quantile, variable: age, q: 0.5}
          - {name: linear, command: regress, formula: "age ~ unemployed"}
          - {name: logistic, command: regress, family: binomial, formula: "unemployed ~ age", bootstrap: 20, seed: 1}
          - {name: adjusted, command: gap, stat: proportion, variable: unemployed, group: origin, reference: majority, adjust: age}
        """)
        let run = try RunSpec.load(path: spec.path)
        XCTAssertEqual(run.analyses.map(\.workRank), [0, 1, 2, 3, 2])
        let outcomes = try BatchRunner(spec: run).run(into: directory.appendingPathComponent("out").path)
        XCTAssertEqual(outcomes.map(\.name), ["mean", "median", "linear", "logistic", "adjusted"])
        XCTAssertEqual(outcomes.compactMap(\.error), [])
    }

    func testFailingAnalysisIsNamedAndTheOthersComplete() throws {
        let spec = try labourForceSpec("""
          - {name: good_mean, command: estimate, stat: mean, variable: age, by: origin}
          - {name: broken, command: regress, formula: "unemployed ~ nosuchcolumn"}
          - {name: good_gap, command: gap, stat: proportion, variable: unemployed, group: origin, reference: majority, scale: pp}
        """)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("analysis 'broken' failed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("'nosuchcolumn'"), result.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(files, ["good_gap.csv", "good_mean.csv", "manifest.json", "results.ipynb", "results.json", "results.xlsx"], "no partial or temporary files")
        let mean = try CSVReader.read(path: out.appendingPathComponent("good_mean.csv").path)
        XCTAssertEqual(mean.rowCount, 2)
        XCTAssertEqual(try CSVReader.read(path: out.appendingPathComponent("good_gap.csv").path).rowCount, 4)
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any]
        let analyses = try XCTUnwrap(results?["analyses"] as? [[String: Any]])
        XCTAssertEqual(analyses.map { $0["name"] as? String }, ["good_mean", "broken", "good_gap"])
        XCTAssertNotNil(analyses[1]["error"])
        XCTAssertNotNil(analyses[0]["results"])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
        XCTAssertEqual(manifest?["failed"] as? [String], ["broken"])
        let input = try XCTUnwrap((manifest?["inputs"] as? [[String: Any]])?.first?["sha256"] as? String)
        XCTAssertEqual(input, SHA256.hex(Array(try Data(contentsOf: CoverageTests.datasets.appendingPathComponent("labour_force.csv")))))
    }

    /// The manifest lists every file the run read, each with its bytes and SHA-256: the data,
    /// the calibration totals and a representation's benchmark (it listed the data alone, so a
    /// changed totals file left it unchanged); and a path relative to the spec is the file's own
    /// (`specs/../data/lf.csv` was written as such, so the same run started from another folder
    /// wrote other text).
    func testManifestListsEveryInputByItsOwnPath() throws {
        let data = directory.appendingPathComponent("data"), specs = directory.appendingPathComponent("specs")
        for folder in [data, specs] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(at: CoverageTests.datasets.appendingPathComponent("labour_force.csv"), to: data.appendingPathComponent("lf.csv"))
        try FileManager.default.copyItem(at: CoverageTests.datasets.appendingPathComponent("municipal_staff.csv"), to: data.appendingPathComponent("staff.csv"))
        try "variable,level,total\norigin,majority,400000\norigin,minority,100000\n".write(to: data.appendingPathComponent("totals.csv"), atomically: true, encoding: .utf8)
        let spec = specs.appendingPathComponent("run.yaml")
        try """
        data: ../data/lf.csv
        design: {weights: weight, strata: stratum, cluster: psu, poststratify: origin, totals: ../data/totals.csv}
        analyses:
          - {name: m, command: estimate, stat: mean, variable: age}
          - {name: r, command: representation, variable: origin, focal: minority, benchmark: ../data/staff.csv, benchmark-census: true}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any])
        let inputs = try XCTUnwrap(manifest["inputs"] as? [[String: Any]])
        let real = data.resolvingSymlinksInPath()
        XCTAssertEqual(inputs.map { $0["path"] as? String }, ["lf.csv", "totals.csv", "staff.csv"].map { real.appendingPathComponent($0).path })
        for input in inputs {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(input["path"] as? String)))
            XCTAssertEqual(input["sha256"] as? String, SHA256.hex(Array(bytes)), "\(input)")
            XCTAssertEqual(input["bytes"] as? Int, bytes.count, "\(input)")
        }
        XCTAssertFalse(try String(contentsOf: out.appendingPathComponent("results.json"), encoding: .utf8).contains(".."))
    }

    /// A failed analysis has its sheet in results.xlsx, as its entry in results.json: its name,
    /// command and error (the workbook left it out, and with every analysis failed held only an
    /// empty Sheet1).
    func testFailedAnalysesHaveTheirSheetInTheWorkbook() throws {
        let good = "  - {name: good_mean, command: estimate, stat: mean, variable: age}\n"
        let broken = "  - {name: broken, command: regress, formula: \"unemployed ~ nosuchcolumn\"}\n"
        let alsoBroken = "  - {name: also_broken, command: estimate, stat: mean, variable: nosuchcolumn}"
        for (analyses, sheets) in [(good + broken + alsoBroken, ["good_mean", "broken", "also_broken"]), (broken + alsoBroken, ["broken", "also_broken"])] {
            let out = directory.appendingPathComponent("out")
            let result = try CommandLine.run(["run", try labourForceSpec(analyses).path, "--out", out.path])
            XCTAssertEqual(result.status, 1, result.stderr)
            let read = try Python.run(["-c", """
                import json, sys, openpyxl
                book = openpyxl.load_workbook(sys.argv[1])
                print(json.dumps([[ws.title, [list(row) for row in ws.iter_rows(values_only=True)]] for ws in book.worksheets]))
                """, out.appendingPathComponent("results.xlsx").path])
            XCTAssertEqual(read.status, 0, read.stderr)
            let book = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [[Any]])
            XCTAssertEqual(book.map { $0[0] as? String }, sheets, "a sheet per analysis, in spec order")
            let results = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any]
            let entries = try XCTUnwrap(results?["analyses"] as? [[String: Any]])
            for (sheet, entry) in zip(book, entries) where entry["error"] != nil {
                let rows = try XCTUnwrap(sheet[1] as? [[String]], "\(sheet)")
                XCTAssertEqual(rows, [["name", "command", "error"], [entry["name"], entry["command"], entry["error"]].map { $0 as? String ?? "" }])
                XCTAssert(rows.last?.last?.contains("'nosuchcolumn'") == true, "\(rows)")
            }
            try FileManager.default.removeItem(at: out)
        }
    }

    func testNotebookMatchesTheExampleAndRuns() throws {
        let out = directory.appendingPathComponent("out")
        let spec = CoverageTests.datasets.appendingPathComponent("run.yaml")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let made = try String(contentsOf: out.appendingPathComponent("results.ipynb"), encoding: .utf8)
        let example = try String(contentsOf: Self.root.appendingPathComponent("notebooks-export/results.ipynb"), encoding: .utf8)
        XCTAssertEqual(made, example, "notebooks-export/results.ipynb is out of date: bash scripts/export-notebook.sh")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", Self.root.appendingPathComponent("scripts/check_notebook.py").path, out.appendingPathComponent("results.ipynb").path]
        let errors = Pipe()
        check.standardError = errors
        try check.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, "the notebook must validate and execute: \(message.suffix(2000))")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("over_unemployment.png").path), "the gap chart was drawn")
    }

    /// A gap's target drawn by the notebook in each form a target takes: a bound as a line, a
    /// band (`within a..b`) as a span. The band's text was read as a number, so the notebook
    /// stopped at that cell and drew nothing after it.
    func testNotebookDrawsEveryFormOfTarget() throws {
        let spec = directory.appendingPathComponent("targets.yaml")
        try """
        data: \(CoverageTests.datasets.appendingPathComponent("survey_sample.csv").path)
        design: {weights: weight, strata: stratum, cluster: psu, nest: true}
        analyses:
          - {name: band, command: gap, variable: score, group: minority, reference: 0, target: 'within -40..-2.5e1'}
          - {name: bound, command: gap, variable: score, group: minority, reference: 0, target: '>= -30'}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let check = try Python.run([Self.root.appendingPathComponent("scripts/check_notebook.py").path, out.appendingPathComponent("results.ipynb").path])
        XCTAssertEqual(check.status, 0, "the notebook must execute: \(check.stderr.suffix(2000))")
        for name in ["band", "bound"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name).png").path), "the \(name) chart was drawn")
        }
    }

    /// The notebook reads each CSV file as it was written: levels that pandas would take for
    /// missing by default (`None`, `null`, `NaN`, `nan`, `N/A`, `#N/A`) stay domains of their own,
    /// `007` stays text, only an empty cell is missing, and the numbers stay numbers. (Before, the
    /// notebook's `pd.read_csv` showed `None` and `null` both as NaN and `007` as 7.) The notebook is
    /// executed with nbclient, a cell after each table printing its values and column types.
    func testNotebookKeepsLevelsPandasWouldReadAsMissingOrNumbers() throws {
        let levels = ["None", "null", "NaN", "nan", "N/A", "#N/A", "007"]
        var csv = "st,psu,w,y,g\n"
        for row in 0..<112 {
            let stratum = row / 56 + 1, psu = row / 14 + 1
            csv += "\(stratum),\(psu),\(1 + Double(row % 5) / 4),\(10 + Double((row * 7) % 11) / 3),\(levels[row % levels.count])\n"
        }
        try csv.write(to: directory.appendingPathComponent("levels.csv"), atomically: true, encoding: .utf8)
        let spec = directory.appendingPathComponent("levels.yaml")
        try """
        data: \(directory.appendingPathComponent("levels.csv").path)
        design: {weights: w, strata: st, cluster: psu}
        analyses:
          - {name: m, command: estimate, stat: mean, variable: y, by: g}
          - {name: p, command: estimate, stat: proportion, variable: g}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        // Each table's cells (NaN as null) and pandas' kind of each column, one JSON line a table.
        let script = directory.appendingPathComponent("tables.py")
        try #"""
        import os, sys, nbformat
        from nbclient import NotebookClient
        path = sys.argv[1]
        nb = nbformat.read(path, as_version=4)
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            if cell.cell_type == "code" and cell.source.startswith("table = pd.read_csv"):
                cells.append(nbformat.v4.new_code_cell('print(json.dumps({"cells": table.astype(object).where(table.notna(), None).to_dict("list"), '
                                                       '"kinds": {c: table[c].dtype.kind for c in table}}))'))
        nb.cells = cells
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.get("name") == "stdout":
                    sys.stdout.write(output["text"])
        """#.write(to: script, atomically: true, encoding: .utf8)
        let check = try Python.run([script.path, out.appendingPathComponent("results.ipynb").path])
        let printed = check.stdout
        XCTAssertEqual(check.status, 0, "the notebook must execute: \(check.stderr.suffix(2000))")
        let tables = try printed.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: Any]])
        }
        XCTAssertEqual(tables.count, 2, printed)
        guard tables.count == 2 else { return }
        for (table, column) in zip(tables, ["g", "category"]) {
            let cells = try XCTUnwrap(table["cells"]?[column] as? [Any], "\(table)")
            XCTAssertEqual(cells.compactMap { $0 as? String }.sorted(), levels.sorted(), "\(column): every level, as text: \(cells)")
            XCTAssertEqual(table["kinds"]?[column] as? String, "O")
            XCTAssertEqual(table["kinds"]?["estimate"] as? String, "f", "numbers stay numbers")
            XCTAssertEqual(table["kinds"]?["n"] as? String, "i")
        }
        // The mean's empty `category` column: every cell missing.
        let empty = try XCTUnwrap(tables[0]["cells"]?["category"] as? [Any])
        XCTAssertEqual(empty.count, levels.count)
        XCTAssertTrue(empty.allSatisfy { $0 is NSNull }, "\(empty)")
    }

    func testBadSpecs() throws {
        func fails(_ yaml: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let spec = directory.appendingPathComponent("bad.yaml")
            try yaml.write(to: spec, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try RunSpec.load(path: spec.path), file: file, line: line) {
                XCTAssert("\($0)".contains(fragment), "'\($0)' lacks '\(fragment)'", file: file, line: line)
            }
        }
        try fails("analyses: []\n", "'data'")
        // An empty list is placed at its own line.
        try fails("# a batch\ndata: x.csv\n\nanalyses: []\n", "bad.yaml:4: 'analyses' lists no analysis")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: plot}\n", "command 'plot'")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n  - {name: a, command: estimate, stat: mean, variable: y}\n", "used twice")
        try fails("data: x.csv\nanalyses:\n  - {name: 'a/b', command: estimate, stat: mean, variable: y}\n", "letters, digits")
        try fails("data: x.csv\nanalyses:\n  - {name: One, command: estimate, stat: mean, variable: y}\n  - {name: one, command: estimate, stat: mean, variable: y}\n",
                  "used twice, as 'One' and 'one'")
        try fails("data: x.csv\ndesign: {weight: w}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n", "unknown design option 'weight'")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: gap, variable: y, group: g}\n", "'reference' is missing")
        // A key with a YAML tag is found by its text (a fuzzer's input crashed on it): here the
        // tag `!strata:` makes `stratum` a key.
        try fails("data: x.csv\ndesign: {weights: weight,!strata: stratum}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n",
                  "bad.yaml:2: unknown design option 'stratum'")
        let tagged = directory.appendingPathComponent("tagged.yaml")
        try "data: x.csv\ndesign: {weights: w, !!str strata: s}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n"
            .write(to: tagged, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RunSpec.load(path: tagged.path).design.strata, "s")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: regress, formula: 'y ~ x', tolerance: 0}\n", "--tolerance must lie strictly")
        // A misspelt required key is named as written, with the key meant.
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variabel: y}\n", "unknown key 'variabel'")
        // An invalid value is placed at its key's line.
        try fails("data: x.csv\nanalyses:\n  - name: a\n    command: regress\n    formula: y ~ x\n    family: binomal\n",
                  "bad.yaml:6: analysis 'a': family 'binomal' is not a valid value")
        // Settings that need no data are refused when the spec is read, not when the analysis runs.
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: regress, formula: 'y ~ x', marginal-effects: true}\n", "needs --family binomial")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: regress, formula: 'y ~ x', level: 1.5}\n", "--level must lie strictly")
        // The analyses are decoded at once; the error reported is still the first in spec
        // order, a bad name before its entry's own errors (many entries, so several threads).
        let good = (0..<40).map { "  - {name: g\($0), command: estimate, stat: mean, variable: y}\n" }.joined()
        try fails("data: x.csv\nanalyses:\n" + good + "  - {name: b, command: estimate, stat: mean, variabel: y}\n" + good.replacingOccurrences(of: "{name: g", with: "{name: h")
                  + "  - {name: c, command: gap, variable: y, group: g}\n", "unknown key 'variabel'")
        try fails("data: x.csv\nanalyses:\n" + good + "  - {name: g3, command: gap, variable: y, group: g}\n", "used twice")
        try fails("data: x.csv\nanalyses:\n" + good + "  - {name: 'a/b', command: plot}\n  - {name: c, command: plot}\n", "letters, digits")
    }
}

/// SHA-256 (both the libcrypto path and the portable one) against Python's hashlib on the
/// padding edge cases.
final class SHA256Tests: XCTestCase {
    func testKnownDigests() {
        let cases: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (String(repeating: "x", count: 1000), "44f8354494a5ba03ba1792a8d3e9c534c47a9181980fde7a3f44b06ef2ae7c7f"),
        ]
        for (text, digest) in cases {
            XCTAssertEqual(SHA256.hex(Array(text.utf8)), digest, "\(text.count) bytes")
            XCTAssertEqual(SHA256.portableHex(Array(text.utf8)), digest, "\(text.count) bytes, portable")
        }
    }
}
