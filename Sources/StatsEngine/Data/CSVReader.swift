import Foundation

/// Reads a CSV file into a columnar `Table` on all cores.
///
/// The file is split into chunks at record boundaries (quote-aware only when the file has a
/// quote at all), each chunk is parsed by one worker into its own column buffers, and the
/// chunks are joined. Columns start numeric; a text cell turns a column categorical, and only
/// then are earlier cells re-read as text, so the common all-numeric case reads every byte once.
/// Only the `columns` selected are parsed and stored; the others cost the byte scan that finds
/// the records and checks their field count, and their cells are not checked for UTF-8.
public enum CSVReader {
    /// Reads the `columns` of `path`, or of standard input when `path` is `-`.
    public static func read(path: String, options: CSVOptions = CSVOptions(), columns: ColumnSelection = .all) throws -> Table {
        try parse(try path == "-" ? readStandardInput() : readFile(path), source: path == "-" ? "<stdin>" : path,
                  options: options, columns: columns)
    }

    /// Parses the `columns` of the bytes of a file or standard input (`readFile`,
    /// `readStandardInput`), giving back each chunk's pages of a mapped file as soon as the
    /// chunk is parsed.
    static func parse(_ input: InputBytes, source: String, options: CSVOptions = CSVOptions(), columns: ColumnSelection = .all) throws -> Table {
        try withExtendedLifetime(input) { try parse(input.buffer, source: source, options: options, columns: columns, release: input.release) }
    }

    /// Parses the `columns` of CSV text held in memory; `source` names it in errors. Bytes in
    /// another encoding than UTF-8 are transcoded first (`options.encoding`); UTF-8 text is
    /// checked as its cells are read, so invalid bytes are an error naming the line and column,
    /// never U+FFFD.
    public static func parse(_ bytes: [UInt8], source: String, options: CSVOptions = CSVOptions(),
                             columns: ColumnSelection = .all) throws -> Table {
        try bytes.withUnsafeBufferPointer { try parse($0, source: source, options: options, columns: columns) }
    }

    /// `parse(_:source:options:columns:)` on bytes held elsewhere (a mapped file), read in place
    /// when they are UTF-8; `release` is told the byte ranges parsed, which are not needed again
    /// unless an error is reported or a column turns to text in a later chunk. A file with a line
    /// that ends in a carriage return alone is read from a copy with line feeds there
    /// (`carriageReturnLines`).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions = CSVOptions(),
                             columns: ColumnSelection = .all, release: (@Sendable (Range<Int>) -> Void)? = nil) throws -> Table {
        if options.encoding == .utf8, bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw DisparityError.data(file: source, "starts with a UTF-16 byte-order mark: pass --encoding utf-16")
        }
        if options.encoding == .utf8, let order = TextEncoding.unmarkedUTF16Order(bytes) {
            throw DisparityError.data(file: source, "looks like \(order.rawValue) UTF-16 without a byte-order mark (a NUL in every other byte): pass --encoding utf-16")
        }
        guard options.encoding == .utf8 else {
            let text = try options.encoding.utf8Bytes(Array(bytes), source: source)
            return try (text.withUnsafeBufferPointer(carriageReturnLines) ?? text).withUnsafeBufferPointer {
                try parseUTF8($0, source: source, options: options, columns: columns)
            }
        }
        if let lines = carriageReturnLines(bytes) {
            return try lines.withUnsafeBufferPointer { try parseUTF8($0, source: source, options: options, columns: columns) }
        }
        return try parseUTF8(bytes, source: source, options: options, columns: columns, release: release)
    }

    /// Parses UTF-8 text, naming the line (and column) of a syntax error.
    private static func parseUTF8(_ buffer: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions,
                                  columns: ColumnSelection, release: (@Sendable (Range<Int>) -> Void)? = nil) throws -> Table {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw DisparityError.data(file: source, "the file is empty (expected a header row)")
        }
        var names: [String]? = nil
        do {
            return try parse(base, count: buffer.count, source: source, options: options, columns: columns, release: release, names: &names)
        } catch let error as CSVSyntaxError {
            let line = lineNumber(of: error.offset, in: base)
            guard let names else {
                throw DisparityError.data(file: source, line: line, "\(error.column.map { "the header's field \($0 + 1): " } ?? "")\(error.message)")
            }
            throw DisparityError.data(file: source, line: line, column: error.column.map { names[$0] }, error.message)
        }
    }

    /// Parses the bytes; `names` is set as soon as the header is read, for the caller's errors.
    private static func parse(_ bytes: UnsafePointer<UInt8>, count: Int, source: String, options: CSVOptions, columns selection: ColumnSelection,
                              release: (@Sendable (Range<Int>) -> Void)?, names header: inout [String]?) throws -> Table {
        var start = 0
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        // Blank lines before the header are skipped, as R's read.csv and pandas skip them.
        while start < count, bytes[start] == ASCII.newline || (bytes[start] == ASCII.carriageReturn && start + 1 < count && bytes[start + 1] == ASCII.newline) {
            start += bytes[start] == ASCII.newline ? 1 : 2
        }
        let delimiter = options.delimiter ?? detectDelimiter(bytes, from: start, end: count)
        let decimalComma = options.decimalComma ?? (delimiter == ASCII.semicolon)
        let (names, bodyStart) = try readHeader(bytes, from: start, end: count, delimiter: delimiter, source: source)
        header = names
        let boundaries = chunkBoundaries(bytes, from: bodyStart, end: count, delimiter: delimiter, target: options.chunkSize)
        let tokenizer = CSVTokenizer(bytes: bytes, end: count, delimiter: delimiter, fieldCount: names.count)
        let missing = MissingCells(options.missingCodes, decimalComma: decimalComma)
        let kept = names.indices.filter { selection.contains(names[$0]) }
        let slotOf = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        let fieldSlots = names.indices.map { slotOf[$0] }

        // Each chunk writes its numbers into the final columns from an offset that leaves room
        // for one record per line; blank lines leave gaps, closed up afterwards.
        let feeds = chunkLineFeeds(bytes, boundaries: boundaries)
        let capacities = feeds.indices.map { k in
            feeds[k] + (boundaries[k + 1] > boundaries[k] && bytes[boundaries[k + 1] - 1] != ASCII.newline ? 1 : 0)
        }
        let offsets = capacities.reduce(into: [0]) { $0.append($0.last! + $1) }
        guard offsets.last! > 0 else { throw DisparityError.data(file: source, "has a header but no data rows") }
        var chunks = [ChunkColumns?](repeating: nil, count: boundaries.count - 1)
        var failures = [Error?](repeating: nil, count: boundaries.count - 1)
        var numbers = try NumericStorage.columns(count: kept.count, rows: offsets.last!) { columns in
            chunks.withUnsafeMutableBufferPointer { chunkSlots in
                failures.withUnsafeMutableBufferPointer { failureSlots in
                    let slots = UnsafeSendable((chunkSlots, failureSlots, columns))
                    DispatchQueue.concurrentPerform(iterations: boundaries.count - 1) { k in
                        do {
                            let writer = ColumnWriter(columns: slots.value.2, offset: offsets[k], capacity: capacities[k])
                            slots.value.0[k] = try parseChunk(tokenizer, from: boundaries[k], to: boundaries[k + 1], decimalComma: decimalComma,
                                                              missing: missing, slots: fieldSlots, numbers: writer)
                            release?(boundaries[k]..<boundaries[k + 1])
                        } catch {
                            slots.value.1[k] = error
                        }
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        var parsed = chunks.map { $0! }
        let rows = parsed.reduce(0) { $0 + $1.recordCount }
        guard rows > 0 else { throw DisparityError.data(file: source, "has a header but no data rows") }
        try rereadTextColumns(&parsed, tokenizer: tokenizer, boundaries: boundaries)
        var columns = [Column?](repeating: nil, count: kept.count)
        for (slot, c) in kept.enumerated() where parsed[0].codes[c] == nil {
            var values = numbers[slot]
            numbers[slot] = []  // so that closing up the gaps changes the column in place
            NumericStorage.closeUp(&values, offsets: offsets, records: parsed.map(\.recordCount))
            let decimals = parsed.map { $0.decimals[c] }.max()!
            columns[slot] = .numeric(NumericColumn(values, decimals: decimals <= NumericColumn.maximumDecimals ? decimals : nil))
        }
        numbers = []
        let textSlots = kept.indices.filter { columns[$0] == nil }
        columns.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable((slots, parsed))
            DispatchQueue.concurrentPerform(iterations: textSlots.count) { k in
                shared.value.0[textSlots[k]] = textColumn(kept[textSlots[k]], of: shared.value.1, rows: rows)
            }
        }
        let numbering = rowNumbering(of: parsed, bodyLine: 1 + ByteWords.lineFeeds(bytes, from: 0, to: bodyStart), chunkLineFeeds: feeds)
        return Table(source: source, names: kept.map { names[$0] }, columns: columns.map { $0! }, fileNames: names, rowCount: rows,
                     rowNumbering: numbering, decimalComma: decimalComma)
    }

    /// Per chunk, its line feeds: with one more for a last line without one, the most records
    /// it can hold.
    private static func chunkLineFeeds(_ bytes: UnsafePointer<UInt8>, boundaries: [Int]) -> [Int] {
        var feeds = [Int](repeating: 0, count: boundaries.count - 1)
        feeds.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable((slots, bytes))
            DispatchQueue.concurrentPerform(iterations: boundaries.count - 1) { k in
                shared.value.0[k] = ByteWords.lineFeeds(shared.value.1, from: boundaries[k], to: boundaries[k + 1])
            }
        }
        return feeds
    }

    /// The physical line of every row: each chunk starts on the line after the line feeds before
    /// it (`bodyLine` for the first), and its records are shifted from there by its own blank
    /// lines and quoted line breaks (`ChunkColumns.lineShifts`). Nothing is stored where rows
    /// follow one line after another.
    private static func rowNumbering(of chunks: [ChunkColumns], bodyLine: Int, chunkLineFeeds: [Int]) -> RowNumbering {
        var breakpoints = LineBreakpoints()
        var firstRow = 0, firstLine = bodyLine
        for (k, chunk) in chunks.enumerated() {
            let shift = firstLine - (firstRow + 2)
            breakpoints.add(row: firstRow, shift: shift)
            for (record, extra) in chunk.lineShifts where record < chunk.recordCount {
                breakpoints.add(row: firstRow + record, shift: shift + extra)
            }
            firstRow += chunk.recordCount
            firstLine += chunkLineFeeds[k]
        }
        return RowNumbering(lineBreakpoints: breakpoints)
    }

    /// Parses the records of one chunk, keeping the fields that have `slots`
    /// (`ChunkColumns.slots`), their numbers into `numbers`.
    private static func parseChunk(_ tokenizer: CSVTokenizer, from start: Int, to end: Int, decimalComma: Bool,
                                   missing: MissingCells, slots: [Int?], numbers: ColumnWriter) throws -> ChunkColumns {
        let chunkTokenizer = CSVTokenizer(bytes: tokenizer.bytes, end: end, delimiter: tokenizer.delimiter, fieldCount: tokenizer.fieldCount)
        var out = ChunkColumns(tokenizer: chunkTokenizer, decimalComma: decimalComma, missing: missing, slots: slots, numbers: numbers)
        let scanned = try chunkTokenizer.scan(from: start, recordLimit: numbers.capacity, visitor: &out)
        // Records end at line breaks, so a chunk has no more records than lines.
        guard scanned.end == end || scanned.records < numbers.capacity else {
            throw CSVSyntaxError(offset: scanned.end, message: "more records than lines (an internal error: please report it)")
        }
        out.recordCount = scanned.records
        let pending = (0..<tokenizer.fieldCount).filter { out.codes[$0] != nil && out.textFrom[$0] > 0 }
        if !pending.isEmpty {
            try rereadText(&out, columns: pending, tokenizer: chunkTokenizer, from: start, records: pending.map { out.textFrom[$0] }.max()!)
        }
        return out
    }

    /// Fills the text of records that were read as numbers before their column turned to text.
    private static func rereadText(_ chunk: inout ChunkColumns, columns: [Int], tokenizer: CSVTokenizer, from start: Int, records: Int) throws {
        var wanted = [Bool](repeating: false, count: tokenizer.fieldCount)
        for c in columns { wanted[c] = true }
        try tokenizer.scan(from: start, recordLimit: records) { record, column, field in
            guard wanted[column], record < chunk.textFrom[column] else { return }
            chunk.codes[column]![record] = try chunk.code(of: field, column: column)
        }
    }

    /// A column that is text in any chunk is text in all: chunks that read it as numbers read it again.
    private static func rereadTextColumns(_ chunks: inout [ChunkColumns], tokenizer: CSVTokenizer, boundaries: [Int]) throws {
        let textColumns = (0..<tokenizer.fieldCount).filter { c in chunks.contains { $0.codes[c] != nil } }
        for k in chunks.indices {
            let stale = textColumns.filter { chunks[k].codes[$0] == nil }
            guard !stale.isEmpty else { continue }
            for c in stale { chunks[k].becomeText(column: c, at: chunks[k].recordCount) }
            let chunkTokenizer = CSVTokenizer(bytes: tokenizer.bytes, end: boundaries[k + 1], delimiter: tokenizer.delimiter, fieldCount: tokenizer.fieldCount)
            try rereadText(&chunks[k], columns: stale, tokenizer: chunkTokenizer, from: boundaries[k], records: chunks[k].recordCount)
        }
    }

    /// Concatenates a text column's codes across chunks, merging the chunks' level dictionaries
    /// into one sorted one.
    private static func textColumn(_ c: Int, of chunks: [ChunkColumns], rows: Int) -> Column {
        let levels = LevelOrder.sorted(Array(Set(chunks.flatMap { $0.levels[c] })))
        var global: [String: Int32] = [:]
        for (i, l) in levels.enumerated() { global[l] = Int32(i) }
        var codes = [Int32]()
        codes.reserveCapacity(rows)
        for chunk in chunks {
            let map = chunk.levels[c].map { global[$0]! }
            for code in chunk.codes[c]! { codes.append(code < 0 ? code : map[Int(code)]) }
        }
        return .categorical(CategoricalColumn(codes: codes, levels: levels))
    }
}

/// Wraps values that are shared across `concurrentPerform` workers where each worker writes
/// only its own slot; the compiler cannot see that discipline, the code keeps it.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
