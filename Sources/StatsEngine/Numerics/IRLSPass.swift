import CLapack
import Foundation

/// One pass of iteratively reweighted least squares over a tall design, fused: for each block of
/// rows it forms the linear predictor Xβ, the means, the deviance, the working weights ω and
/// response z, and accumulates X'ΩX and X'Ωz — so a million-row logistic regression reads its
/// design once per iteration instead of three times. Blocks are split across the cores; each
/// block of the model matrix is formed from the model's variables as it is needed.
///
/// A pass may serve several fits of the same design at once (each with its own coefficients and
/// prior weights): the inputs of a block of X then stay in cache for all of them, while each
/// fit's sums are computed exactly as in a pass of its own. Replicate refits take their own
/// passes (`refitPass`, `means`, in `RefitPasses.swift`).
struct IRLSPass {
    let family: Family
    let x: ModelColumnInputs<Double>
    let response: [Double]
    /// What the prior weights are divided by for R's starting values (`Family.start`): the
    /// weights' mean, as `svyglm` rescales them.
    var priorWeightsMean = 1.0
    /// The cells the refit passes sort rows into (`ModelCells`); nil: computed by each pass.
    var cells: ModelCells? = nil

    /// One fit's sums from a pass.
    struct Result {
        var gram: [Double]
        var product: [Double]
        /// The deviance at the coefficients the pass was given (or at the starting means).
        var deviance: Double
        /// The mean μ = g⁻¹(η) of every row at the pass's linear predictor η.
        var mean: [Double]
    }

    /// A pass for each fit k at coefficients `betas[k]` (nil: R's starting means) with prior
    /// weights `weights[k]` (one per row); one result per fit, in order.
    func run(betas: [[Double]?], weights: [[Double]]) -> [Result] {
        // The family is passed as a constant to an inlined body, so its switches fold away.
        switch family {
        case .gaussian: return run(betas: betas, weights: weights, family: .gaussian)
        case .binomial: return run(betas: betas, weights: weights, family: .binomial)
        case .poisson: return run(betas: betas, weights: weights, family: .poisson)
        }
    }

    @inline(__always)
    private func run(betas: [[Double]?], weights: [[Double]], family: Family) -> [Result] {
        let n = x.rowCount, p = x.columnCount, fits = betas.count, size = p * p + p + 1, blockRows = BlockedProducts.blockRows
        // The fits' means one after another; the pass writes every row of each (no zeroing first).
        var means = [Double](unsafeUninitializedCapacity: n * fits) { _, count in count = n * fits }
        let parts = means.withUnsafeMutableBufferPointer { meansBuffer -> [[Double]] in
            let meansOut = UnsafeSendable(meansBuffer.baseAddress!)
            return partitioned(weights.map(ScaledWeights.init)) { range, weights, response -> [Double] in
                var out = [Double](repeating: 0, count: fits * size)
                // Scratch for one block: X's rows scaled by √ω, η, √ω, √ω·z, μ, the unit
                // deviances, dμ/dη, z and a fit's weights (when formed).
                var scratch = [Double](repeating: 0, count: blockRows * (p + 8))
                scratch.withUnsafeMutableBufferPointer { scratch in
                    out.withUnsafeMutableBufferPointer { out in
                        let scaled = scratch.baseAddress!, blockEta = scaled + blockRows * p
                        let root = blockEta + blockRows, rhs = root + blockRows
                        let blockMean = rhs + blockRows, blockUnit = blockMean + blockRows
                        let derivative = blockUnit + blockRows, z = derivative + blockRows, formedWeights = z + blockRows
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let rows = start..<min(start + blockRows, range.upperBound)
                            for k in 0..<fits {
                                let o = out.baseAddress! + k * size
                                let meanOfFit = meansOut.value + k * n + rows.lowerBound, count = rows.count
                                let (y, w) = (response + rows.lowerBound, weights[k].values(rows, scratch: formedWeights))
                                if let beta = betas[k] {
                                    // The block's means and unit deviances with the vector functions.
                                    predictor(beta, rows: rows, into: blockEta)
                                    family.means(blockEta, count: count, into: blockMean)
                                    family.unitDeviances(y, mean: blockMean, count: count, into: blockUnit)
                                    meanOfFit.update(from: blockMean, count: count)
                                } else {
                                    // R's starting values: μ from each row's response and prior
                                    // weight, η = g(μ), the mean reported g⁻¹(η), the deviance at μ.
                                    for i in 0..<count { blockMean[i] = family.start(y[i], weight: w[i] / priorWeightsMean) }
                                    family.links(blockMean, count: count, into: blockEta)
                                    family.means(blockEta, count: count, into: meanOfFit)
                                    family.unitDeviances(y, mean: blockMean, count: count, into: blockUnit)
                                }
                                // A row without weight (a replicate's dropped PSU) adds nothing.
                                var deviance = 0.0
                                for i in 0..<count where w[i] != 0 { deviance += w[i] * blockUnit[i] }
                                family.workingResponses(y, mean: blockMean, eta: blockEta, count: count, derivative: derivative, z: z)
                                family.workingWeights(w, mean: blockMean, derivative: derivative, z: z, count: count, root: true,
                                                      omega: root, rhs: rhs)
                                addNormalEquations(rows: rows, root: root, rhs: rhs, scratch: scaled, into: o)
                                o[p * p + p] += deviance
                            }
                            start = rows.upperBound
                        }
                    }
                }
                return out
            }
        }
        return (0..<fits).map { k in
            let (gram, product, deviance) = Self.sums(parts, fit: k, columns: p)
            let mean = fits == 1 ? means : Array(means[(k * n)..<((k + 1) * n)])
            return Result(gram: gram, product: product, deviance: deviance, mean: mean)
        }
    }

    /// η of `rows` at `beta` into `eta` (one per row of the range), as `IRLS.linearPredictor`
    /// forms it: column by column, coefficients that are exactly 0 skipped.
    @inline(__always)
    private func predictor(_ beta: [Double], rows: Range<Int>, into eta: UnsafeMutablePointer<Double>) {
        eta.update(repeating: 0, count: rows.count)
        for j in 0..<x.columnCount where beta[j] != 0 { x.accumulate(column: j, rows: rows, times: beta[j], into: eta) }
    }

    /// The residuals y − Xβ of every row (n values), each row's Xβ formed as a pass forms it.
    func residuals(at beta: [Double]) -> [Double] {
        let n = x.rowCount, blockRows = BlockedProducts.blockRows
        return [Double](unsafeUninitializedCapacity: n) { out, count in
            var start = 0
            while start < n {
                let rows = start..<min(start + blockRows, n), eta = out.baseAddress! + start
                predictor(beta, rows: rows, into: eta)
                for i in rows { out[i] = response[i] - out[i] }
                start = rows.upperBound
            }
            count = n
        }
    }

    /// Adds the block's X'ΩX (its upper triangle) and X'Ωz to `o` (p × p, then p values), from
    /// √ω (`root`) and √ω·z (`rhs`) of `rows`; `scratch` holds X's rows scaled by √ω.
    @inline(__always)
    private func addNormalEquations(rows: Range<Int>, root: UnsafeMutablePointer<Double>, rhs: UnsafeMutablePointer<Double>,
                                    scratch scaled: UnsafeMutablePointer<Double>, into o: UnsafeMutablePointer<Double>) {
        let p = x.columnCount, blockRows = BlockedProducts.blockRows
        for j in 0..<p { x.write(column: j, rows: rows, scale: root, to: scaled + j * blockRows) }
        var trans = CChar(UInt8(ascii: "T")), mm = Int32(rows.count), pp = Int32(p), ld = Int32(blockRows), one = 1.0, inc: Int32 = 1
        BlockedProducts.addCrossProduct(scaled, rows: rows.count, columns: p, leading: blockRows, into: o)
        dgemv_(&trans, &mm, &pp, &one, scaled, &ld, rhs, &inc, &one, o + p * p, &inc)
    }

    /// Fit k's sums from the parts of a pass (each `fits × (p² + p + 1)`: X'ΩX's upper
    /// triangle, X'Ωz, the deviance), the parts added in order; the Gram matrix made symmetric.
    private static func sums(_ parts: [[Double]], fit k: Int, columns p: Int) -> (gram: [Double], product: [Double], deviance: Double) {
        let size = p * p + p + 1
        var total = [Double](repeating: 0, count: size)
        for part in parts { for i in 0..<size { total[i] += part[k * size + i] } }
        var gram = Array(total.prefix(p * p))
        for j in 0..<p { for i in 0..<j { gram[i * p + j] = gram[j * p + i] } }
        return (gram, Array(total[(p * p)..<(p * p + p)]), total[p * p + p])
    }
}
