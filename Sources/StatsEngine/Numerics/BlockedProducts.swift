import CCrossProducts
import CLapack
import Foundation

/// Weighted cross-products of a tall matrix, X'ΩX and X'Ωv, computed in row blocks that stay in
/// cache and split across all cores, so that a million-row design is read (or formed, see
/// `ColumnBlocks`) once per product without ever materialising √Ω·X.
enum BlockedProducts {
    static let blockRows = 2048

    /// X'ΩX (p × p, symmetric, full) and X'Ωv (p).
    static func gram(_ x: some ColumnBlocks, weights omega: [Double], vector v: [Double]) -> (gram: [Double], product: [Double]) {
        let n = x.rowCount, p = x.columnCount
        let parts = partitioned(n) { range -> [Double] in
            var gram = [Double](repeating: 0, count: p * p + p)
            var block = [Double](repeating: 0, count: blockRows * p)
            var rhs = [Double](repeating: 0, count: blockRows)
            var start = range.lowerBound
            while start < range.upperBound {
                let m = min(blockRows, range.upperBound - start)
                fill(&block, &rhs, x: x, omega: omega, v: v, start: start, count: m)
                var trans = CChar(UInt8(ascii: "T"))
                var mm = Int32(m), pp = Int32(p), ld = Int32(blockRows), one = 1.0, inc: Int32 = 1
                gram.withUnsafeMutableBufferPointer { g in
                    addCrossProduct(block, rows: m, columns: p, leading: blockRows, into: g.baseAddress!)
                    dgemv_(&trans, &mm, &pp, &one, block, &ld, rhs, &inc, &one, g.baseAddress! + p * p, &inc)
                }
                start += m
            }
            return gram
        }
        var total = [Double](repeating: 0, count: p * p + p)
        for part in parts { for i in total.indices { total[i] += part[i] } }
        var gram = Array(total[0..<(p * p)])
        for j in 0..<p { for i in 0..<j { gram[i * p + j] = gram[j * p + i] } }
        return (gram, Array(total[(p * p)...]))
    }

    /// Adds B'B to the upper triangle of `gram` (p × p, column-major), for a block B of `rows` ×
    /// `columns` (column-major, leading dimension `leading`); the lower triangle is left
    /// undefined. Up to `kernelColumns` columns by the C kernel `disparity_add_cross_product`
    /// (`Sources/CCrossProducts`), which takes a quarter to a half of the time OpenBLAS's `dgemm`
    /// or `dsyrk` take for such narrow blocks (measured in `CrossProducts.c`) and sums in the same
    /// order on every processor; wider blocks go to `dsyrk`.
    @inline(__always)
    static func addCrossProduct(_ block: UnsafePointer<Double>, rows m: Int, columns p: Int, leading: Int,
                                into gram: UnsafeMutablePointer<Double>) {
        if p <= kernelColumns {
            disparity_add_cross_product(block, m, p, leading, gram, p)
        } else {
            var mm = Int32(m), pp = Int32(p), ld = Int32(leading), one = 1.0
            var uplo = CChar(UInt8(ascii: "U")), transT = CChar(UInt8(ascii: "T"))
            dsyrk_(&uplo, &transT, &pp, &mm, &one, block, &ld, &one, gram, &pp)
        }
    }

    /// The widest block whose cross-product `addCrossProduct` forms by the C kernel.
    static let kernelColumns = Int(DISPARITY_CROSS_PRODUCT_MAX_COLUMNS)

    /// X'Ω(v − Xβ) and Σω(v − Xβ)²: the residuals' projection and their weighted sum of squares.
    static func residualProjection(_ x: some ColumnBlocks, weights omega: [Double], vector v: [Double],
                                   coefficients beta: [Double]) -> (projection: [Double], sumOfSquares: Double) {
        let n = x.rowCount, p = x.columnCount
        let finite = beta.map { $0.isNaN ? 0 : $0 }
        let parts = partitioned(n) { range -> [Double] in
            var out = [Double](repeating: 0, count: p + 1)
            var block = [Double](repeating: 0, count: blockRows * p)
            var residual = [Double](repeating: 0, count: blockRows)
            var start = range.lowerBound
            while start < range.upperBound {
                let m = min(blockRows, range.upperBound - start)
                fill(&block, &residual, x: x, omega: omega, v: v, start: start, count: m)
                var transN = CChar(UInt8(ascii: "N")), transT = CChar(UInt8(ascii: "T"))
                var mm = Int32(m), pp = Int32(p), ld = Int32(blockRows), one = 1.0, minusOne = -1.0, inc: Int32 = 1
                dgemv_(&transN, &mm, &pp, &minusOne, block, &ld, finite, &inc, &one, &residual, &inc)
                out.withUnsafeMutableBufferPointer { o in
                    dgemv_(&transT, &mm, &pp, &one, block, &ld, residual, &inc, &one, o.baseAddress!, &inc)
                }
                for i in 0..<m { out[p] += residual[i] * residual[i] }
                start += m
            }
            return out
        }
        var total = [Double](repeating: 0, count: p + 1)
        for part in parts { for i in total.indices { total[i] += part[i] } }
        return (Array(total[0..<p]), total[p])
    }

    /// √ω-scaled rows `start..<start+count` of X into a block (leading dimension `blockRows`) and of v into `rhs`.
    @inline(__always)
    private static func fill(_ block: inout [Double], _ rhs: inout [Double], x: some ColumnBlocks, omega: [Double],
                             v: [Double], start: Int, count m: Int) {
        for i in 0..<m { rhs[i] = omega[start + i].squareRoot() }
        block.withUnsafeMutableBufferPointer { b in
            rhs.withUnsafeBufferPointer { root in
                for j in 0..<x.columnCount {
                    x.write(column: j, rows: start..<(start + m), scale: root.baseAddress!, to: b.baseAddress! + j * blockRows)
                }
            }
        }
        for i in 0..<m { rhs[i] *= v[start + i] }
    }

    /// The most row ranges a pass is split into.
    static let maximumPartitions = 16

    /// Runs `body` on contiguous row ranges spread over the cores and returns each range's
    /// result, in row order. The ranges depend on `n` alone — up to `maximumPartitions`, each of
    /// at least four blocks — so the sums combined from them are the same on any number of
    /// cores, and a core slowed by other work holds up only a small range.
    static func partitioned(_ n: Int, _ body: @Sendable (Range<Int>) -> [Double]) -> [[Double]] {
        BlasSetup.useSingleThread()
        let parts = max(1, min(maximumPartitions, n / (4 * blockRows)))
        var results = [[Double]](repeating: [], count: parts)
        results.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: parts) { w in
                let lower = n * w / parts, upper = n * (w + 1) / parts
                shared.value[w] = body(lower..<upper)
            }
        }
        return results
    }
}
