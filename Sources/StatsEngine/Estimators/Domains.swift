/// The domains (subpopulations) of a `--by` analysis: each combination of the grouping columns'
/// levels that occurs, with its rows, found in one counting pass over the data. Rows missing a
/// grouping value belong to no domain, as in R's `svyby`. Every domain keeps the full design.
public struct Domains: Sendable {
    /// The grouping columns.
    public let columns: [String]
    /// Per domain, its level of each grouping column.
    public let labels: [[String]]
    /// Per domain, its rows in increasing order.
    public let rows: [[Int32]]

    /// The whole sample as one domain.
    public static func whole(rowCount: Int) -> Domains {
        Domains(columns: [], labels: [[]], rows: [(0..<rowCount).map { Int32($0) }])
    }

    /// Domains from parallel arrays: one entry of `labels` and `rows` per domain.
    public init(columns: [String], labels: [[String]], rows: [[Int32]]) {
        self.columns = columns
        self.labels = labels
        self.rows = rows
    }

    /// The domains restricted to the rows marked true in `keep` (a `--subset`); without `keep`,
    /// the domains themselves. A `--by` domain left with no rows is dropped; the whole sample
    /// stays, possibly empty, for the estimator to report.
    public func within(_ keep: [Bool]?) -> Domains {
        guard let keep else { return self }
        let restricted = rows.map { $0.filter { keep[Int($0)] } }
        let kept = restricted.indices.filter { columns.isEmpty || !restricted[$0].isEmpty }
        return Domains(columns: columns, labels: kept.map { labels[$0] }, rows: kept.map { restricted[$0] })
    }

    /// Domains of the level combinations of `columns`, ordered by the first column's levels,
    /// then the second's.
    /// - Throws: `DisparityError.data` naming the column when a column is missing in every row,
    ///   or the columns when no row has all of them: there would be no domain at all.
    public init(table: Table, by columns: [String]) throws {
        guard !columns.isEmpty else {
            self = .whole(rowCount: table.rowCount)
            return
        }
        let factors = try columns.map { try table.categorical($0) }
        var key = [Int](repeating: 0, count: table.rowCount)
        var stride = 1
        for factor in factors.reversed() {
            for r in 0..<table.rowCount {
                let c = factor.codes[r]
                key[r] = (c < 0 || key[r] < 0) ? -1 : key[r] + Int(c) * stride
            }
            stride *= max(1, factor.levels.count)
        }
        var slotOfKey: [Int: Int] = [:]
        var keys: [Int] = []
        var rows: [[Int32]] = []
        for r in 0..<table.rowCount where key[r] >= 0 {
            if let s = slotOfKey[key[r]] { rows[s].append(Int32(r)); continue }
            slotOfKey[key[r]] = keys.count
            keys.append(key[r])
            rows.append([Int32(r)])
        }
        if keys.isEmpty {
            // An empty result would look like a finished analysis.
            if let empty = zip(columns, factors).first(where: { $0.1.codes.allSatisfy { $0 < 0 } })?.0 {
                throw DisparityError.data(file: table.source, column: empty, "every value is missing, so --by has no domain to estimate")
            }
            throw DisparityError.data(file: table.source, "--by \(columns.joined(separator: ",")): no row has a value in every column, so there is no domain to estimate")
        }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        self.columns = columns
        self.rows = order.map { rows[$0] }
        self.labels = order.map { slot in
            var rest = keys[slot]
            var levels = [String](repeating: "", count: factors.count)
            var s = stride
            for (i, factor) in factors.enumerated() {
                s /= max(1, factor.levels.count)
                levels[i] = factor.levels[rest / s]
                rest %= s
            }
            return levels
        }
    }
}
