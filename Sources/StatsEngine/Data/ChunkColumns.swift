/// The columns of one chunk of records while it is being parsed: every column starts numeric
/// and turns to text at its first cell that is neither missing nor a number.
struct ChunkColumns {
    var numbers: [[Double]]
    /// Per column: nil while numeric, else local codes into `levels` (-2 = not yet read).
    var codes: [[Int32]?]
    var levels: [[String]]
    var levelIndex: [[String: Int32]]
    /// Records before the column turned to text, whose text must be re-read.
    var textFrom: [Int]
    /// Per column: the most decimal places of any number (`Int.max` when not exact).
    var decimals: [Int]
    var recordCount = 0

    init(columns: Int, expectedRecords: Int) {
        numbers = (0..<columns).map { _ in
            var a = [Double]()
            a.reserveCapacity(expectedRecords)
            return a
        }
        codes = Array(repeating: nil, count: columns)
        levels = Array(repeating: [], count: columns)
        levelIndex = Array(repeating: [:], count: columns)
        textFrom = Array(repeating: 0, count: columns)
        decimals = Array(repeating: 0, count: columns)
    }

    /// The local code of a text cell (missing tokens give -1).
    @inline(__always)
    mutating func code(of field: CSVField, column: Int, bytes: UnsafePointer<UInt8>) -> Int32 {
        if MissingToken.matches(bytes, field) { return CategoricalColumn.missingCode }
        let text = field.text(bytes)
        if let c = levelIndex[column][text] { return c }
        let c = Int32(levels[column].count)
        levels[column].append(text)
        levelIndex[column][text] = c
        return c
    }

    /// Turns column `column` to text from record `record` on.
    mutating func becomeText(column: Int, at record: Int) {
        codes[column] = Array(repeating: -2, count: record)
        codes[column]!.reserveCapacity(numbers[column].capacity)
        textFrom[column] = record
        numbers[column] = []
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
