import Foundation
import XCTest

/// `disparity run` on hostile or failing specs, through the built binary: a failing run exits
/// with its one-line error every time (no crash racing the checksum thread, case f02), and a
/// YAML alias used as a mapping key is refused in milliseconds (case f05).
final class RunRobustnessTests: ScratchFolderTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        var text = "stratum,psu,weight,score\n"
        for i in 0..<2_000 { text += "\(i % 4),\(i % 40),\(1 + i % 3),\(Double(i % 97) / 3)\n" }
        try text.write(to: directory.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testFailingRunAlwaysExitsWithOneLine() throws {
        let spec = try write("spec.yaml", """
        data: data.csv
        design: {weights: weight, strata: nosuchcolumn, cluster: psu}
        analyses:
          - {name: m, command: estimate, stat: mean, variable: score}

        """)
        for _ in 0..<30 {
            let result = try CommandLine.run(["run", spec, "--out", directory.appendingPathComponent("out").path])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssert(result.stderr.contains("nosuchcolumn"), result.stderr)
        }
    }

    /// The case's files: a key aliasing a nested alias tree, and the tree as a value.
    func testAliasExpansionIsRefusedQuickly() throws {
        let levels = (1...8).map { k in "l\(k): &l\(k) [" + Array(repeating: "*l\(k - 1)", count: 10).joined(separator: ",") + "]" }
        let laughs = "l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + levels.joined(separator: "\n")
        let tail = "data: data.csv\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: score}\n"
        for (name, text) in [("key.yaml", laughs + "\n? *l8\n: 1\n" + tail), ("value.yaml", laughs + "\ntitle: *l8\n" + tail)] {
            let spec = try write(name, text)
            let start = Date()
            let result = try CommandLine.run(["run", spec, "--out", directory.appendingPathComponent("out").path])
            XCTAssertLessThan(Date().timeIntervalSince(start), 5)
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssert(result.stderr.contains("expands to more than"), result.stderr)
        }
    }

    func testNonScalarKeyIsRefused() throws {
        let spec = try write("key.yaml", "base: &b [1, 2]\n? *b\n: 1\ndata: data.csv\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: score}\n")
        let result = try CommandLine.run(["run", spec, "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssert(result.stderr.contains("key.yaml:2: a key must be a plain value"), result.stderr)
        let flow = try write("flow.yaml", "title: x\n? [a, b]\n: 1\n")
        let barometer = try CommandLine.run(["barometer", flow])
        XCTAssertEqual(barometer.status, 2, barometer.stderr)
        XCTAssert(barometer.stderr.contains("flow.yaml:2: a key must be a plain value"), barometer.stderr)
    }
}
