import CLapack
import Foundation

/// How the covariance of regression coefficients is estimated.
public enum CovarianceType: String, Sendable, CaseIterable {
    /// Design-based, as R's `svyglm`: Taylor linearization through the variance engine, or
    /// the replicate spread of refitted coefficients on a replicate design (`--bootstrap`).
    case design
    /// Model-based: φ·(X'ΩX)⁻¹, φ estimated for gaussian, 1 for binomial and Poisson.
    case classical
    /// Heteroskedasticity-consistent sandwiches, as statsmodels' HC0–HC3.
    case hc0, hc1, hc2, hc3
    /// Cluster-robust by the design's PSUs with Stata's CR1 correction G/(G−1)·(n−1)/(n−p).
    case cluster
}

/// Per-row influence values of the estimable coefficients, Uᵢ'(X'ΩX)⁻¹ with Uᵢ the estimating
/// function, in the row-major layout the variance engine takes (rows × rank). Every
/// coefficient covariance but the classical one is a sum over rows or clusters of these.
struct CoefficientInfluence {
    let values: [Double]
    let rank: Int
    /// Estimable column indices.
    let kept: [Int]
    /// The unscaled covariance restricted to `kept` (rank × rank).
    let bread: [Double]

    init(design x: DesignMatrix, fit: GLMFit) {
        let n = x.rowCount, p = x.columnCount
        kept = (0..<p).filter { !fit.aliased[$0] }
        rank = kept.count
        var bread = [Double](repeating: 0, count: rank * rank)
        for (a, i) in kept.enumerated() { for (b, j) in kept.enumerated() { bread[a * rank + b] = fit.unscaledCovariance[i * p + j] } }
        self.bread = bread
        values = Self.scoresTimesBread(x.values, rows: n, columns: kept, score: fit.scoreFactor, bread: bread)
    }

    /// Rows sᵢ·xᵢ' (over the kept columns) times the bread, row-major, computed block by block
    /// on all cores so that no n × rank intermediate is ever materialised.
    static func scoresTimesBread(_ x: [Double], rows n: Int, columns kept: [Int], score: [Double], bread: [Double]) -> [Double] {
        let k = kept.count, blockRows = BlockedProducts.blockRows
        var out = [Double](repeating: 0, count: n * k)
        guard k > 0, n > 0 else { return out }
        let blocks = (n + blockRows - 1) / blockRows
        BlasThreading.useSingleThread()
        out.withUnsafeMutableBufferPointer { buffer in
            let target = UnsafeSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: blocks) { b in
                let start = b * blockRows, m = min(blockRows, n - start)
                var block = [Double](repeating: 0, count: m * k)
                for (a, j) in kept.enumerated() { for i in 0..<m { block[a * m + i] = score[start + i] * x[j * n + start + i] } }
                var transA = CChar(UInt8(ascii: "N")), transB = CChar(UInt8(ascii: "T"))
                var kk = Int32(k), mm = Int32(m), one = 1.0, zero = 0.0
                dgemm_(&transA, &transB, &kk, &mm, &kk, &one, bread, &kk, block, &mm, &zero, target.value.baseAddress! + start * k, &kk)
            }
        }
        return out
    }

    /// Hat values hᵢ = ωᵢ·xᵢ'(X'ΩX)⁻¹xᵢ, for HC2 and HC3.
    func leverages(design x: DesignMatrix, fit: GLMFit) -> [Double] {
        let n = x.rowCount
        let projected = Self.scoresTimesBread(x.values, rows: n, columns: kept, score: [Double](repeating: 1, count: n), bread: bread)
        return (0..<n).map { i in
            var h = 0.0
            for (a, j) in kept.enumerated() { h += x.values[j * n + i] * projected[i * rank + a] }
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
