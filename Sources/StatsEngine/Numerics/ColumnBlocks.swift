/// A tall matrix read a block of rows at a time, for the passes that need only a block in
/// cache: cross-products, linear predictors, influence values. A model matrix implements it by
/// forming each block from the model's variables (`ModelColumnInputs`), so the n × p matrix
/// need never exist; a matrix that does exist implements it by copying (`DenseColumns`).
protocol ColumnBlocks: Sendable {
    /// The number of rows.
    var rowCount: Int { get }
    /// The number of columns.
    var columnCount: Int { get }
    /// Writes the values of column `j` at `rows` to `out` (one per row, in order), each times
    /// `scale[i]` when `scale` is given (`scale[0]` for the first row of `rows`). `out` may be
    /// uninitialized.
    func write(column j: Int, rows: Range<Int>, scale: UnsafePointer<Double>?, to out: UnsafeMutablePointer<Double>)
    /// Adds `c` times column `j` at `rows` to `sums` (`sums[i] += c·xᵢⱼ`, `sums[0]` for the
    /// first row of `rows`).
    func accumulate(column j: Int, rows: Range<Int>, times c: Double, into sums: UnsafeMutablePointer<Double>)
    /// The whole matrix, column-major `rowCount × columnCount`.
    func matrix() -> [Double]
}

/// A column-major matrix held whole, as `ColumnBlocks`.
struct DenseColumns: ColumnBlocks {
    /// Column-major values, `rowCount × columnCount`.
    let values: [Double]
    let rowCount: Int
    let columnCount: Int

    func matrix() -> [Double] { values }

    func accumulate(column j: Int, rows: Range<Int>, times c: Double, into sums: UnsafeMutablePointer<Double>) {
        values.withUnsafeBufferPointer { x in
            let column = x.baseAddress! + j * rowCount + rows.lowerBound
            for i in 0..<rows.count { sums[i] += c * column[i] }
        }
    }

    func write(column j: Int, rows: Range<Int>, scale: UnsafePointer<Double>?, to out: UnsafeMutablePointer<Double>) {
        values.withUnsafeBufferPointer { x in
            let column = x.baseAddress! + j * rowCount + rows.lowerBound
            if let scale {
                for i in 0..<rows.count { (out + i).initialize(to: scale[i] * column[i]) }
            } else {
                out.initialize(from: column, count: rows.count)
            }
        }
    }
}
