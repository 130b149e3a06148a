import Foundation

/// The columns of one chunk of records while it is being parsed: every column starts numeric
/// and turns to text at its first cell that is neither missing nor a number. Numbers are kept
/// row-major in one flat buffer (one append per cell, no per-column bookkeeping on the hot
/// path) and split into columns when the chunks are joined.
struct ChunkColumns: CSVVisitor {
    let bytes: UnsafePointer<UInt8>
    /// Where the chunk's bytes end: a number may not be read past it.
    let end: Int
    let delimiter: UInt8
    let decimalComma: Bool
    let width: Int
    /// Cell values, record by record; text columns hold a placeholder.
    var numbers: [Double] = []
    /// Per column: nil while numeric, else local codes into `levels` (-2 = not yet read).
    var codes: [[Int32]?]
    var levels: [[String]]
    var levelIndex: [[String: Int32]]
    /// Per column, each level's bytes as written (empty when written with escaped quotes).
    var levelBytes: [[[UInt8]]]
    /// Records before the column turned to text, whose text must be re-read.
    var textFrom: [Int]
    /// Per column: the most decimal places of any number (`Int.max` when not exact).
    var decimals: [Int]
    var recordCount = 0

    init(tokenizer: CSVTokenizer, decimalComma: Bool, expectedRecords: Int) {
        bytes = tokenizer.bytes
        end = tokenizer.end
        delimiter = tokenizer.delimiter
        self.decimalComma = decimalComma
        width = tokenizer.fieldCount
        numbers.reserveCapacity(expectedRecords * width)
        codes = Array(repeating: nil, count: width)
        levels = Array(repeating: [], count: width)
        levelIndex = Array(repeating: [:], count: width)
        levelBytes = Array(repeating: [], count: width)
        textFrom = Array(repeating: 0, count: width)
        decimals = Array(repeating: 0, count: width)
    }

    /// The fast path: a numeric column's unquoted cell that is a plain number.
    @inline(__always)
    mutating func consumeField(record: Int, column: Int, at position: Int) -> Int? {
        guard codes[column] == nil,
              let (value, stop) = NumberParser.parsePrefix(bytes, position, end, decimalComma: decimalComma,
                                                           delimiter: delimiter, decimals: &decimals[column])
        else { return nil }
        numbers.append(value)
        return stop
    }

    /// Every other cell: missing tokens, numbers with blanks or quotes, and text.
    mutating func visit(record: Int, column: Int, field: CSVField) {
        if codes[column] != nil {
            numbers.append(0)
            codes[column]!.append(code(of: field, column: column))
            return
        }
        if !field.hasEscapedQuotes, let v = NumberParser.parse(bytes, field.start, field.end, decimalComma: decimalComma, decimals: &decimals[column]) {
            numbers.append(v)
        } else if MissingToken.matches(bytes, field) {
            numbers.append(.nan)
        } else {
            becomeText(column: column, at: record)
            numbers.append(0)
            codes[column]!.append(code(of: field, column: column))
        }
    }

    /// The local code of a text cell (missing tokens give -1). Columns with few levels are
    /// matched on their bytes first, so the common case makes no string at all.
    mutating func code(of field: CSVField, column: Int) -> Int32 {
        if MissingToken.matches(bytes, field) { return CategoricalColumn.missingCode }
        if !field.hasEscapedQuotes, levels[column].count <= 16 {
            let length = field.end - field.start
            for (c, level) in levelBytes[column].enumerated() where level.count == length {
                if level.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes + field.start, length) == 0 }) { return Int32(c) }
            }
        }
        let text = field.text(bytes)
        if let c = levelIndex[column][text] { return c }
        let c = Int32(levels[column].count)
        levels[column].append(text)
        levelIndex[column][text] = c
        levelBytes[column].append(field.hasEscapedQuotes ? [] : Array(UnsafeBufferPointer(start: bytes + field.start, count: field.end - field.start)))
        return c
    }

    /// Turns column `column` to text from record `record` on.
    mutating func becomeText(column: Int, at record: Int) {
        codes[column] = Array(repeating: -2, count: record)
        textFrom[column] = record
    }

    /// The numbers of column `column`, in record order.
    func numbers(ofColumn column: Int) -> [Double] {
        (0..<recordCount).map { numbers[$0 * width + column] }
    }
}

/// The cells INTERFACE.md counts as missing: empty, `NA` and `.` (blanks around them ignored).
enum MissingToken {
    @inline(__always)
    static func matches(_ bytes: UnsafePointer<UInt8>, _ field: CSVField) -> Bool {
        var s = field.start, e = field.end
        while s < e, bytes[s] == 0x20 { s += 1 }
        while e > s, bytes[e - 1] == 0x20 { e -= 1 }
        switch e - s {
        case 0: return true
        case 1: return bytes[s] == 0x2E
        case 2: return bytes[s] == 0x4E && bytes[s + 1] == 0x41
        default: return false
        }
    }
}
