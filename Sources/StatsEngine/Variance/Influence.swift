/// Influence (linearization) values of `width` statistics on a set of rows: the one currency
/// between estimators and the variance engine. Row `rows[i]` carries `values[i * width + j]` for
/// statistic `j`; rows outside `rows` carry zero. `rows` is the (sub)design the statistic is
/// computed on, as R's subset designs: a domain's rows with the analysed values present.
public struct Influence: Sendable {
    /// The table rows the statistics are computed on.
    public var rows: [Int32]
    /// The number of statistics: columns of `values`.
    public var width: Int
    /// rows.count × width, row-major: `values[i * width + j]` is row `rows[i]`'s value for
    /// statistic `j`, in the statistic's unit.
    public var values: [Double]

    /// Influence values for `rows`; `values.count` must be `rows.count * width` (a precondition).
    public init(rows: [Int32], width: Int, values: [Double]) {
        precondition(values.count == rows.count * width, "one value per row and statistic")
        self.rows = rows
        self.width = width
        self.values = values
    }
}

/// Influence values produced in consecutive blocks of rows rather than held: what the variance
/// engine totals by sampling unit, so that a statistic with many rows and many components (a
/// regression's coefficients) never holds rows × width values at once.
public struct InfluenceBlocks {
    /// The table rows the statistics are computed on, as `Influence.rows`.
    public let rows: [Int32]
    /// The number of statistics: values per row.
    public let width: Int
    /// Calls its argument with each block in row order: the block's positions in `rows` and its
    /// values, row-major (`width` per row, the block's first row first).
    public let forEachBlock: ((Range<Int>, UnsafeBufferPointer<Double>) -> Void) -> Void

    /// Blocks from `produce`, which calls its argument with each block in row order.
    public init(rows: [Int32], width: Int, forEachBlock produce: @escaping ((Range<Int>, UnsafeBufferPointer<Double>) -> Void) -> Void) {
        self.rows = rows
        self.width = width
        self.forEachBlock = produce
    }

    /// All the blocks' values, held.
    public func held() -> Influence {
        var values = [Double]()
        values.reserveCapacity(rows.count * width)
        forEachBlock { _, block in values.append(contentsOf: block) }
        return Influence(rows: rows, width: width, values: values)
    }

    /// The held values of `influence` as one block.
    public init(_ influence: Influence) {
        self.init(rows: influence.rows, width: influence.width) { body in
            influence.values.withUnsafeBufferPointer { body(0..<influence.rows.count, $0) }
        }
    }
}

/// A symmetric covariance matrix of `size` statistics, row-major.
public struct Covariance: Sendable {
    /// The number of statistics: the matrix is size × size.
    public let size: Int
    /// size × size, row-major, in the statistics' units squared (entry i, j: unit_i · unit_j).
    public var values: [Double]

    /// A covariance matrix from size × size row-major values (not checked for symmetry).
    public init(size: Int, values: [Double]) {
        self.size = size
        self.values = values
    }

    /// The covariance of statistics `i` and `j`.
    public subscript(i: Int, j: Int) -> Double { values[i * size + j] }

    /// Standard errors, the square roots of the diagonal.
    public var standardErrors: [Double] { (0..<size).map { self[$0, $0].squareRoot() } }
}
