/// Influence (linearization) values of `width` statistics on a set of rows: the one currency
/// between estimators and the variance engine. Row `rows[i]` carries `values[i * width + j]` for
/// statistic `j`; rows outside `rows` carry zero. `rows` is the (sub)design the statistic is
/// computed on, as R's subset designs: a domain's rows with the analysed values present.
public struct Influence: Sendable {
    public var rows: [Int32]
    public var width: Int
    public var values: [Double]

    public init(rows: [Int32], width: Int, values: [Double]) {
        precondition(values.count == rows.count * width, "one value per row and statistic")
        self.rows = rows
        self.width = width
        self.values = values
    }
}

/// A symmetric covariance matrix of `size` statistics, row-major.
public struct Covariance: Sendable {
    public let size: Int
    public var values: [Double]

    public init(size: Int, values: [Double]) {
        self.size = size
        self.values = values
    }

    public subscript(i: Int, j: Int) -> Double { values[i * size + j] }

    /// Standard errors, the square roots of the diagonal.
    public var standardErrors: [Double] { (0..<size).map { self[$0, $0].squareRoot() } }
}
