/// One field of a CSV record as a byte range into the file; nothing is copied unless the field
/// holds doubled quotes or CRLF line breaks, which only `text` needs to undo.
struct CSVField {
    var start: Int
    var end: Int
    /// The field was quoted and contains `""` pairs standing for one quote each, or CRLF line
    /// breaks, each read as a line feed (R's `read.csv`, whose lone carriage returns
    /// `CSVReader.carriageReturnLines` has already made line feeds).
    var needsUnescaping: Bool

    /// The field's text; bytes that are not valid UTF-8 are an error at the first of them
    /// (never a replacement character, which would merge distinct labels), naming `column`, and
    /// so is a NUL byte (valid UTF-8, but no text has one: it would be written raw into every
    /// output).
    func text(_ bytes: UnsafePointer<UInt8>, column: Int?) throws -> String {
        let raw = UnsafeBufferPointer(start: bytes + start, count: end - start)
        if let nul = raw.firstIndex(of: 0) {
            throw CSVSyntaxError(offset: start + nul, column: column,
                                 message: "a NUL byte (0x00) in a text cell: the file is not plain text in its encoding (check --encoding)")
        }
        var decoded: String?
        if needsUnescaping {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var k = 0
            while k < raw.count {
                if raw[k] == ASCII.carriageReturn, k + 1 < raw.count, raw[k + 1] == ASCII.newline { k += 1 }
                out.append(raw[k])
                k += raw[k] == ASCII.quote ? 2 : 1
            }
            decoded = String(validating: out, as: UTF8.self)
        } else {
            decoded = String(validating: raw, as: UTF8.self)
        }
        guard let decoded else { throw CSVSyntaxError.notUTF8(raw, at: start, column: column) }
        return decoded
    }
}

extension CSVSyntaxError {
    /// The error for a field that is not valid UTF-8: at its first invalid byte, with the byte
    /// and the way out (a file saved by Danish Excel is Windows-1252).
    static func notUTF8(_ raw: UnsafeBufferPointer<UInt8>, at start: Int, column: Int?) -> CSVSyntaxError {
        var k = 0
        while k < raw.count {
            let b = raw[k]
            let length = b < 0x80 ? 1 : b >= 0xC2 && b < 0xE0 ? 2 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xF0 && b < 0xF5 ? 4 : 0
            guard length > 0, k + length <= raw.count, (1..<length).allSatisfy({ raw[k + $0] & 0xC0 == 0x80 }),
                  String(validating: UnsafeBufferPointer(rebasing: raw[k..<(k + length)]), as: UTF8.self) != nil else { break }
            k += length
        }
        let byte = k < raw.count ? raw[k] : raw[0]
        let hex = String(byte, radix: 16, uppercase: true)
        return CSVSyntaxError(offset: start + min(k, max(raw.count - 1, 0)), column: column,
                              message: "not UTF-8 (byte 0x\(hex.count == 1 ? "0" : "")\(hex)); re-save the file as UTF-8 or pass --encoding windows-1252 (or latin1, utf-16)")
    }
}

/// Where a record is malformed: a byte offset (turned into a line number only when reporting)
/// and what is wrong there.
struct CSVSyntaxError: Error {
    var offset: Int
    /// The column of the field at fault, when one is.
    var column: Int? = nil
    var message: String
}

/// What a tokenizer pass does with the fields it finds.
protocol CSVVisitor {
    /// May consume the unquoted field starting at `position` whole, and fields after it in the
    /// same record, returning the offset just past the last one consumed (at its delimiter, its
    /// line feed or the carriage return before one, or the end) and how many were consumed (at
    /// least one); nil hands the field to `visit` instead.
    mutating func consumeFields(record: Int, column: Int, at position: Int) -> (end: Int, count: Int)?
    mutating func visit(record: Int, column: Int, field: CSVField) throws
    /// How many fields from `column` on (itself included) the visitor drops unread: 0 when it
    /// reads `column`. The tokenizer steps over such a run of unquoted fields in one scan.
    func skippedFields(from column: Int) -> Int
    /// Told of `count` line feeds that start no record (a skipped blank line, a line break
    /// inside a quoted field), which shift the lines of record `record` and those after it.
    /// Called only off the fast path, never for an ordinary file.
    mutating func extraLines(_ count: Int, before record: Int)
}

extension CSVVisitor {
    /// Passes that do not number lines ignore them.
    mutating func extraLines(_ count: Int, before record: Int) {}

    /// Passes that read every field skip none.
    func skippedFields(from column: Int) -> Int { 0 }
}

/// A visitor that sees every field through one closure.
struct CSVFieldVisitor: CSVVisitor {
    let body: (Int, Int, CSVField) throws -> Void
    func consumeFields(record: Int, column: Int, at position: Int) -> (end: Int, count: Int)? { nil }
    func visit(record: Int, column: Int, field: CSVField) throws { try body(record, column, field) }
}

/// RFC 4180 tokenizer over a byte range that starts at a record boundary. It visits every
/// field of every record, so the reader's type inference and its rare text re-scans share one
/// grammar. Blank lines are skipped, as R's `read.csv` and pandas skip them, also in a file of
/// one column (a missing cell there is written `NA`, `.` or `""`). It only reads the bytes it
/// points at, so workers may share it.
struct CSVTokenizer: @unchecked Sendable {
    let bytes: UnsafePointer<UInt8>
    let end: Int
    let delimiter: UInt8
    let fieldCount: Int

    /// Whether `pos` holds a carriage return that ends a line: one before a line feed or at the
    /// end (a chunk ends after a line feed or at the end of the text, so only the text's last
    /// byte). A lone carriage return inside a line is a character of its field, whichever path
    /// reads the field, so a record never depends on a column's type.
    @inline(__always)
    func isLineEnd(carriageReturnAt pos: Int) -> Bool {
        bytes[pos] == ASCII.carriageReturn && (pos + 1 == end || bytes[pos + 1] == ASCII.newline)
    }

    /// Calls `visit(record, column, field)` for each field of up to `recordLimit` records from
    /// `start`; returns the number of records read and the offset just past the last one.
    @discardableResult
    func scan(from start: Int, recordLimit: Int = .max, _ visit: (Int, Int, CSVField) throws -> Void) throws -> (records: Int, end: Int) {
        try withoutActuallyEscaping(visit) { body in
            var visitor = CSVFieldVisitor(body: body)
            return try scan(from: start, recordLimit: recordLimit, visitor: &visitor)
        }
    }

    /// The tokenizer pass with a visitor that may take numeric fields in one step.
    @inline(__always)
    func scan<V: CSVVisitor>(from start: Int, recordLimit: Int = .max, visitor: inout V) throws -> (records: Int, end: Int) {
        var pos = start
        var record = 0
        while pos < end, record < recordLimit {
            if bytes[pos] == ASCII.newline { visitor.extraLines(1, before: record); pos += 1; continue }
            // A blank line ended by a CRLF, or by a CR ending the text: one a record would end
            // at too (`isLineEnd`), so a file's last blank line of a lone CR (classic Mac's
            // "\r\r", or "\n\r", which `CSVReader.carriageReturnLines` leaves as it is) is no
            // record of one empty field.
            if isLineEnd(carriageReturnAt: pos) {
                visitor.extraLines(1, before: record)
                pos += pos + 1 == end ? 1 : 2
                continue
            }
            var column = 0
            while true {
                guard column < fieldCount else {
                    throw CSVSyntaxError(offset: pos, message: "more fields than the header's \(fieldCount)")
                }
                let skipped = visitor.skippedFields(from: column)
                if skipped > 1 {
                    // A run that ends the record leaves its last field, which ends at the line
                    // end, to the field-by-field path below.
                    let (next, passed) = ByteWords.skipFields(bytes, from: pos, to: end, delimiter: delimiter,
                                                              count: column + skipped == fieldCount ? skipped - 1 : skipped)
                    if passed > 0 {
                        pos = next
                        column += passed
                        continue
                    }
                }
                if pos < end, bytes[pos] != ASCII.quote, let (stop, count) = visitor.consumeFields(record: record, column: column, at: pos) {
                    pos = stop
                    column += count - 1
                } else {
                    var field: CSVField
                    if pos < end, bytes[pos] == ASCII.quote {
                        let open = pos
                        pos += 1
                        var escaped = false
                        var lineBreaks = 0
                        while true {
                            guard pos < end else { throw CSVSyntaxError(offset: open, message: "unterminated quoted field") }
                            if bytes[pos] == ASCII.quote {
                                if pos + 1 < end, bytes[pos + 1] == ASCII.quote { escaped = true; pos += 2; continue }
                                break
                            }
                            if bytes[pos] == ASCII.newline {
                                lineBreaks += 1
                                if bytes[pos - 1] == ASCII.carriageReturn { escaped = true }
                            }
                            pos += 1
                        }
                        if lineBreaks > 0 { visitor.extraLines(lineBreaks, before: record + 1) }
                        field = CSVField(start: open + 1, end: pos, needsUnescaping: escaped)
                        pos += 1
                        if pos < end, bytes[pos] != delimiter, bytes[pos] != ASCII.newline, !isLineEnd(carriageReturnAt: pos) {
                            throw CSVSyntaxError(offset: pos, message: "unexpected character after a closing quote")
                        }
                    } else {
                        let fieldStart = pos
                        pos = ByteWords.fieldEnd(bytes, from: pos, to: end, delimiter: delimiter)
                        var fieldEnd = pos
                        if fieldEnd > fieldStart, bytes[fieldEnd - 1] == ASCII.carriageReturn, pos >= end || bytes[pos] == ASCII.newline {
                            fieldEnd -= 1
                        }
                        field = CSVField(start: fieldStart, end: fieldEnd, needsUnescaping: false)
                    }
                    try visitor.visit(record: record, column: column, field: field)
                }
                column += 1
                if pos < end, bytes[pos] == delimiter { pos += 1; continue }
                if pos < end, isLineEnd(carriageReturnAt: pos) { pos += 1 }
                if pos < end, bytes[pos] == ASCII.newline { pos += 1 }
                break
            }
            if column != fieldCount {
                throw CSVSyntaxError(offset: max(start, pos - 1), message: "\(column) field\(column == 1 ? "" : "s") where the header has \(fieldCount)")
            }
            record += 1
        }
        return (record, pos)
    }
}
