import Foundation
import XCTest
@testable import StatsEngine

/// CSV quoting (`Tabular.quoteCSV`): a text cell holding a separator, a quote, a line feed or a
/// carriage return is quoted even where it joins what follows in one Character (`"\r\n"`, or `,`
/// `;` `"` followed by a combining mark), so Python's csv module reads every cell back byte for
/// byte: a table in both styles, and end to end every writer — standard and Danish output,
/// `run`'s per-analysis files and `--save-replicates`.
final class CSVQuotingTests: ScratchFolderTestCase {
    /// Texts that hide a character to quote inside a Character, and plain ones around them.
    private static let texts = ["a", "c\r\nd", "e\u{301},\u{301}f", "\"\u{301}x", "g;\u{301}h", "i\r", "j\n", "k\u{301}"]

    /// The cells of the CSV file `path` split by Python's csv module with `delimiter`, row by
    /// row (a Danish file's byte-order mark dropped).
    private func readBack(_ path: String, delimiter: String = ",", file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import csv, io, json, sys
            text = open(sys.argv[1], "rb").read().decode("utf-8-sig")
            print(json.dumps(list(csv.reader(io.StringIO(text, newline=""), delimiter=sys.argv[2]))))
            """, path, delimiter]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 reading \(path)", file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String]], file: file, line: line)
    }

    /// `texts` as their UTF-8 bytes (String's `==` would take a combining mark's canonical
    /// equivalents as equal), in order.
    private func bytes(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }

    func testEveryCellReadsBackInBothStyles() throws {
        let tabular = Tabular(columns: ["text", "x", "e\u{301};,\u{301}\"\u{301}"], rows: Self.texts.map { [.text($0), .number(0.5), .text($0)] })
        for style in CSVStyle.allCases {
            let path = directory.appendingPathComponent("\(style).csv").path
            try AtomicFile.write(tabular.csv(style: style), to: path)
            let rows = try readBack(path, delimiter: String(style.separator))
            XCTAssertEqual(rows.count, Self.texts.count + 1, "\(style): one record per row")
            XCTAssertEqual(bytes(rows.first ?? []), bytes(tabular.columns), "\(style): the header")
            guard rows.allSatisfy({ $0.count == 3 }) else { XCTFail("\(style): three cells a record: \(rows)"); continue }
            XCTAssertEqual(bytes(rows.dropFirst().map(\.[0])), bytes(Self.texts), "\(style)")
            XCTAssertEqual(bytes(rows.dropFirst().map(\.[2])), bytes(Self.texts), "\(style)")
            XCTAssertEqual(rows.dropFirst().map(\.[1]), Array(repeating: style == .danish ? "0,5" : "0.5", count: Self.texts.count), "\(style)")
        }
    }

    func testEveryWriterQuotesTheCells() throws {
        // The texts as a category and as the rows' ids, read from a quoted CSV (quotes doubled
        // byte by byte: `replacingOccurrences` would miss a quote followed by a combining mark).
        func field(_ s: String) -> String { "\"" + String(decoding: s.utf8.flatMap { $0 == UInt8(ascii: "\"") ? [$0, $0] : [$0] }, as: UTF8.self) + "\"" }
        // A lone CR in a CSV cell is read as a line feed (as R's read.csv reads it), so "i\r" comes
        // from no CSV file; the writers quote it in the test above. A CRLF in a cell is read as a
        // line feed too (R's read.csv), so "c\r\nd" is the level "c\nd".
        let written = Array(Self.texts.dropFirst(1)).filter { $0 != "i\r" }
        let levels = written.map { $0.replacingOccurrences(of: "\r\n", with: "\n") }
        XCTAssert(levels.contains("c\nd"))
        var data = "id,g,w\r\n"
        for (i, text) in written.enumerated() { data += "\(field(text)),\(field(text)),\(i + 1)\r\n" }
        try data.write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let estimate = ["estimate", "proportion", "g", "--data", directory.appendingPathComponent("d.csv").path, "--weights", "w"]

        func assertCategories(_ path: String, delimiter: String, _ what: String) throws {
            let rows = try readBack(path, delimiter: delimiter)
            let column = try XCTUnwrap(rows.first?.firstIndex(of: "category"), what)
            guard rows.dropFirst().map(\.count) == Array(repeating: rows[0].count, count: levels.count) else {
                return XCTFail("\(what): one record per level: \(rows)")
            }
            XCTAssertEqual(Set(bytes(rows.dropFirst().map { $0[column] })), Set(bytes(levels)), what)
        }
        for (style, delimiter) in [("standard", ","), ("danish", ";")] {
            let output = directory.appendingPathComponent("\(style).csv").path
            let result = try CommandLine.run(estimate + ["--output", output, "--csv-style", style])
            XCTAssertEqual(result.status, 0, result.stderr)
            try assertCategories(output, delimiter: delimiter, "estimate --csv-style \(style)")
        }

        let spec = directory.appendingPathComponent("s.yaml"), out = directory.appendingPathComponent("out")
        try "data: d.csv\ndesign: {weights: w}\ncsv-style: danish\nanalyses:\n  - {name: shares, command: estimate, stat: proportion, variable: g}\n"
            .write(to: spec, atomically: true, encoding: .utf8)
        let run = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertCategories(out.appendingPathComponent("shares.csv").path, delimiter: ";", "run's shares.csv")

        let saved = directory.appendingPathComponent("r.csv").path
        let saving = try CommandLine.run(estimate + ["--make-replicates", "jk1", "--save-replicates", saved, "--save-replicates-id", "id"])
        XCTAssertEqual(saving.status, 0, saving.stderr)
        let rows = try readBack(saved)
        guard rows.map(\.count) == Array(repeating: 2 + levels.count, count: levels.count + 1) else {
            return XCTFail("--save-replicates: one record per row: \(rows)")
        }
        XCTAssertEqual(bytes(rows.dropFirst().map(\.[0])), bytes(levels), "--save-replicates' ids")
    }
}
