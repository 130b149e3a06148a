/// `disparity table ROW COL`: the weighted cell, row and column proportions of a two-way table
/// with design-based SEs, and the test of independence of R's `svychisq`.
///
/// Per domain, the K cell shares (`svymean(~interaction(ROW, COL))`), the K row shares
/// (`svyby(~COL, ~ROW, svymean)`) and the K column shares, each family's variances on its own
/// domain's rows (`Layout.shareVariances`), and the test's statistics (the cells, or the Wald
/// contrasts) with their joint covariance; on replicates all re-estimated on each replicate.
/// Rows missing ROW or COL leave the table, as `na.rm = TRUE`; the levels are those present in
/// the domain.
public struct CrossTableEstimator: Sendable {
    /// The data estimated on.
    public let table: Table
    /// The design every standard error is computed under.
    public let design: SurveyDesign

    /// More distinct numbers than this make a numeric column continuous: not a table variable.
    public static let maximumNumericLevels = 50
    /// The most cells a test of independence is computed for: its covariance is the cells'
    /// (K × K, Rao-Scott) or the contrasts' ((R − 1)(C − 1) squared, Wald).
    public static let testCellLimit = 400
    /// The most cells a table shows; a larger one is an error (a variable to group first).
    public static let maximumCells = 10_000

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
        let domains = try Domains(table: table, by: request.by).within(try request.subset?.selectedRows(of: table))
        let layouts = domains.rows.indices.map { d in
            Layout(domain: zip(domains.columns, domains.labels[d]).map { (column: $0, level: $1) },
                   rows: domains.rows[d], rowFactor: rowFactor, colFactor: colFactor)
        }
        if domains.columns.isEmpty, layouts.allSatisfy({ $0.used.isEmpty }) {
            throw DisparityError.data(file: table.source, "no row has values of both \(quoted: request.row) and \(quoted: request.column)")
        }
        if let largest = layouts.max(by: { $0.nr * $0.nc < $1.nr * $1.nc }), largest.nr * largest.nc > Self.maximumCells {
            throw DisparityError.data(file: table.source, "the table of \(quoted: request.row) by \(quoted: request.column) has \(largest.nr * largest.nc) cells (\(largest.nr) × \(largest.nc) levels\(largest.domain.isEmpty ? "" : " in a domain")): more than the \(Self.maximumCells) a table shows; group the categories")
        }
        let engine = VarianceEngine(design: design)
        let testWidths = layouts.map { testWidth($0, request) }
        let estimates = layouts.indices.map { layouts[$0].estimates(design.weights, contrasts: testWidths[$0] > 0 && request.test.isWald) }
        var spreads: [(variances: [Double], test: [Double]?)] = []
        for (layout, (theta, width)) in zip(layouts, zip(estimates, testWidths)) {
            guard !layout.used.isEmpty else { spreads.append(([], nil)); continue }
            spreads.append(try linearized(layout, theta: theta, testWidth: width, request: request, engine: engine))
        }
        // Per domain, each cell's note on the replicates that gave none of its three shares.
        var notes = layouts.map { _ in [String?]() }
        let all = estimates.flatMap { $0 }
        // The shares re-estimated on each replicate (R's svymean and svyby on the replicate
        // design); the Wald contrasts linearized about the full sample's totals (R's svychisq).
        let references = layouts.map { $0.totals(design.weights) }
        let contrasting = estimates.indices.map { estimates[$0].count > 3 * layouts[$0].nr * layouts[$0].nc }
        if let replicated = try design.replicateCovariance(estimates: all, { replicate in
            zip(layouts, zip(references, contrasting)).flatMap { layout, reference in
                layout.estimates(replicate.weights, contrasts: false)
                    + (reference.1 ? layout.linearizedContrasts(replicate.weights, about: reference.0) : [])
            }
        }) {
            var offset = 0
            for (d, theta) in estimates.enumerated() {
                let k = layouts[d].nr * layouts[d].nc, width = testWidths[d]
                let first = contrasting[d] ? offset + 3 * k : offset
                spreads[d] = ((0..<(3 * k)).map { replicated[offset + $0, offset + $0] },
                              width == 0 ? nil : (0..<(width * width)).map { replicated[first + $0 / width, first + $0 % width] })
                notes[d] = (0..<k).map { c in
                    // Named by share when not all three lack the same replicates.
                    let shares = [("share", c), ("row share", k + c), ("column share", 2 * k + c)]
                        .compactMap { name, i in replicated.note(offset + i).map { (name, $0) } }
                    guard shares.count < 3 || Set(shares.map(\.1)).count > 1 else { return shares[0].1 }
                    return shares.isEmpty ? nil : shares.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
                }
                offset += theta.count
            }
        }
        return layouts.indices.map { d in
            table(layouts[d], theta: estimates[d], spread: spreads[d], request: request, notes: notes[d])
        }
    }

    /// The size of the covariance the requested test takes: the K cells' for Rao-Scott, the
    /// (R − 1)(C − 1) contrasts' for Wald; 0 where there is no test to compute (a variable of one
    /// level, or more than `testCellLimit` cells).
    private func testWidth(_ layout: Layout, _ request: CrossTableRequest) -> Int {
        let k = layout.nr * layout.nc
        guard layout.nr > 1, layout.nc > 1, k <= Self.testCellLimit else { return 0 }
        return request.test.isWald ? (layout.nr - 1) * (layout.nc - 1) : k
    }

    /// The shares' variances (3K: cells, row shares, column shares) and the test's covariance by
    /// linearization: each family of shares its variances alone, on its own domain's rows
    /// (`Layout.shareVariances`), and the test's statistics (the cells, or the contrasts) their
    /// joint covariance. On a replicate design (whose spread replaces them) only a call that
    /// could fail (`--lonely-psu fail`) is made.
    private func linearized(_ layout: Layout, theta: [Double], testWidth width: Int, request: CrossTableRequest,
                            engine: VarianceEngine) throws -> (variances: [Double], test: [Double]?) {
        let k = layout.nr * layout.nc
        guard design.spec.varianceMethod == .linearization || engine.mayFail else { return ([Double](repeating: .nan, count: 3 * k), nil) }
        let variances = try layout.shareVariances(design.weights, theta: theta, engine: engine)
        guard width > 0 else { return (variances, nil) }
        let influence = request.test.isWald ? layout.contrastInfluence(design.weights, about: layout.totals(design.weights))
                                            : layout.cellInfluence(design.weights, theta: theta)
        return (variances, try engine.covariance(Influence(rows: layout.used, width: width, values: influence)).values)
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

    /// The cells and the test of one domain from its statistics, their variances (3K shares;
    /// empty: none) and the test's covariance (nil: none to compute), with each cell's note on
    /// replicates left out (`notes`, one per cell; empty: none).
    private func table(_ layout: Layout, theta: [Double], spread: (variances: [Double], test: [Double]?), request: CrossTableRequest,
                       notes: [String?]) -> CrossTable {
        let k = layout.nr * layout.nc, variances = spread.variances
        let df = layout.used.isEmpty ? nil
            : request.degreesOfFreedom.resolved(designByDefault: false) { design.degreesOfFreedom(rows: layout.used) }
        // The design's df on the table's rows: 0 (rows in one PSU, or one row) leaves the shares'
        // standard errors 0 or rounding noise that measures nothing (`SurveyDesign.measuresNothing`),
        // shown as R gives them, with a note.
        let nu = layout.rows.isEmpty ? nil : design.degreesOfFreedom(rows: layout.rows)
        var measuresNothing = Set<Int>()
        func inferred(_ i: Int) -> Inferred {
            guard theta[i].isFinite, !variances.isEmpty else { return Inferred(estimate: theta[i], standardError: nil, df: nil, low: nil, high: nil) }
            let wald = Inferred.wald(theta[i], variance: variances[i], df: df, level: request.level)
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
        guard layout.nr > 1, layout.nc > 1, !variances.isEmpty else {
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
        guard let block = spread.test else {
            result.testNote = "no test: the table has \(k) cells, more than the \(Self.testCellLimit) whose joint covariance a test of independence takes; group the categories"
            return result
        }
        switch request.test {
        case .f, .chisq:
            result.test = IndependenceTests.raoScott(request.test, p: Array(theta[0..<k]), covariance: block,
                                                     nr: layout.nr, nc: layout.nc, rows: layout.rows.count, df: nu)
        case .wald, .adjWald:
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

    /// The statistics under weights `w`: cell shares, row shares, column shares (K each, row
    /// levels fastest) and, with `contrasts`, the Wald contrasts of rows and columns after the first.
    func estimates(_ w: [Double], contrasts withContrasts: Bool) -> [Double] {
        let k = nr * nc
        let (totals, rowTotals, colTotals, whole) = self.totals(w)
        var theta = [Double](repeating: .nan, count: 3 * k)
        for c in 0..<k {
            let (a, b) = (c % nr, c / nr)
            theta[c] = totals[c] / whole
            theta[k + c] = totals[c] / rowTotals[a]
            theta[2 * k + c] = totals[c] / colTotals[b]
        }
        guard withContrasts else { return theta }
        return theta + contrasts.map { a, b in totals[a + b * nr] - rowTotals[a] * colTotals[b] / whole }
    }

    /// The cells' influence values alone (K per used row, row-major): the Rao-Scott test's.
    func cellInfluence(_ w: [Double], theta: [Double]) -> [Double] {
        let k = nr * nc, whole = totals(w).whole
        var influence = [Double](repeating: 0, count: used.count * k)
        for (i, r) in used.enumerated() {
            let x = w[Int(r)], own = rowOf[i] + colOf[i] * nr
            for c in 0..<k { influence[i * k + c] = x * ((c == own ? 1 : 0) - theta[c]) / whole }
        }
        return influence
    }

    /// The contrasts' influence values alone ((R − 1)(C − 1) per used row, row-major) at the
    /// `reference` totals: the Wald test's.
    func contrastInfluence(_ w: [Double], about reference: (cells: [Double], rows: [Double], columns: [Double], whole: Double)) -> [Double] {
        let (_, rowTotals, colTotals, whole) = reference
        let contrasts = self.contrasts, q = contrasts.count
        var influence = [Double](repeating: 0, count: used.count * q)
        for (i, r) in used.enumerated() {
            let x = w[Int(r)], a = rowOf[i], b = colOf[i]
            for (s, (ra, cb)) in contrasts.enumerated() {
                let (rt, ct) = (rowTotals[ra], colTotals[cb])
                influence[i * q + s] = x * ((a == ra && b == cb ? 1 : 0) - (a == ra ? ct / whole : 0) - (b == cb ? rt / whole : 0) + rt * ct / (whole * whole))
            }
        }
        return influence
    }

    /// The 3K shares' variances family by family, each on its own domain's rows and in time for
    /// them (`VarianceEngine.shareVariances`): the cells on the table's rows (R's
    /// `svymean(~interaction(ROW, COL))`), each row level's shares on that level's rows and each
    /// column level's on its (R's `svymean(~COL, subset(design, ROW == r))`, whose strata and
    /// PSUs present are the level's: they count under `--lonely-psu average` and
    /// `--adjust-domain-lonely`). Share by share through the engine where it takes every row (a
    /// calibrated or two-stage design). A family of weight 0: NaN.
    func shareVariances(_ w: [Double], theta: [Double], engine: VarianceEngine) throws -> [Double] {
        let k = nr * nc
        let (_, rowTotals, colTotals, whole) = totals(w)
        /// The variances of `count` shares of `rows` (positions in `used`), coded by `code`, whose weight is `total`.
        func family(_ count: Int, rows positions: [Int], total: Double, shares: [Double], code: (Int) -> Int32) throws -> [Double] {
            guard total > 0 else { return [Double](repeating: .nan, count: count) }
            let rows = positions.map { used[$0] }, codes = positions.map(code)
            if let sparse = try engine.shareVariances(rows: rows, codes: codes, count: count, shares: shares, weight: total) { return sparse }
            return try (0..<count).map { j in
                let values = zip(rows, codes).map { r, c in w[Int(r)] / total * ((c == j ? 1 : 0) - shares[j]) }
                return try engine.covariance(Influence(rows: rows, width: 1, values: values))[0, 0]
            }
        }
        var ofRow = [[Int]](repeating: [], count: nr), ofColumn = [[Int]](repeating: [], count: nc)
        for i in used.indices {
            ofRow[rowOf[i]].append(i)
            ofColumn[colOf[i]].append(i)
        }
        var variances = try family(k, rows: Array(used.indices), total: whole, shares: Array(theta[0..<k])) { Int32(rowOf[$0] + colOf[$0] * nr) }
        variances += [Double](repeating: .nan, count: 2 * k)
        for a in 0..<nr {
            let own = try family(nc, rows: ofRow[a], total: rowTotals[a], shares: (0..<nc).map { theta[k + a + $0 * nr] }) { Int32(colOf[$0]) }
            for j in 0..<nc { variances[k + a + j * nr] = own[j] }
        }
        for b in 0..<nc {
            let own = try family(nr, rows: ofColumn[b], total: colTotals[b], shares: (0..<nr).map { theta[2 * k + $0 + b * nr] }) { Int32(rowOf[$0]) }
            for l in 0..<nr { variances[2 * k + l + b * nr] = own[l] }
        }
        return variances
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
