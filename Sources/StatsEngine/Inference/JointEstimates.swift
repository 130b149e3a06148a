/// One statistic estimated in several cells of the same design — groups, waves, areas — with
/// what any contrast between them needs: each cell's own variance (its domain's subset design,
/// as `svyby`'s standard errors) and the cells' joint covariance totalled over the whole design
/// they were drawn from (R's `svyby(..., covmat = TRUE)`), so that a gap, a change or a
/// difference in differences counts the PSUs the cells share, and a cell's entries never depend
/// on which other cells are compared with it.
///
/// Both come from the one variance engine: each cell's influence values in its own column,
/// zero elsewhere.
struct JointEstimates {
    let estimates: [Double]
    /// The joint covariance, `cells × cells`.
    let covariance: Covariance
    /// Each cell's variance on its own domain.
    let ownVariances: [Double]
    let rowCounts: [Int]
    private let cellRows: [[Int32]]

    /// - Parameters:
    ///   - cells: the cells' estimates and influence values.
    ///   - scope: the rows of the design the cells were drawn from (a subset's rows, or the rows
    ///     that have the analysed variables); nil for every row of the design.
    init(_ cells: [Linearized], engine: VarianceEngine, scope: [Int32]?) throws {
        let k = cells.count
        let rows = cells.flatMap(\.rows)
        var values = [Double](repeating: 0, count: rows.count * k)
        var at = 0
        for (c, cell) in cells.enumerated() {
            for v in cell.values {
                values[at * k + c] = v
                at += 1
            }
        }
        estimates = cells.map(\.estimate)
        covariance = try engine.covariance(Influence(rows: rows, width: k, values: values),
                                           scope: .rows(scope ?? (0..<Int32(engine.design.rowCount)).map { $0 }))
        ownVariances = try cells.map { try engine.covariance(Influence(rows: $0.rows, width: 1, values: $0.values))[0, 0] }
        rowCounts = cells.map { $0.rows.count }
        cellRows = cells.map(\.rows)
    }

    /// A smooth function of the cell estimates given by its value and gradient: the value and
    /// its delta-method variance (NaN when a cell it uses has none, +∞ when it exceeds a
    /// double). A function of one cell uses that cell's own variance.
    func function(value: Double, gradient: [Double]) -> (estimate: Double, variance: Double) {
        let used = gradient.indices.filter { gradient[$0] != 0 }
        // A cell whose variance the design cannot estimate (NaN: R's) leaves the function none.
        guard used.allSatisfy({ ownVariances[$0].isFinite }) else { return (value, .nan) }
        if used.count == 1 {
            let a = used[0]
            return (value, gradient[a] * gradient[a] * ownVariances[a])
        }
        var v = 0.0
        for a in used { for b in used { v += gradient[a] * covariance[a, b] * gradient[b] } }
        // Beyond a double's range (a gradient, a product or their sum; NaN where an infinite
        // gradient meets a zero covariance), never a variance of 0: +∞, which callers refuse.
        guard v.isFinite, used.allSatisfy({ gradient[$0].isFinite }) else { return (value, .infinity) }
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

    /// The rows of the cells named by `indices` (for their degrees of freedom).
    func rows(_ indices: [Int]) -> [Int32] { indices.flatMap { cellRows[$0] } }
}
