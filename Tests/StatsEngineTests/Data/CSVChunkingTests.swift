import Foundation
import XCTest
@testable import StatsEngine

/// The parallel reader gives the same table (or the same error) at any size and chunking: the
/// chunk splitter follows the tokenizer's quoting rule, so a stray quote inside an unquoted
/// field (`ab"c`) cannot put a boundary inside a quoted field (shared case f11).
final class CSVChunkingTests: XCTestCase {
    /// What a parse gave: the table's columns (with their decimal places) as comparable text,
    /// or the error.
    private func outcome(_ bytes: [UInt8], options: CSVOptions = CSVOptions(), chunkSize: Int?) -> String {
        var options = options
        options.chunkSize = chunkSize
        do {
            let table = try CSVReader.parse(bytes, source: "t.csv", options: options)
            return zip(table.names, table.columns).map { name, column in
                switch column {
                case .numeric(let c): return "\(name) numeric \(c.decimals.map(String.init) ?? "-") \(c.values.map { $0.isNaN ? "NA" : "\($0)" })"
                case .categorical(let c): return "\(name) text \(c.codes.map { $0 < 0 ? "NA" : c.levels[Int($0)] })"
                }
            }.joined(separator: "\n")
        } catch {
            return "error: \(error)"
        }
    }

    /// The f11 file: line 3 holds `ab"c`, every 997th record a quoted two-line field.
    private func f11(rows: Int) -> [UInt8] {
        var text = "id,name,score\n"
        for i in 0..<rows {
            let name = i == 1 ? "ab\"c" : i % 997 == 0 ? "\"two\nlines\"" : "n\(i % 7)"
            text += "\(i),\(name),\(Double(i % 100) + 0.5)\n"
        }
        return Array(text.utf8)
    }

    func testStrayQuoteParsesTheSameAtAnySize() throws {
        let small = f11(rows: 3_000), big = f11(rows: 220_000)
        XCTAssertLessThan(small.count, 70_000)
        XCTAssertGreaterThan(big.count, 3_000_000)
        let table = try CSVReader.parse(big, source: "big.csv")
        XCTAssertEqual(table.rowCount, 220_000)
        guard case .categorical(let names) = try table.column("name") else { return XCTFail("name is text") }
        XCTAssertEqual(names.levels[Int(names.codes[1])], "ab\"c")
        XCTAssertEqual(names.levels[Int(names.codes[997])], "two\nlines")
        // The 60 KB content and the same content split in small chunks give the same table.
        XCTAssertEqual(outcome(small, chunkSize: nil), outcome(small, chunkSize: 500))
        XCTAssertEqual(outcome(big, chunkSize: nil), outcome(big, chunkSize: 4_096))
        XCTAssertEqual(outcome(big, chunkSize: .max), outcome(big, chunkSize: nil))
    }

    /// A lone carriage return inside a line (found by CSVReaderFuzz, kept as
    /// `fuzz/corpus/CSVReaderFuzz/lone-carriage-return.csv`) is read the same whether its column
    /// is still numeric (a small chunk) or has turned text (the whole file); once the fast path
    /// ended the record there and the general path did not. It ends its line, as in R's read.csv
    /// (`CSVReader.carriageReturnLines`), so the record it cuts short is an error at its line.
    func testLoneCarriageReturnIsReadTheSameOnEveryPath() throws {
        let text = "id,x,y\n" + (0..<20).map { "\($0),\($0).5,a" }.joined(separator: "\n") + "\n20,1.96\r,b\n21,t,c\n"
        let bytes = Array(text.utf8)
        let whole = outcome(bytes, chunkSize: nil)
        for size in [1, 7, 30, 64] { XCTAssertEqual(outcome(bytes, chunkSize: size), whole, "chunks of \(size)") }
        XCTAssertThrowsError(try CSVReader.parse(bytes, source: "t.csv")) {
            XCTAssert("\($0)".hasPrefix("t.csv:22: 2 fields where the header has 3"), "\($0)")
        }
        // CRLF still ends lines, after numbers and quoted fields alike.
        let crlf = try CSVReader.parse(Array("a,b\r\n1,\"q\"\r\n2.5,r\r\n".utf8), source: "t.csv")
        XCTAssertEqual(try crlf.numeric("a"), [1, 2.5])
    }

    /// Random RFC 4180 files — quoted fields with delimiters, doubled quotes, CRLF and newlines,
    /// stray quotes inside unquoted fields, the odd malformed record — parsed whole and in
    /// chunks of a few bytes give the same table or the same error.
    /// Chunks write their numbers straight into the table's columns, leaving room for one
    /// record per line; blank lines (and line breaks inside quotes) leave gaps that must be
    /// closed up, in files with a column storage each and in wider ones written into one block.
    func testBlankLinesAndWideFilesReadTheSameInAnyChunking() throws {
        for width in [3, NumericStorage.nestingLimit + 5] {
            var text = (0..<width).map { "c\($0)" }.joined(separator: ",") + "\n\n"
            for r in 0..<40 {
                text += (0..<width).map { c in c == 1 ? (r % 9 == 0 ? "\"t\nx\"" : "t\(r % 3)") : "\(r * width + c)" }.joined(separator: ",")
                text += r % 4 == 0 ? "\n\n\r\n" : "\n"
            }
            let bytes = Array(text.utf8)
            let whole = outcome(bytes, chunkSize: .max)
            for size in [1, 5, 64, 300] { XCTAssertEqual(outcome(bytes, chunkSize: size), whole, "width \(width), chunks of \(size)") }
            let table = try CSVReader.parse(bytes, source: "t.csv", options: { var o = CSVOptions(); o.chunkSize = 7; return o }())
            XCTAssertEqual(table.rowCount, 40)
            XCTAssertEqual(try table.numeric("c\(width - 1)"), (0..<40).map { Double($0 * width + width - 1) })
            XCTAssertEqual(try table.categorical("c1").levels, ["t\nx", "t0", "t1", "t2"])
        }
    }

    func testRandomFilesParseTheSameInAnyChunking() {
        var generator = SplitMix64(seed: 20_251_129)
        let pieces = ["1", "2.5", "-3", "x", "a\"b", "\"q,1\"", "\"two\nlines\"", "\"say \"\"hi\"\"\"", "", "NA", "\"\"", "b\"\"", "\"\"\"\""]
        var differing = 0
        for trial in 0..<300 {
            let columns = Int(generator.next() % 4) + 1
            var text = (1...columns).map { "c\($0)" }.joined(separator: ",") + "\n"
            let rows = Int(generator.next() % 40) + 1
            for _ in 0..<rows {
                let fields = (0..<columns).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                text += fields.joined(separator: ",") + (generator.next() % 5 == 0 ? "\r\n" : "\n")
            }
            if trial % 10 == 0 { text += "\"unterminated,1\n" }
            let bytes = Array(text.utf8)
            let whole = outcome(bytes, chunkSize: .max)
            for size in [1, 3, 7, 16] where outcome(bytes, chunkSize: size) != whole {
                differing += 1
                XCTFail("trial \(trial), chunks of \(size) bytes differ from one chunk:\n\(text)")
                break
            }
            if differing > 3 { break }
        }
    }

    /// Fails unless `bytes` read whole give what they give in chunks of every size 1…64;
    /// returns the whole read's outcome.
    @discardableResult
    private func assertSameInEveryChunking(_ bytes: [UInt8], options: CSVOptions, _ label: String,
                                           file: StaticString = #filePath, line: UInt = #line) -> String {
        let whole = outcome(bytes, options: options, chunkSize: nil)
        for size in 1...64 {
            let split = outcome(bytes, options: options, chunkSize: size)
            if split != whole {
                XCTFail("\(label): chunks of \(size) bytes differ from the whole read:\n\(whole.prefix(400))\n---\n\(split.prefix(400))", file: file, line: line)
                break
            }
        }
        return whole
    }

    /// The options CSVReaderFuzz reads an input's bytes after the first with, chosen by that
    /// first byte (delimiter, decimal comma, encoding, missing codes).
    private func fuzzOptions(_ selector: UInt8) -> CSVOptions {
        CSVOptions(delimiter: [nil, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")][Int(selector & 3)],
                   decimalComma: [nil, true, false][Int(selector >> 2) % 3],
                   encoding: selector & 0x20 == 0 ? .utf8 : .windows1252,
                   missingCodes: selector & 0x40 == 0 ? [] : ["9999", "ved ikke"])
    }

    /// Reads a CSVReaderFuzz input as the fuzzer does: whole with the default options, and
    /// without its first byte with the options that byte selects.
    private func assertFuzzInputSameInEveryChunking(_ base64: String, _ label: String,
                                                    file: StaticString = #filePath, line: UInt = #line) -> (String, String) {
        let bytes = Array(Data(base64Encoded: base64)!)
        let plain = assertSameInEveryChunking(bytes, options: CSVOptions(), "\(label), default options", file: file, line: line)
        let chosen = assertSameInEveryChunking(Array(bytes.dropFirst()), options: fuzzOptions(bytes[0]), "\(label), chosen options",
                                               file: file, line: line)
        return (plain, chosen)
    }

    /// `fuzz/corpus/CSVReaderFuzz/chunked-read-differs.bin` (windows-1252, decimal comma, comma
    /// delimiter): whole, `1.07-6` turned `grp` to text before line 23, but a chunk starting
    /// there still read `grp` and `x` as numbers, and the numeric fast path took the decimal
    /// comma in `4,1` for a mark, reading two cells as 4.1 ("4 fields where the header has 5").
    func testDecimalCommaBetweenFieldsFuzzInput() {
        let input = "cHN1LGdycCx4LHksdw0KcDAsMCwwLjE4OSwwLDEuNg0KcDAsMSwtMC40MTMsMSwxLjE4DQpwMCwwLDEuOCwwLDIuNDYNCnAwLDEsLTAuMzI1LDEsMS4xMQ0KcDEsMCwwLjI4MSwwLDIuMzENCnAxLDEsMC45NzgsMSwxLjMNCnAxLDAsLTAuMzI5LDAsMi4zNA0KcDEsMSwwLjQ1NSwxLDIuMjcNCnAyLDAsMC41NDUsMCwyLjM3DQpwMiwxLDAuMTI3LDEsMS4zNw0KcDIsMCwwLjg0MSwwLDIuMDINCnAyLDEsMC4zMzEsMSwyLjU1DQpwMywwLC0xLjAxMSwwLDIuODUNCnAzLDEsMi4wNTcsKgAAAAAAAAAxLDIuMzkNCnAzLDAsLTEuNzI5LDAsMS4yMQ0KcDMsMSwwLjg0MSwxLDIuNzcNCnA0LDAsMS4wNzgsMCwyLjcNCnA0LDEsMC4yMTEsMSwxLjgxDQpwNCwwLC0wLjE3LDAsMi4xOQ0KcDQsMSwtMS4xMywxLDEuODgNCnA1LDAsMC4yNDMsMCwyLjIzDQpwNSwxLjA3LTYsNCwxLDIuMA0KcDUsMCwtMC41NjMsMCwxLjY4DQpwNSwxLC0wLjIzNSwxLDEuNDMNCnA2LDAsLTEuODczLDAsMS4wOA0KcDYsMSwxLjAzNSwxLDEuOTENCnA2LDAsMC4xNTQsMCwyLjY3DQpwNiwxLDAuMDg4LDEsMi45NQ0KcDcsMCwyLjM3NSwwLDIuNTMNCnA3LDEsLTAuMjgsMSwxLjM5DQpwNywwLDAuNjQ4LDAsMS4zNg0KcDcsMSwtMC4xNzksMSwxLjA0DQpwOCwwLDAuNjUsMCwxLn8NCnA4LDEsLTEuNTMsMSwxLjk4DQpwOCwwLDEuMTk5LDAsMi4wMQ0KcDgsMSwxLjUxLDEsMi41DQpwOSwwLC0wLjc0MiwwLDIuMjMNCnA5LDEsLTAuMDc3LDEsMi45Mw0KcDksMCwtMC40NDIsMCwyLjM4DQpwOSwxLDAuMzU0LDEsMS4wOA0K"
        // Its NUL bytes (in a `y` cell on line 15) are refused in every chunking alike…
        let (_, chosen) = assertFuzzInputSameInEveryChunking(input, "chunked-read-differs.bin")
        XCTAssertEqual(chosen, "error: t.csv:15, column 'y': a NUL byte (0x00) in a text cell: the file is not plain text in its encoding (check --encoding)")
        // …and with them turned to `*` the file reads, the same in every chunking.
        let starred = Data(Data(base64Encoded: input)!.map { $0 == 0 ? 0x2A : $0 }).base64EncodedString()
        let (_, read) = assertFuzzInputSameInEveryChunking(starred, "chunked-read-differs.bin, NULs as *")
        XCTAssertFalse(read.hasPrefix("error"), read)
    }

    /// `fuzz/corpus/CSVReaderFuzz/field-count-wording.bin`: line 11 (`p1,329,0,2.38`) has 4
    /// fields; whole, `grp` was text and the error said so, while a chunk holding the line read
    /// `329,0` as one number under the decimal comma and said "3 fields".
    func testFieldCountWordingFuzzInput() {
        let (_, chosen) = assertFuzzInputSameInEveryChunking(
            "cHN1LGdycCx4LHksdw0KcDAsMCwwLjE4PTkoMCwxLiwyLjI3DQpwMiwwLDAuNTQ1LDAsMi4zNw0KcDIwLDEsLTAuMzI1LC4sMS40Ng0KcDAsMSwtMC4HBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwczMjUsLiwxMTExDQpwMSwwLDAuMjgxLDAsMi4yLjM3DQpwMjAsMSwtMC4zMjUsLiwxLjQ2DQpwMCwxLC0wLjMyNSwuLDExMTENCnAxLDU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTXhNTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1MCwwLjI4MSwwLDIuMzENCnAxLDEsMC45NzgsMSwxLjMNCnAxLDMyOSwwLDIuMzgNCjMxDQpwMSwxLDAuOTc4LDEsMS4zDQpwMSwzMjksMCwyLjM4DQpwOSwxLDAuMzU0LDEsMS4wOA0K",
            "field-count-wording.bin")
        XCTAssertEqual(chosen, "error: t.csv:11: 4 fields where the header has 5")
    }

    /// With the decimal comma and the comma as delimiter, an unquoted `1,5` is two cells
    /// (a delimiter always ends an unquoted field) and a quoted `"1,5"` is 1.5, on the numeric
    /// fast path and the general path alike.
    func testDecimalCommaThatIsAlsoTheDelimiter() throws {
        let options = CSVOptions(delimiter: UInt8(ascii: ","), decimalComma: true)
        let table = try CSVReader.parse(Array("a,b\n1,5\n\"2,25\",3\n".utf8), source: "t.csv", options: options)
        XCTAssertEqual(try table.numeric("a"), [1, 2.25])
        XCTAssertEqual(try table.numeric("b"), [5, 3])
        XCTAssertThrowsError(try CSVReader.parse(Array("a,b,c\nx,1,2\n4,1\n".utf8), source: "t.csv", options: options)) { error in
            XCTAssertEqual("\(error)", "t.csv:3: 2 fields where the header has 3")
        }
    }

    /// A numeric missing code is missing on every path and adds no decimal places to its
    /// column, whether the fast path or the general one read it.
    func testNumericMissingCodeCountsNoDecimals() throws {
        let options = CSVOptions(missingCodes: ["-9.999"])
        let table = try CSVReader.parse(Array("a,b\n1.5,-9.999\n-9.999,2\n\" -9.999\",3\n".utf8), source: "t.csv", options: options)
        guard case .numeric(let a) = try table.column("a"), case .numeric(let b) = try table.column("b") else { return XCTFail("numeric") }
        XCTAssertEqual(a.decimals, 1)
        XCTAssertEqual(b.decimals, 0)
        XCTAssertEqual(a.values.filter(\.isNaN).count, 2)
    }

    /// A family around the two fuzz inputs: every delimiter with either decimal mark, in
    /// UTF-8, Windows-1252 and Latin-1 (text cells with bytes above 0x7F), numeric missing
    /// codes, columns that turn to text at any record, quoted numbers holding the delimiter,
    /// CRLF, blank lines and the odd record with a field too few or too many — each read whole
    /// and in chunks of 1…64 bytes gives the same table or the same error.
    func testDelimiterDecimalAndEncodingFamilyParsesTheSameInAnyChunking() {
        var generator = SplitMix64(seed: 20_261_129)
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        for trial in 0..<150 {
            let delimiter = pick([UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")])
            let decimalComma = pick([true, false])
            let encoding = pick([TextEncoding.utf8, .windows1252, .latin1])
            let options = CSVOptions(delimiter: delimiter, decimalComma: decimalComma, encoding: encoding,
                                     missingCodes: pick([[], ["9999", "ved ikke"], ["-9,5", "-9.5"]]))
            let d = String(UnicodeScalar(delimiter))
            let numbers = ["0", "1", "-2", "4,1", "3.25", "329,0", "1.07-6", "1e3", "9999", "-9,5", "-9.5", "", "NA", ".", " 7 ", "5,"]
            let texts = encoding == .utf8 ? ["x", "ved ikke", "æble"] : ["x", "ved ikke", "\u{E6}ble"]
            let columns = Int(generator.next() % 4) + 2
            var lines = [(1...columns).map { "c\($0)" }.joined(separator: d)]
            let rows = Int(generator.next() % 30) + 1
            let textAt = (0..<columns).map { _ in Int(generator.next() % UInt64(rows + 5)) }
            for r in 0..<rows {
                var fields = (0..<columns).map { c -> String in
                    let cell = r == textAt[c] ? pick(texts) : pick(numbers)
                    return cell.contains(d) || generator.next() % 9 == 0 ? "\"\(cell)\"" : cell
                }
                if generator.next() % 60 == 0 { fields.removeLast() }
                if generator.next() % 60 == 0 { fields.append("1") }
                lines.append(fields.joined(separator: d) + (generator.next() % 4 == 0 ? "\r" : ""))
                if generator.next() % 25 == 0 { lines.append("") }
            }
            let text = lines.joined(separator: "\n") + "\n"
            let bytes: [UInt8] = encoding == .utf8 ? Array(text.utf8) : text.unicodeScalars.map { UInt8($0.value) }
            assertSameInEveryChunking(bytes, options: options, "trial \(trial) (\(encoding), decimal comma \(decimalComma)):\n\(text)")
        }
    }
}
