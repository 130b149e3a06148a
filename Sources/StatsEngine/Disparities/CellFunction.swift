/// A gap row's estimate as a function of its comparison's cells — 0 the focal group, 1 the
/// reference group and, with a period, 2 and 3 the same groups at the baseline — so that the
/// linearized rows (through the cells' joint covariance) and the replicates' rows (from each
/// replicate's cells) follow from one definition.
enum CellFunction: Sendable {
    /// Σ_j a_j θ_j over the cells (a difference, a change, a difference in differences).
    case contrast([Double])
    /// θ_a / θ_b.
    case ratio(Int, Int)

    /// The rows of a comparison of `cells` (2, or 4 with a period) in output order: each
    /// row's component name, its function and the cells whose rows its df and disclosure count.
    static func rows(cells: Int) -> [(component: String, function: CellFunction, cells: [Int])] {
        func contrast(_ entries: [Int: Double]) -> CellFunction { .contrast((0..<cells).map { entries[$0] ?? 0 }) }
        var rows: [(component: String, function: CellFunction, cells: [Int])] = [
            ("focal", contrast([0: 1]), [0]),
            ("reference", contrast([1: 1]), [1]),
            ("difference", contrast([0: 1, 1: -1]), [0, 1]),
            ("ratio", .ratio(0, 1), [0, 1]),
        ]
        if cells == 4 {
            rows += [("baseline focal", contrast([2: 1]), [2]),
                     ("baseline reference", contrast([3: 1]), [3]),
                     ("baseline difference", contrast([2: 1, 3: -1]), [2, 3]),
                     ("change focal", contrast([0: 1, 2: -1]), [0, 2]),
                     ("change reference", contrast([1: 1, 3: -1]), [1, 3]),
                     ("change difference", contrast([0: 1, 1: -1, 2: -1, 3: 1]), [0, 1, 2, 3])]
        }
        return rows
    }

    /// The rows that are one cell's own figure (focal, reference and, with a period, the same
    /// at the baseline): each such row's component and its cell.
    static func ownRows(cells: Int) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: rows(cells: cells).filter { $0.cells.count == 1 }.map { ($0.component, $0.cells[0]) })
    }

    /// The row's value from the cells' values; a cell the row does not use (coefficient 0) is
    /// not read, so a replicate that cannot give it (NaN) leaves the row's value alone.
    func value(_ cells: [Double]) -> Double {
        switch self {
        case .contrast(let a): return zip(a, cells).reduce(0) { $1.0 == 0 ? $0 : $0 + $1.0 * $1.1 }
        case .ratio(let a, let b): return cells[a] / cells[b]
        }
    }

    /// The factor the row's value is reported in: the request's `scale` (100 for percentage
    /// points, `--scale pp`) for a contrast, 1 for a ratio (unitless). Both the linearized and
    /// the replicates' rows take it, so an estimate and its spread share one unit.
    func reportedScale(_ scale: Double) -> Double {
        if case .ratio = self { return 1 }
        return scale
    }

    /// The row's estimate and its linearized variance from the cells' joint covariance.
    func estimate(_ cells: JointEstimates) -> (estimate: Double, variance: Double) {
        switch self {
        case .contrast(let a): return cells.contrast(a)
        case .ratio(let a, let b): return cells.ratio(a, b)
        }
    }
}
