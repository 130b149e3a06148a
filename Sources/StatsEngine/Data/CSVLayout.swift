import Foundation

/// The parts of reading a CSV file that come before parsing records: getting the bytes, the
/// delimiter, the header, the chunk boundaries, and line numbers for errors.
extension CSVReader {
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DisparityError.data(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DisparityError.data(file: path, "cannot read: \(String(cString: strerror(errno)))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw DisparityError.data(file: path, "is a directory, not a CSV file") }
        let size = Int(info.st_size)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = Foundation.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 { failure = errno; break }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if failure != 0 { throw DisparityError.data(file: path, "cannot read: \(String(cString: strerror(failure)))") }
        return bytes
    }

    static func readStandardInput() throws -> [UInt8] {
        [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }

    /// Walks the header line, calling `visit` with each byte outside quotes; returns where the
    /// line ends (its newline or the end of the data).
    private static func walkHeaderLine(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int, _ visit: (UInt8) -> Void) -> Int {
        var inQuotes = false
        var pos = start
        while pos < end {
            let b = bytes[pos]
            if b == ASCII.quote { inQuotes.toggle() } else if !inQuotes {
                if b == ASCII.newline { break }
                visit(b)
            }
            pos += 1
        }
        return pos
    }

    /// The most frequent of `,` `;` and tab outside quotes on the header line (comma on a tie).
    static func detectDelimiter(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int) -> UInt8 {
        var counts: [UInt8: Int] = [ASCII.comma: 0, ASCII.semicolon: 0, ASCII.tab: 0]
        _ = walkHeaderLine(bytes, from: start, end: end) { b in if counts[b] != nil { counts[b]! += 1 } }
        return [ASCII.comma, ASCII.semicolon, ASCII.tab].max { counts[$0]! < counts[$1]! } ?? ASCII.comma
    }

    /// Column names from the first record, and where the data records begin.
    static func readHeader(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int, delimiter: UInt8, source: String) throws -> ([String], Int) {
        var fieldCount = 1
        let pos = walkHeaderLine(bytes, from: start, end: end) { b in if b == delimiter { fieldCount += 1 } }
        if pos == start || (pos == start + 1 && bytes[start] == ASCII.carriageReturn) {
            throw DisparityError.data(file: source, line: 1, "the header row is empty")
        }
        var names = [String](repeating: "", count: fieldCount)
        let header = CSVTokenizer(bytes: bytes, end: end, delimiter: delimiter, fieldCount: fieldCount)
        let bodyStart = try header.scan(from: start, recordLimit: 1) { _, column, field in
            names[column] = field.text(bytes).trimmingCharacters(in: .whitespaces)
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

    /// Offsets that split the records into chunks for the workers; each offset starts a record.
    /// Only a file with quotes needs the sequential quote-aware walk, since a quoted field may
    /// hold a newline.
    static func chunkBoundaries(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int) -> [Int] {
        let length = end - start
        let target = max(1 << 20, length / (8 * ProcessInfo.processInfo.activeProcessorCount))
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
            var inQuotes = false
            var next = start + target
            var pos = start
            while pos < end {
                let b = bytes[pos]
                if b == ASCII.quote { inQuotes.toggle() } else if b == ASCII.newline, !inQuotes, pos + 1 >= next, pos + 1 < end {
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
