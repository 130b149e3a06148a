import Foundation

/// Where a chunk of a CSV parse writes its numbers: straight into the table's final numeric
/// columns, at the chunk's own offset, so no chunk-local copy is made and joined. Each chunk's
/// region holds at most `capacity` records (its line count bounds them); the parse stops there.
///
/// Cells of columns that turn to text are written too and discarded with the column.
struct ColumnWriter {
    /// Each column's storage, from `NumericStorage.columns`.
    let columns: UnsafeBufferPointer<UnsafeMutablePointer<Double>>
    /// The chunk's first record's row in the table (before blank lines are closed up).
    let offset: Int
    /// The most records the chunk's region holds.
    let capacity: Int

    /// Stores `value` as record `record`'s cell in column `column`.
    @inline(__always)
    func set(_ value: Double, record: Int, column: Int) {
        columns[column][offset + record] = value
    }

    /// Record `record`'s cell in column `column`.
    func value(record: Int, column: Int) -> Double { columns[column][offset + record] }
}

/// The numeric columns of a CSV parse while the chunks write them.
enum NumericStorage {
    /// The most columns given storage of their own while they are written; each takes a level
    /// of nested scopes on the caller's stack. Wider files are written into one block and
    /// split into columns after (one copy).
    static let nestingLimit = 256

    /// `count` columns of `rows` cells, which `write` fills through their addresses (in
    /// column order, each valid for `rows` cells) and which are returned as arrays.
    static func columns(count: Int, rows: Int, _ write: (UnsafeBufferPointer<UnsafeMutablePointer<Double>>) throws -> Void) throws -> [[Double]] {
        guard count > nestingLimit else {
            var arrays = (0..<count).map { _ in
                [Double](unsafeUninitializedCapacity: rows) { buffer, initialized in
                    HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: rows * MemoryLayout<Double>.stride)
                    initialized = rows
                }
            }
            try withStorage(of: &arrays, write)
            return arrays
        }
        var block = [Double](unsafeUninitializedCapacity: count * rows) { _, initialized in initialized = count * rows }
        try block.withUnsafeMutableBufferPointer { values in
            try (0..<count).map { values.baseAddress! + $0 * rows }.withUnsafeBufferPointer(write)
        }
        return (0..<count).map { c in Array(block[(c * rows)..<((c + 1) * rows)]) }
    }

    /// Runs `body` with the storage of every array of `arrays` at once, in order: each array's
    /// scope nests in the previous one's, so the addresses stay valid, and unique, while `body`
    /// runs.
    private static func withStorage(of arrays: inout [[Double]], _ body: (UnsafeBufferPointer<UnsafeMutablePointer<Double>>) throws -> Void) throws {
        var bases: [UnsafeMutablePointer<Double>] = []
        bases.reserveCapacity(arrays.count)
        func nest(_ i: Int) throws {
            guard i < arrays.count else { return try bases.withUnsafeBufferPointer(body) }
            var array = arrays[i]
            arrays[i] = []
            defer { arrays[i] = array }
            try array.withUnsafeMutableBufferPointer { buffer in
                bases.append(buffer.baseAddress!)
                try nest(i + 1)
            }
        }
        try nest(0)
    }

    /// Closes up the gaps chunks left (blank lines and line breaks inside quotes make fewer
    /// records than lines): chunk k's `records[k]` rows move from `offsets[k]` to follow the
    /// previous chunks' rows, and the column ends after the last.
    static func closeUp(_ column: inout [Double], offsets: [Int], records: [Int]) {
        var at = 0
        column.withUnsafeMutableBufferPointer { values in
            for (k, n) in records.enumerated() {
                if at != offsets[k] { memmove(values.baseAddress! + at, values.baseAddress! + offsets[k], n * MemoryLayout<Double>.stride) }
                at += n
            }
        }
        column.removeLast(column.count - at)
    }
}
