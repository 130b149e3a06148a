import CLapack

/// How the covariance of regression coefficients is estimated.
public enum CovarianceType: String, Sendable, CaseIterable {
    /// Design-based (Taylor linearization through the variance engine), as R's `svyglm`.
    case design
    /// Model-based: φ·(X'ΩX)⁻¹, φ estimated for gaussian, 1 for binomial and Poisson.
    case classical
    /// Heteroskedasticity-consistent sandwiches, as statsmodels' HC0–HC3.
    case hc0, hc1, hc2, hc3
    /// Cluster-robust by the design's PSUs with Stata's CR1 correction G/(G−1)·(n−1)/(n−p).
    case cluster
    /// The spread of the coefficients refitted on Rao-Wu bootstrap replicates of the design
    /// (`replicates` and `seed` of the request); the design df.
    case bootstrap
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
        // Scores sᵢ·xᵢ for the kept columns, column-major n × rank.
        var scores = [Double](repeating: 0, count: n * rank)
        for (a, j) in kept.enumerated() {
            for i in 0..<n { scores[a * n + i] = fit.scoreFactor[i] * x.values[j * n + i] }
        }
        values = Self.timesBread(scores, rows: n, rank: rank, bread: bread)
    }

    /// (S·B) in row-major layout: computed as the column-major k × n product B·Sᵀ.
    static func timesBread(_ s: [Double], rows n: Int, rank k: Int, bread: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: n * k)
        guard k > 0, n > 0 else { return out }
        var transA = CChar(UInt8(ascii: "N")), transB = CChar(UInt8(ascii: "T"))
        var kk = Int32(k), nn = Int32(n), one = 1.0, zero = 0.0
        dgemm_(&transA, &transB, &kk, &nn, &kk, &one, bread, &kk, s, &nn, &zero, &out, &kk)
        return out
    }

    /// Hat values hᵢ = ωᵢ·xᵢ'(X'ΩX)⁻¹xᵢ, for HC2 and HC3.
    func leverages(design x: DesignMatrix, fit: GLMFit) -> [Double] {
        let n = x.rowCount
        var columns = [Double](repeating: 0, count: n * rank)
        for (a, j) in kept.enumerated() { for i in 0..<n { columns[a * n + i] = x.values[j * n + i] } }
        let projected = Self.timesBread(columns, rows: n, rank: rank, bread: bread)
        return (0..<n).map { i in
            var h = 0.0
            for a in 0..<rank { h += columns[a * n + i] * projected[i * rank + a] }
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
