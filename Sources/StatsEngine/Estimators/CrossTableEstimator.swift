/// `disparity table ROW COL`: the weighted cell, row and column proportions of a two-way table
/// with design-based SEs, and the test of independence of R's `svychisq`.
///
/// Per domain, every statistic — the K cell shares (`svymean(~interaction(ROW, COL))`), the K
/// row shares (`svyby(~COL, ~ROW, svymean)`), the K column shares and the Wald contrasts — is
/// one column of a single influence matrix, so the variance engine runs once (or the bootstrap
/// recomputes them all on each replicate). Rows missing ROW or COL leave the table, as
/// `na.rm = TRUE`; the levels are those present in the domain.
public struct CrossTableEstimator: Sendable {
    /// The data estimated on.
    public let table: Table
    /// The design every standard error is computed under.
    public let design: SurveyDesign

    /// More distinct numbers than this make a numeric column continuous: not a table variable.
    public static let maximumNumericLevels = 50

    /// An estimator on `table` under `design`.
    public init(table: Table, design: SurveyDesign) {
        self.table = table
        self.design = design
    }

    /// One cross-table per domain, in domain order.
    /// - Throws: `DisparityError` for unknown or continuous columns, or a table without rows.
    public func estimate(_ request: CrossTableRequest) throws -> [CrossTable] {
        try request.validate()
        let rowFactor = try categories(request.row), colFactor = try categories(request.column)
        let domains = try Domains(table: table, by: request.by).within(try request.subset?.rows(of: table))
        let layouts = domains.rows.indices.map { d in
            Layout(domain: zip(domains.columns, domains.labels[d]).map { (column: $0, level: $1) },
                   rows: domains.rows[d], rowFactor: rowFactor, colFactor: colFactor)
        }
        if domains.columns.isEmpty, layouts.allSatisfy({ $0.used.isEmpty }) {
            throw DisparityError.data(file: table.source, "no row has values of both \(quoted: request.row) and \(quoted: request.column)")
        }
        let engine = VarianceEngine(design: design)
        var estimates: [[Double]] = [], covariances: [[Double]] = []
        for layout in layouts {
            let (theta, influence) = layout.statistics(design.weights)
            estimates.append(theta)
            guard !layout.used.isEmpty else { covariances.append([]); continue }
            let covariance = try engine.covariance(Influence(rows: layout.used, width: theta.count, values: influence))
            covariances.append(covariance.values)
        }
        // Per domain, each cell's note on the replicates that gave none of its three shares.
        var notes = layouts.map { _ in [String?]() }
        let all = estimates.flatMap { $0 }
        // The shares re-estimated on each replicate (R's svymean and svyby on the replicate
        // design); the Wald contrasts linearized about the full sample's totals (R's svychisq).
        let references = layouts.map { $0.totals(design.weights) }
        if let replicated = try design.replicateCovariance(estimates: all, { replicate in
            zip(layouts, references).flatMap { layout, reference in
                let shares = 3 * layout.nr * layout.nc
                return layout.statistics(replicate.weights).theta.prefix(shares) + layout.linearizedContrasts(replicate.weights, about: reference)
            }
        }) {
            var offset = 0
            for (d, theta) in estimates.enumerated() {
                let width = theta.count, k = layouts[d].nr * layouts[d].nc
                covariances[d] = (0..<(width * width)).map { replicated[offset + $0 / width, offset + $0 % width] }
                notes[d] = (0..<k).map { c in
                    // Named by share when not all three lack the same replicates.
                    let shares = [("share", c), ("row share", k + c), ("column share", 2 * k + c)]
                        .compactMap { name, i in replicated.note(offset + i).map { (name, $0) } }
                    guard shares.count < 3 || Set(shares.map(\.1)).count > 1 else { return shares[0].1 }
                    return shares.isEmpty ? nil : shares.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
                }
                offset += width
            }
        }
        return layouts.indices.map { d in
            table(layouts[d], theta: estimates[d], covariance: covariances[d], request: request, notes: notes[d])
        }
    }

    /// The column `name` as table categories.
    /// - Throws: `DisparityError.data` for a numeric column with more than `maximumNumericLevels` values.
    private func categories(_ name: String) throws -> CategoricalColumn {
        let factor = try table.proportionCategories(name)
        if case .numeric = try table.column(name), factor.levels.count > Self.maximumNumericLevels {
            throw DisparityError.data(file: table.source, column: name,
                                      "\(quoted: name) is continuous (\(factor.levels.count) distinct numbers): a table needs categories; group it first (at most \(Self.maximumNumericLevels) values)")
        }
        return factor
    }

    /// Why a table with cells withheld under `--min-cell` shows no test: its statistic, with the
    /// shown shares and n's, would let a reader solve for the withheld shares.
    static let withheldCellsTestNote = "no test: cells are withheld under --min-cell, and the test statistic would give them away"

    /// The cells and the test of one domain from its statistics and their covariance, with each
    /// cell's note on replicates left out (`notes`, one per cell; empty: none).
    private func table(_ layout: Layout, theta: [Double], covariance v: [Double], request: CrossTableRequest, notes: [String?]) -> CrossTable {
        let k = layout.nr * layout.nc, width = theta.count
        let df = layout.used.isEmpty ? nil
            : request.degreesOfFreedom.resolved(designByDefault: false) { design.degreesOfFreedom(rows: layout.used) }
        // The design's df on the table's rows: 0 (rows in one PSU, or one row) leaves the shares'
        // standard errors 0 or rounding noise that measures nothing (`SurveyDesign.measuresNothing`),
        // shown as R gives them, with a note.
        let nu = layout.rows.isEmpty ? nil : design.degreesOfFreedom(rows: layout.rows)
        var measuresNothing = Set<Int>()
        func inferred(_ i: Int) -> Inferred {
            guard theta[i].isFinite, !v.isEmpty else { return Inferred(estimate: theta[i], standardError: nil, df: nil, low: nil, high: nil) }
            let wald = Inferred.wald(theta[i], variance: v[i * width + i], df: df, level: request.level)
            if nu == 0, SurveyDesign.isZero(wald.standardError, of: theta[i]) { measuresNothing.insert(i % k) }
            return wald
        }
        let withheld = Inferred(estimate: .nan, standardError: nil, df: nil, low: nil, high: nil)
        var cells: [CrossTableCell] = []
        for j in 0..<layout.nc {
            for i in 0..<layout.nr {
                let c = i + j * layout.nr
                cells.append(CrossTableCell(group: layout.domain + [(request.row, layout.rowLevels[i]), (request.column, layout.colLevels[j])],
                                            cell: inferred(c), rowShare: inferred(k + c), columnShare: inferred(2 * k + c),
                                            n: layout.counts[c], note: notes.isEmpty ? nil : notes[c]))
                if measuresNothing.contains(c) {
                    cells[cells.count - 1].note = [cells[cells.count - 1].note, SurveyDesign.zeroDegreesOfFreedomNote].compactMap { $0 }.joined(separator: "; ")
                }
            }
        }
        // Shares whose rows all have weight 0 are 0/0: no estimate, said on the cell (rows with
        // values are there, so "no rows" or a blank alone would mislead).
        let (_, rowTotals, columnTotals, whole) = layout.totals(design.weights)
        if !layout.used.isEmpty, whole == 0 {
            for c in cells.indices { cells[c].note = [cells[c].note, "no shares: no rows with a positive weight"].compactMap { $0 }.joined(separator: "; ") }
            return CrossTable(domain: layout.domain, cells: cells, test: nil, testNote: "no test: no rows with a positive weight")
        }
        for c in cells.indices {
            let (i, j) = (c % layout.nr, c / layout.nr)
            let lacking = [rowTotals[i] == 0 ? "row share: no rows of \(request.row)=\(layout.rowLevels[i]) with a positive weight" : nil,
                           columnTotals[j] == 0 ? "column share: no rows of \(request.column)=\(layout.colLevels[j]) with a positive weight" : nil]
            if lacking.contains(where: { $0 != nil }) { cells[c].note = ([cells[c].note] + lacking).compactMap { $0 }.joined(separator: "; ") }
        }
        // Disclosure control withholds cells of a few observations (an empty cell is a zero, R's
        // svymean of the interaction: 0, SE 0, which tells nothing about anyone), then the cells
        // that would give one away: a row's, a column's or the table's cells add up to a known
        // share (1 for the row and column shares, the margin for the cells), so one withheld
        // cell among shown ones is their complement.
        let primary = cells.map { $0.n > 0 && request.disclosure.reason(smallestCell: $0.n) != nil }
        let rowLines = (0..<layout.nr).map { i in (0..<layout.nc).map { i + $0 * layout.nr } }
        let columnLines = (0..<layout.nc).map { j in (0..<layout.nr).map { $0 + j * layout.nr } }
        let secondary = DisclosureControl.complementary(counts: cells.map(\.n), withheld: primary,
                                                        lines: rowLines + columnLines + [Array(0..<k)])
        for c in cells.indices where primary[c] || secondary.contains(c) {
            let reason = request.disclosure.reason(smallestCell: cells[c].n) ?? request.disclosure.complementaryReason
            (cells[c].cell, cells[c].rowShare, cells[c].columnShare, cells[c].note) = (withheld, withheld, withheld, reason)
        }
        var result = CrossTable(domain: layout.domain, cells: cells, test: nil, testNote: nil)
        guard layout.nr > 1, layout.nc > 1, !v.isEmpty else {
            result.testNote = "no test: the table needs two levels of each variable"
            return result
        }
        // Rows in one PSU (or one row) leave the design no degrees of freedom: their covariance
        // measures nothing, and R's svychisq gives an F of about 1e32 with p = 0 (Chisq p = 0).
        guard let nu = nu.map(Double.init), nu > 0 else {
            result.testNote = "no test: the design leaves these rows 0 degrees of freedom (one PSU or one observation), whose covariance measures nothing"
            return result
        }
        // A withheld cell is one unknown the test statistic pins down: with the shown shares and
        // n's, X² (or F, Wald) is an equation in the withheld shares that a reader can solve, so a
        // table with withheld cells (primary ones; secondary ones come only with them) shows no test.
        guard !primary.contains(true) else {
            result.testNote = Self.withheldCellsTestNote
            return result
        }
        switch request.test {
        case .f, .chisq:
            let block = (0..<(k * k)).map { v[($0 / k) * width + $0 % k] }
            result.test = IndependenceTests.raoScott(request.test, p: Array(theta[0..<k]), covariance: block,
                                                     nr: layout.nr, nc: layout.nc, rows: layout.rows.count, df: nu)
        case .wald, .adjWald:
            let q = width - 3 * k
            let block = (0..<(q * q)).map { v[(3 * k + $0 / q) * width + 3 * k + $0 % q] }
            result.test = IndependenceTests.wald(request.test, y: Array(theta[(3 * k)...]), covariance: block, df: nu)
        }
        // A statistic or p-value that is not a number (a covariance all but singular) is no test either.
        if let test = result.test, !test.statistic.isFinite || !test.pValue.isFinite { result.test = nil }
        if result.test == nil { result.testNote = "no test: its covariance matrix is singular or the design has too few degrees of freedom" }
        return result
    }
}

/// One domain's table: its rows, the levels present and each used row's cell.
private struct Layout {
    let domain: [(column: String, level: String)]
    /// The domain's rows, missing values included (R's N and the design df).
    let rows: [Int32]
    /// The rows with both variables.
    let used: [Int32]
    let rowOf: [Int], colOf: [Int]
    let rowLevels: [String], colLevels: [String]
    let counts: [Int]
    var nr: Int { rowLevels.count }
    var nc: Int { colLevels.count }

    init(domain: [(column: String, level: String)], rows: [Int32], rowFactor: CategoricalColumn, colFactor: CategoricalColumn) {
        self.domain = domain
        self.rows = rows
        func present(_ factor: CategoricalColumn) -> (levels: [String], index: [Int]) {
            var seen = [Bool](repeating: false, count: factor.levels.count)
            for r in rows where factor.codes[Int(r)] >= 0 { seen[Int(factor.codes[Int(r)])] = true }
            var index = [Int](repeating: -1, count: factor.levels.count), levels: [String] = []
            for (l, s) in seen.enumerated() where s { index[l] = levels.count; levels.append(factor.levels[l]) }
            return (levels, index)
        }
        let (rl, ri) = present(rowFactor), (cl, ci) = present(colFactor)
        (rowLevels, colLevels) = (rl, cl)
        var used: [Int32] = [], rowOf: [Int] = [], colOf: [Int] = []
        var counts = [Int](repeating: 0, count: rl.count * cl.count)
        for r in rows {
            let a = rowFactor.codes[Int(r)], b = colFactor.codes[Int(r)]
            guard a >= 0, b >= 0 else { continue }
            used.append(r)
            rowOf.append(ri[Int(a)])
            colOf.append(ci[Int(b)])
            counts[ri[Int(a)] + ci[Int(b)] * rl.count] += 1
        }
        (self.used, self.rowOf, self.colOf, self.counts) = (used, rowOf, colOf, counts)
    }

    /// The statistics under weights `w` — cell shares, row shares, column shares (K each, row
    /// levels fastest) and the Wald contrasts of rows and columns after the first — and their
    /// influence values on `used`, row-major.
    func statistics(_ w: [Double]) -> (theta: [Double], influence: [Double]) {
        let k = nr * nc, width = 3 * k + contrasts.count
        let (totals, rowTotals, colTotals, whole) = self.totals(w)
        var theta = [Double](repeating: .nan, count: width)
        for c in 0..<k {
            let (a, b) = (c % nr, c / nr)
            theta[c] = totals[c] / whole
            theta[k + c] = totals[c] / rowTotals[a]
            theta[2 * k + c] = totals[c] / colTotals[b]
        }
        for (s, (a, b)) in contrasts.enumerated() {
            theta[3 * k + s] = totals[a + b * nr] - rowTotals[a] * colTotals[b] / whole
        }
        var influence = [Double](repeating: 0, count: used.count * width)
        for (i, r) in used.enumerated() {
            let x = w[Int(r)], a = rowOf[i], b = colOf[i], base = i * width
            for c in 0..<k { influence[base + c] = x * ((c == a + b * nr ? 1 : 0) - theta[c]) / whole }
            if rowTotals[a] > 0 {
                for j in 0..<nc { influence[base + k + a + j * nr] = x * ((j == b ? 1 : 0) - theta[k + a + j * nr]) / rowTotals[a] }
            }
            if colTotals[b] > 0 {
                for l in 0..<nr { influence[base + 2 * k + l + b * nr] = x * ((l == a ? 1 : 0) - theta[2 * k + l + b * nr]) / colTotals[b] }
            }
            for (s, (ra, cb)) in contrasts.enumerated() {
                let (rt, ct) = (rowTotals[ra], colTotals[cb])
                influence[base + 3 * k + s] = x * ((a == ra && b == cb ? 1 : 0) - (a == ra ? ct / whole : 0)
                                                   - (b == cb ? rt / whole : 0) + rt * ct / (whole * whole))
            }
        }
        return (theta, influence)
    }

    /// The Wald contrasts' cells (row level a, column level b), rows and columns after the first.
    var contrasts: [(Int, Int)] {
        var out: [(Int, Int)] = []
        for b in 1..<max(1, nc) { for a in 1..<max(1, nr) { out.append((a, b)) } }
        return out
    }

    /// The cell, row, column and whole totals of the used rows under weights `w`.
    func totals(_ w: [Double]) -> (cells: [Double], rows: [Double], columns: [Double], whole: Double) {
        var totals = [Double](repeating: 0, count: nr * nc), rowTotals = [Double](repeating: 0, count: nr)
        var colTotals = [Double](repeating: 0, count: nc), whole = 0.0
        for (i, r) in used.enumerated() {
            let x = w[Int(r)]
            totals[rowOf[i] + colOf[i] * nr] += x
            rowTotals[rowOf[i]] += x
            colTotals[colOf[i]] += x
            whole += x
        }
        return (totals, rowTotals, colTotals, whole)
    }

    /// The Wald contrasts T_ab − T_a·T_b/T linearized about the `reference` totals (the full
    /// sample's, `totals(_:)`), at weights `w`: Σᵢ wᵢ·gᵢ, gᵢ each used row's gradient of the
    /// contrasts at the reference totals. Their spread over the replicates is J·V(totals)·Jᵀ,
    /// the covariance R's `svychisq` gives the Wald tests on a replicate design; at the
    /// reference weights they are the contrasts themselves.
    func linearizedContrasts(_ w: [Double], about reference: (cells: [Double], rows: [Double], columns: [Double], whole: Double)) -> [Double] {
        let (_, rowTotals, colTotals, whole) = reference
        let contrasts = self.contrasts
        var out = [Double](repeating: 0, count: contrasts.count)
        for (i, r) in used.enumerated() {
            let x = w[Int(r)], a = rowOf[i], b = colOf[i]
            for (s, (ra, cb)) in contrasts.enumerated() {
                let (rt, ct) = (rowTotals[ra], colTotals[cb])
                out[s] += x * ((a == ra && b == cb ? 1 : 0) - (a == ra ? ct / whole : 0) - (b == cb ? rt / whole : 0) + rt * ct / (whole * whole))
            }
        }
        return out
    }
}
