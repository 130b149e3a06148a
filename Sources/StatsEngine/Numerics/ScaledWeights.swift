/// A fit's prior weights formed where a pass reads them rather than stored: the weight of model
/// row i is `column[rows[i]] / divisor` (`rows` nil: `column[i]`). A replicate refit's weights
/// are its replicate's column at the model's rows divided by their sum (R's `wi/sum(wi)` in
/// `svyglm.svyrep.design`): read this way, a group of refits needs no copy of its replicates'
/// columns (8 MB a refit at 1M rows), and each value equals the stored division bit for bit.
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
            if let rows {
                for i in 0..<range.count { scratch[i] = column[Int(rows[range.lowerBound + i])] / divisor }
            } else if divisor != 1 {
                for i in 0..<range.count { scratch[i] = column[range.lowerBound + i] / divisor }
            } else {
                return column + range.lowerBound
            }
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
