import CLapack

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
///
/// The values may come as a product: each row's block values times one `factor` matrix (a
/// regression's scores times its bread). Totals are linear, so the engine totals the blocks'
/// values and multiplies the totals by the factor once, instead of every row. Such blocks hold
/// their values column by column, as they are formed.
public struct InfluenceBlocks {
    /// The table rows the statistics are computed on, as `Influence.rows`.
    public let rows: [Int32]
    /// The number of statistics: influence values per row.
    public let width: Int
    /// Values per row in the blocks: `width`, or the rows of `factor`.
    let blockWidth: Int
    /// When given, the influence values are the blocks' rows times this `blockWidth × width`
    /// matrix (row-major).
    let factor: [Double]?
    /// Whether the blocks hold their values column-major (the block's rows of the first
    /// column, then of the second, …) rather than row-major.
    let columnMajor: Bool
    /// Calls its argument with each block in row order: the block's positions in `rows` and its
    /// values, `blockWidth` per row, row-major or (`columnMajor`) column-major.
    public let forEachBlock: ((Range<Int>, UnsafeBufferPointer<Double>) -> Void) -> Void

    /// Blocks from `produce`, which calls its argument with each block in row order.
    public init(rows: [Int32], width: Int, forEachBlock produce: @escaping ((Range<Int>, UnsafeBufferPointer<Double>) -> Void) -> Void) {
        self.rows = rows
        self.width = width
        blockWidth = width
        factor = nil
        columnMajor = false
        forEachBlock = produce
    }

    /// Column-major blocks of `factor.count / width` values per row from `produce`, the
    /// influence values being each row's block values times `factor` (row-major,
    /// `factor.count / width` × `width`).
    init(rows: [Int32], width: Int, factor: [Double], forEachBlock produce: @escaping ((Range<Int>, UnsafeBufferPointer<Double>) -> Void) -> Void) {
        self.rows = rows
        self.width = width
        blockWidth = width == 0 ? 0 : factor.count / width
        self.factor = factor
        columnMajor = true
        forEachBlock = produce
    }

    /// All the blocks' influence values, held.
    public func held() -> Influence {
        var values = [Double]()
        values.reserveCapacity(rows.count * width)
        forEachBlock { block, part in
            let m = block.count, k = blockWidth
            let rowMajor = columnMajor ? (0..<(m * k)).map { part[($0 % k) * m + $0 / k] } : Array(part)
            guard let factor else { return values.append(contentsOf: rowMajor) }
            values.append(contentsOf: rowMajor.withUnsafeBufferPointer { Self.product($0, rows: m, inner: k, factor: factor, width: width) })
        }
        return Influence(rows: rows, width: width, values: values)
    }

    /// `values` (row-major, `rows × inner`) times `factor` (row-major, `inner × width`): row-major `rows × width`.
    static func product(_ values: UnsafeBufferPointer<Double>, rows m: Int, inner k: Int, factor: [Double], width: Int) -> [Double] {
        var out = [Double](repeating: 0, count: m * width)
        guard m > 0, k > 0, width > 0 else { return out }
        // Row-major products are column-major ones transposed: out' = factor' · values'.
        var trans = CChar(UInt8(ascii: "N")), w = Int32(width), mm = Int32(m), kk = Int32(k), one = 1.0, zero = 0.0
        dgemm_(&trans, &trans, &w, &mm, &kk, &one, factor, &w, values.baseAddress!, &kk, &zero, &out, &w)
        return out
    }

    /// The held values of `influence` as one block.
    public init(_ influence: Influence) {
        self.init(rows: influence.rows, width: influence.width) { body in
            influence.values.withUnsafeBufferPointer { body(0..<influence.rows.count, $0) }
        }
    }
}

/// A symmetric covariance matrix of `size` statistics, row-major. Where the influence values
/// were taken in units of a power of two per statistic (`InfluenceBlocks.rescaled`, their sums
/// of squares beyond a double otherwise), it keeps the matrix in those units too, so that a
/// standard error whose variance is beyond a double is still finite.
public struct Covariance: Sendable {
    /// The number of statistics: the matrix is size × size.
    public let size: Int
    /// size × size, row-major, in the statistics' units squared (entry i, j: unit_i · unit_j);
    /// +∞ (or −∞) where a covariance is beyond a double.
    public let values: [Double]
    /// The matrix in units of `scales` (entry i, j: `values[i, j] / (scales[i] · scales[j])`),
    /// where it was computed so; nil otherwise.
    private let scaled: (values: [Double], scales: [Double])?

    /// A covariance matrix from size × size row-major values (not checked for symmetry).
    public init(size: Int, values: [Double]) {
        self.size = size
        self.values = values
        scaled = nil
    }

    /// A covariance matrix from its size × size row-major values in units of `scales` (powers
    /// of two): entry i, j is `values[i * size + j] · scales[i] · scales[j]`.
    init(size: Int, values: [Double], scales: [Double]) {
        self.size = size
        self.values = (0..<(size * size)).map { values[$0] * scales[$0 / size] * scales[$0 % size] }
        scaled = (values, scales)
    }

    /// The covariance of statistics `i` and `j`.
    public subscript(i: Int, j: Int) -> Double { values[i * size + j] }

    /// The standard error of statistic `i`, the square root of its variance; finite where the
    /// variance is beyond a double but was computed in scaled units and its root is not.
    public func standardError(_ i: Int) -> Double {
        guard let scaled else { return self[i, i].squareRoot() }
        return scaled.values[i * size + i].squareRoot() * scaled.scales[i]
    }

    /// Standard errors, the square roots of the diagonal (`standardError(_:)`).
    public var standardErrors: [Double] { (0..<size).map(standardError) }
}
