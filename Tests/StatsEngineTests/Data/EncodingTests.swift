import Foundation
import XCTest
@testable import StatsEngine

/// Character encodings (`--encoding`): a CSV must be valid UTF-8 unless told otherwise; the
/// others are transcoded, so Danish labels stay distinct. The right numbers are R's:
/// `svyby(~score, ~by, svydesign(ids=~1, data=read.csv(..., sep=";", dec=",",
/// fileEncoding="CP1252")), svymean)` (shared case 05).
final class EncodingTests: XCTestCase {
    private func path(_ name: String) throws -> String { try FixtureFiles.url(name, "csv", in: "encoding").path }

    private func means(_ file: String, _ encoding: TextEncoding, variable: String = "score", by: String = "by",
                       weights: String? = nil) throws -> [String: (Double, Double)] {
        let table = try CSVReader.read(path: path(file), options: CSVOptions(encoding: encoding))
        let design = try SurveyDesign(spec: DesignSpec(weights: weights), table: table)
        let rows = try DescriptiveEstimator(table: table, design: design)
            .estimate(EstimateRequest(statistic: .mean, variable: variable, by: [by]))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.group.first!.1, ($0.estimate, $0.standardError!)) })
    }

    /// R's svyby means and SEs of the case-05 towns.
    private func assertTowns(_ found: [String: (Double, Double)], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(found.keys), ["Sæby", "Skive", "Søby"], file: file, line: line)
        assertClose(found["Sæby"]?.0, 32, file: file, line: line)
        assertClose(found["Sæby"]?.1, 1.5811388, rel: 1e-7, file: file, line: line)
        assertClose(found["Skive"]?.0, 20, file: file, line: line)
        assertClose(found["Skive"]?.1, 0, file: file, line: line)
        assertClose(found["Søby"]?.0, 11, file: file, line: line)
        assertClose(found["Søby"]?.1, 0.7905694, rel: 1e-7, file: file, line: line)
    }

    func testWindows1252GivesRightDomains() throws {
        assertTowns(try means("collide_cp1252", .windows1252))
        assertTowns(try means("collide_cp1252", .latin1))
        assertTowns(try means("collide_utf8", .utf8))
    }

    func testDanishExcelExports() throws {
        assertTowns(try means("excel_utf8_bom", .utf8))
        assertTowns(try means("excel_cp1252", .windows1252))
        assertTowns(try means("excel_utf16", .utf16))
        assertTowns(try means("excel_utf16be", .utf16))
        let table = try CSVReader.read(path: path("excel_cp1252"), options: CSVOptions(encoding: .windows1252))
        guard case .categorical(let notes) = try table.column("note") else { return XCTFail("note is text") }
        XCTAssert(notes.levels.contains("Søby – 5 €"), "\(notes.levels)")
    }

    /// A header name in Latin-1 (`vægt`) is read with the option and an error without it.
    /// R: svyby(~indkomst, ~bydel, svydesign(ids=~1, weights=~vægt, data=d), svymean).
    func testLatin1HeaderName() throws {
        let found = try means("latin1", .latin1, variable: "indkomst", by: "bydel", weights: "vægt")
        XCTAssertEqual(found.count, 4)
        assertClose(found["Nørrebro"]?.0, 288.6076923, rel: 1e-9)
        assertClose(found["Nørrebro"]?.1, 0.7590130676, rel: 1e-9)
        assertClose(found["Østerbro"]?.0, 323.4625)
        assertClose(found["Østerbro"]?.1, 6.4267317401, rel: 1e-9)
        XCTAssertThrowsError(try CSVReader.read(path: path("latin1"))) { error in
            let message = "\(error)"
            XCTAssert(message.contains("latin1.csv:1") && message.contains("field 2") && message.contains("--encoding windows-1252"), message)
        }
    }

    func testInvalidUTF8IsAnErrorNamingLineAndColumn() throws {
        XCTAssertThrowsError(try CSVReader.read(path: path("collide_cp1252"))) { error in
            XCTAssertEqual("\(error)", "\(try! self.path("collide_cp1252")):2, column 'by': not UTF-8 (byte 0xF8); re-save the file as UTF-8 or pass --encoding windows-1252 (or latin1, utf-16)")
        }
        // Past the first chunk, in a column that turned to text late, in a quoted field.
        var text = "id,label\n" + (1...5000).map { "\($0),\($0)\n" }.joined()
        var bytes = Array(text.utf8) + [0x39, 0x2C, 0x22, 0x53, 0xE6, 0x62, 0x79, 0x22, 0x0A]
        var options = CSVOptions()
        options.chunkSize = 1000
        XCTAssertThrowsError(try CSVReader.parse(bytes, source: "t.csv", options: options)) { error in
            XCTAssert("\(error)".hasPrefix("t.csv:5002, column 'label': not UTF-8 (byte 0xE6)"), "\(error)")
        }
        // A truncated sequence at the end of a field, and UTF-16 read as UTF-8.
        text = "a,b\n1,x\n"
        bytes = Array(text.utf8) + [0x32, 0x2C, 0xC3, 0x0A]
        XCTAssertThrowsError(try CSVReader.parse(bytes, source: "t.csv")) { XCTAssert("\($0)".hasPrefix("t.csv:3, column 'b': not UTF-8 (byte 0xC3)"), "\($0)") }
        let utf16 = try Array(Data(contentsOf: URL(fileURLWithPath: path("excel_utf16"))))
        XCTAssertThrowsError(try CSVReader.parse(utf16, source: "u.csv")) { XCTAssert("\($0)".contains("--encoding utf-16"), "\($0)") }
    }

    /// A UTF-8 file (its byte-order mark says so) read as Windows-1252 or Latin-1 would put
    /// `ï»¿` into the first column's name and turn `ø` into `Ã¸`: an error that says to drop
    /// `--encoding`.
    func testUTF8ByteOrderMarkWithAOneByteEncodingIsAnError() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("x,g\n1,ø\n".utf8)
        for encoding in [TextEncoding.windows1252, .latin1] {
            XCTAssertThrowsError(try CSVReader.parse(bytes, source: "b.csv", options: CSVOptions(encoding: encoding))) {
                XCTAssert("\($0)".contains("b.csv: starts with a UTF-8 byte-order mark, so it is UTF-8, not \(encoding.rawValue): drop --encoding"), "\($0)")
            }
        }
        XCTAssertEqual(try CSVReader.parse(bytes, source: "b.csv").categorical("g").levels, ["ø"])
    }

    /// A NUL byte in a text cell or a header name is an error naming the line and column (it
    /// would be written raw into every output); in a column not read it costs nothing.
    func testNULByteInTextIsAnError() throws {
        XCTAssertThrowsError(try CSVReader.parse(Array("x,g\n1,a\u{0}b\n2,c\n".utf8), source: "n.csv").categorical("g")) {
            XCTAssertEqual("\($0)", "n.csv:2, column 'g': a NUL byte (0x00) in a text cell: the file is not plain text in its encoding (check --encoding)")
        }
        XCTAssertThrowsError(try CSVReader.parse(Array("x,g\u{0}h\n1,a\n".utf8), source: "n.csv")) {
            XCTAssert("\($0)".hasPrefix("n.csv:1: the header's field 2: a NUL byte (0x00)"), "\($0)")
        }
        let skipped = try CSVReader.parse(Array("x,g\n1,a\u{0}b\n2,c\n".utf8), source: "n.csv", columns: .only(["x"]))
        XCTAssertEqual(try skipped.numeric("x"), [1, 2])
    }

    /// UTF-16 without a byte-order mark: read as UTF-8 it is an error naming the byte order
    /// (not a field-count or column-name error); with `--encoding utf-16` its byte order is told
    /// by its NUL bytes; UTF-8 text read as UTF-16 is an error, not an empty table.
    func testUnmarkedUTF16() throws {
        let text = "x,g\n1,ø\n2,å\n"
        let little = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, order) in [(little, "little-endian"), (big, "big-endian")] {
            XCTAssertThrowsError(try CSVReader.parse(bytes, source: "u.csv")) {
                XCTAssertEqual("\($0)", "u.csv: looks like \(order) UTF-16 without a byte-order mark (a NUL in every other byte): pass --encoding utf-16")
            }
            let table = try CSVReader.parse(bytes, source: "u.csv", options: CSVOptions(encoding: .utf16))
            XCTAssertEqual(table.names, ["x", "g"], order)
            XCTAssertEqual(try table.numeric("x"), [1, 2], order)
            XCTAssertEqual(try table.categorical("g").levels.sorted(), ["å", "ø"], order)
        }
        XCTAssertThrowsError(try CSVReader.parse(Array(text.utf8), source: "u.csv", options: CSVOptions(encoding: .utf16))) {
            XCTAssertEqual("\($0)", "u.csv: not UTF-16: no byte-order mark and no NUL bytes, as UTF-8 text has none (drop --encoding for UTF-8)")
        }
    }

    /// An unpaired surrogate in UTF-16 is an error at the line an editor shows, whichever line
    /// ends the file uses: a CR alone (classic Mac OS; counted by line feeds it was line 1), LF,
    /// CRLF or a mix, as the reader counts them.
    func testUnpairedSurrogateNamesItsLineWhateverTheLineEnds() throws {
        for (lineEnd, label) in [("\r", "CR"), ("\n", "LF"), ("\r\n", "CRLF")] {
            for prefix in ["x,g\(lineEnd)1,a\(lineEnd)2,", "x,g\r\n1,a\(lineEnd)2,"] {
                let units = Array(prefix.utf16) + [0xD800] + Array("b\(lineEnd)3,c\(lineEnd)".utf16)
                let bytes: [UInt8] = [0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
                XCTAssertThrowsError(try CSVReader.parse(bytes, source: "u.csv", options: CSVOptions(encoding: .utf16)), label) {
                    XCTAssertEqual("\($0)", "u.csv:3: not UTF-16: an unpaired surrogate (check --encoding)", label)
                }
            }
        }
    }

    /// A Danish `;` file in UTF-16 (either byte order, with and without a byte-order mark) or
    /// Windows-1252 whose last lines are blank, made of a carriage return alone (classic Mac
    /// OS's `\r\r`) or after LF and CRLF lines: 2 rows, as R's read.csv2 reads them
    /// (fileEncoding "UTF-16LE": x 1.5 2, g ø å). The last blank line was a record: '1 field
    /// where the header has 2'.
    func testBlankLinesEndingATranscodedFile() throws {
        for tail in ["\r\r", "\n\r", "\r\n\r", "\r\r\n\r"] {
            let text = "x;g\r1,5;ø\r2;å" + tail
            let little = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            let big = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            let windows = Array(text.unicodeScalars.map { UInt8($0.value) })
            for (bytes, encoding, label) in [(little, TextEncoding.utf16, "UTF-16LE"), (big, .utf16, "UTF-16BE"),
                                             ([0xFF, 0xFE] + little, .utf16, "UTF-16LE, BOM"), ([0xFE, 0xFF] + big, .utf16, "UTF-16BE, BOM"),
                                             (windows, .windows1252, "Windows-1252")] {
                for chunkSize in [nil, 1, 7] {
                    let name = "\(label), tail \(tail.debugDescription), chunk size \(chunkSize.map(String.init) ?? "default")"
                    var options = CSVOptions(encoding: encoding)
                    options.chunkSize = chunkSize
                    let table: Table
                    do { table = try CSVReader.parse(bytes, source: "u.csv", options: options) } catch { XCTFail("\(name): \(error)"); continue }
                    XCTAssertEqual(table.rowCount, 2, name)
                    XCTAssertEqual(try table.numeric("x"), [1.5, 2], name)
                    let g = try table.categorical("g")
                    XCTAssertEqual(g.codes.map { g.levels[Int($0)] }, ["ø", "å"], name)
                }
            }
        }
    }

    /// `|` is detected like `,` `;` and tab; a space is a delimiter by name.
    func testPipeIsDetectedAndSpaceIsNamed() throws {
        XCTAssertEqual(try CSVReader.parse(Array("x|g\n1|a\n2|b\n".utf8), source: "p.csv").numeric("x"), [1, 2])
        XCTAssertEqual(try CSVReader.parse(Array("x,g|h\n1,a|b\n".utf8), source: "p.csv").names, ["x", "g|h"])
        XCTAssertEqual(try CSVOptions.delimiter(named: "space"), 0x20)
        XCTAssertThrowsError(try CSVOptions.delimiter(named: ":")) { XCTAssert("\($0)".contains("one of , ; | tab space")) }
    }

    func testEncodingNames() throws {
        XCTAssertEqual(try TextEncoding(named: "cp1252"), .windows1252)
        XCTAssertEqual(try TextEncoding(named: "UTF-8"), .utf8)
        XCTAssertEqual(try TextEncoding(named: "latin1"), .latin1)
        XCTAssertEqual(try TextEncoding(named: "utf-16"), .utf16)
        XCTAssertThrowsError(try TextEncoding(named: "ebcdic"))
        // Every Windows-1252 byte above 0x7F transcodes to the character Python's codec gives.
        let high = Array(UInt8(0xA0)...UInt8(0xFF)) + [0x80, 0x8A, 0x9F]
        XCTAssertEqual(String(decoding: try TextEncoding.windows1252.utf8Bytes(high, source: "t"), as: UTF8.self),
                       String(high[..<96].map { Character(Unicode.Scalar($0)) }) + "€ŠŸ")
    }

    /// A barometer goal takes the data options as keys: its file is read with them.
    func testBarometerGoalEncoding() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("disparity-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The cp1252 towns file with a period column, written through Foundation's own encoder.
        let towns = "by;score;period\nSøby;10,0;2010\nSøby;12,0;2010\nSæby;30,0;2010\nSæby;34,0;2010\nSkive;20,0;2010\n"
        try XCTUnwrap(towns.data(using: .windowsCP1252)).write(to: directory.appendingPathComponent("towns.csv"))
        let goal = """
        periods: {column: period, baseline: "2010", order: ["2010"]}
        goals:
          - {id: "1", label: score, kind: target, target: ">= 5", data: towns.csv%@,
             measures: [{id: m, label: Søby, unit: score points, variable: score, subset: "by == Søby"}]}
        """
        let config = directory.appendingPathComponent("b.yaml")
        try String(format: goal, ", encoding: cp1252").write(to: config, atomically: true, encoding: .utf8)
        // Two rows: below Statistics Denmark's minimum cell of 3, so that control is lowered here.
        let result = try BarometerEvaluator(config: try BarometerConfig.load(path: config.path), minimumCell: 1).evaluate()
        let value = try XCTUnwrap(result.goals[0].measures[0].current.value)
        assertClose(value.estimate, 11)
        // R: SE(svymean(~score, subset(svydesign(ids=~1, data=d), by == "Søby"))).
        assertClose(value.standardError, 0.7905694150, rel: 1e-9)
        try String(format: goal, "").write(to: config, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try BarometerEvaluator(config: try BarometerConfig.load(path: config.path)).evaluate()) {
            XCTAssert("\($0)".contains("not UTF-8") && "\($0)".contains("--encoding"), "\($0)")
        }
    }

    /// The command line: a clean one-line error without the option, R's numbers with it.
    func testCommandLine() throws {
        let file = try path("collide_cp1252")
        let failed = try CommandLine.run(["estimate", "mean", "score", "--by", "by", "--data", file, "--format", "csv"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(failed.stderr.split(separator: "\n").count, 1, failed.stderr)
        XCTAssert(failed.stderr.contains("--encoding windows-1252") && !failed.stderr.contains("\u{FFFD}"), failed.stderr)
        let run = try CommandLine.run(["estimate", "mean", "score", "--by", "by", "--data", file, "--format", "csv", "--encoding", "windows-1252"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssert(run.stdout.contains("score,mean,Sæby,,32,1.58113883") && run.stdout.contains("score,mean,Søby,,11,0.79056941"), run.stdout)
        let bad = try CommandLine.run(["estimate", "mean", "score", "--data", file, "--encoding", "ebcdic"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }
}
