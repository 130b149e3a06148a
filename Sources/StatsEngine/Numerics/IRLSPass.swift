import CLapack
import Foundation

/// One pass of iteratively reweighted least squares over a tall design, fused: for each block of
/// rows it forms the linear predictor Xβ, the means, the deviance, the working weights ω and
/// response z, and accumulates X'ΩX and X'Ωz — so a million-row logistic regression reads its
/// design once per iteration instead of three times. Blocks are split across the cores; each
/// block of the model matrix is formed from the model's variables as it is needed.
///
/// A pass may serve several fits of the same design at once (replicate refits, each with its
/// own coefficients and prior weights): the inputs of a block of X then stay in cache for all of them,
/// while each fit's sums are computed exactly as in a pass of its own.
struct IRLSPass {
    let family: Family
    let x: ModelColumnInputs<Double>
    let response: [Double]

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
            return BlockedProducts.partitioned(n) { range -> [Double] in
                var out = [Double](repeating: 0, count: fits * size)
                // Scratch for one block: X's rows scaled by √ω, η, √ω and √ω·z.
                var scratch = [Double](repeating: 0, count: blockRows * (p + 3))
                scratch.withUnsafeMutableBufferPointer { scratch in
                    out.withUnsafeMutableBufferPointer { out in
                        let scaled = scratch.baseAddress!, blockEta = scaled + blockRows * p
                        let root = blockEta + blockRows, rhs = root + blockRows
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let m = min(blockRows, range.upperBound - start)
                            for k in 0..<fits {
                                let o = out.baseAddress! + k * size
                                let beta = betas[k]
                                var mm = Int32(m), pp = Int32(p), ld = Int32(blockRows), one = 1.0, inc: Int32 = 1
                                if let beta {
                                    // η as `IRLS.linearPredictor` forms it, column by column.
                                    blockEta.update(repeating: 0, count: m)
                                    for j in 0..<p where beta[j] != 0 { x.accumulate(column: j, rows: start..<(start + m), times: beta[j], into: blockEta) }
                                }
                                var deviance = 0.0
                                weights[k].withUnsafeBufferPointer { weights in
                                    let meanOfFit = meansOut.value + k * n
                                    for i in 0..<m {
                                        let y = response[start + i], w = weights[start + i]
                                        let mu = beta == nil ? family.start(y) : family.mean(blockEta[i])
                                        if beta == nil { blockEta[i] = family.link(mu) }
                                        meanOfFit[start + i] = beta == nil ? family.mean(blockEta[i]) : mu
                                        // A row without weight (a replicate's dropped PSU) adds nothing.
                                        guard w != 0 else {
                                            root[i] = 0
                                            rhs[i] = 0
                                            continue
                                        }
                                        deviance += w * family.deviance(y, mu)
                                        let d = family.meanDerivative(mu)
                                        let omega = family.workingWeight(w, mean: mu, derivative: d)
                                        root[i] = omega.squareRoot()
                                        rhs[i] = root[i] * (blockEta[i] + (y - mu) / d)
                                    }
                                }
                                for j in 0..<p { x.write(column: j, rows: start..<(start + m), scale: root, to: scaled + j * blockRows) }
                                var trans = CChar(UInt8(ascii: "T"))
                                BlockedProducts.addCrossProduct(scaled, rows: m, columns: p, leading: blockRows, into: o)
                                dgemv_(&trans, &mm, &pp, &one, scaled, &ld, rhs, &inc, &one, o + p * p, &inc)
                                o[p * p + p] += deviance
                            }
                            start += m
                        }
                    }
                }
                return out
            }
        }
        var total = [Double](repeating: 0, count: fits * size)
        for part in parts { for i in total.indices { total[i] += part[i] } }
        return (0..<fits).map { k in
            let sums = total[(k * size)..<((k + 1) * size)]
            var gram = Array(sums.prefix(p * p))
            for j in 0..<p { for i in 0..<j { gram[i * p + j] = gram[j * p + i] } }
            let mean = fits == 1 ? means : Array(means[(k * n)..<((k + 1) * n)])
            return Result(gram: gram, product: Array(sums.dropFirst(p * p).prefix(p)), deviance: sums.last!, mean: mean)
        }
    }
}
