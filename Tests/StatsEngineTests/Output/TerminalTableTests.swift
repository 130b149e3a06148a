import Foundation
import XCTest
@testable import StatsEngine

/// Tables for people: every command's table fits 80 and 120 columns, constant columns become a
/// header block, long text wraps within its column, too-wide tables become panels that repeat
/// the row identifiers; CSV and JSON stay as they were.
final class TerminalTableTests: XCTestCase {
    private func longestLine(_ text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
    }

    /// The text of the column `name` of a table: its cells read down the column (wrapped lines
    /// joined by spaces), from the panel whose header holds it.
    private func column(_ name: String, of table: String) -> String {
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        guard let header = lines.firstIndex(where: { String($0).split(separator: " ").contains(Substring(name)) }) else { return "" }
        let start = String(lines[header]).range(of: name)!.lowerBound.utf16Offset(in: String(lines[header]))
        let rule = lines[header + 1]
        var end = start
        while end < rule.count, rule[end] == "-" { end += 1 }
        var cells: [String] = []
        for line in lines[(header + 2)...] {
            guard !line.isEmpty || cells.last != "" else { break }
            cells.append(line.count > start ? String(line[start..<min(end, line.count)]).trimmingCharacters(in: .whitespaces) : "")
        }
        return cells.joined(separator: " ")
    }

    func testEveryCommandsTableFitsTheWidth() throws {
        for (name, arguments) in ReportCommands.all {
            for width in [80, 120] {
                let table = try ReportCommands.output(arguments, format: "table", width: width)
                XCTAssertFalse(table.isEmpty, name)
                XCTAssertLessThanOrEqual(longestLine(table), width, "\(name) at \(width):\n\(table)")
            }
        }
    }

    /// At 80 columns every goal's label (as its section's title) and every measure's label are
    /// shown whole, wrapped at word boundaries.
    func testTheBarometerAtEightyColumnsKeepsEveryGoalAndMeasure() throws {
        let table = try ReportCommands.output(["barometer", ReportCommands.data("barometer.yaml")], format: "table", width: 80)
        let json = try ReportCommands.output(["barometer", ReportCommands.data("barometer.yaml")], format: "json")
        let goals = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["goals"] as? [[String: Any]])
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let titles = words(table)
        // One section per goal, each with its own table whose "indikator" column holds the labels.
        let sections = table.components(separatedBy: "\nMål ").dropFirst()
        XCTAssertEqual(sections.count, goals.count)
        for (goal, section) in zip(goals, sections) {
            XCTAssert(titles.contains(words(try XCTUnwrap(goal["label"] as? String))), "goal label in:\n\(table)")
            for measure in try XCTUnwrap(goal["measures"] as? [[String: Any]]) {
                let label = try XCTUnwrap(measure["label"] as? String)
                XCTAssert(words(column("indikator", of: section)).contains(words(label)), "measure label '\(label)' shown whole in its column:\n\(section)")
            }
        }
        XCTAssert(table.hasPrefix("title: Integrationsbarometer for København"), table)
    }

    func testConstantColumnsMoveToAHeaderBlock() {
        var tabular = Tabular(columns: ["variable", "statistic", "group", "estimate", "note"])
        tabular.rows = [[.text("score"), .text("mean"), .text("a"), .number(1.5), .text(nil)],
                        [.text("score"), .text("mean"), .text("b"), .number(2.25), .text(nil)]]
        let text = tabular.table(width: 80)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "variable: score   statistic: mean")
        XCTAssertEqual(lines[1], "")
        XCTAssertEqual(lines[2], "group  estimate")
        XCTAssertEqual(lines[4], "a           1.5")
        XCTAssertFalse(text.contains("note"), "a column without values is left out")
        // One row: nothing is constant by comparison, so every column stays.
        tabular.rows.removeLast()
        XCTAssert(tabular.table(width: 80).hasPrefix("variable  statistic  group  estimate\n"))
    }

    func testHeaderItemsWrapToTheWidth() {
        let layout = TerminalTable(width: 40)
        var tabular = Tabular(columns: ["label", "value"])
        let label = "a label far longer than forty characters, which must wrap"
        tabular.rows = [[.text(label), .number(1)], [.text(label), .number(2)]]
        let text = layout.render(tabular, facts: [("formula", "y ~ x")])
        XCTAssertLessThanOrEqual(longestLine(text), 40, text)
        XCTAssert(text.hasPrefix("formula: y ~ x\nlabel: a label far longer than forty\n       characters, which must wrap\n"), text)
    }

    func testLongTextWrapsWithinItsColumnAndNumbersKeepSixDigits() {
        var tabular = Tabular(columns: ["id", "estimate", "sentence"])
        let sentence = "The gap (minority minus majority) is 7.20 pp (95 % CI 4.83 to 9.57); the data cannot yet tell whether the target is met."
        tabular.rows = [[.text("1"), .number(7.199331225863), .text(sentence)], [.text("2"), .number(123456789.5), .text("short")]]
        let text = tabular.table(width: 60)
        XCTAssertLessThanOrEqual(longestLine(text), 60, text)
        XCTAssert(text.contains("7.19933"), text)
        XCTAssert(text.contains("1.23457e+08"), text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let sentenceColumn = lines[0].range(of: "sentence")!.lowerBound.utf16Offset(in: lines[0])
        let continued = lines.filter { $0.hasPrefix(String(repeating: " ", count: sentenceColumn)) }
        XCTAssertGreaterThan(continued.count, 1, "the sentence wraps under its column:\n\(text)")
        XCTAssert(text.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains(sentence), "the whole sentence is shown")
        XCTAssert(lines.contains(""), "rows that wrap are set apart by a blank line")
    }

    func testTooWideTablesBecomePanelsRepeatingTheRowIdentifiers() {
        let numbers = (1...12).map { "value_\($0)" }
        var tabular = Tabular(columns: ["region", "district"] + numbers)
        tabular.rows = [[.text("North"), .text("Aalborg")] + numbers.indices.map { .number(Double($0) + 0.123456) },
                        [.text("South"), .text("Odense")] + numbers.indices.map { .number(-Double($0) - 0.654321) }]
        let text = tabular.table(width: 80)
        XCTAssertLessThanOrEqual(longestLine(text), 80, text)
        let panels = text.components(separatedBy: "\n\n")
        XCTAssertGreaterThan(panels.count, 1, text)
        for panel in panels {
            XCTAssert(panel.hasPrefix("region  district"), "each panel repeats the identifiers:\n\(panel)")
            XCTAssert(panel.contains("Odense"), panel)
        }
        let words = text.split(whereSeparator: \.isWhitespace)
        for name in numbers { XCTAssertEqual(words.filter { $0 == name }.count, 1, "\(name) is in one panel") }
    }

    func testCSVAndJSONAreAsBefore() throws {
        for (name, arguments) in ReportCommands.all where name != "regress" {
            for format in ["csv", "json"] {
                if ProcessInfo.processInfo.environment["DISPARITY_REMAKE_OUTPUT_FIXTURES"] == "1" {
                    let folder = FixtureFiles.sourceFixtures.appendingPathComponent("output")
                    try ReportCommands.output(arguments, format: format).write(to: folder.appendingPathComponent("\(name).\(format)"),
                                                                              atomically: true, encoding: .utf8)
                }
                let expected = try String(contentsOf: FixtureFiles.url(name, format, in: "output"), encoding: .utf8)
                XCTAssertEqual(try ReportCommands.output(arguments, format: format), expected, "\(name) \(format)")
            }
        }
    }

    /// `--width` below 20 is refused; so is `--width` beside an output that is not a table (it
    /// was accepted and did nothing), and alone it asks for a table, wherever the output goes.
    func testWidthOption() throws {
        let result = try CommandLine.run(["barometer", ReportCommands.data("barometer.yaml"), "--format", "table", "--width", "10"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssert(result.stderr.contains("--width"), result.stderr)
        let mean = ["estimate", "mean", "age", "--data", ReportCommands.data("labour_force.csv"), "--width", "40"]
        let book = FileManager.default.temporaryDirectory.appendingPathComponent("width-\(UUID().uuidString).xlsx").path
        for (extra, what) in [(["--format", "json"], "not --format json"), (["--format", "csv"], "not --format csv"), (["--output", book], "not a workbook")] {
            let refused = try CommandLine.run(mean + extra)
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssert(refused.stderr.contains("--width 40 lays out a table only (--format table or a .txt file), \(what)"), refused.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: book))
        let table = try CommandLine.run(mean)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssert(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 40 } && table.stdout.contains("estimate"), table.stdout)
    }

    func testWidthFromColumnsWithoutATerminal() throws {
        try XCTSkipIf(isatty(STDOUT_FILENO) == 1, "standard output is a terminal, whose width wins")
        XCTAssertEqual(TerminalWidth.current(environment: ["COLUMNS": "87"]), 87)
        XCTAssertEqual(TerminalWidth.current(environment: [:]), TerminalWidth.fallback)
        XCTAssertEqual(TerminalWidth.current(environment: ["COLUMNS": "wide"]), TerminalWidth.fallback)
    }
}
