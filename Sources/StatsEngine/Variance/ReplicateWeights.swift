import CLapack
import Foundation

/// Replicate weight columns resolved against a table (R's `svrepdesign` with
/// `combined.weights = TRUE`): each replicate is a full set of weights, and the variance of a
/// statistic is R's `svrVar`, scale·Σ_r rscale_r (θ_r − θ̄)(θ_r − θ̄)ᵀ, with θ̄ the mean of the
/// replicates (those with rscale > 0) or, with `mse`, the full-sample estimate.
///
/// A statistic is recomputed on each replicate (a design carrying that replicate's weights), so
/// it costs R + 1 evaluations spread over all cores; means, totals, proportions and ratios
/// (`RatiosOfTotals`) take all replicates in one pass over the rows instead.
public struct ReplicateWeights: Sendable {
    /// The replicate weight columns, in file order.
    public let columns: [String]
    /// How the replicates combine.
    public let type: ReplicateType
    /// Fay's rho (type `fay`), else nil.
    public let rho: Double?
    /// The overall scale (given, or R's default for the type).
    public let scale: Double
    /// One scale per replicate.
    public let rscales: [Double]
    /// Deviations about the full-sample estimate (R's `mse = TRUE`).
    public let mse: Bool
    /// How the replicates were made from the design (`--make-replicates`); nil for columns of
    /// the data.
    public let made: MakeReplicatesSpec?
    /// The replicate weights, column-major: `values[r][i]` is replicate r's weight of row i.
    /// Read from the data, each is the table's own column (shared, not copied).
    let values: [[Double]]
    /// Whether the sums over blocks of all rows show full rank (`blockSums`), found as the
    /// columns read from the data were checked (in the same read); nil when not known.
    private var fullRankOverAllRows: Bool? = nil
    /// Each replicate's sum over all rows (`CompensatedSum`), taken in the same read; nil when
    /// not known (made or calibrated replicates).
    private var totals: [Double]? = nil

    /// The number of replicates R.
    public var count: Int { columns.count }

    /// R's tolerance of `qr` in `degf` for replicate designs.
    static let rankTolerance = 1e-5

    /// Replicate weights from their parts (made replicates; calibrated ones).
    /// - Parameter values: one array of row weights per replicate, `columns.count` of them.
    init(columns: [String], type: ReplicateType, rho: Double?, scale: Double, rscales: [Double], mse: Bool,
         values: [[Double]], made: MakeReplicatesSpec?) {
        self.columns = columns
        self.type = type
        self.rho = rho
        self.scale = scale
        self.rscales = rscales
        self.mse = mse
        self.values = values
        self.made = made
    }

    /// Resolves `spec` against `table`, beside the full-sample weights of column `weights` (nil:
    /// none).
    /// - Throws: `DisparityError.usage` when the columns match nothing or the weights' column
    ///   (`weight*` beside `--weights weight`: it would be one more replicate), fewer than two
    ///   replicates are found, or the type's settings are wrong (Fay without rho, JKn without
    ///   rscales, rscales of the wrong length); `.data` naming the column and line for a missing,
    ///   non-numeric or negative replicate weight, and the column of weights whose sum
    ///   overflows.
    public init(spec: ReplicateWeightsSpec, table: Table, weights: String? = nil) throws {
        var columns: [String] = []
        for item in DesignOptions.list(spec.columns) where !item.isEmpty {
            // Matched against the file's columns: one the reader skipped is `Table.column`'s error.
            let matched = table.fileNames.filter { ColumnSelection.item(item, matches: $0) }
            guard !matched.isEmpty else {
                throw DisparityError.usage("--replicate-weights '\(spec.columns)': '\(item)' matches no column of \(table.source)")
            }
            if let weights, matched.contains(weights) {
                throw DisparityError.usage("--replicate-weights '\(spec.columns)': '\(item)' matches the full-sample weights' column \(quoted: weights) (--weights), which is no replicate: name the replicates alone (such as '\(weights)[0-9]*')")
            }
            // A column named twice would count twice in R's svrepdesign (and set its default
            // scale): refused rather than counted once or twice silently.
            if let twice = matched.first(where: columns.contains) {
                throw DisparityError.usage("--replicate-weights '\(spec.columns)': column '\(twice)' is matched twice; list each replicate once")
            }
            columns += matched
        }
        guard columns.count >= 2 else {
            throw DisparityError.usage("--replicate-weights '\(spec.columns)' gives \(columns.count) replicate column; at least two are needed")
        }
        let r = columns.count
        // Settings, as R's svrepdesign checks and defaults them.
        if spec.type == .fay {
            guard let rho = spec.rho, rho >= 0, rho < 1 else { throw DisparityError.usage("--replicate-type fay needs --fay-rho in [0, 1)") }
        } else if spec.rho != nil {
            throw DisparityError.usage("--fay-rho applies only to --replicate-type fay")
        }
        if let scale = spec.scale, !(scale > 0 && scale.isFinite) {
            throw DisparityError.usage("--replicate-scale must be a positive number")
        }
        var rscales = [Double](repeating: 1, count: r)
        if let given = spec.rscales {
            guard given.count == 1 || given.count == r else {
                throw DisparityError.usage("--replicate-rscales has \(given.count) values; it needs 1 or one per replicate (\(r))")
            }
            guard given.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw DisparityError.usage("--replicate-rscales must be non-negative numbers") }
            guard given.contains(where: { $0 > 0 }) else {
                throw DisparityError.usage("--replicate-rscales are all 0: the replicates would give no variance")
            }
            rscales = given.count == 1 ? [Double](repeating: given[0], count: r) : given
        } else if spec.type == .jkn {
            throw DisparityError.usage("--replicate-type jkn needs --replicate-rscales (R: 'Must provide rscales for combined JKn weights')")
        }
        let n = Double(r)
        let defaultScale: Double
        switch spec.type {
        case .jk1: defaultScale = (n - 1) / n
        case .jkn, .other: defaultScale = 1
        case .brr: defaultScale = 1 / n
        case .fay: defaultScale = 1 / (n * (1 - spec.rho!) * (1 - spec.rho!))
        case .bootstrap: defaultScale = 1 / (n - 1)
        case .sdr: defaultScale = 4 / n
        }
        // BRR, Fay and SDR have their scale by definition (SDR its rscales too): R's svrepdesign
        // replaces a scale given with it, so another would give a variance R never gives. The
        // type's own, as a saved design's options spell it, is taken.
        let fixed: [ReplicateType: String] = [.brr: "1/R", .fay: "1/(R(1 − ρ)²)", .sdr: "4/R"]
        if let scale = spec.scale, let definition = fixed[spec.type], scale != defaultScale {
            throw DisparityError.usage("--replicate-scale \(NumberText.shortest(scale)) does not apply to --replicate-type \(spec.type.rawValue), whose scale is \(definition) = \(NumberText.shortest(defaultScale)) (R's svrepdesign ignores another): --replicate-type other takes a scale of your choice")
        }
        if spec.type == .sdr, rscales.contains(where: { $0 != 1 }) {
            throw DisparityError.usage("--replicate-rscales do not apply to --replicate-type sdr, whose replicates count alike (R's svrepdesign ignores them): --replicate-type other takes rscales of your choice")
        }
        // The table's columns, used as they are; each checked on its own core as its block
        // sums are taken (for `degreesOfFreedom`), the first bad column in file order reported.
        let data = try columns.map { try table.numeric($0) }
        let sums = Self.blockSums(data, rows: nil)
        if let j = sums.firstInvalid.firstIndex(where: { $0 != nil }), let i = sums.firstInvalid[j] {
            let value = data[j][i]
            throw table.rowError(i, column: columns[j],
                                      value.isNaN ? "missing replicate weight" : "negative replicate weight \(value)")
        }
        // Weights whose sum is beyond a double's range would make every replicate statistic
        // Inf or NaN (R's svyglm stops there too).
        if let j = sums.totals?.firstIndex(where: { !$0.isFinite }) {
            throw DisparityError.data(file: table.source, column: columns[j],
                                      "the replicate weights sum beyond \(DisparityError.largestDouble); rescale them")
        }
        self.init(columns: columns, type: spec.type, rho: spec.rho, scale: spec.scale ?? defaultScale, rscales: rscales,
                  mse: spec.mse, values: data, made: nil)
        (fullRankOverAllRows, totals) = (sums.showFullRank, sums.totals)
    }

    /// Replicate `j`'s weight for every row.
    public func weights(replicate j: Int) -> [Double] { values[j] }

    /// Replicate `j`'s weights summed over every row (`CompensatedSum`), when known.
    public func total(replicate j: Int) -> Double? { totals?[j] }

    /// R's `degf` of a replicate design restricted to `rows` (nil: all): the rank of the
    /// replicate weight matrix (R's `qr`, tolerance 1e-5) minus 1.
    ///
    /// The rank is found as R's `dqrdc2` finds it, column by column in order, a column counting
    /// when its residual after the counted ones keeps more than the tolerance of its norm; the
    /// residuals come from a Cholesky factorisation of the Gram matrix. The usual full rank is
    /// first shown from the weights summed over blocks of rows (`blockSums`, a read
    /// of the weights instead of R² products per row); the Gram matrix of every row is formed
    /// only when that does not show it.
    public func degreesOfFreedom(rows: [Int32]? = nil) -> Int {
        let shown = rows == nil ? fullRankOverAllRows : nil
        if shown ?? Self.blockSums(values, rows: rows).showFullRank { return count - 1 }
        let gram = self.gram(rows: rows)
        return Self.keptColumns(gram: gram, size: count, norms: nil, shrink: 1) - 1
    }

    /// The number of columns `dqrdc2`'s test keeps, in order, from the Gram matrix `gram`
    /// (size × size, its upper triangle read: entry (a, b), a ≤ b, at a + b·size): a column counts when its squared residual after the counted ones, times
    /// `shrink`, exceeds tol² times its squared norm (`norms[j]`; nil: the Gram's diagonal).
    private static func keptColumns(gram: [Double], size r: Int, norms: [Double]?, shrink: Double) -> Int {
        // Sequential Cholesky with the dqrdc2 test; l[a*r+k] for accepted columns k.
        var accepted: [Int] = []
        var l = [Double](repeating: 0, count: r * r)
        let tol2 = rankTolerance * rankTolerance
        for j in 0..<r {
            let norm2 = norms?[j] ?? gram[j * r + j]
            var residual = gram[j * r + j]
            var row = [Double](repeating: 0, count: accepted.count)
            for (m, k) in accepted.enumerated() {
                var v = gram[min(k, j) + max(k, j) * r]
                for q in 0..<m { v -= row[q] * l[k * r + q] }
                row[m] = v / l[k * r + m]
                residual -= row[m] * row[m]
            }
            guard norm2 > 0, residual * shrink > tol2 * norm2 else { continue }
            let m = accepted.count
            for q in 0..<m { l[j * r + q] = row[q] }
            l[j * r + m] = residual.squareRoot()
            accepted.append(j)
        }
        return accepted.count
    }

    /// Rows per block of `blockSums` at most: a few thousand blocks.
    static let rankBlocks = 4096

    /// The replicate weight `columns`' sums over blocks of consecutive `rows` (nil: all), with
    /// what they show: whether the columns certainly have full rank by `dqrdc2`'s test, and
    /// (over all rows) per column its first row whose weight is missing or negative, found in
    /// the same read. With S
    /// the blocks' summing matrix and b the most rows a block holds, ‖S·v‖² ≤ b·‖v‖² (Cauchy–
    /// Schwarz), so a column's residual on the block sums, over √b, bounds its residual on the
    /// rows from below: when every column keeps 2·tol of its norm (over all rows) on the block
    /// sums, every column keeps tol of it on the rows, and the rank is full. `showFullRank` is
    /// false when that does not show it (the rank may still be full). Over all rows, also each
    /// column's total (`CompensatedSum`, a refit's divisor: `ScaledWeights.normalized`).
    private static func blockSums(_ columns: [[Double]], rows: [Int32]?)
        -> (showFullRank: Bool, firstInvalid: [Int?], totals: [Double]?) {
        let r = columns.count, n = rows?.count ?? columns.first?.count ?? 0
        let blocks = max(1, min(Self.rankBlocks, n)), largest = (n + blocks - 1) / blocks
        // Per column its block sums (blocks × r, column-major), its squared norm and total (r
        // norms, then r totals) and its first invalid row.
        var sums = [Double](repeating: 0, count: blocks * r), norms = [Double](repeating: 0, count: 2 * r)
        var firstInvalid = [Int?](repeating: nil, count: r)
        sums.withUnsafeMutableBufferPointer { sums in
            norms.withUnsafeMutableBufferPointer { norms in
                firstInvalid.withUnsafeMutableBufferPointer { firstInvalid in
                    let shared = UnsafeSendable((sums.baseAddress!, norms.baseAddress!, firstInvalid.baseAddress!))
                    DispatchQueue.concurrentPerform(iterations: r) { j in
                        columns[j].withUnsafeBufferPointer { column in
                            let out = shared.value.0 + j * blocks
                            var norm = SIMD4<Double>.zero, invalid = SIMDMask<SIMD4<Int64>>(repeating: false), total = CompensatedSum()
                            for b in 0..<blocks {
                                var sum = SIMD4<Double>.zero
                                var i = n * b / blocks
                                let end = n * (b + 1) / blocks
                                if let rows {
                                    while i < end {
                                        let w = SIMD4(column[Int(rows[i])], i + 1 < end ? column[Int(rows[i + 1])] : 0,
                                                      i + 2 < end ? column[Int(rows[i + 2])] : 0, i + 3 < end ? column[Int(rows[i + 3])] : 0)
                                        (sum, norm, i) = (sum + w, norm + w * w, i + 4)
                                    }
                                } else {
                                    while i + 4 <= end {
                                        let w = UnsafeRawPointer(column.baseAddress! + i).loadUnaligned(as: SIMD4<Double>.self)
                                        invalid .|= .!(w .>= 0)
                                        total.add(w)
                                        (sum, norm, i) = (sum + w, norm + w * w, i + 4)
                                    }
                                    while i < end {
                                        if !(column[i] >= 0) { invalid[0] = true }
                                        total.add(column[i])
                                        (sum[0], norm[0], i) = (sum[0] + column[i], norm[0] + column[i] * column[i], i + 1)
                                    }
                                }
                                out[b] = sum.sum()
                            }
                            shared.value.1[j] = norm.sum()
                            shared.value.1[r + j] = total.value
                            // The first invalid row, looked for only in a column that has one.
                            if any(invalid) {
                                shared.value.2[j] = column.firstIndex { !($0 >= 0) }
                            }
                        }
                    }
                }
            }
        }
        let columnTotals = rows == nil ? Array(norms[r...]) : nil
        guard r > 0, n > r else { return (false, firstInvalid, columnTotals) }
        var gram = [Double](repeating: 0, count: r * r)
        var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "T"))
        var rr = Int32(r), kk = Int32(blocks), one = 1.0, zero = 0.0
        dsyrk_(&uplo, &trans, &rr, &kk, &one, sums, &kk, &zero, &gram, &rr)
        // The factor 4 (2·tol) leaves the rounding of the sums far behind.
        return (keptColumns(gram: gram, size: r, norms: norms, shrink: 1 / (4 * Double(largest))) == r, firstInvalid, columnTotals)
    }

    /// WᵀW of the replicate weights of `rows` (nil: all), R × R (its upper triangle): each core
    /// copies blocks of rows of every replicate into a column-major block B in cache and adds
    /// BᵀB by BLAS's `dsyrk`.
    private func gram(rows: [Int32]?) -> [Double] {
        let r = count, blockRows = BlockedProducts.blockRows
        let n = rows?.count ?? values.first?.count ?? 0
        let parts = BlockedProducts.partitioned(n) { range -> [Double] in
            var gram = [Double](repeating: 0, count: r * r)
            var block = [Double](repeating: 0, count: blockRows * r)
            var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "T"))
            var rr = Int32(r), ld = Int32(blockRows), one = 1.0
            for start in stride(from: range.lowerBound, to: range.upperBound, by: blockRows) {
                let m = min(blockRows, range.upperBound - start)
                block.withUnsafeMutableBufferPointer { block in
                    for (j, column) in values.enumerated() {
                        let target = block.baseAddress! + j * blockRows
                        column.withUnsafeBufferPointer { column in
                            if let rows {
                                for i in 0..<m { target[i] = column[Int(rows[start + i])] }
                            } else {
                                target.update(from: column.baseAddress! + start, count: m)
                            }
                        }
                    }
                }
                var mm = Int32(m)
                dsyrk_(&uplo, &trans, &rr, &mm, &one, block, &ld, &one, &gram, &rr)
            }
            return gram
        }
        var gram = [Double](repeating: 0, count: r * r)
        for part in parts { for i in gram.indices { gram[i] += part[i] } }
        return gram
    }

    /// The covariance of a vector statistic over the replicates, as R's `svrVar`. Replicates on
    /// which the statistic fails, or is not finite where the full sample is, are left out with
    /// their rscales (R's `na.action`).
    /// - Throws: the statistic's error when no replicate gives an estimate.
    func covariance(design: SurveyDesign, estimates: [Double],
                    _ statistic: @Sendable (SurveyDesign) throws -> [Double]) throws -> ReplicateCovariance {
        let replicates = self
        let evaluated = try ReplicateEstimates(replicates: count, design: design, weights: { replicates.weights(replicate: $0) },
                                               estimates: estimates, minimum: 1, statistic)
        return combine(evaluated, estimates: estimates)
    }

    /// R's `svrVar` of the replicates' values: scale·Σ rscale_r (θ_r − θ̄)(θ_r − θ̄)ᵀ, θ̄ the mean
    /// of the replicates with rscale > 0 or, with `mse`, the full-sample `estimates`; each
    /// statistic over the replicates that give it (`ReplicateCovariance`).
    func combine(_ evaluated: ReplicateEstimates, estimates: [Double]) -> ReplicateCovariance {
        ReplicateCovariance(values: evaluated.values, rscales: evaluated.kept.map { rscales[$0] }, scale: scale,
                            centre: mse ? estimates : nil, replicates: count)
    }
}
