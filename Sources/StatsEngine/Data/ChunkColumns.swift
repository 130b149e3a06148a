import Foundation

/// The columns of one chunk of records while it is being parsed: every column starts numeric
/// and turns to text at its first cell that is neither missing nor a number. Numbers go straight
/// into the table's columns (`ColumnWriter`): one store per cell on the hot path, nothing to join.
/// Columns the read skips (`ReadOptions.columns`) are walked over by the tokenizer and nothing
/// else: no number parsed, no text decoded, nothing stored.
struct ChunkColumns: CSVVisitor {
    let bytes: UnsafePointer<UInt8>
    /// Where the chunk's bytes end: a number may not be read past it.
    let end: Int
    let delimiter: UInt8
    let decimalComma: Bool
    let missing: MissingCells
    /// Per column of the file: its place among the kept columns (in `numbers`), nil for a
    /// skipped column.
    let slots: [Int?]
    /// Where the kept numeric columns' cells go; text columns' cells are not stored there.
    let numbers: ColumnWriter
    /// Per column of the file: its slot while it is kept and numeric, `textSlot` once it is
    /// kept and text, else -1 (`consumeFields` tests it alone).
    var numericSlots: [Int]
    /// Per column of the file: how many skipped columns start there (`skippedFields(from:)`).
    let skippedRuns: [Int]
    /// Per column: nil while numeric, else local codes into `levels` (-2 = not yet read).
    var codes: [[Int32]?]
    var levels: [[String]]
    var levelIndex: [[String: Int32]]
    /// Per column, each level's bytes as written (empty when written with escaped quotes).
    var levelBytes: [[[UInt8]]]
    /// Per column, its short levels (`LevelKey`) while it has at most 16 levels, which
    /// `consumeFields` matches without leaving its run of cells; empty after.
    var levelKeys: [[LevelKey]]
    /// Records before the column turned to text, whose text must be re-read.
    var textFrom: [Int]
    /// Per column: the most decimal places of any number (`Int.max` when not exact).
    var decimals: [Int]
    var recordCount = 0
    /// Where the chunk's records stop starting one line after another: from each `record` on,
    /// a record starts `shift` lines later than that (blank lines, quoted line breaks); empty
    /// for an ordinary file.
    var lineShifts: [(record: Int, shift: Int)] = []

    /// The columns of a chunk read by `tokenizer`, keeping the fields that have `slots`.
    init(tokenizer: CSVTokenizer, decimalComma: Bool, missing: MissingCells = MissingCells([]), slots: [Int?], numbers: ColumnWriter) {
        bytes = tokenizer.bytes
        end = tokenizer.end
        delimiter = tokenizer.delimiter
        self.decimalComma = decimalComma
        self.missing = missing
        let fields = tokenizer.fieldCount
        self.slots = slots
        self.numbers = numbers
        numericSlots = slots.map { $0 ?? -1 }
        var runs = [Int](repeating: 0, count: slots.count + 1)
        for c in slots.indices.reversed() where slots[c] == nil { runs[c] = runs[c + 1] + 1 }
        skippedRuns = Array(runs.dropLast())
        codes = Array(repeating: nil, count: fields)
        levels = Array(repeating: [], count: fields)
        levelIndex = Array(repeating: [:], count: fields)
        levelBytes = Array(repeating: [], count: fields)
        levelKeys = Array(repeating: [], count: fields)
        textFrom = Array(repeating: 0, count: fields)
        decimals = Array(repeating: 0, count: fields)
    }

    /// `numericSlots`' mark of a kept text column.
    static let textSlot = -2

    /// The fast path: a kept numeric column's unquoted cell that is a plain number, or a kept
    /// text column's unquoted cell that is one of its short levels as written before
    /// (`knownLevel`), with such cells of the columns after it in the record, read in one loop;
    /// or a skipped column's unquoted cell, stepped over a word at a time (a carriage return
    /// before its line feed is left in the field, which is never read).
    @inline(__always)
    mutating func consumeFields(record: Int, column first: Int, at position: Int) -> (end: Int, count: Int)? {
        guard slots[first] != nil else { return (ByteWords.fieldEnd(bytes, from: position, to: end, delimiter: delimiter), 1) }
        // The chunk's constants as locals: the stores of the cells could write any memory as far
        // as the compiler knows, so it would read the properties again for every cell.
        let bytes = bytes, end = end, delimiter = delimiter, decimalComma = decimalComma
        let numericCodes = missing.hasNumericCodes
        var column = first, start = position
        var consumed: Int? = nil
        while true {
            let slot = numericSlots[column]
            let stop: Int
            if slot >= 0 {
                var places = 0
                guard let (value, numberEnd) = NumberParser.parsePrefix(bytes, start, end, decimalComma: decimalComma,
                                                                        delimiter: delimiter, decimals: &places)
                else { break }
                // A missing code that reads as a number counts no decimal places, as on `visit`'s path.
                if numericCodes, missing.matches(number: value) {
                    numbers.set(.nan, record: record, column: slot)
                } else {
                    numbers.set(value, record: record, column: slot)
                    if places > decimals[column] { raiseDecimals(column: column, to: places) }
                }
                stop = numberEnd
            } else {
                // A text column's cells of a few short levels (a group variable) keep the run going.
                guard slot == Self.textSlot, let (code, textEnd) = knownLevel(column: column, at: start) else { break }
                codes[column]!.append(code)
                stop = textEnd
            }
            column += 1
            consumed = stop
            // The record goes on with another field, which the loop tries next.
            guard column < numericSlots.count, stop < end, bytes[stop] == delimiter else { break }
            start = stop + 1
        }
        return consumed.map { ($0, column - first) }
    }

    /// The code of the unquoted cell at `start` of text column `column` when its bytes are those
    /// of one of the column's `levelKeys`, and where the cell ends (at its delimiter or line
    /// feed); nil for any other cell, or one within 16 bytes of `end`, which `visit` reads. Equal
    /// bytes are the same text, which was checked (UTF-8, no NUL) and found not missing when the
    /// level was first read, so nothing but the comparison is needed.
    @inline(__always)
    private func knownLevel(column: Int, at start: Int) -> (Int32, Int)? {
        guard start + 16 <= end, bytes[start] != ASCII.quote else { return nil }
        let stop = start + ByteWords.shortFieldLength(bytes, at: start, delimiter: delimiter)
        guard stop < start + 16 else { return nil }
        // A carriage return before the line feed ends the line, not the cell, as in the tokenizer.
        let length = stop - start - (stop > start && bytes[stop] == ASCII.newline && bytes[stop - 1] == ASCII.carriageReturn ? 1 : 0)
        let key = LevelKey(bytes + start, length: length)
        for level in levelKeys[column] where level.matches(key) { return (level.code, stop) }
        return nil
    }

    /// Raises column `column`'s decimal places to `places`: out of line, as it is rarely
    /// called, so that the loop that tests for it does not check `decimals` for a unique
    /// reference on every call.
    @inline(never)
    private mutating func raiseDecimals(column: Int, to places: Int) { decimals[column] = places }

    /// The skipped columns from `column` on (`CSVVisitor.skippedFields`).
    @inline(__always)
    func skippedFields(from column: Int) -> Int { skippedRuns[column] }

    /// Records the shift of lines from `record` on (`CSVVisitor.extraLines`).
    mutating func extraLines(_ count: Int, before record: Int) {
        let shift = (lineShifts.last?.shift ?? 0) + count
        if lineShifts.last?.record == record { lineShifts[lineShifts.count - 1].shift = shift } else { lineShifts.append((record, shift)) }
    }

    /// Every other cell: missing tokens, numbers with blanks or quotes, and text; a skipped
    /// column's quoted cell is dropped.
    mutating func visit(record: Int, column: Int, field: CSVField) throws {
        guard let slot = slots[column] else { return }
        if codes[column] != nil {
            codes[column]!.append(try code(of: field, column: column))
            return
        }
        var places = 0
        if missing.matches(bytes, field) {
            numbers.set(.nan, record: record, column: slot)
        } else if !field.needsUnescaping, let v = NumberParser.parse(bytes, field.start, field.end, decimalComma: decimalComma, decimals: &places) {
            if missing.hasNumericCodes, missing.matches(number: v) {
                numbers.set(.nan, record: record, column: slot)
            } else {
                numbers.set(v, record: record, column: slot)
                decimals[column] = max(decimals[column], places)
            }
        } else {
            becomeText(column: column, at: record)
            codes[column]!.append(try code(of: field, column: column))
        }
    }

    /// The local code of a text cell (missing tokens give -1). Columns with few levels are
    /// matched on their bytes first, so the common case makes no string at all.
    mutating func code(of field: CSVField, column: Int) throws -> Int32 {
        if missing.matches(bytes, field) { return CategoricalColumn.missingCode }
        if missing.hasNumericCodes, !field.needsUnescaping {
            var places = 0
            if let v = NumberParser.parse(bytes, field.start, field.end, decimalComma: decimalComma, decimals: &places),
               missing.matches(number: v) { return CategoricalColumn.missingCode }
        }
        if !field.needsUnescaping, levels[column].count <= 16 {
            let length = field.end - field.start
            for (c, level) in levelBytes[column].enumerated() where level.count == length {
                if level.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes + field.start, length) == 0 }) { return Int32(c) }
            }
        }
        let text = try field.text(bytes, column: column)
        if let c = levelIndex[column][text] { return c }
        let c = Int32(levels[column].count)
        levels[column].append(text)
        levelIndex[column][text] = c
        levelBytes[column].append(field.needsUnescaping ? [] : Array(UnsafeBufferPointer(start: bytes + field.start, count: field.end - field.start)))
        if levels[column].count > 16 {
            levelKeys[column] = []
        } else if let key = levelBytes[column][Int(c)].withUnsafeBufferPointer({ LevelKey($0, code: c) }) {
            levelKeys[column].append(key)
        }
        return c
    }

    /// Turns column `column` to text from record `record` on.
    mutating func becomeText(column: Int, at record: Int) {
        codes[column] = Array(repeating: -2, count: record)
        textFrom[column] = record
        numericSlots[column] = Self.textSlot
    }
}

/// A text cell of 1 to 15 bytes as two words, its bytes in order from the first word's lowest
/// byte and zeros after them, and its length: two cells are the same text exactly when their
/// keys' words and lengths are equal, so a known level is found by two comparisons rather than a
/// call to `memcmp`.
struct LevelKey {
    let first: UInt64
    let second: UInt64
    let length: Int
    /// The level's code in its chunk (0 in a key made only to be compared).
    let code: Int32

    /// The key of the `length` bytes at `bytes`, read as the two words there (the 16 bytes from
    /// `bytes` must be readable).
    @inline(__always)
    init(_ bytes: UnsafePointer<UInt8>, length: Int) {
        // Swift's `>>` by 64 gives 0, so a word that holds none of the bytes is masked to 0.
        first = ByteWords.word(bytes, at: 0) & (UInt64.max >> (64 - 8 * min(length, 8)))
        second = ByteWords.word(bytes, at: 8) & (UInt64.max >> (64 - 8 * max(length - 8, 0)))
        self.length = length
        code = 0
    }

    /// The key of a level's bytes, `code` in its chunk; nil when it is not 1 to 15 bytes long
    /// (longer levels, and levels written with escaped quotes, which have no bytes, are found
    /// by `ChunkColumns.code(of:column:)` alone).
    init?(_ level: UnsafeBufferPointer<UInt8>, code: Int32) {
        guard level.count > 0, level.count < 16 else { return nil }
        var padded = [UInt8](repeating: 0, count: 16)
        padded.replaceSubrange(0..<level.count, with: level)
        let key = padded.withUnsafeBufferPointer { LevelKey($0.baseAddress!, length: level.count) }
        first = key.first
        second = key.second
        length = key.length
        self.code = code
    }

    /// Whether `other` holds the same bytes.
    @inline(__always)
    func matches(_ other: LevelKey) -> Bool { first == other.first && second == other.second && length == other.length }
}

/// The cells that are missing: those INTERFACE.md names (empty, `NA` and `.`) and the file's own
/// codes from `--na`, each compared with the cell's bytes, blanks around them ignored; a code
/// that reads as a number also matches a cell of the same number however it is written
/// (`9999`, `9999.0`, `9.999e3`, `09999`), as a value, not a spelling, is what it stands for.
struct MissingCells: Sendable {
    /// The `--na` codes as UTF-8 bytes.
    let codes: [[UInt8]]
    /// The codes that read as numbers (with the file's decimal mark), as numbers.
    let numbers: [Double]
    /// Some code reads as a number (`9999`), so numbers must be checked against the codes too.
    var hasNumericCodes: Bool { !numbers.isEmpty }

    init(_ codes: [String], decimalComma: Bool = false) {
        self.codes = codes.map { Array($0.utf8) }
        numbers = codes.compactMap { code in
            let bytes = Array(code.utf8)
            var places = 0
            return bytes.isEmpty ? nil : bytes.withUnsafeBufferPointer {
                NumberParser.parse($0.baseAddress!, 0, $0.count, decimalComma: decimalComma, decimals: &places)
            }
        }
    }

    /// Whether `value`, read from a cell, equals a numeric code.
    @inline(__always)
    func matches(number value: Double) -> Bool { numbers.contains(value) }

    @inline(__always)
    func matches(_ bytes: UnsafePointer<UInt8>, _ field: CSVField) -> Bool {
        var s = field.start, e = field.end
        while s < e, bytes[s] == 0x20 { s += 1 }
        while e > s, bytes[e - 1] == 0x20 { e -= 1 }
        switch e - s {
        case 0: return true
        case 1 where bytes[s] == 0x2E: return true
        case 2 where bytes[s] == 0x4E && bytes[s + 1] == 0x41: return true
        default: break
        }
        for code in codes where code.count == e - s {
            if code.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes + s, e - s) == 0 }) { return true }
        }
        return false
    }
}
