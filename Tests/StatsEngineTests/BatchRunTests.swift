import Foundation
import XCTest
@testable import StatsEngine

/// `disparity run`: a failing analysis among good ones, the notebook against the committed
/// example (validated and executed with nbformat and nbclient), and bad specs.
final class BatchRunTests: XCTestCase {
    private var directory: URL!
    private static let root = CoverageTests.datasets.deletingLastPathComponent()

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("disparity-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testFailingAnalysisIsNamedAndTheOthersComplete() throws {
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        data: \(CoverageTests.datasets.appendingPathComponent("labour_force.csv").path)
        design: {weights: weight, strata: district, cluster: psu}
        analyses:
          - {name: good_mean, command: estimate, stat: mean, variable: age, by: origin}
          - {name: broken, command: regress, formula: "unemployed ~ nosuchcolumn"}
          - {name: good_gap, command: gap, stat: proportion, variable: unemployed, group: origin, reference: majority, scale: pp}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("analysis 'broken' failed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("'nosuchcolumn'"), result.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(files, ["good_gap.csv", "good_mean.csv", "manifest.json", "results.ipynb", "results.json"], "no partial or temporary files")
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

    func testBadSpecs() throws {
        func fails(_ yaml: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let spec = directory.appendingPathComponent("bad.yaml")
            try yaml.write(to: spec, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try RunSpec.load(path: spec.path), file: file, line: line) {
                XCTAssert("\($0)".contains(fragment), "'\($0)' lacks '\(fragment)'", file: file, line: line)
            }
        }
        try fails("analyses: []\n", "'data'")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: plot}\n", "command 'plot'")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n  - {name: a, command: estimate, stat: mean, variable: y}\n", "used twice")
        try fails("data: x.csv\nanalyses:\n  - {name: 'a/b', command: estimate, stat: mean, variable: y}\n", "letters, digits")
        try fails("data: x.csv\ndesign: {weight: w}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n", "unknown design option 'weight'")
        try fails("data: x.csv\nanalyses:\n  - {name: a, command: gap, variable: y, group: g}\n", "'reference' is missing")
    }
}
