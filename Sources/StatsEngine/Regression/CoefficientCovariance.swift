import CLapack
import Foundation

/// How the covariance of regression coefficients is estimated.
public enum CovarianceType: String, Sendable, CaseIterable {
    /// Design-based, as R's `svyglm`: Taylor linearization through the variance engine, or
    /// the replicate spread of refitted coefficients on a replicate design (`--bootstrap`).
    case design
    /// Model-based: φ·(X'ΩX)⁻¹, φ estimated for gaussian (R's `lm(weights = w)`), 1 for
    /// binomial and Poisson with the weights normalised to mean 1 over the model's rows with
    /// weight (R's `glm(weights = w / mean(w))`), so that no family's standard errors depend on
    /// the weights' scale.
    case classical
    /// Heteroskedasticity-consistent sandwiches, as statsmodels' HC0–HC3.
    case hc0, hc1, hc2, hc3
    /// Cluster-robust by the design's PSUs with Stata's CR1 correction G/(G−1)·(n−1)/(n−p).
    case cluster
}

/// Per-row influence values of the estimable coefficients, Uᵢ'(X'ΩX)⁻¹ with Uᵢ the estimating
/// function (rows × rank). Every coefficient covariance but the classical one is a sum over
/// rows or clusters of these. They are computed when asked for, from the design and the fit's
/// score factors: whole and row-major (`values()`), or for the variance engine, which needs
/// only their totals, as blocks of the scores Uᵢ with the bread as a factor (`blocks(rows:)`).
struct CoefficientInfluence {
    let rank: Int
    /// Estimable column indices.
    let kept: [Int]
    /// The unscaled covariance restricted to `kept` (rank × rank).
    let bread: [Double]
    /// The design's columns and the fit's score factors.
    private let x: ModelColumnInputs<Double>
    private let score: [Double]

    init(design x: DesignMatrix, fit: GLMFit) {
        let p = x.columnCount
        kept = (0..<p).filter { !fit.aliased[$0] }
        rank = kept.count
        var bread = [Double](repeating: 0, count: rank * rank)
        for (a, i) in kept.enumerated() { for (b, j) in kept.enumerated() { bread[a * rank + b] = fit.unscaledCovariance[i * p + j] } }
        self.bread = bread
        self.x = x.columns
        score = fit.scoreFactor
    }

    /// All rows' values, rowCount × rank, row-major (computed on each call).
    func values() -> [Double] {
        Self.scoresTimesBread(x, columns: kept, score: score, bread: bread)
    }

    /// The values in blocks of `BlockedProducts.blockRows` rows, for the variance engine, as a
    /// product: the rows' scores sᵢ·xᵢ' (column-major) times the bread, which the engine applies
    /// to their totals. `rows` are the design's table rows. A batch of blocks is computed on all
    /// cores at a time, the next batch while the engine takes the current one.
    func blocks(rows: [Int32]) -> InfluenceBlocks {
        let (n, k) = (x.rowCount, rank)
        let inputs = UnsafeSendable((x, kept, score))
        return InfluenceBlocks(rows: rows, width: k, factor: bread) { body in
            let batchRows = BlockedProducts.blockRows * Self.blocksPerBatch
            func batch(from start: Int) -> Range<Int> { start..<min(n, start + batchRows) }
            let size = min(n, batchRows) * k
            var (current, next) = (UnsafeMutablePointer<Double>.allocate(capacity: size), UnsafeMutablePointer<Double>.allocate(capacity: size))
            defer { current.deallocate(); next.deallocate() }
            let (x, kept, score) = inputs.value
            guard n > 0 else { return }
            Self.scores(x, range: batch(from: 0), columns: kept, score: score, timesBread: nil, into: current)
            withoutActuallyEscaping(body) { body in
                let engine = UnsafeSendable(body)
                var range = batch(from: 0)
                while !range.isEmpty {
                    let (taken, following) = (range, batch(from: range.upperBound)), buffers = UnsafeSendable((current, next))
                    // Two tasks: the engine takes this batch while the next one's scores are made.
                    DispatchQueue.concurrentPerform(iterations: following.isEmpty ? 1 : 2) { task in
                        let (values, target) = buffers.value
                        if task == 0 {
                            engine.value(taken, UnsafeBufferPointer(start: values, count: taken.count * k))
                        } else {
                            let (x, kept, score) = inputs.value
                            Self.scores(x, range: following, columns: kept, score: score, timesBread: nil, into: target)
                        }
                    }
                    swap(&current, &next)
                    range = following
                }
            }
        }
    }

    /// Blocks computed together, in parallel, before their values are handed on: 8 keeps the
    /// two batch buffers at 2 MB each for 15 coefficients, reused batch after batch (32 blocks
    /// took 16 MB of fresh pages a regression, about 10 ms of page faults in the batch benchmark).
    private static let blocksPerBatch = 8

    /// Rows sᵢ·xᵢ' (over the kept columns) times the bread, row-major, computed block by block
    /// on all cores so that no n × rank intermediate is ever materialised.
    static func scoresTimesBread(_ x: some ColumnBlocks, columns kept: [Int], score: [Double], bread: [Double]) -> [Double] {
        let n = x.rowCount
        var out = [Double](repeating: 0, count: n * kept.count)
        out.withUnsafeMutableBufferPointer { buffer in
            scores(x, range: 0..<n, columns: kept, score: score, timesBread: bread, into: buffer.baseAddress!)
        }
        return out
    }

    /// The rows `range` of sᵢ·xᵢ' (over the kept columns) into `target`: times `bread`
    /// row-major when it is given, else column-major (`range.count` values a column). Computed
    /// in blocks of `BlockedProducts.blockRows` rows counted from row 0 — `range` starts on a
    /// block boundary — so every row's value is the same whichever range it is computed in.
    private static func scores(_ x: some ColumnBlocks, range: Range<Int>, columns kept: [Int], score: [Double],
                               timesBread bread: [Double]?, into target: UnsafeMutablePointer<Double>) {
        let k = kept.count, blockRows = BlockedProducts.blockRows
        guard k > 0, !range.isEmpty else { return }
        precondition(range.lowerBound % blockRows == 0, "ranges start on a block boundary")
        let blocks = (range.count + blockRows - 1) / blockRows
        BlasSetup.useSingleThread()
        let shared = UnsafeSendable(target)
        DispatchQueue.concurrentPerform(iterations: blocks) { b in
            let start = range.lowerBound + b * blockRows, m = min(blockRows, range.upperBound - start)
            let offset = start - range.lowerBound
            score.withUnsafeBufferPointer { score in
                guard let bread else {
                    for (a, j) in kept.enumerated() {
                        x.write(column: j, rows: start..<(start + m), scale: score.baseAddress! + start, to: shared.value + a * range.count + offset)
                    }
                    return
                }
                // The block's scores column-major (m × k), then times the bread row-major into the target.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: m * k) { block in
                    let block = block.baseAddress!
                    for (a, j) in kept.enumerated() { x.write(column: j, rows: start..<(start + m), scale: score.baseAddress! + start, to: block + a * m) }
                    var transA = CChar(UInt8(ascii: "N")), transB = CChar(UInt8(ascii: "T"))
                    var kk = Int32(k), mm = Int32(m), one = 1.0, zero = 0.0
                    dgemm_(&transA, &transB, &kk, &mm, &kk, &one, bread, &kk, block, &mm, &zero, shared.value + offset * k, &kk)
                }
            }
        }
    }

    /// Hat values hᵢ = ωᵢ·xᵢ'(X'ΩX)⁻¹xᵢ, for HC2 and HC3.
    func leverages(design x: DesignMatrix, fit: GLMFit) -> [Double] {
        let n = x.rowCount
        let projected = Self.scoresTimesBread(x.columns, columns: kept, score: [Double](repeating: 1, count: n), bread: bread)
        let values = x.values
        return (0..<n).map { i in
            // A row of weight 0 has leverage 0, however far out it lies.
            guard fit.workingWeights[i] != 0 else { return 0 }
            var h = 0.0
            for (a, j) in kept.enumerated() { h += values[j * n + i] * projected[i * rank + a] }
            return fit.workingWeights[i] * h
        }
    }
}

/// Sums of outer products of row-major influence values: the meat of every sandwich.
enum OuterProducts {
    /// Σᵢ (cᵢ·vᵢ)(cᵢ·vᵢ)' over rows, or over groups of rows when `groups` is given.
    static func sum(_ values: [Double], width k: Int, rowScale: [Double]? = nil, groups: [Int32]? = nil, groupCount: Int = 0) -> [Double] {
        let n = k == 0 ? 0 : values.count / k
        var rows = values
        if let rowScale { for i in 0..<n { for a in 0..<k { rows[i * k + a] *= rowScale[i] } } }
        if let groups {
            var totals = [Double](repeating: 0, count: groupCount * k)
            for i in 0..<n { let g = Int(groups[i]); for a in 0..<k { totals[g * k + a] += rows[i * k + a] } }
            rows = totals
        }
        let m = k == 0 ? 0 : rows.count / k
        var out = [Double](repeating: 0, count: k * k)
        guard k > 0, m > 0 else { return out }
        // Row-major m × k is column-major k × m: the sum of outer products is that times its transpose.
        var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "N"))
        var kk = Int32(k), mm = Int32(m), one = 1.0, zero = 0.0
        dsyrk_(&uplo, &trans, &kk, &mm, &one, rows, &kk, &zero, &out, &kk)
        for j in 0..<k { for i in 0..<j { out[i * k + j] = out[j * k + i] } }
        return out
    }
}
