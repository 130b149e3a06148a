/// One statistic estimated in several cells of the same design — groups, waves, areas — with
/// the cells' joint covariance from a single call of the variance engine (each cell's influence
/// values in its own column, zero elsewhere), so that any contrast between cells, such as a gap,
/// a change or a difference in differences, gets a standard error that counts the PSUs the
/// cells share.
struct CellEstimates {
    let estimates: [Double]
    let covariance: Covariance
    let rowCounts: [Int]
    /// All rows of all cells (for degrees of freedom).
    let rows: [Int32]

    init(_ cells: [Linearized], engine: VarianceEngine) throws {
        let k = cells.count
        var rows: [Int32] = []
        var values: [Double] = []
        for (c, cell) in cells.enumerated() {
            rows += cell.rows
            for v in cell.values {
                var line = [Double](repeating: 0, count: k)
                line[c] = v
                values += line
            }
        }
        estimates = cells.map(\.estimate)
        covariance = try engine.covariance(Influence(rows: rows, width: k, values: values))
        rowCounts = cells.map { $0.rows.count }
        self.rows = rows
    }

    /// A smooth function of the cell estimates given by its value and gradient: the value and
    /// its delta-method variance.
    func function(value: Double, gradient: [Double]) -> (estimate: Double, variance: Double) {
        var v = 0.0
        for a in gradient.indices where gradient[a] != 0 {
            for b in gradient.indices where gradient[b] != 0 { v += gradient[a] * covariance[a, b] * gradient[b] }
        }
        return (value, max(0, v))
    }

    /// A linear contrast Σ cᵢθᵢ.
    func contrast(_ coefficients: [Double]) -> (estimate: Double, variance: Double) {
        function(value: zip(coefficients, estimates).reduce(0) { $0 + $1.0 * $1.1 }, gradient: coefficients)
    }

    /// θ_a / θ_b.
    func ratio(_ a: Int, _ b: Int) -> (estimate: Double, variance: Double) {
        var gradient = [Double](repeating: 0, count: estimates.count)
        gradient[a] = 1 / estimates[b]
        gradient[b] = -estimates[a] / (estimates[b] * estimates[b])
        return function(value: estimates[a] / estimates[b], gradient: gradient)
    }

    /// Rows in the cells named by `indices`.
    func count(_ indices: [Int]) -> Int { indices.reduce(0) { $0 + rowCounts[$1] } }
}
