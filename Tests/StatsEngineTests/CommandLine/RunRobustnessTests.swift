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

    /// A spec or configuration that is not YAML is written wrong, as a key of the wrong shape
    /// is: a usage error (exit 2, not 1, an analysis's failure) naming the file, the line and
    /// column libyaml stopped at, and its problem.
    func testAYAMLSyntaxErrorIsAUsageErrorAtItsLine() throws {
        let spec = try write("broken.yaml", "data: data.csv\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: score\n")
        let result = try CommandLine.run(["run", spec, "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssert(result.stderr.contains("broken.yaml:4: not valid YAML or JSON at column 1: "), result.stderr)
        let configuration = try write("barometer.yaml", "title: x\ngoals:\n  - id: [1\n")
        let barometer = try CommandLine.run(["barometer", configuration])
        XCTAssertEqual(barometer.status, 2, barometer.stderr)
        XCTAssert(barometer.stderr.contains("barometer.yaml:4: not valid YAML or JSON"), barometer.stderr)
    }

    /// Values of the wrong YAML type are usage errors naming the key and its line, never the
    /// items joined with commas or the text `~`: a list where one value belongs, a null, a
    /// mapping or a string where a list or a mapping belongs, a key given twice, a design option
    /// at the top of the spec. Keys that take a comma list keep taking a YAML list.
    func testWronglyTypedValuesAreUsageErrorsNamingTheKey() throws {
        let analysis = "analyses:\n  - {name: a, command: estimate, stat: mean, variable: score}"
        for (text, fragment) in [
            ("data: data.csv\nanalyses: {name: a, command: estimate, stat: mean, variable: score}",
             "spec.yaml:2: 'analyses' is a list of analyses, one '- {name: ..., command: ...}' entry each, not a mapping"),
            ("data: data.csv\nanalyses:\n  - mean_of_score",
             "spec.yaml:3: analysis 1 of 'analyses' is a mapping of keys {name: ..., command: ..., ...}, not the value 'mean_of_score'"),
            ("data: data.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: ~}",
             "spec.yaml:3: analysis 'a': 'variable' has no value (YAML's null)"),
            ("data: data.csv\ndesign: {weights: [weight, psu]}\n" + analysis, "spec.yaml:2: design: 'weights' takes one value, not a list"),
            ("data: [data.csv, other.csv]\n" + analysis, "spec.yaml:1: 'data' takes one value, not a list"),
            ("data: data.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: score, level: [0.9]}",
             "spec.yaml:3: analysis 'a': 'level' takes one value, not a list"),
            ("data: data.csv\nanalyses:\n  - {name: a, command: estimate, stat: [mean], variable: score}",
             "analysis 'a': 'stat' takes one value, not a list"),
            ("data: data.csv\ndesign: {strata: stratum, cluster: psu, nest: [true]}\n" + analysis, "design: 'nest' takes true or false, not a list"),
            ("data: data.csv\nanalyses:\n  - {name: [a], command: estimate, stat: mean, variable: score}",
             "spec.yaml:3: analysis 1: 'name' takes one value, not a list"),
            ("data: data.csv\nanalyses:\n  - {name: a, command: [estimate], stat: mean, variable: score}",
             "spec.yaml:3: analysis 'a': 'command' takes one value, not a list"),
            ("data: data.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: score, bootstrap: [20]}",
             "spec.yaml:3: analysis 'a': 'bootstrap' takes one value, not a list"),
            ("data: data.csv\ncsv-style: [danish]\n" + analysis, "spec.yaml:2: 'csv-style' takes one value, not a list"),
            ("data: data.csv\ndesign: [weight]\n" + analysis, "spec.yaml:2: 'design' is a mapping of keys {weights: w, strata: s, cluster: psu, ...}, not a list"),
            ("- data: data.csv\n", "spec.yaml:1: the file is a mapping of keys (data:, design:, analyses:), not a list"),
            ("data: data.csv\nweights: weight\n" + analysis,
             "spec.yaml:2: unknown key 'weights' in the file; 'weights' is a design option: it belongs under 'design:'"),
            ("data: data.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: score, variable: weight}",
             "spec.yaml:3: 'variable' is given twice in one mapping: keep one"),
        ] {
            let spec = try write("spec.yaml", text + "\n")
            let result = try CommandLine.run(["run", spec, "--out", directory.appendingPathComponent("out").path])
            XCTAssertEqual(result.status, 2, "\(text): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssert(result.stderr.contains(fragment), "\(text): '\(result.stderr)' lacks '\(fragment)'")
        }
        let lists = try write("lists.yaml", """
        data: data.csv
        na: [NA, "9999"]
        design: {weights: weight, cluster: [psu]}
        analyses:
          - {name: a, command: estimate, stat: mean, variable: score, by: [stratum]}
          - {name: b, command: estimate, stat: index, variable: 'score, weight', item-range: [0, 40], item-weights: [1, 2]}
          - {name: c, command: regress, formula: 'score ~ weight + stratum', test: [weight, stratum]}

        """)
        let result = try CommandLine.run(["run", lists, "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// A value written as a YAML block scalar (`subset: >`, `formula: |` and the text on the
    /// lines below) is read without the line break YAML keeps at its end, so that it gives the
    /// results of the value on one line: the subset's `a` was `a\n`, "a value that does not
    /// occur", shown as Swift's `\u{a}`. A line break a message quotes shows as `\n`.
    func testABlockScalarIsReadWithoutItsLineBreaks() throws {
        func results(_ name: String, _ analysis: String) throws -> String {
            let spec = try write(name, "data: data.csv\ndesign: {weights: weight}\nanalyses:\n" + analysis)
            let out = directory.appendingPathComponent("out-\(name)")
            let result = try CommandLine.run(["run", spec, "--out", out.path])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            return try String(contentsOf: out.appendingPathComponent("a.csv"), encoding: .utf8)
        }
        let subset = try results("subset.yaml", "  - name: a\n    command: estimate\n    stat: mean\n    variable: score\n    subset: >\n      stratum == 1 &\n      psu >= 9\n\n")
        XCTAssertEqual(subset, try results("line.yaml", "  - {name: a, command: estimate, stat: mean, variable: score, subset: 'stratum == 1 & psu >= 9'}\n"))
        let formula = try results("formula.yaml", "  - name: a\n    command: regress\n    formula: |\n      score ~ psu +\n        factor(stratum)\n")
        XCTAssertEqual(formula, try results("oneline.yaml", "  - {name: a, command: regress, formula: 'score ~ psu + factor(stratum)'}\n"))
        // A line break inside a quoted value is the user's: kept, and shown as R shows it.
        let spec = try write("quoted.yaml", "data: data.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: score, subset: 'stratum == \"1\n\n2\"'}\n")
        let result = try CommandLine.run(["run", spec, "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssert(result.stderr.contains("the value '1\\n2' does not occur"), result.stderr)
        XCTAssertFalse(result.stderr.contains("\\u{"), result.stderr)
    }

    /// A spec or configuration saved as UTF-16 or UTF-32 (with a byte-order mark) or in another
    /// encoding is a one-line usage error (exit 2: the request is written wrong) saying so and
    /// what to do, for `run` and `barometer` alike (it was "cannot read the file"); a UTF-8
    /// byte-order mark is skipped. So are an empty spec and a configuration without goals.
    func testASpecThatIsNotUTF8IsNamedAsSuch() throws {
        let text = "data: data.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: score}\n"
        let files: [(String, [UInt8], String)] = [
            ("le.yaml", [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, "the file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8: save it as UTF-8"),
            ("be.yaml", [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, "the file is UTF-16"),
            ("32.yaml", [0xFF, 0xFE, 0, 0] + text.unicodeScalars.flatMap { [UInt8($0.value & 0xFF), 0, 0, 0] }, "the file is UTF-32"),
            // Without a byte-order mark (iconv -t utf-16le): was "not valid YAML or JSON: ... control characters are not allowed:".
            ("le-nobom.yaml", text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
             "the file is UTF-16 (little-endian, without a byte-order mark), not UTF-8: save it as UTF-8"),
            ("be-nobom.yaml", text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, "the file is UTF-16 (big-endian, without a byte-order mark)"),
            ("latin1.yaml", Array("data: data.csv\n# K\u{F8}benhavn\nanalyses: []\n".data(using: .isoLatin1)!),
             "latin1.yaml:2: the file is not valid UTF-8 (is it Windows-1252 or Latin-1?): save it as UTF-8"),
        ]
        for (name, bytes, fragment) in files {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            for command in [["run", url.path, "--out", directory.appendingPathComponent("out").path], ["barometer", url.path]] {
                let result = try CommandLine.run(command)
                XCTAssertEqual(result.status, 2, "\(name): \(result.stderr)")
                XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
                XCTAssert(result.stderr.contains(fragment), "\(name): '\(result.stderr)' lacks '\(fragment)'")
            }
        }
        let bom = directory.appendingPathComponent("bom.yaml")
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: bom)
        let result = try CommandLine.run(["run", bom.path, "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        for (name, text, command, fragment) in [("empty.yaml", "", "run", "the file is empty"), ("blank.yaml", "\n", "barometer", "the file is empty"),
                                                ("nogoals.yaml", "periods: {column: p, baseline: \"1\", order: [\"1\"]}\ngoals: []\n", "barometer", "the configuration lists no goals")] {
            let path = try write(name, text)
            let result = try CommandLine.run(command == "run" ? ["run", path, "--out", directory.appendingPathComponent("out").path] : ["barometer", path])
            XCTAssertEqual(result.status, 2, "\(name): \(result.stderr)")
            XCTAssert(result.stderr.contains(fragment), "\(name): \(result.stderr)")
        }
    }
}
