import CLapack

/// The solution of a weighted least-squares problem min Σ ωᵢ (zᵢ − xᵢ'β)².
struct LeastSquaresFit {
    /// NaN for aliased columns.
    var coefficients: [Double]
    /// Columns that are (numerically) linear combinations of earlier ones, as R reports NA.
    var aliased: [Bool]
    /// (X'ΩX)⁻¹ over the estimable columns, zero in aliased rows and columns (p × p, row-major).
    var unscaledCovariance: [Double]
    /// Whether the problem took the double-double path.
    var extendedPrecision: Bool
    /// Σ ωᵢ(zᵢ − xᵢ'β)², in the precision of the path that solved the problem (NaN when the
    /// fast path was asked not to refine).
    var residualSumOfSquares: Double

    var rank: Int { aliased.filter { !$0 }.count }
}

/// Weighted least squares with R's aliasing rule and precision that escalates with difficulty.
///
/// The fast path forms the Gram matrix of the column-equilibrated, √ω-scaled design with BLAS
/// (`dsyrk`), factors it by an in-order Cholesky and refines the solution once: at survey sizes
/// it runs at memory bandwidth. When the design is ill-conditioned (a column whose residual on
/// the earlier ones is below 1e-3 of its norm, so the normal equations would lose more than six
/// digits), and for small problems where it costs nothing, the problem is solved instead by
/// Householder QR in double-double arithmetic (about 32 digits): NIST's Filip and Wampler sets
/// then come out to 10+ correct digits. In both paths columns are taken in model order, and a
/// column whose residual norm is below 1e-11 of its own norm is aliased (R's `glm.fit`
/// tolerance), so the same terms are reported as aliased as in R.
enum LeastSquares {
    static let aliasTolerance = 1e-11
    /// Smallest relative squared pivot the normal equations may meet.
    static let normalEquationsFloor = 1e-6
    /// Problems of at most this many n·p² operations always take the careful path.
    static let smallProblem = 4_000_000

    /// Solves the problem; `exact` supplies the design (and, when it is the data's own, the
    /// response) in double-double for the careful path, else they are widened from doubles.
    /// `refine: false` skips the fast path's refinement pass, for IRLS steps whose solution is
    /// only a stepping stone.
    static func fit(x: some ColumnBlocks, response z: [Double], weights omega: [Double],
                    exact: ExactInputs? = nil, refine: Bool = true, carefulUpTo small: Int = smallProblem) throws -> LeastSquaresFit {
        let n = x.rowCount, p = x.columnCount
        if n * p * p > small, let fast = normalEquations(x: x, z: z, omega: omega, refine: refine) { return fast }
        let wideX = try exact?.design() ?? x.matrix().map { DoubleDouble($0) }
        let wideZ = try exact?.response?() ?? z.map { DoubleDouble($0) }
        return householder(x: wideX, n: n, p: p, z: wideZ, omega: omega)
    }

    // MARK: fast path

    /// The fast path: the Cholesky solution of the equilibrated normal equations X'ΩXβ = X'Ωz,
    /// with one step of iterative refinement when `refine`; nil when the Gram matrix is not
    /// positive definite enough, so the caller takes the careful path.
    private static func normalEquations(x: some ColumnBlocks, z: [Double], omega: [Double], refine: Bool) -> LeastSquaresFit? {
        let p = x.columnCount
        let (rawGram, rawProduct) = BlockedProducts.gram(x, weights: omega, vector: z)
        guard let system = NormalEquations(gram: rawGram, size: p) else { return nil }
        var beta = system.solve(rawProduct)
        guard refine else { return system.fit(beta, residualSumOfSquares: .nan) }
        // One step of iterative refinement on the residuals: β += (X'ΩX)⁻¹X'Ω(z − Xβ). The RSS
        // after it follows from the residuals before it: ‖r − Xδ‖² = ‖r‖² − 2δ'X'Ωr + δ'X'ΩXδ.
        let (projection, rss) = BlockedProducts.residualProjection(x, weights: omega, vector: z, coefficients: beta)
        let delta = system.solve(projection)
        var quadratic = 0.0, cross = 0.0
        for j in system.kept {
            cross += delta[j] * projection[j]
            for k in system.kept { quadratic += delta[j] * rawGram[j * p + k] * delta[k] }
            beta[j] += delta[j]
        }
        return system.fit(beta, residualSumOfSquares: max(0, rss - 2 * cross + quadratic))
    }

    // MARK: careful path

    /// The careful path: Householder QR of Ω^½X in double-double arithmetic, columns in order
    /// (no pivoting); a column whose remaining norm falls to 1e-11 of its own norm or below is
    /// aliased and skipped (R's `glm.fit` tolerance).
    private static func householder(x: [DoubleDouble], n: Int, p: Int, z: [DoubleDouble], omega: [Double]) -> LeastSquaresFit {
        var a = [DoubleDouble](repeating: .zero, count: n * p)
        var b = [DoubleDouble](repeating: .zero, count: n)
        var norms = [Double](repeating: 0, count: p)
        for i in 0..<n {
            let root = omega[i] == 1 ? DoubleDouble(1) : DoubleDouble(omega[i]).squareRoot()
            b[i] = root * z[i]
            for j in 0..<p { a[j * n + i] = root * x[j * n + i] }
        }
        for j in 0..<p {
            var s = DoubleDouble.zero
            for i in 0..<n { s += a[j * n + i] * a[j * n + i] }
            norms[j] = s.squareRoot().value
        }
        var aliased = [Bool](repeating: false, count: p)
        var kept: [Int] = []
        var r = [DoubleDouble](repeating: .zero, count: p * p)  // row-major, indexed by column
        a.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { b in
                for j in 0..<p {
                    let k = kept.count
                    var s = DoubleDouble.zero
                    for i in k..<n { s += a[j * n + i] * a[j * n + i] }
                    let norm = s.squareRoot()
                    if norms[j] == 0 || norm.value <= aliasTolerance * norms[j] {
                        aliased[j] = true
                        continue
                    }
                    // Reflector v = a_j[k...] − α e_k with α = −sign(a_kj)·‖a_j[k...]‖.
                    let alpha = a[j * n + k].hi >= 0 ? -norm : norm
                    a[j * n + k] -= alpha
                    var vv = DoubleDouble.zero
                    for i in k..<n { vv += a[j * n + i] * a[j * n + i] }
                    func reflect(_ column: UnsafeMutablePointer<DoubleDouble>) {
                        var dot = DoubleDouble.zero
                        for i in k..<n { dot += a[j * n + i] * column[i] }
                        let factor = (dot + dot) / vv
                        for i in k..<n { column[i] -= factor * a[j * n + i] }
                    }
                    for l in (j + 1)..<p { reflect(a.baseAddress! + l * n) }
                    reflect(b.baseAddress!)
                    for (position, column) in kept.enumerated() { r[column * p + j] = a[j * n + position] }
                    r[j * p + j] = alpha
                    kept.append(j)
                }
            }
        }
        // Back substitution R β = (Q'b)[0..<rank], in the kept columns' order.
        var beta = [DoubleDouble](repeating: .zero, count: p)
        for (position, j) in kept.enumerated().reversed() {
            var s = b[position]
            for l in kept where l > j { s -= r[j * p + l] * beta[l] }
            beta[j] = s / r[j * p + j]
        }
        let inverse = TriangularInverse.of(r, size: p, kept: kept)
        // Q'b below the rank is the residual vector rotated: its squares sum to the RSS.
        var rss = DoubleDouble.zero
        for i in kept.count..<n { rss += b[i] * b[i] }
        return LeastSquaresFit(
            coefficients: (0..<p).map { aliased[$0] ? .nan : beta[$0].value },
            aliased: aliased,
            unscaledCovariance: TriangularInverse.covariance(inverse, size: p, kept: kept, scale: nil),
            extendedPrecision: true,
            residualSumOfSquares: rss.value)
    }
}

/// The inputs of a least-squares problem in double-double, computed only if the careful path
/// needs them (and then once, however many IRLS steps use them).
final class ExactInputs {
    private let makeDesign: () throws -> [DoubleDouble]
    private var cached: [DoubleDouble]?
    /// The exact response, where the working response is the data's own (linear models).
    let response: (() throws -> [DoubleDouble])?

    init(design: @escaping () throws -> [DoubleDouble], response: (() throws -> [DoubleDouble])?) {
        self.makeDesign = design
        self.response = response
    }

    func design() throws -> [DoubleDouble] {
        if let cached { return cached }
        let values = try makeDesign()
        cached = values
        return values
    }
}

/// The normal equations X'ΩX β = X'Ωz of a well-conditioned problem: the Gram matrix
/// equilibrated to unit diagonal and factored by an in-order Cholesky. Nil when a column's
/// residual on the earlier ones is so small that the factor would lose more than six digits.
struct NormalEquations {
    let size: Int
    let scale: [Double]
    let aliased: [Bool]
    let kept: [Int]
    /// Row-major upper Cholesky factor of the equilibrated Gram matrix.
    private let r: [Double]

    init?(gram: [Double], size p: Int) {
        let scale = (0..<p).map { gram[$0 * p + $0].squareRoot() }
        let aliased = scale.map { $0 == 0 }
        var r = [Double](repeating: 0, count: p * p)
        for j in 0..<p where !aliased[j] {
            var d = gram[j * p + j] / (scale[j] * scale[j])
            for k in 0..<j where !aliased[k] { d -= r[k * p + j] * r[k * p + j] }
            if d < LeastSquares.normalEquationsFloor { return nil }
            let rjj = d.squareRoot()
            r[j * p + j] = rjj
            for l in (j + 1)..<p where !aliased[l] {
                var s = gram[j * p + l] / (scale[j] * scale[l])
                for k in 0..<j where !aliased[k] { s -= r[k * p + j] * r[k * p + l] }
                r[j * p + l] = s / rjj
            }
        }
        self.size = p
        self.scale = scale
        self.aliased = aliased
        self.kept = (0..<p).filter { !aliased[$0] }
        self.r = r
    }

    /// (X'ΩX)⁻¹·v for an unscaled right-hand side v = X'Ω(·); zero at aliased columns.
    func solve(_ v: [Double]) -> [Double] {
        let p = size
        var u = [Double](repeating: 0, count: p)
        for j in kept {
            var s = v[j] / scale[j]
            for k in kept where k < j { s -= r[k * p + j] * u[k] }
            u[j] = s / r[j * p + j]
        }
        for j in kept.reversed() {
            var s = u[j]
            for l in kept where l > j { s -= r[j * p + l] * u[l] }
            u[j] = s / r[j * p + j]
        }
        return (0..<p).map { aliased[$0] ? 0 : u[$0] / scale[$0] }
    }

    /// κ₁ = ‖A‖₁‖A⁻¹‖₁ of the equilibrated Gram matrix A = D⁻¹GD⁻¹ over the kept columns
    /// (D the columns' scales), from G (`gram`, p × p) and its inverse (`inverse`, the
    /// unscaled covariance of `fit`): how much a relative error in the normal equations may grow
    /// in their solution.
    func condition(gram: [Double], inverse: [Double]) -> Double {
        func norm(_ entry: (Int, Int) -> Double) -> Double {
            kept.map { j in kept.reduce(0.0) { $0 + abs(entry($1, j)) } }.max() ?? 0
        }
        let p = size
        return norm { gram[$0 * p + $1] / (scale[$0] * scale[$1]) } * norm { inverse[$0 * p + $1] * scale[$0] * scale[$1] }
    }

    /// The fit with coefficients β and (X'ΩX)⁻¹ from the factor.
    func fit(_ beta: [Double], residualSumOfSquares: Double) -> LeastSquaresFit {
        let inverse = TriangularInverse.of(r.map { DoubleDouble($0) }, size: size, kept: kept)
        return LeastSquaresFit(coefficients: (0..<size).map { aliased[$0] ? .nan : beta[$0] }, aliased: aliased,
                               unscaledCovariance: TriangularInverse.covariance(inverse, size: size, kept: kept, scale: scale),
                               extendedPrecision: false, residualSumOfSquares: residualSumOfSquares)
    }
}

/// (R'R)⁻¹ from an upper-triangular R over a subset of columns, in double-double.
enum TriangularInverse {
    /// R⁻¹ (row-major upper, indexed by column), entries outside `kept` zero.
    static func of(_ r: [DoubleDouble], size p: Int, kept: [Int]) -> [DoubleDouble] {
        var inverse = [DoubleDouble](repeating: .zero, count: p * p)
        for j in kept.reversed() {
            inverse[j * p + j] = DoubleDouble(1) / r[j * p + j]
            for l in kept where l > j {
                var s = DoubleDouble.zero
                for m in kept where m > j && m <= l { s += r[j * p + m] * inverse[m * p + l] }
                inverse[j * p + l] = -s / r[j * p + j]
            }
        }
        return inverse
    }

    /// R⁻¹R⁻ᵀ as doubles, divided by scaleᵢ·scaleⱼ when the columns were equilibrated.
    static func covariance(_ inverse: [DoubleDouble], size p: Int, kept: [Int], scale: [Double]?) -> [Double] {
        var out = [Double](repeating: 0, count: p * p)
        for a in kept {
            for b in kept where b >= a {
                var s = DoubleDouble.zero
                for m in kept where m >= b { s += inverse[a * p + m] * inverse[b * p + m] }
                var v = s.value
                if let scale { v /= scale[a] * scale[b] }
                out[a * p + b] = v
                out[b * p + a] = v
            }
        }
        return out
    }
}
