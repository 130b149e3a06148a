import Foundation

/// A fit's prior weights formed where a pass reads them rather than stored: the weight of model
/// row i is `column[rows[i]] / divisor` (`rows` nil: `column[i]`). A replicate refit's weights
/// are its replicate's column at the model's rows divided by their sum (R's `wi/sum(wi)` in
/// `svyglm.svyrep.design`): read this way, a group of refits needs no copy of its replicates'
/// columns (8 MB a refit at 1M rows), and each value equals the stored division bit for bit.
/// The refit passes (`RefitPasses.swift`) read the values as stored and divide their sums
/// instead, which equals the sums of the divided values to rounding.
struct ScaledWeights: Sendable {
    /// One value per table row (shared with the replicate's column, not copied).
    let column: [Double]
    /// Per model row, its table row; nil when the model's rows are the table's.
    let rows: [Int32]?
    /// What each value is divided by.
    let divisor: Double

    /// Weights as given, one per model row.
    init(_ values: [Double]) {
        (column, rows, divisor) = (values, nil, 1)
    }

    /// The values of `column` at `rows` (nil: every row), divided by `divisor`.
    init(column: [Double], rows: [Int32]?, divisor: Double) {
        (self.column, self.rows, self.divisor) = (column, rows, divisor)
    }

    /// Each of `columns` at `rows` (nil: every row) over its sum there: the weights of replicate
    /// refits, R's `wi/sum(wi)` in `svyglm.svyrep.design`. Each sum is taken in extended
    /// precision as R's `sum` takes it (in four interleaved partial sums, so that the additions
    /// do not wait on each other; the double it rounds to is R's unless the exact sum lies within
    /// about 1e-19 of the midpoint of two doubles), one column per core.
    static func normalized(_ columns: [[Double]], rows: [Int32]?) -> [ScaledWeights] {
        var totals = [Double](repeating: 0, count: columns.count)
        totals.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: columns.count) { k in
                shared.value[k] = columns[k].withUnsafeBufferPointer { column in
                    guard let rows else { return extendedSum(count: column.count) { column[$0] } }
                    return rows.withUnsafeBufferPointer { rows in extendedSum(count: rows.count) { column[Int(rows[$0])] } }
                }
            }
        }
        return zip(columns, totals).map { ScaledWeights(column: $0, rows: rows, divisor: $1) }
    }

    /// Each of `columns` at `rows` (nil: every row) as it is, divisor 1 (0 when no weight there
    /// is positive): the weights of linear refits, whose coefficients do not depend on the
    /// weights' scale. R divides them by their sum (`normalized`) for `glm.fit`'s deviance
    /// test, which a linear fit passes at its second iteration at any scale.
    static func unscaled(_ columns: [[Double]], rows: [Int32]?) -> [ScaledWeights] {
        columns.map { column in
            let positive = rows.map { $0.contains { column[Int($0)] > 0 } } ?? column.contains { $0 > 0 }
            return ScaledWeights(column: column, rows: rows, divisor: positive ? 1 : 0)
        }
    }

    /// Σ value(i) for i < count in extended precision where the platform has it, in four
    /// interleaved partial sums, rounded to a double at the end.
    @inline(__always)
    private static func extendedSum(count: Int, _ value: (Int) -> Double) -> Double {
        #if arch(x86_64) || arch(i386)
        typealias Wide = Float80
        #else
        typealias Wide = Double
        #endif
        var (s0, s1, s2, s3) = (Wide(0), Wide(0), Wide(0), Wide(0)), i = 0
        while i + 4 <= count {
            (s0, s1, s2, s3) = (s0 + Wide(value(i)), s1 + Wide(value(i + 1)), s2 + Wide(value(i + 2)), s3 + Wide(value(i + 3)))
            i += 4
        }
        while i < count { s0 += Wide(value(i)); i += 1 }
        return Double((s0 + s1) + (s2 + s3))
    }

    /// The weight of each model row, stored (the column itself when there is nothing to form).
    func materialized() -> [Double] {
        if rows == nil, divisor == 1 { return column }
        return (0..<count).map { i in column[Int(rows?[i] ?? Int32(i))] / divisor }
    }

    /// The number of model rows.
    var count: Int { rows?.count ?? column.count }

    /// Reads weights through the storage's addresses, valid inside `withReaders`.
    struct Reader: @unchecked Sendable {
        let column: UnsafePointer<Double>
        let rows: UnsafePointer<Int32>?
        let divisor: Double

        /// The weights of model rows `range`: the column's own storage when there is nothing
        /// to form, else formed into `scratch` (at least `range.count` values).
        @inline(__always)
        func values(_ range: Range<Int>, scratch: UnsafeMutablePointer<Double>) -> UnsafePointer<Double> {
            guard divisor != 1 else { return storedValues(range, scratch: scratch) }
            if let rows {
                for i in 0..<range.count { scratch[i] = column[Int(rows[range.lowerBound + i])] / divisor }
            } else {
                for i in 0..<range.count { scratch[i] = column[range.lowerBound + i] / divisor }
            }
            return UnsafePointer(scratch)
        }

        /// The weights of model rows `range` as stored, not yet divided by `divisor` (a pass that
        /// divides its sums instead): the column's own storage when the model's rows are the
        /// table's, else gathered into `scratch` (at least `range.count` values).
        @inline(__always)
        func storedValues(_ range: Range<Int>, scratch: UnsafeMutablePointer<Double>) -> UnsafePointer<Double> {
            guard let rows else { return column + range.lowerBound }
            for i in 0..<range.count { scratch[i] = column[Int(rows[range.lowerBound + i])] }
            return UnsafePointer(scratch)
        }
    }

    /// Runs `body` with a reader of each of `weights`, in order, valid for the call.
    static func withReaders<T>(_ weights: [ScaledWeights], _ body: ([Reader]) -> T) -> T {
        // The address of an empty array's storage is never read.
        let empty = UnsafePointer<Double>(bitPattern: MemoryLayout<Double>.alignment)!
        func nest(_ k: Int, _ readers: [Reader]) -> T {
            guard k < weights.count else { return body(readers) }
            let w = weights[k]
            return w.column.withUnsafeBufferPointer { column in
                guard let rows = w.rows else {
                    return nest(k + 1, readers + [Reader(column: column.baseAddress ?? empty, rows: nil, divisor: w.divisor)])
                }
                return rows.withUnsafeBufferPointer { rows in
                    nest(k + 1, readers + [Reader(column: column.baseAddress ?? empty, rows: rows.baseAddress, divisor: w.divisor)])
                }
            }
        }
        return nest(0, [])
    }
}
