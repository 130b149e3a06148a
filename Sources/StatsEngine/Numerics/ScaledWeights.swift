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
    /// Σ of the stored values over the model rows, when known (`normalized`: the divisor);
    /// a refit pass then takes a logistic fit's rounding scale from it instead of summing.
    let total: Double?

    /// Weights as given, one per model row.
    init(_ values: [Double]) {
        (column, rows, divisor, total) = (values, nil, 1, nil)
    }

    /// The values of `column` at `rows` (nil: every row), divided by `divisor`; `total` their
    /// sum over those rows when known.
    init(column: [Double], rows: [Int32]?, divisor: Double, total: Double? = nil) {
        (self.column, self.rows, self.divisor, self.total) = (column, rows, divisor, total)
    }

    /// Each of `columns` at `rows` (nil: every row) over its sum there: the weights of replicate
    /// refits, R's `wi/sum(wi)` in `svyglm.svyrep.design`. Each sum is `CompensatedSum`'s (the
    /// correctly rounded sum; R's long-double `sum` gives it or a neighbour), one column per
    /// core, or over every row the column's known `totals[k]` (`ReplicateWeights.totals`, taken
    /// the same way as the columns were read).
    static func normalized(_ columns: [[Double]], rows: [Int32]?, totals: [Double?]? = nil) -> [ScaledWeights] {
        var sums = [Double](repeating: 0, count: columns.count)
        sums.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: columns.count) { k in
                if rows == nil, let total = totals?[k] {
                    shared.value[k] = total
                    return
                }
                shared.value[k] = columns[k].withUnsafeBufferPointer { column in
                    guard let rows else { return compensatedSum(count: column.count) { column[$0] } }
                    return rows.withUnsafeBufferPointer { rows in compensatedSum(count: rows.count) { column[Int(rows[$0])] } }
                }
            }
        }
        return zip(columns, sums).map { ScaledWeights(column: $0, rows: rows, divisor: $1, total: $1) }
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

    /// Σ value(i) for i < count (`CompensatedSum`), four at a time.
    @inline(__always)
    private static func compensatedSum(count: Int, _ value: (Int) -> Double) -> Double {
        var sum = CompensatedSum(), i = 0
        while i + 4 <= count {
            sum.add(SIMD4(value(i), value(i + 1), value(i + 2), value(i + 3)))
            i += 4
        }
        while i < count { sum.add(value(i)); i += 1 }
        return sum.value
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
