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
                                var starting = StartingValues(family: family)
                                weights[k].withUnsafeBufferPointer { weights in
                                    let meanOfFit = meansOut.value + k * n
                                    for i in 0..<m {
                                        let y = response[start + i], w = weights[start + i]
                                        let mu: Double, unitDeviance: Double
                                        if beta == nil {
                                            let row = starting.row(y)
                                            (mu, blockEta[i], meanOfFit[start + i], unitDeviance) = (row.mean, row.eta, row.fitted, row.deviance)
                                        } else {
                                            mu = family.mean(blockEta[i])
                                            meanOfFit[start + i] = mu
                                            unitDeviance = w != 0 ? family.deviance(y, mu) : 0
                                        }
                                        // A row without weight (a replicate's dropped PSU) adds nothing.
                                        guard w != 0 else {
                                            root[i] = 0
                                            rhs[i] = 0
                                            continue
                                        }
                                        deviance += w * unitDeviance
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

/// R's starting values of a row (`glm.fit`'s `mustart`, its link and the deviance there), which
/// depend only on the row's response: the last two responses' values are kept, so a 0/1
/// response takes its logarithms and exponential twice a pass instead of once a row. Bit for
/// bit the values computed row by row (responses are matched by their bits).
struct StartingValues {
    /// One response's values.
    struct Row {
        /// μ = the family's starting mean.
        var mean: Double
        /// η = g(μ).
        var eta: Double
        /// g⁻¹(η), the mean the pass reports.
        var fitted: Double
        /// The unit deviance at μ.
        var deviance: Double
    }

    let family: Family
    private var recent: (UInt64, Row)? = nil
    private var earlier: (UInt64, Row)? = nil

    init(family: Family) { self.family = family }

    /// The values of a row with response `y`.
    @inline(__always) mutating func row(_ y: Double) -> Row {
        if let (key, row) = recent, key == y.bitPattern { return row }
        if let (key, row) = earlier, key == y.bitPattern { return row }
        let mu = family.start(y), eta = family.link(mu)
        let row = Row(mean: mu, eta: eta, fitted: family.mean(eta), deviance: family.deviance(y, mu))
        (earlier, recent) = (recent, (y.bitPattern, row))
        return row
    }
}
