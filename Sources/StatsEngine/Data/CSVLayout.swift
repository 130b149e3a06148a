import Foundation

/// The parts of reading a CSV file that come before parsing records: getting the bytes, the
/// delimiter, the header, the chunk boundaries, and line numbers for errors.
extension CSVReader {
    /// The bytes of the file at `path`: a regular file is mapped read-only (no copy, and its
    /// pages are given back when the result is released); anything else (a pipe) is read.
    static func readFile(_ path: String) throws -> InputBytes {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DisparityError.data(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DisparityError.data(file: path, "cannot read: \(String(cString: strerror(errno)))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw DisparityError.data(file: path, "is a directory, not a CSV file") }
        let size = Int(info.st_size)
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            // A named pipe or device has no size: read it to its end, as standard input.
            return try readToEnd(fd, source: path)
        }
        if size > 0, let mapped = InputBytes(mapping: fd, size: size) { return mapped }
        return try InputBytes(capacity: size) { buffer in
            var done = 0
            while done < size {
                let n = Foundation.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 { throw DisparityError.data(file: path, "cannot read: \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                done += n
            }
            return done
        }
    }

    /// The text of a file with a line that ends in a carriage return alone (classic Mac OS,
    /// Excel for Mac's old "CSV" export, or such lines pasted into a file of line feeds): each
    /// carriage return not followed by a line feed becomes a line feed, as R's `read.csv` reads
    /// it (its `scan` takes a lone CR for a line end wherever it stands, LF and CRLF lines
    /// around it or not): between records a line end, inside a quoted field the line break it
    /// is there (a line feed in the cell, as in R), so records and line numbers are those an
    /// editor shows (a lone CR starts a new line there too). A CRLF stays a line end, as it is.
    /// A record a lone CR cuts short is then an error naming its line (R fills it with NAs),
    /// never a value holding a carriage return. Nil for text without a lone carriage return
    /// (one ending the text is its last line's end either way), read as it is; only a file
    /// with a carriage return is scanned, in parallel.
    static func carriageReturnLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let base = bytes.baseAddress, let first = memchr(base, Int32(ASCII.carriageReturn), bytes.count) else { return nil }
        let from = UnsafeRawPointer(first) - UnsafeRawPointer(base), count = bytes.count
        let slices = max(1, min(4 * ProcessInfo.processInfo.activeProcessorCount, (count - from) >> 20))
        let size = (count - from + slices - 1) / slices
        var found = [Bool](repeating: false, count: slices)
        found.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable((slots, base))
            DispatchQueue.concurrentPerform(iterations: slices) { k in
                let start = from + k * size
                shared.value.0[k] = ByteWords.hasLoneCarriageReturn(shared.value.1, from: start, to: min(count, start + size), limit: count)
            }
        }
        guard found.contains(true) else { return nil }
        var lines = Array(bytes)
        for i in from..<(count - 1) where lines[i] == ASCII.carriageReturn && lines[i + 1] != ASCII.newline { lines[i] = ASCII.newline }
        return lines
    }

    /// The bytes of standard input (`--data -`); a read error (standard input a directory) is a
    /// data error naming `<stdin>`.
    static func readStandardInput() throws -> InputBytes {
        try readToEnd(0, source: "<stdin>")
    }

    /// Everything `fd` gives until its end (a pipe, a device, standard input); a read error is a
    /// data error naming `source` with the system's reason (Foundation's reading traps on one).
    private static func readToEnd(_ fd: Int32, source: String) throws -> InputBytes {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DisparityError.data(file: source, "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[..<n])
        }
        return InputBytes(capacity: bytes.count) { buffer in
            if !bytes.isEmpty { bytes.withUnsafeBufferPointer { buffer.baseAddress!.update(from: $0.baseAddress!, count: $0.count) } }
            return bytes.count
        }
    }

    /// Walks the header line, calling `visit` with each byte outside quotes; returns where the
    /// line ends (its newline or the end of the data). A quote opens a quoted field only at the
    /// start of a field, as the tokenizer reads it; `separators` are the bytes that end a field.
    private static func walkHeaderLine(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int, separators: [UInt8],
                                       _ visit: (UInt8) -> Void) -> Int {
        var quotes = QuoteState()
        var pos = start
        while pos < end {
            let b = bytes[pos]
            if !quotes.step(b, isSeparator: separators.contains(b)) {
                if b == ASCII.newline { break }
                visit(b)
            }
            pos += 1
        }
        return pos
    }

    /// The most frequent of `,` `;` tab and `|` outside quotes on the header line (in that order
    /// on a tie: comma first).
    static func detectDelimiter(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int) -> UInt8 {
        var counts: [UInt8: Int] = [ASCII.comma: 0, ASCII.semicolon: 0, ASCII.tab: 0, ASCII.pipe: 0]
        let candidates = [ASCII.comma, ASCII.semicolon, ASCII.tab, ASCII.pipe]
        _ = walkHeaderLine(bytes, from: start, end: end, separators: candidates) { b in if counts[b] != nil { counts[b]! += 1 } }
        return candidates.max { counts[$0]! < counts[$1]! } ?? ASCII.comma
    }

    /// Column names from the first record, and where the data records begin.
    static func readHeader(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int, delimiter: UInt8, source: String) throws -> ([String], Int) {
        var fieldCount = 1
        let pos = walkHeaderLine(bytes, from: start, end: end, separators: [delimiter]) { b in if b == delimiter { fieldCount += 1 } }
        if pos == start || (pos == start + 1 && bytes[start] == ASCII.carriageReturn) {
            throw DisparityError.data(file: source, line: 1, "the header row is empty")
        }
        var names = [String](repeating: "", count: fieldCount)
        let header = CSVTokenizer(bytes: bytes, end: end, delimiter: delimiter, fieldCount: fieldCount)
        let bodyStart = try header.scan(from: start, recordLimit: 1) { _, column, field in
            names[column] = try field.text(bytes, column: column).trimmingCharacters(in: .whitespaces)
        }.end
        var seen = Set<String>()
        for i in names.indices {
            if names[i].isEmpty { names[i] = "V\(i + 1)" }
            guard seen.insert(names[i]).inserted else {
                throw DisparityError.data(file: source, line: 1, column: names[i], "the column name appears twice in the header")
            }
        }
        return (names, bodyStart)
    }

    /// Offsets that split the records into chunks for the workers, about `target` bytes apart
    /// (nil: from the size and core count); each offset starts a record. A file without quotes
    /// is split at any newline; otherwise the walk follows the tokenizer's quoting rule
    /// (`QuoteState`), so a stray quote inside an unquoted field cannot put a boundary inside a
    /// record and every file parses the same at any size and core count.
    static func chunkBoundaries(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int, delimiter: UInt8, target: Int? = nil) -> [Int] {
        let length = end - start
        let target = max(1, min(length, target ?? max(1 << 20, length / (8 * ProcessInfo.processInfo.activeProcessorCount))))
        var boundaries = [start]
        if length > 0, memchr(bytes + start, Int32(ASCII.quote), length) == nil {
            var pos = start + target
            while pos < end {
                guard let nl = memchr(bytes + pos, Int32(ASCII.newline), end - pos) else { break }
                pos = (UnsafeRawPointer(nl) - UnsafeRawPointer(bytes)) + 1
                if pos < end { boundaries.append(pos) }
                pos += target
            }
        } else {
            var quotes = QuoteState()
            var next = start + target
            var pos = start
            while pos < end {
                let b = bytes[pos]
                if !quotes.step(b, isSeparator: b == delimiter), b == ASCII.newline, pos + 1 >= next, pos + 1 < end {
                    boundaries.append(pos + 1)
                    next = pos + 1 + target
                }
                pos += 1
            }
        }
        boundaries.append(end)
        return boundaries
    }

    /// The 1-based line of a byte offset, counted only when an error is reported.
    static func lineNumber(of offset: Int, in bytes: UnsafePointer<UInt8>) -> Int {
        var line = 1
        for i in 0..<offset where bytes[i] == ASCII.newline { line += 1 }
        return line
    }
}

/// The tokenizer's quoting rule, byte by byte: a quote opens a quoted field only as the first
/// byte of a field; inside one, a quote closes it unless another follows (an escaped quote); a
/// quote elsewhere is a literal character of an unquoted field.
struct QuoteState {
    private enum Place { case fieldStart, unquoted, quoted, closingQuote }
    private var place = Place.fieldStart

    /// Takes the next byte (`isSeparator`: it is the field delimiter); returns whether the byte
    /// belongs to a quoted field (its quotes included), so that a newline it returns false for
    /// ends a record.
    @inline(__always)
    mutating func step(_ b: UInt8, isSeparator: Bool) -> Bool {
        switch place {
        case .quoted:
            if b == ASCII.quote { place = .closingQuote }
            return true
        case .closingQuote where b == ASCII.quote:
            place = .quoted
            return true
        case .fieldStart where b == ASCII.quote:
            place = .quoted
            return true
        default:
            place = isSeparator || b == ASCII.newline ? .fieldStart : .unquoted
            return false
        }
    }
}
