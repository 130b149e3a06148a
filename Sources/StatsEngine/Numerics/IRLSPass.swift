import CLapack
import Foundation

/// One pass of iteratively reweighted least squares over a tall design, fused: for each block of
/// rows it forms the linear predictor Xβ, the means, the deviance, the working weights ω and
/// response z, and accumulates X'ΩX and X'Ωz — so a million-row logistic regression reads its
/// design once per iteration instead of three times. Blocks are split across the cores.
struct IRLSPass {
    let family: Family
    let x: [Double]
    let rows: Int
    let columns: Int
    let weights: [Double]
    let response: [Double]

    struct Result {
        var gram: [Double]
        var product: [Double]
        /// The deviance at the coefficients the pass was given (or at the starting means).
        var deviance: Double
        /// The linear predictor of every row.
        var eta: [Double]
    }

    /// A pass at coefficients `beta`, or at R's starting means when nil.
    func run(beta: [Double]?) -> Result {
        let n = rows, p = columns, blockRows = BlockedProducts.blockRows
        var eta = [Double](repeating: 0, count: n)
        let parts = eta.withUnsafeMutableBufferPointer { etaBuffer -> [[Double]] in
            let etaOut = UnsafeSendable(etaBuffer)
            return BlockedProducts.partitioned(n) { range -> [Double] in
                var out = [Double](repeating: 0, count: p * p + p + 1)
                // Scratch for one block: X's rows (scaled by √ω in place), η, √ω and √ω·z.
                var scratch = [Double](repeating: 0, count: blockRows * (p + 3))
                scratch.withUnsafeMutableBufferPointer { scratch in
                    x.withUnsafeBufferPointer { xs in
                        out.withUnsafeMutableBufferPointer { o in
                            let block = scratch.baseAddress!, blockEta = block + blockRows * p
                            let root = blockEta + blockRows, rhs = root + blockRows
                            var start = range.lowerBound
                            while start < range.upperBound {
                                let m = min(blockRows, range.upperBound - start)
                                for j in 0..<p { (block + j * blockRows).update(from: xs.baseAddress! + j * n + start, count: m) }
                                var mm = Int32(m), pp = Int32(p), ld = Int32(blockRows), one = 1.0, zero = 0.0, inc: Int32 = 1
                                if let beta {
                                    var trans = CChar(UInt8(ascii: "N"))
                                    dgemv_(&trans, &mm, &pp, &one, block, &ld, beta, &inc, &zero, blockEta, &inc)
                                }
                                var deviance = 0.0
                                for i in 0..<m {
                                    let y = response[start + i], w = weights[start + i]
                                    let mu = beta == nil ? family.start(y) : family.mean(blockEta[i])
                                    if beta == nil { blockEta[i] = family.link(mu) }
                                    deviance += w * family.deviance(y, mu)
                                    let d = family.meanDerivative(mu)
                                    let omega = w * d * d / family.variance(mu)
                                    root[i] = omega.squareRoot()
                                    rhs[i] = root[i] * (blockEta[i] + (y - mu) / d)
                                    etaOut.value[start + i] = blockEta[i]
                                }
                                for j in 0..<p {
                                    let column = block + j * blockRows
                                    for i in 0..<m { column[i] *= root[i] }
                                }
                                var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "T"))
                                dsyrk_(&uplo, &trans, &pp, &mm, &one, block, &ld, &one, o.baseAddress!, &pp)
                                dgemv_(&trans, &mm, &pp, &one, block, &ld, rhs, &inc, &one, o.baseAddress! + p * p, &inc)
                                o[p * p + p] += deviance
                                start += m
                            }
                        }
                    }
                }
                return out
            }
        }
        var total = [Double](repeating: 0, count: p * p + p + 1)
        for part in parts { for i in total.indices { total[i] += part[i] } }
        var gram = Array(total[0..<(p * p)])
        for j in 0..<p { for i in 0..<j { gram[i * p + j] = gram[j * p + i] } }
        return Result(gram: gram, product: Array(total[(p * p)..<(p * p + p)]), deviance: total[p * p + p], eta: eta)
    }
}
