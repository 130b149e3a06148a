import Foundation

/// A chunk's numbers while it is parsed, in groups of `groupSize` records stored column by
/// column: record r of column c sits at `(r / G · width + c) · G + r mod G`. Parsing writes each
/// cell once into a group that stays in cache, and joining a column copies runs of G values —
/// neither reads the other's order across the whole chunk, as a row-major buffer would make the
/// join do (one useful value per cache line).
///
/// Cells that are never written (those of text columns) hold unspecified values and are never
/// read.
struct RecordGroups {
    /// Records per group; a power of two.
    static let groupSize = 256
    private static let shift = groupSize.trailingZeroBitCount

    /// Columns per record.
    let width: Int
    private let storage: Storage
    /// `storage.pointer`, cached so the hot path reads it without a class access.
    private var base: UnsafeMutablePointer<Double>
    private var groups: Int

    /// Room for about `expectedRecords` records; more are added as they come.
    init(width: Int, expectedRecords: Int) {
        self.width = max(width, 1)
        groups = max(1, (expectedRecords + Self.groupSize - 1) >> Self.shift)
        storage = Storage(count: groups * self.width * Self.groupSize)
        base = storage.pointer
    }

    /// Stores `value` as record `record`'s cell in column `column`.
    @inline(__always)
    mutating func set(_ value: Double, record: Int, column: Int) {
        let group = record >> Self.shift
        if group >= groups { grow(past: group) }
        base[((group * width + column) << Self.shift) + (record & (Self.groupSize - 1))] = value
    }

    /// Record `record`'s cell in column `column`.
    func value(record: Int, column: Int) -> Double {
        base[(((record >> Self.shift) * width + column) << Self.shift) + (record & (Self.groupSize - 1))]
    }

    /// Copies column `column` of the first `records` records to `destination`.
    func copy(column: Int, records: Int, to destination: UnsafeMutablePointer<Double>) {
        var done = 0
        var group = 0
        while done < records {
            let n = min(Self.groupSize, records - done)
            (destination + done).update(from: base + ((group * width + column) << Self.shift), count: n)
            done += n
            group += 1
        }
    }

    private mutating func grow(past group: Int) {
        groups = max(group + 1, groups * 2)
        storage.resize(to: groups * width * Self.groupSize)
        base = storage.pointer
    }

    /// Owns the allocation, which copies of the groups share (they are read only once joined).
    private final class Storage {
        private(set) var pointer: UnsafeMutablePointer<Double>
        private var count: Int

        init(count: Int) {
            pointer = .allocate(capacity: count)
            self.count = count
        }

        func resize(to newCount: Int) {
            let grown = UnsafeMutablePointer<Double>.allocate(capacity: newCount)
            grown.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
            pointer = grown
            count = newCount
        }

        deinit { pointer.deallocate() }
    }
}
