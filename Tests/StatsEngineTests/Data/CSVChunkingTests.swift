import Foundation
import XCTest
@testable import StatsEngine

/// The parallel reader gives the same table (or the same error) at any size and chunking: the
/// chunk splitter follows the tokenizer's quoting rule, so a stray quote inside an unquoted
/// field (`ab"c`) cannot put a boundary inside a quoted field (shared case f11).
final class CSVChunkingTests: XCTestCase {
    /// What a parse gave: the table's columns as comparable text, or the error.
    private func outcome(_ bytes: [UInt8], chunkSize: Int?) -> String {
        var options = CSVOptions()
        options.chunkSize = chunkSize
        do {
            let table = try CSVReader.parse(bytes, source: "t.csv", options: options)
            return zip(table.names, table.columns).map { name, column in
                switch column {
                case .numeric(let c): return "\(name) numeric \(c.values.map { $0.isNaN ? "NA" : "\($0)" })"
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
    /// `fuzz/corpus/CSVReaderFuzz/lone-carriage-return.csv`) is a character of its field on
    /// both the numeric fast path and the general path, so the record is read the same whether
    /// its column is still numeric (a small chunk) or has turned text (the whole file); before,
    /// the fast path ended the record there and the general path did not.
    func testLoneCarriageReturnIsReadTheSameOnEveryPath() throws {
        let text = "id,x,y\n" + (0..<20).map { "\($0),\($0).5,a" }.joined(separator: "\n") + "\n20,1.96\r,b\n21,t,c\n"
        let bytes = Array(text.utf8)
        let whole = outcome(bytes, chunkSize: nil)
        for size in [1, 7, 30, 64] { XCTAssertEqual(outcome(bytes, chunkSize: size), whole, "chunks of \(size)") }
        let table = try CSVReader.parse(bytes, source: "t.csv")
        guard case .categorical(let x) = try table.column("x") else { return XCTFail("x is text") }
        XCTAssertEqual(x.levels[Int(x.codes[20])], "1.96\r")
        // CRLF still ends lines, after numbers and quoted fields alike.
        let crlf = try CSVReader.parse(Array("a,b\r\n1,\"q\"\r\n2.5,r\r\n".utf8), source: "t.csv")
        XCTAssertEqual(try crlf.numeric("a"), [1, 2.5])
    }

    /// Random RFC 4180 files — quoted fields with delimiters, doubled quotes, CRLF and newlines,
    /// stray quotes inside unquoted fields, the odd malformed record — parsed whole and in
    /// chunks of a few bytes give the same table or the same error.
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
}
