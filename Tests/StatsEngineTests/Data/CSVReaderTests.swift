import XCTest
@testable import StatsEngine

final class CSVReaderTests: XCTestCase {
    private func read(_ text: String, _ options: CSVOptions = CSVOptions()) throws -> Table {
        try CSVReader.parse(Array(text.utf8), source: "t.csv", options: options)
    }

    private func numbers(_ t: Table, _ name: String) throws -> [Double?] {
        try t.numeric(name).map { $0.isNaN ? nil : $0 }
    }

    private func labels(_ t: Table, _ name: String) throws -> [String?] {
        let c = try t.categorical(name)
        return c.codes.map { $0 < 0 ? nil : c.levels[Int($0)] }
    }

    private func assertError(_ text: String, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try read(text), file: file, line: line) { error in
            let message = (error as? DisparityError)?.message ?? "\(error)"
            XCTAssert(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), "one line", file: file, line: line)
        }
    }

    func testTypesAndMissingTokens() throws {
        let t = try read("a,b,c\n1,x,\n2.5,NA,.\nNA,y,3e2\n")
        XCTAssertEqual(t.rowCount, 3)
        XCTAssertEqual(try numbers(t, "a"), [1, 2.5, nil])
        XCTAssertEqual(try labels(t, "b"), ["x", nil, "y"])
        XCTAssertEqual(try numbers(t, "c"), [nil, nil, 300])
    }

    func testSemicolonWithDecimalCommaAndBOM() throws {
        let t = try read("\u{FEFF}navn;løn;vægt\nÆble;12,5;1\nØst;-0,25;2\n")
        XCTAssertEqual(t.names, ["navn", "løn", "vægt"])
        XCTAssertEqual(try numbers(t, "løn"), [12.5, -0.25])
        XCTAssertEqual(try labels(t, "navn"), ["Æble", "Øst"])
    }

    func testDecimalOverride() throws {
        let t = try read("a;b\n1.5;2\n", CSVOptions(decimalComma: false))
        XCTAssertEqual(try numbers(t, "a"), [1.5])
    }

    func testTabDelimiterDetected() throws {
        let t = try read("a\tb\n1\t2\n")
        XCTAssertEqual(try numbers(t, "b"), [2])
    }

    func testQuotedFieldsWithDelimitersNewlinesAndDoubledQuotes() throws {
        let t = try read("id,text,v\n1,\"a, b\",1\n2,\"line\nbreak\",2\n3,\"say \"\"hi\"\"\",3\r\n4,\"\",4")
        XCTAssertEqual(try labels(t, "text"), ["a, b", "line\nbreak", "say \"hi\"", nil])
        XCTAssertEqual(try numbers(t, "v"), [1, 2, 3, 4])
    }

    func testCategoricalLevelsSortNumericallyWhenAllAreNumbers() throws {
        let t = try read("g,h\n10,b\n2,a\nx,c\n")
        XCTAssertEqual(try t.categorical("h").levels, ["a", "b", "c"])
        XCTAssertEqual(LevelOrder.sorted(["10", "2", "1.5"]), ["1.5", "2", "10"])
        XCTAssertEqual(try labels(t, "g"), ["10", "2", "x"])
    }

    func testExactNumberParsing() throws {
        let cells = ["0.1", "123456789012345678", "1e-300", "-2.2250738585072014e-308", "9007199254740993", "3.141592653589793238462643"]
        let t = try read("x\n" + cells.joined(separator: "\n") + "\n")
        XCTAssertEqual(try t.numeric("x"), cells.map { Double($0)! })
    }

    /// Plain decimals, up to 15 places and mantissas up to 2^53 (the word-at-a-time path),
    /// read as `Double(String)` reads them, bit for bit: the quotient by a power of ten is
    /// correctly rounded (m·10^−k, a product by the rounded 10^−k, is an ulp off for about a
    /// quarter of these).
    func testPlainDecimalsAreCorrectlyRounded() throws {
        var rng = SplitMix64(seed: 71)
        let cells: [String] = (0..<60_000).map { i in
            let places = 1 + i % 15
            // Mantissas of every length up to 16 digits, below 2^53.
            let digits = 1 + (i / 15) % 16
            var m = rng.next() % UInt64(pow(10, Double(digits)).rounded())
            if m >= 1 << 53 { m >>= 1 }
            var text = String(m)
            if text.count <= places { text = String(repeating: "0", count: places - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -places))
            return i % 7 == 0 ? "-" + text : text
        }
        let t = try read("x\n" + cells.joined(separator: "\n") + "\n")
        let wrong = zip(cells, try t.numeric("x")).filter { $1.bitPattern != Double($0)!.bitPattern }
        XCTAssertEqual(wrong.count, 0, "first: \(wrong.prefix(5).map { "\($0.0) read as \($0.1)" })")
    }

    /// A column that is numeric for many chunks and turns to text late must keep every cell's
    /// original text, in every chunk.
    func testColumnTurningToTextAcrossChunks() throws {
        var text = "id,code\n"
        for i in 0..<300_000 { text += "\(i),\(i % 7)\n" }
        text += "300000,unknown\n"
        let t = try read(text)
        XCTAssertEqual(t.rowCount, 300_001)
        let codes = try labels(t, "code")
        XCTAssertEqual(codes[0], "0")
        XCTAssertEqual(codes[123_456], "\(123_456 % 7)")
        XCTAssertEqual(codes.last!, "unknown")
        XCTAssertEqual(try t.categorical("code").levels, ["0", "1", "2", "3", "4", "5", "6", "unknown"])
        XCTAssertEqual(try t.numeric("id")[299_999], 299_999)
    }

    func testMalformedFilesFailWithLineNumbers() {
        assertError("", contains: "empty")
        assertError("a,b\n", contains: "no data rows")
        assertError("a,b\n1,2\n3\n", contains: "t.csv:3")
        assertError("a,b\n1,2\n3,4,5\n", contains: "t.csv:3")
        assertError("a,b\n1,2\n\"3,4\n", contains: "unterminated quoted field")
        assertError("a,a\n1,2\n", contains: "twice")
    }

    /// Blank lines are skipped in a file of one column too, as R's `read.csv` skips them: they
    /// are not missing rows that would change n and the standard error (1 here, R's value).
    func testBlankLinesAreSkippedInAOneColumnFile() throws {
        for text in ["x\n1\n3\n", "x\n1\n3\n\n", "x\n\n1\r\n\r\n3\n\n\n", "x\n1\n\n3"] {
            let t = try read(text)
            XCTAssertEqual(try t.numeric("x"), [1, 3], text)
            let design = try SurveyDesign(spec: DesignSpec(), table: t)
            let row = try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: .mean, variable: "x"))[0]
            XCTAssertEqual(row.standardError ?? 0, 1, accuracy: 1e-15)
        }
        XCTAssertEqual(try read("x\n1\nNA\n\"\"\n.\n3\n").numeric("x").map(\.isNaN), [false, true, true, true, false])
        // Blank lines before the header too, as R and pandas skip them.
        XCTAssertEqual(try read("\n\r\n\nx,y\n1,2\n").numeric("y"), [2])
    }

    /// A file whose lines end in carriage returns alone (classic Mac OS, Excel for Mac's old
    /// "CSV") is read line by line, as R's read.csv reads it: it was one line, its header every
    /// cell of the file ('has a header but no data rows', or a column name twice). Blank lines
    /// are skipped, line numbers are the editor's (in chunks of every size), and a line break
    /// inside a quoted field is one in the cell (a line feed, as in R), counted as a line. In a
    /// file with line feeds CRLF is a line end, and a lone CR is one too, as in R (it was a
    /// character of its field, so a record it ended ran on into the next line's cells).
    func testCarriageReturnLineEnds() throws {
        for chunkSize in [nil, 1, 7, 64] {
            var options = CSVOptions()
            options.chunkSize = chunkSize
            let t = try read("\rg,y,note\ra,1,\"two\rlines\"\r\rb,2,x\ra,3,y\r", options)
            XCTAssertEqual(t.names, ["g", "y", "note"])
            XCTAssertEqual(try labels(t, "g"), ["a", "b", "a"])
            XCTAssertEqual(try numbers(t, "y"), [1, 2, 3])
            XCTAssertEqual(try labels(t, "note"), ["two\nlines", "x", "y"])
            // Line 1 is blank, the header line 2, the first row lines 3 and 4, line 5 blank.
            XCTAssertEqual((0..<3).map(t.line(ofRow:)), [3, 6, 7], "chunk size \(chunkSize.map(String.init) ?? "default")")
            XCTAssertThrowsError(try read("a,b\r1,2\r3,x\r4,5", options).numeric("b")) { error in
                XCTAssert("\(error)".contains("t.csv:3, column 'b'"), "\(error)")
            }
        }
        // The file without a last line end, and the errors that name a line.
        XCTAssertEqual(try numbers(try read("a,b\r1,2\r3,4"), "b"), [2, 4])
        assertError("a,b\r1,2\r3\r", contains: "t.csv:3")
        assertError("a,b\r1,2\r\"3,4\r", contains: "unterminated quoted field")
        // The same in another encoding (transcoded first).
        var latin = CSVOptions(encoding: .latin1)
        latin.chunkSize = 7
        let transcoded = try CSVReader.parse([0x67, 0x0D, 0xE6, 0x0D, 0x62], source: "t.csv", options: latin)
        XCTAssertEqual(try labels(transcoded, "g"), ["æ", "b"])
        // Line feeds present: a CR before a LF ends the line with it, and a lone CR ends a line
        // too, as R's read.csv reads it (rows 1 2 / 3 4 / 5 6; in quotes a line feed, "x\ny").
        for chunkSize in [nil, 1, 7, 64] {
            var options = CSVOptions()
            options.chunkSize = chunkSize
            let mixed = try read("a,b\n1,2\r3,4\r\n5,6\n", options)
            XCTAssertEqual(try numbers(mixed, "a"), [1, 3, 5])
            XCTAssertEqual(try numbers(mixed, "b"), [2, 4, 6])
            XCTAssertEqual((0..<3).map(mixed.line(ofRow:)), [2, 3, 4])
            XCTAssertEqual(try labels(try read("a,b\n1,\"x\ry\"\n2,z\r\n", options), "b"), ["x\ny", "z"])
            // A CRLF in quotes is a line feed too, in a file of line feeds or of CRLFs, beside
            // doubled quotes (R's read.csv: "a\nb"; it was kept as "a\r\nb", another label).
            for file in ["g,y\n\"a\r\nb\",1\n\"c\",2\n\"a\r\nb\",3\n", "g,y\r\n\"a\r\nb\",1\r\n\"c\",2\r\n\"a\r\nb\",3\r\n"] {
                let quoted = try read(file, options)
                XCTAssertEqual(try labels(quoted, "g"), ["a\nb", "c", "a\nb"])
                XCTAssertEqual((0..<3).map(quoted.line(ofRow:)), [2, 4, 5])
            }
            XCTAssertEqual(try labels(try read("g,y\n\"say \"\"a\"\"\r\nb\",1\n", options), "g"), ["say \"a\"\nb"])
        }
        // A record a lone CR cuts short (R: a row "y", NA, and a column of text) is an error at
        // its line, never a value holding a carriage return.
        assertError("a,b\r\n1,x\ry\r\n2,z\n", contains: "t.csv:3: 1 field where the header has 2")
        XCTAssertThrowsError(try read("a,b\n1,2\r3,x\n4,5\n").numeric("b")) { XCTAssert("\($0)".hasPrefix("t.csv:3, column 'b'"), "\($0)") }
        // A CR ending the file is its last line's end, as before.
        XCTAssertEqual(try numbers(try read("a,b\n1,2\r"), "b"), [2])
    }

    /// Blank lines ending the file, each a LF, a CRLF or a carriage return alone, in any mix and
    /// after lines of any of the three, are skipped as R's read.csv (read.csv2 for `;`) skips
    /// them: 2 rows for every tail and body here, R's SE of the mean 0.5 (0.25 for 1.5 and 2).
    /// A last blank line of a lone CR was a record: in a file of one column a row without a
    /// value (SE 0.43301), with two columns '1 field where the header has 2'.
    func testBlankLinesEndingTheFileInAnyLineEnds() throws {
        let tails = ["\r\r", "\n\r", "\r\n\r", "\r\r\r", "\n\r\n\r", "\r\n\r\r\n", "\r\r\n", "\n\n\r", "\r\n\r\n\r",
                     "\r\n\n\r\r\n\r", "\r\n\r\n", "\n\n"]
        let bodies: [(text: String, y: [Double], se: Double)] = [
            ("y\r1\r2", [1, 2], 0.5), ("y,w\r1,1\r2,1", [1, 2], 0.5), ("y,w\n1,1\r\n2,1", [1, 2], 0.5),
            ("y,w\r\n1,1\r\n2,1", [1, 2], 0.5), ("y;w\r1,5;1\r2;1", [1.5, 2], 0.25), ("y\n1\n2", [1, 2], 0.5),
        ]
        for tail in tails {
            for body in bodies {
                for chunkSize in [nil, 1, 7, 64] {
                    let label = "\((body.text + tail).debugDescription), chunk size \(chunkSize.map(String.init) ?? "default")"
                    var options = CSVOptions()
                    options.chunkSize = chunkSize
                    let t: Table
                    do { t = try read(body.text + tail, options) } catch { XCTFail("\(label): \(error)"); continue }
                    XCTAssertEqual(t.rowCount, 2, label)
                    XCTAssertEqual(try numbers(t, "y"), body.y, label)
                    XCTAssertEqual((0..<t.rowCount).map(t.line(ofRow:)), [2, 3], label)
                    let design = try SurveyDesign(spec: DesignSpec(), table: t)
                    let row = try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: .mean, variable: "y"))[0]
                    XCTAssertEqual(row.standardError ?? 0, body.se, accuracy: 1e-15, label)
                }
            }
        }
    }

    func testUnknownAndNonNumericColumnsAreNamed() throws {
        let t = try read("a,b\n1,x\n")
        XCTAssertThrowsError(try t.numeric("zz")) { XCTAssert("\($0)".contains("'zz'")) }
        XCTAssertThrowsError(try t.numeric("b")) { XCTAssert("\($0)".contains("t.csv:2, column 'b'")) }
    }
}

/// A number that ends the data (no final newline) is read up to the data's end and no further,
/// whatever bytes follow in memory.
final class CSVBoundaryTests: XCTestCase {
    func testFastNumberPathStopsAtTheEndOfTheData() throws {
        let backing = Array("123456789".utf8)
        _ = try NumericStorage.columns(count: 1, rows: 1) { columns in
            backing.withUnsafeBufferPointer { buffer in
                let tokenizer = CSVTokenizer(bytes: buffer.baseAddress!, end: 3, delimiter: ASCII.comma, fieldCount: 1)
                var chunk = ChunkColumns(tokenizer: tokenizer, decimalComma: false, slots: [0], numbers: ColumnWriter(columns: columns, offset: 0, capacity: 1))
                XCTAssertEqual(chunk.consumeFields(record: 0, column: 0, at: 0)?.end, 3)
                XCTAssertEqual(chunk.numbers.value(record: 0, column: 0), 123)
            }
        }
    }

    func testLastNumberWithoutNewline() throws {
        let table = try CSVReader.parse(Array("a,b\n1,2\n3,4".utf8), source: "t.csv")
        XCTAssertEqual(try table.numeric("b"), [2, 4])
    }
}
