import XCTest
@testable import StatsEngine

/// The reader takes a record's numeric cells in runs (`ChunkColumns.consumeFields`): a run stops
/// at any cell that is not a plain number (missing, quoted, text, a skipped column, the line's
/// end) and the cells after it are read as when each is read alone. The files end in padding
/// rows so that their numbers are far enough from the end for the word-at-a-time reading.
final class NumericRunTests: XCTestCase {
    /// Rows that keep the tested rows' numbers away from the end of the data.
    private static let padding = String(repeating: "0,0,0,0,0\n", count: 8)

    /// `text` read in chunks of `chunkSize` bytes (16: about a record each).
    private func read(_ text: String, options: CSVOptions = CSVOptions(), columns: ColumnSelection = .all, chunkSize: Int = 16) throws -> Table {
        var options = options
        options.chunkSize = chunkSize
        return try CSVReader.parse(Array(text.utf8), source: "t.csv", options: options, columns: columns)
    }

    /// The first `count` values of a numeric column, NaN written as nil.
    private func numbers(_ t: Table, _ name: String, count: Int = 3) throws -> [Double?] {
        try t.numeric(name).prefix(count).map { $0.isNaN ? nil : $0 }
    }

    func testRunsStopAtMissingQuotedAndLongCellsAndGoOnAfterThem() throws {
        let t = try read("a,b,c,d,e\n1,2,,4,5\n6,\"7\",NA,9,10\n11,12,13,-14.5,1e2\n" + Self.padding)
        XCTAssertEqual(try numbers(t, "a"), [1, 6, 11])
        XCTAssertEqual(try numbers(t, "b"), [2, 7, 12])
        XCTAssertEqual(try numbers(t, "c"), [nil, nil, 13])
        XCTAssertEqual(try numbers(t, "d"), [4, 9, -14.5])
        XCTAssertEqual(try numbers(t, "e"), [5, 10, 100])
        XCTAssertEqual(try t.numericColumn("d").decimals, 1)
    }

    func testRunsStopAtTextAndSkippedColumns() throws {
        let text = "a,b,c,d,e\n1,x,3,4,5\n6,y,8,9,10\n" + Self.padding
        let t = try read(text)
        XCTAssertEqual(try numbers(t, "a", count: 2), [1, 6])
        let b = try t.categorical("b")
        XCTAssertEqual(b.codes.prefix(2).map { b.levels[Int($0)] }, ["x", "y"])
        XCTAssertEqual(try numbers(t, "c", count: 2), [3, 8])
        let selected = try read(text, columns: ColumnSelection(["a", "d", "e"]))
        XCTAssertEqual(selected.names, ["a", "d", "e"])
        XCTAssertEqual(try numbers(selected, "d", count: 2), [4, 9])
        XCTAssertEqual(try numbers(selected, "e", count: 2), [5, 10])
    }

    func testRunsEndAtCarriageReturnsAndCheckTheFieldCount() throws {
        let t = try read("a,b,c,d,e\r\n1,2,3,4,5\r\n6,7,8,9,10\r\n" + Self.padding)
        XCTAssertEqual(try numbers(t, "e", count: 2), [5, 10])
        XCTAssertThrowsError(try read("a,b,c,d,e\n1,2,3,4,5,6\n" + Self.padding)) {
            XCTAssert("\($0)".contains("t.csv:2"), "\($0)")
            XCTAssert("\($0)".contains("more fields than the header's 5"), "\($0)")
        }
        XCTAssertThrowsError(try read("a,b,c,d,e\n1,2,3,4\n" + Self.padding)) {
            XCTAssert("\($0)".contains("4 fields where the header has 5"), "\($0)")
        }
    }

    func testNumericMissingCodesAndDecimalMarksInRuns() throws {
        let coded = try read("a,b,c,d,e\n1,9999,3.25,9999.0,5\n" + Self.padding, options: CSVOptions(missingCodes: ["9999"]))
        XCTAssertEqual(try numbers(coded, "b", count: 1), [nil])
        XCTAssertEqual(try numbers(coded, "c", count: 1), [3.25])
        XCTAssertEqual(try numbers(coded, "d", count: 1), [nil])
        XCTAssertEqual(try coded.numericColumn("d").decimals, 0)
        let semicolons = try read("a;b;c;d;e\n1,5;2;3,25;4;5\n" + Self.padding.replacingOccurrences(of: ",", with: ";"))
        XCTAssertEqual(try numbers(semicolons, "a", count: 1), [1.5])
        XCTAssertEqual(try numbers(semicolons, "c", count: 1), [3.25])
        // With the comma as both the delimiter and the decimal mark, `4,1` is two cells.
        let commas = try read("a,b,c,d,e\n4,1,2,3,5\n" + Self.padding, options: CSVOptions(decimalComma: true))
        XCTAssertEqual(try numbers(commas, "a", count: 1), [4])
        XCTAssertEqual(try numbers(commas, "b", count: 1), [1])
    }

    /// A text column's cells that repeat one of its first 16 levels of under 16 bytes are matched
    /// inside the run (`ChunkColumns.knownLevel`, by the cell's two words and length): levels that
    /// share their first word or are prefixes of each other stay apart, a carriage return before
    /// the line feed is not part of the last cell (a lone one ends its line, as in R, so no cell
    /// holds one), a quoted cell is the same level, and the numbers after the text cell are read on.
    func testKnownLevelsOfATextColumnAreMatchedInsideTheRun() throws {
        let levels = ["upper", "up", "up2", "abcdefgh1", "abcdefgh2", "abcdefghijklmno", "abcdefghijklmnop", "x y"]
        var rows: [String] = []
        for r in 0..<28 {
            let level = levels[r % levels.count]
            rows.append("\(r),\(r % 5 == 4 ? "\"\(level)\"" : level),\(r).5,\(levels[(r + 3) % levels.count])")
        }
        let text = "a,g,b,h\r\n" + rows.joined(separator: "\r\n") + "\r\n" + Self.padding.replacingOccurrences(of: "0,0,0,0,0", with: "0,upper,0,up")
        // One chunk, so that the levels of its first rows are known in the later ones.
        let t = try read(text, chunkSize: 1 << 20)
        let g = try t.categorical("g"), h = try t.categorical("h")
        XCTAssertEqual(g.codes.prefix(28).map { g.levels[Int($0)] }, (0..<28).map { levels[$0 % levels.count] })
        XCTAssertEqual(h.codes.prefix(28).map { h.levels[Int($0)] }, (0..<28).map { levels[($0 + 3) % levels.count] })
        XCTAssertEqual(try numbers(t, "b", count: 28), (0..<28).map { Double($0) + 0.5 })
        XCTAssertEqual(try numbers(t, "a", count: 28), (0..<28).map { Double($0) })
    }

    /// Once a text column has more than 16 levels its cells are no longer matched in the run,
    /// and every cell still gets its own level.
    func testTextColumnsOfManyLevelsAreReadCellByCell() throws {
        let rows = (0..<40).map { "\($0),l\($0 % 20),\($0)" }.joined(separator: "\n")
        let t = try read("a,g,b\n" + rows + "\n" + Self.padding.replacingOccurrences(of: "0,0,0,0,0", with: "0,l0,0"), chunkSize: 1 << 20)
        let g = try t.categorical("g")
        XCTAssertEqual(g.codes.prefix(40).map { g.levels[Int($0)] }, (0..<40).map { "l\($0 % 20)" })
        XCTAssertEqual(try numbers(t, "b", count: 40), (0..<40).map { Double($0) })
    }
}
