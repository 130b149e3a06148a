import CLapack
import Foundation

/// The passes of replicate refits (`IRLS.fits` from a start). A pass (`refitPass`) gives every
/// fit's deviance at its coefficients and, for the fits asked for, the normal equations of the
/// step from there: a fit expected to go on gets both in one pass, a fit expected to settle
/// only its deviance (a refit needs no step at the pass its deviance settles); a finished
/// fit's means come from a last pass (`means`), when its separation check reads them.
/// Each pass serves a group of fits, each at its own coefficients with its own prior weights,
/// forming each block of the design once for all of them and working across the fits with
/// level-3 BLAS products:
/// - the linear predictors of a block as X·B, B the fits' coefficients (p × fits);
/// - the normal equations as Pᵀ·Ω and Xᵀ·(Ω∘z), P the block's products of column pairs
///   xᵢ∘xⱼ (i ≤ j) and Ω the fits' working weights, one column per fit: the p(p + 1)/2
///   distinct entries of every fit's X'ΩX in one product, about half the arithmetic of a
///   cross-product of √Ω·X per fit, and no square roots.
///
/// Means and unit deviances take glibc's vector `exp` and `log` (`Family.means`). A pass
/// keeps η and μ only for the block at hand, recomputing them rather than storing and reading
/// back n values per fit: the passes are bound by memory traffic (each fit's weights are read
/// once a pass) more than by arithmetic. The sums are ordered otherwise than in `run`, so a
/// refit's coefficients equal those of its fit alone to rounding (about 1e-13 relative), not
/// bit for bit; they depend only on the rows and the group, never on the number of cores.
extension IRLSPass {
    /// Rows per block of a refit pass: the block's column pairs (120 columns at p = 15) and the
    /// working weights of a group of 80 refits stay in the core's own cache between forming
    /// them and the product that reads them.
    static let refitBlockRows = 256

    /// What a refit pass gives for one fit.
    struct RefitSums {
        /// Σ wᵢ·d(yᵢ, μᵢ) over the rows with weight, at the pass's coefficients.
        var deviance: Double
        /// The rows with weight whose mean is at its bound (`SeparationCheck.pinnedRows`); nil
        /// for a fit whose normal equations were asked for (expected to go on, it is counted at
        /// the pass where it settles; one that settles anyway is counted from its means).
        var pinnedRows: Int?
        /// The largest |η| over the rows, at the pass's coefficients (`DevianceChangeBound`).
        var largestPredictor: Double
        /// Σwᵢ (logistic, gaussian) or Σwᵢ(yᵢ + μᵢ) (Poisson) over the rows with weight, at the
        /// pass's coefficients: the scale of the deviance's rounding (`DevianceChangeBound`).
        var roundingScale: Double
        /// X'ΩX (p × p, symmetric) and X'Ωz at the pass's means, z = η + (y − μ)/(dμ/dη) the
        /// working response; nil for a fit whose normal equations were not asked for.
        var normalEquations: (gram: [Double], product: [Double])?
    }

    /// A pass of refits: for each fit k at coefficients `betas[k]` with prior weights
    /// `weights[k]`, its deviance and, where `forming[k]`, its normal equations at the same
    /// coefficients (else its pinned rows); a row without weight adds nothing. One result per fit, in
    /// order. A fit's deviance does not depend on whether its normal equations are formed, nor
    /// on the other fits' (bit for bit, for the same group of coefficients). Fits at the same
    /// coefficients (the refits' first pass, all from the full-sample estimate) share a linear
    /// predictor, its means, unit deviances and working responses.
    func refitPass(betas: [[Double]], weights: [ScaledWeights], forming: [Bool]) -> [RefitSums] {
        // The family is passed as a constant to an inlined body, so its switches fold away.
        switch family {
        case .gaussian: return refitPass(betas: betas, weights: weights, forming: forming, family: .gaussian)
        case .binomial: return refitPass(betas: betas, weights: weights, forming: forming, family: .binomial)
        case .poisson: return refitPass(betas: betas, weights: weights, forming: forming, family: .poisson)
        }
    }

    @inline(__always)
    private func refitPass(betas: [[Double]], weights: [ScaledWeights], forming: [Bool], family: Family) -> [RefitSums] {
        let p = x.columnCount, fits = betas.count, blockRows = Self.refitBlockRows
        let pairs = p * (p + 1) / 2, height = pairs + p
        let (coefficients, groupOf) = Self.sharedPredictors(betas)
        let shared = coefficients.count / p
        // The fits whose normal equations are formed, each one's column among them, and the
        // shared predictors at which some are.
        let formed = betas.indices.filter { forming[$0] }, forms = formed.count
        let columnOf = (0..<fits).map { k in formed.firstIndex(of: k) ?? -1 }
        let formedAt = (0..<shared).map { g in formed.contains { groupOf[$0] == g } }
        let parts = partitioned(weights) { range, weights, response in
            // Per formed fit X'ΩX's distinct entries (column pairs i ≤ j in column-major order)
            // and X'Ωz, `height` values a fit (first, where BLAS writes them as it always has);
            // then per fit its deviance, pinned rows, largest |η| and rounding scale from
            // `scalars` on.
            var out = [Double](repeating: 0, count: height * forms + 4 * fits)
            let scalars = height * forms
            // Scratch for a block: X, μ, the unit deviances, dμ/dη, z, a fit's weights, η (one
            // column per shared predictor), Ω and Ω∘z (one column per formed fit), and X's
            // column pairs.
            let block = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * (p + 5 + shared + 2 * forms + (forms > 0 ? pairs : 0)))
            defer { block.deallocate() }
            let mean = block + blockRows * p, units = mean + blockRows, derivative = units + blockRows
            let formedWeights = derivative + blockRows
            let z = formedWeights + blockRows, etas = z + blockRows
            let omega = etas + blockRows * shared, rhs = omega + blockRows * forms, products = rhs + blockRows * forms
            forEachBlock(of: range, block: block, coefficients: coefficients, count: shared, etas: etas) { rows in
                let m = rows.count, first = rows.lowerBound
                for g in 0..<shared {
                    let eta = etas + g * blockRows
                    let largest = Self.largestMagnitude(eta, count: m)
                    family.means(eta, count: m, into: mean)
                    family.unitDeviances(response + first, mean: mean, count: m, into: units)
                    // z and dμ/dη once for the fits at these coefficients, then each fit's sums.
                    if formedAt[g] { family.workingResponses(response + first, mean: mean, eta: eta, count: m, derivative: derivative, z: z) }
                    for k in 0..<fits where groupOf[k] == g {
                        let w = weights[k].values(rows, scratch: formedWeights)
                        out[scalars + 4 * k] += Self.weightedSum(w, units, count: m)
                        out[scalars + 4 * k + 2] = Self.larger(out[scalars + 4 * k + 2], largest)
                        out[scalars + 4 * k + 3] += family == .poisson
                            ? Self.weightedSum(w, response + first, count: m) + Self.weightedSum(w, mean, count: m)
                            : Self.total(w, count: m)
                        if columnOf[k] < 0 {
                            out[scalars + 4 * k + 1] += Double(SeparationCheck.pinnedRows(family: family, mean: mean, weights: w,
                                                                                response: response + first, count: m))
                        } else {
                            family.workingWeights(w, mean: mean, derivative: derivative, z: z, count: m, root: false,
                                                  omega: omega + columnOf[k] * blockRows, rhs: rhs + columnOf[k] * blockRows)
                        }
                    }
                }
                guard forms > 0 else { return }
                Self.pairProducts(block, rows: m, columns: p, into: products)
                var transT = CChar(UInt8(ascii: "T")), transN = CChar(UInt8(ascii: "N"))
                var mm = Int32(m), ff = Int32(forms), pp = Int32(p), pairCount = Int32(pairs)
                var ld = Int32(blockRows), ldc = Int32(height), one = 1.0
                out.withUnsafeMutableBufferPointer { out in
                    let o = out.baseAddress!
                    dgemm_(&transT, &transN, &pairCount, &ff, &mm, &one, products, &ld, omega, &ld, &one, o, &ldc)
                    dgemm_(&transT, &transN, &pp, &ff, &mm, &one, block, &ld, rhs, &ld, &one, o + pairs, &ldc)
                }
            }
            return out
        }
        return (0..<fits).map { k in
            var deviance = 0.0, pinned = 0.0, largest = 0.0, scale = 0.0
            let at = height * forms + 4 * k
            for part in parts {
                (deviance, pinned, largest, scale) = (deviance + part[at], pinned + part[at + 1], Self.larger(largest, part[at + 2]),
                                                      scale + part[at + 3])
            }
            guard columnOf[k] >= 0 else {
                return RefitSums(deviance: deviance, pinnedRows: Int(pinned), largestPredictor: largest, roundingScale: scale,
                                 normalEquations: nil)
            }
            // Pinned rows are counted only for the fits expected to settle.
            let offset = columnOf[k] * height
            var total = [Double](repeating: 0, count: height)
            for part in parts { for i in 0..<height { total[i] += part[offset + i] } }
            var gram = [Double](repeating: 0, count: p * p), pair = 0
            for j in 0..<p {
                for i in 0...j {
                    (gram[i + j * p], gram[j + i * p]) = (total[pair], total[pair])
                    pair += 1
                }
            }
            return RefitSums(deviance: deviance, pinnedRows: nil, largestPredictor: largest, roundingScale: scale,
                             normalEquations: (gram, Array(total[pairs...])))
        }
    }

    /// The means μ = g⁻¹(Xβ) of each fit k at coefficients `betas[k]` (n values; NaN where
    /// `weights[k]` is 0), computed as `refitPass` computes them: a finished refit's means, for
    /// its separation check when it reads them (`SeparationCheck.readsMeans`).
    func means(betas: [[Double]], weights: [ScaledWeights]) -> [[Double]] {
        let n = x.rowCount, p = x.columnCount, fits = betas.count, blockRows = Self.refitBlockRows
        let coefficients = betas.flatMap { $0 }
        return arraysFilled(count: fits, length: n) { outputs in
            let outputs = UnsafeSendable(outputs)
            _ = partitioned(weights) { range, weights, _ -> [Double] in
                // Scratch for a block: X, a fit's weights, η (one column per fit).
                let block = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * (p + 1 + fits))
                defer { block.deallocate() }
                let formedWeights = block + blockRows * p, etas = formedWeights + blockRows
                forEachBlock(of: range, block: block, coefficients: coefficients, count: fits, etas: etas) { rows in
                    for k in 0..<fits {
                        let mean = outputs.value[k] + rows.lowerBound, w = weights[k].values(rows, scratch: formedWeights)
                        family.means(etas + k * blockRows, count: rows.count, into: mean)
                        for i in 0..<rows.count where w[i] == 0 { mean[i] = .nan }
                    }
                }
                return []
            }
        }
    }

    /// Runs `body` on the row ranges of a pass (`BlockedProducts.partitioned`) with a reader of
    /// each fit's `weights` and the response's base address; one result per range, in row order.
    func partitioned(_ weights: [ScaledWeights],
                     _ body: @Sendable (Range<Int>, _ weights: [ScaledWeights.Reader], _ response: UnsafePointer<Double>) -> [Double])
        -> [[Double]] {
        ScaledWeights.withReaders(weights) { readers in
            response.withUnsafeBufferPointer { response in
                let inputs = UnsafeSendable((readers, response.baseAddress!))
                return BlockedProducts.partitioned(x.rowCount) { range in body(range, inputs.value.0, inputs.value.1) }
            }
        }
    }

    /// The distinct coefficient vectors among `betas` (compared bit for bit), one after another
    /// (p × count, column-major), and the position of each fit's among them: fits at the same
    /// coefficients (the refits' first pass, all from the full-sample estimate) share a linear
    /// predictor and its means.
    private static func sharedPredictors(_ betas: [[Double]]) -> (coefficients: [Double], predictorOf: [Int]) {
        var predictors: [[Double]] = [], predictorOf: [Int] = []
        for beta in betas {
            let same = predictors.firstIndex { $0.map(\.bitPattern) == beta.map(\.bitPattern) }
            predictorOf.append(same ?? predictors.count)
            if same == nil { predictors.append(beta) }
        }
        return (predictors.flatMap { $0 }, predictorOf)
    }

    /// Runs `body` on each block of `range` in turn (`refitBlockRows` rows, the last fewer),
    /// with the model matrix at its rows in `block` (column-major, leading dimension
    /// `refitBlockRows`) and the linear predictors of `count` coefficient vectors
    /// (`coefficients`, p × count) in `etas` (one column of `refitBlockRows` each).
    @inline(__always)
    private func forEachBlock(of range: Range<Int>, block: UnsafeMutablePointer<Double>, coefficients: [Double], count: Int,
                              etas: UnsafeMutablePointer<Double>, _ body: (Range<Int>) -> Void) {
        var start = range.lowerBound
        while start < range.upperBound {
            let rows = start..<min(start + Self.refitBlockRows, range.upperBound)
            for j in 0..<x.columnCount { x.write(column: j, rows: rows, scale: nil, to: block + j * Self.refitBlockRows) }
            Self.predictors(block, rows: rows.count, coefficients: coefficients, count: count, into: etas)
            body(rows)
            start = rows.upperBound
        }
    }

    /// The linear predictors of a block: X (`rows` × p, leading dimension `refitBlockRows`)
    /// times `count` coefficient vectors (p × count, column-major) into `eta` (one column of
    /// `refitBlockRows` per vector).
    @inline(__always)
    private static func predictors(_ block: UnsafePointer<Double>, rows: Int, coefficients: [Double], count: Int,
                                   into eta: UnsafeMutablePointer<Double>) {
        var transN = CChar(UInt8(ascii: "N")), mm = Int32(rows), kk = Int32(count), pp = Int32(coefficients.count / count)
        var ld = Int32(refitBlockRows), one = 1.0, zero = 0.0
        dgemm_(&transN, &transN, &mm, &kk, &pp, &one, block, &ld, coefficients, &pp, &zero, eta, &ld)
    }

    /// The products of a block's column pairs xᵢ∘xⱼ (i ≤ j, in column-major order of the upper
    /// triangle) into `products` (p(p + 1)/2 columns of `refitBlockRows`).
    @inline(__always)
    private static func pairProducts(_ block: UnsafePointer<Double>, rows: Int, columns p: Int,
                                     into products: UnsafeMutablePointer<Double>) {
        var pair = 0
        for j in 0..<p {
            for i in 0...j {
                let a = block + i * refitBlockRows, b = block + j * refitBlockRows, c = products + pair * refitBlockRows
                for r in 0..<rows { c[r] = a[r] * b[r] }
                pair += 1
            }
        }
    }

    /// The largest |vᵢ| of `count` values (NaN when one is).
    @inline(__always)
    private static func largestMagnitude(_ v: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = SIMD4<Double>.zero, i = 0, nan = false
        while i + 4 <= count {
            let value = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD4<Double>.self)
            let magnitude = value.replacing(with: -value, where: value .< 0)
            nan = nan || any(magnitude .!= magnitude)
            lanes = pointwiseMax(lanes, magnitude)
            i += 4
        }
        var largest = lanes.max()
        while i < count {
            nan = nan || v[i].isNaN
            largest = max(largest, abs(v[i]))
            i += 1
        }
        return nan ? .nan : largest
    }

    /// Σ wᵢ over `count` rows, in four interleaved partial sums.
    @inline(__always)
    private static func total(_ w: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = SIMD4<Double>.zero, i = 0
        while i + 4 <= count {
            lanes += UnsafeRawPointer(w + i).loadUnaligned(as: SIMD4<Double>.self)
            i += 4
        }
        var sum = lanes.sum()
        while i < count { sum += w[i]; i += 1 }
        return sum
    }

    /// The larger of two values, NaN when either is.
    @inline(__always)
    private static func larger(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : max(a, b) }

    /// Σ wᵢ·uᵢ over the `count` rows with wᵢ ≠ 0 (a row without weight adds nothing, whatever
    /// its uᵢ), in four interleaved partial sums (a vector's lanes), so that the additions do not
    /// wait on each other.
    @inline(__always)
    private static func weightedSum(_ w: UnsafePointer<Double>, _ u: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = SIMD4<Double>.zero, i = 0
        while i + 4 <= count {
            let weights = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD4<Double>.self)
            let products = weights * UnsafeRawPointer(u + i).loadUnaligned(as: SIMD4<Double>.self)
            lanes += products.replacing(with: 0, where: weights .== 0)
            i += 4
        }
        var sum = lanes.sum()
        while i < count {
            if w[i] != 0 { sum += w[i] * u[i] }
            i += 1
        }
        return sum
    }
}
