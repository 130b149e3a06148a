import Foundation
import XCTest
@testable import StatsEngine

/// Errors stay one short line however long the data they quote: a megabyte cell, formula, key,
/// column name or level list is quoted by its first few dozen characters with an ellipsis
/// (`quoted:` / `listed:` interpolation, DisparityError's cap, the command line's printer).
final class BoundedMessageTests: XCTestCase {
    private var directory: URL!
    private let long = String(repeating: "x", count: 1 << 20)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("disparity-bounded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The command fails with one line of standard error under 300 characters that contains
    /// `fragment` and an ellipsis.
    private func assertShortError(_ arguments: [String], mentions fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandLine.run(arguments)
        XCTAssertNotEqual(result.status, 0, file: file, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "not one line", file: file, line: line)
        XCTAssertLessThan(result.stderr.count, 300, String(result.stderr.prefix(400)), file: file, line: line)
        XCTAssert(result.stderr.contains(fragment) && result.stderr.contains("…"), String(result.stderr.prefix(400)), file: file, line: line)
    }

    private var rows: String { (0..<30).map { "\($0),\($0 % 2),\(10 + $0)" }.joined(separator: "\n") }

    func testMegabyteCellIsQuotedShort() throws {
        let data = try write("cell.csv", "id,g,income\n" + rows + "\n30,1,\(long)\n")
        try assertShortError(["estimate", "mean", "income", "--data", data], mentions: "found 'xxxx")
    }

    func testMegabyteFormulaIsQuotedShort() throws {
        let data = try write("d.csv", "id,g,income\n" + rows + "\n")
        let spec = try write("formula.yaml", "data: d.csv\nanalyses:\n  - {name: r, command: regress, formula: \"income ~ \(long)\"}\n")
        try assertShortError(["run", spec, "--out", directory.appendingPathComponent("out").path], mentions: "formula 'income ~ xxx")
        // The command line carries at most 128 KB per argument.
        try assertShortError(["regress", "income ~ " + String(long.prefix(100_000)), "--data", data], mentions: "formula 'income ~ xxx")
    }

    func testMegabyteKeyIsQuotedShort() throws {
        _ = try write("d.csv", "id,g,income\n" + rows + "\n")
        let spec = try write("key.yaml", "data: d.csv\n? \(long)\n: 1\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: income}\n")
        try assertShortError(["run", spec, "--out", directory.appendingPathComponent("out").path], mentions: "unknown")
    }

    func testLongColumnNameAndLevelListAreQuotedShort() throws {
        let data = try write("d.csv", "id,g,income\n" + rows + "\n")
        try assertShortError(["estimate", "mean", String(long.prefix(100_000)), "--data", data], mentions: "no such column")
        // 20,000 levels of 50 characters: the list shows a few and its length.
        let levels = (0..<20_000).map { "\($0)," + String(repeating: "level", count: 10) + "\($0),\($0)" }.joined(separator: "\n")
        let wide = try write("levels.csv", "id,g,income\n" + levels + "\n")
        try assertShortError(["gap", "income", "--group", "g", "--reference", "absent", "--data", wide], mentions: "(20000 in all)")
    }

    func testQuotingHelpers() {
        XCTAssertEqual(ErrorQuoting.quoted("short"), "'short'")
        XCTAssertEqual(ErrorQuoting.quoted(long).count, ErrorQuoting.quotedLength + 2)
        XCTAssertEqual(ErrorQuoting.listed(["a", "b"]), "a, b")
        XCTAssertEqual(ErrorQuoting.listed((1...30).map(String.init)), "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, … (30 in all)")
        XCTAssertEqual(ErrorQuoting.listed([long, long]), String(repeating: "x", count: 19) + "…, " + String(repeating: "x", count: 19) + "…")
        XCTAssertEqual(DisparityError.usage(long).message.count, DisparityError.longestMessage)
        XCTAssertEqual(DisparityError.usage("a\nb\r\tc\u{1}d\u{7F}").message, "a\\nb\\r\\tc\\x01d\\x7F", "escaped as R and Python print them, never Swift's \\u{a}")
        // A long path gives way to the message: its end and the whole advice stay.
        let path = "/" + String(repeating: "deep/", count: 60) + "file.dta"
        let advice = "is not a readable Stata file: " + String(repeating: "y", count: 150) + ": pass --encoding with the one it is in"
        let error = DisparityError.data(file: path, line: 3, advice)
        XCTAssertEqual(error.message.count, DisparityError.longestMessage)
        XCTAssert(error.message.hasPrefix("…") && error.message.hasSuffix("/deep/file.dta:3: " + advice), error.message)
        XCTAssertEqual(DisparityError.data(file: "short.csv", "x").message, "short.csv: x")
        // Any message cut for length keeps its start and its end (the advice).
        let cut = DisparityError.usage("start " + String(repeating: "z", count: 400) + " pass --x")
        XCTAssert(cut.message.hasPrefix("start ") && cut.message.hasSuffix(" pass --x"), cut.message)
    }
}
