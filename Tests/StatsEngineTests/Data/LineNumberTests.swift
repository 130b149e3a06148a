import Foundation
import XCTest
@testable import StatsEngine

/// Errors about a row name the place an editor shows: the physical line of a CSV file, counting
/// blank lines (LF and CRLF) and line breaks inside quoted fields, at every chunk size (so that
/// the lines cross chunk boundaries); the case number of an SPSS, Stata or SAS file. The oracle
/// is the line counted while the file is written.
final class LineNumberTests: ScratchFolderTestCase {
    /// Chunk sizes from one record per chunk to the reader's own choice.
    private let chunkSizes: [Int?] = [1, 7, 64, nil]

    /// A CSV file of `rows` records (`x` = the row's index, `w` = 1, a quoted `note`), with
    /// blank lines, CRLF blank lines and notes spanning lines scattered by a fixed generator;
    /// `x` at `textRow` is `zz` and `w` at `negativeRow` is -1. With `mixedLineEnds` each line
    /// (a blank one, one inside a note, a record's last) ends in LF, CRLF or a CR alone, as in a
    /// file pasted together from Windows, Unix and classic Mac files. Returns the text and each
    /// row's true line.
    private func scatteredFile(rows: Int, textRow: Int? = nil, negativeRow: Int? = nil,
                               mixedLineEnds: Bool = false) -> (text: String, lines: [Int]) {
        var state: UInt64 = 20_261_129
        func next(_ n: UInt64) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % n)
        }
        func lineEnd() -> String { mixedLineEnds ? ["\n", "\r\n", "\r"][next(3)] : "\n" }
        var text = "x,note,w" + lineEnd(), line = 2, lines: [Int] = []
        for r in 0..<rows {
            switch next(6) {
            case 0: text += mixedLineEnds ? "\r" : "\n"; line += 1
            case 1: text += "\r\n"; line += 1
            default: break
            }
            lines.append(line)
            let breaks = next(4) == 0 ? 1 + next(3) : 0
            let note = "\"a" + (0..<breaks).map { _ in lineEnd() + "b" }.joined() + "\""
            text += "\(r == textRow ? "zz" : String(r)),\(note),\(r == negativeRow ? -1 : 1)" + lineEnd()
            line += 1 + breaks
        }
        return (text, lines)
    }

    private func read(_ text: String, chunkSize: Int?) throws -> Table {
        var options = CSVOptions()
        options.chunkSize = chunkSize
        return try CSVReader.parse(Array(text.utf8), source: "t.csv", options: options)
    }

    private func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    func testEveryRowKnowsItsLineAtEveryChunkSize() throws {
        let (text, lines) = scatteredFile(rows: 300)
        XCTAssertGreaterThan(lines.last! - 301, 50, "the file shifts lines")
        for size in chunkSizes {
            let table = try read(text, chunkSize: size)
            XCTAssertEqual(table.rowCount, 300)
            XCTAssertEqual((0..<300).map { table.line(ofRow: $0) }, lines, "chunk size \(size.map(String.init) ?? "default")")
        }
    }

    /// A file whose lines end in LF, CRLF and a lone CR mixed (blank lines and line breaks in
    /// quoted notes too): R's read.csv takes a lone CR for a line end wherever it stands, and so
    /// does the reader, so every row is read with its values and its line as an editor shows it,
    /// a lone CR in a note is a line feed in the cell (as in R), and an error names the line.
    /// (A lone CR beside line feeds was a character of its field: the records it ended ran on.)
    func testLoneCarriageReturnsAmongLineFeedsEndLines() throws {
        let (text, lines) = scatteredFile(rows: 300, mixedLineEnds: true)
        XCTAssert(text.utf8.indices.contains { i in
            text.utf8[i] == 0x0D && text.utf8.index(after: i) < text.utf8.endIndex && text.utf8[text.utf8.index(after: i)] != 0x0A
        } && text.contains("\r\n") && text.contains("\n"), "all three line ends")
        for size in chunkSizes {
            let table = try read(text, chunkSize: size)
            XCTAssertEqual(table.rowCount, 300)
            XCTAssertEqual(try table.numeric("x"), (0..<300).map(Double.init))
            XCTAssertEqual(try table.numeric("w"), Array(repeating: 1, count: 300))
            // A lone CR in a note is a line feed in the cell (a CRLF there stays as it was).
            XCTAssertFalse(try table.categorical("note").levels.contains { $0.replacingOccurrences(of: "\r\n", with: "\n").utf8.contains(0x0D) },
                           "a lone CR in a cell is a line feed")
            XCTAssertEqual((0..<300).map { table.line(ofRow: $0) }, lines, "chunk size \(size.map(String.init) ?? "default")")
        }
        let bad = scatteredFile(rows: 200, textRow: 173, mixedLineEnds: true)
        for size in chunkSizes {
            let error = message { _ = try read(bad.text, chunkSize: size).numeric("x") }
            XCTAssert(error.hasPrefix("t.csv:\(bad.lines[173]), column 'x': expected a number, found 'zz'"), error)
        }
    }

    /// Blank lines ending the file (a CR alone, LF and CRLF in any mix) are skipped at every
    /// chunk size, so a chunk may hold nothing else, whichever line ends the file's lines have:
    /// every row keeps its values and its line. A last blank line of a lone CR was a record of
    /// one empty field ('1 field where the header has 3').
    func testBlankLinesEndingTheFileAreSkippedAtEveryChunkSize() throws {
        for mixed in [false, true] {
            let (text, lines) = scatteredFile(rows: 300, mixedLineEnds: mixed)
            for tail in ["\r", "\r\r", "\n\r", "\r\n\r", "\r\r\n\n\r\n\r", "\n\r\n\r\r"] {
                for size in chunkSizes {
                    let label = "\(mixed ? "mixed" : "LF") lines, tail \(tail.debugDescription), chunk size \(size.map(String.init) ?? "default")"
                    let table: Table
                    do { table = try read(text + tail, chunkSize: size) } catch { XCTFail("\(label): \(error)"); continue }
                    XCTAssertEqual(table.rowCount, 300, label)
                    XCTAssertEqual(try table.numeric("x"), (0..<300).map(Double.init), label)
                    XCTAssertEqual((0..<table.rowCount).map { table.line(ofRow: $0) }, lines, label)
                }
            }
        }
    }

    func testAnOrdinaryFileStoresNoBreakpoints() throws {
        let text = "x,w\n" + (0..<100).map { "\($0),1\n" }.joined()
        for size in chunkSizes {
            XCTAssertEqual(try read(text, chunkSize: size).rowNumbering, .lines)
        }
    }

    func testNotANumberNamesItsPhysicalLine() throws {
        XCTAssert(message { _ = try read("x,g\n1,a\n\n\nzz,b\n3,a\n", chunkSize: nil).numeric("x") }.hasPrefix("t.csv:5, column 'x'"))
        XCTAssert(message { _ = try read("x,g\n1,\"a\n\nb\"\nzz,b\n", chunkSize: nil).numeric("x") }.hasPrefix("t.csv:5, column 'x'"))
        XCTAssert(message { _ = try read("x,g\r\n1,a\r\n\r\nzz,b\r\n", chunkSize: nil).numeric("x") }.hasPrefix("t.csv:4, column 'x'"))
        XCTAssert(message { _ = try read("\u{FEFF}x,g\n1,a\n\nzz,b\n", chunkSize: nil).numeric("x") }.hasPrefix("t.csv:4, column 'x'"))
        let (text, lines) = scatteredFile(rows: 200, textRow: 173)
        for size in chunkSizes {
            let error = message { _ = try read(text, chunkSize: size).numeric("x") }
            XCTAssert(error.hasPrefix("t.csv:\(lines[173]), column 'x': expected a number, found 'zz'"), error)
        }
    }

    func testNegativeWeightNamesItsPhysicalLine() throws {
        let (text, lines) = scatteredFile(rows: 200, negativeRow: 151)
        for size in chunkSizes {
            let table = try read(text, chunkSize: size)
            let error = message { _ = try SurveyDesign(spec: DesignSpec(weights: "w"), table: table) }
            XCTAssertEqual(error, "t.csv:\(lines[151]), column 'w': negative weight -1.0")
        }
    }

    /// A subnormal weight (1e-320: a few bits, its sums rounding noise and a logistic fit's
    /// inverse beyond a double, which crashed) is an error at its line, as a negative one.
    func testASubnormalWeightIsNamedAtItsLine() throws {
        let table = try read("y,w,b\n1,1,0\n2,1e-320,1\n3,1,1\n", chunkSize: nil)
        let error = message { _ = try SurveyDesign(spec: DesignSpec(weights: "w"), table: table) }
        XCTAssert(error.hasPrefix("t.csv:3, column 'w': weight 1e-320 is below 2.2250738585072014e-308, the least a double holds to full precision"), error)
        let all = try CommandLine.run(["regress", "b ~ y", "--family", "binomial", "--data", "-", "--weights", "w"],
                                      input: "y,w,b\n1,1e-320,0\n2,1e-320,1\n3,1e-320,1\n5,1e-320,0\n4,1e-320,1\n")
        XCTAssertEqual(all.status, 1, all.stderr)
        XCTAssert(all.stderr.contains("<stdin>:2, column 'w': weight 1e-320 is below"), all.stderr)
    }

    func testSavedReplicatesLineColumnIsThePhysicalLine() throws {
        let (text, lines) = scatteredFile(rows: 40)
        let data = directory.appendingPathComponent("notes.csv"), saved = directory.appendingPathComponent("reps.csv")
        try text.write(to: data, atomically: true, encoding: .utf8)
        let result = try CommandLine.run(["estimate", "mean", "x", "--data", data.path, "--weights", "w", "--make-replicates", "bootstrap",
                                          "--replicates", "5", "--save-replicates", saved.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try CSVReader.read(path: saved.path).numeric("data_line"), lines.map(Double.init))
    }

    /// A `;` file is read with a decimal comma, so `2.5` is the cell that is not a number.
    func testSemicolonFileNamesTheCellNotANumberInItsDecimalMark() throws {
        let error = message { _ = try read("x;g\n1;a\n2.5;b\n", chunkSize: nil).numeric("x") }
        XCTAssertEqual(error, "t.csv:3, column 'x': expected a number, found '2.5' (1 of 2 cells are not numbers); a number with the other decimal mark: --decimal . reads it")
        let comma = message { _ = try read("x,g\n1,a\n\"2,5\",b\n", chunkSize: nil).numeric("x") }
        XCTAssert(comma.hasPrefix("t.csv:3, column 'x': expected a number, found '2,5' (1 of 2 cells"), comma)
    }

    /// A statistical file names the observation: `oracle/negative_weight.R` writes x = 1:5 with
    /// the third weight negative.
    func testStatisticalFilesNameTheObservation() throws {
        for ext in ["sav", "dta", "xpt"] {
            let path = try FixtureFiles.url("negw", ext, in: "statfiles").path
            let table = try TableFile.read(path: path)
            let error = message { _ = try SurveyDesign(spec: DesignSpec(weights: "w"), table: table) }
            XCTAssertEqual(error, "\(path): observation 3, column 'w': negative weight -1.0")
        }
    }

    /// A PSU of one row (a design without clusters) is named by its line in a CSV file and by
    /// its observation number in a statistical file, never by a row index.
    func testOneRowPSUsAreNamedByLineOrObservation() throws {
        let csv = try read("w,x\n1,1\n\n1,2\n", chunkSize: nil)
        XCTAssertEqual(try SurveyDesign(spec: DesignSpec(weights: "w"), table: csv).psuLabel(1), "line 4")
        let stat = Table(source: "t.sav", names: ["w"], columns: [.numeric(NumericColumn([1, 1, 1]))], rowNumbering: .observations)
        XCTAssertEqual(try SurveyDesign(spec: DesignSpec(weights: "w"), table: stat).psuLabel(2), "observation 3")
    }

    /// Tables built in code number their rows from line 2, as a header-only CSV file would.
    func testTableBuiltInCodeKeepsRowPlusTwo() {
        let table = Table(source: "t", names: ["x"], columns: [.numeric(NumericColumn([1, 2, 3]))])
        XCTAssertEqual((0..<3).map { table.line(ofRow: $0) }, [2, 3, 4])
    }
}
