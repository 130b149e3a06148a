import Foundation

/// Influence values taken in units of a power of two per column, so that their sums of squares
/// stay within a double: values beyond about 1e154 (a mean of values near 1e200, a regression's
/// scores) square beyond 1.8e308 though the variance, or at least its square root, the standard
/// error, is finite. Multiplying by a power of two is exact, so the sums in the scaled units
/// are the unscaled sums' own bits times the scales; the engine (`VarianceEngine`) takes them
/// only where the unscaled sums overflowed, and `Covariance` multiplies the scales back.
extension InfluenceBlocks {
    /// The same blocks with column j of the influence values divided by `scales[j]`, a power of
    /// two near the column's largest size: the blocks' columns by their own, and for blocks
    /// given as a product, the factor's rows multiplied by those and its columns divided by the
    /// influence values' scales. Nil when a block value or the factor is not finite (nothing to
    /// rescale).
    func rescaled() -> (blocks: InfluenceBlocks, scales: [Double])? {
        let k = blockWidth
        var largest = [Double](repeating: 0, count: k)
        var finite = true
        forEachBlock { block, part in
            let m = block.count
            for i in 0..<m {
                for j in 0..<k {
                    let v = abs(part[columnMajor ? j * m + i : i * k + j])
                    finite = finite && v.isFinite
                    largest[j] = max(largest[j], v)
                }
            }
        }
        // A factor beyond a double (the inverse of a subnormal X'WX: weights near 1e-320) has
        // no exponent to rescale by either.
        guard finite, factor?.allSatisfy(\.isFinite) ?? true else { return nil }
        // The exponents of the blocks' scales, then of the influence values' (a product's columns).
        let blockExponents = largest.map { $0 > 0 ? Int($0.exponent) : 0 }
        let exponents: [Int]
        var scaledFactor: [Double]? = nil
        if let factor {
            exponents = (0..<width).map { j in
                (0..<k).filter { factor[$0 * width + j] != 0 }.map { blockExponents[$0] + Int(factor[$0 * width + j].exponent) }.max() ?? 0
            }
            scaledFactor = (0..<(k * width)).map { scalbn(factor[$0], blockExponents[$0 / width] - exponents[$0 % width]) }
        } else {
            exponents = blockExponents
        }
        let produce = forEachBlock, byColumn = columnMajor
        let blocks = InfluenceBlocks(rows: rows, width: width, blockWidth: k, factor: scaledFactor, columnMajor: byColumn) { body in
            var scaled = [Double]()
            produce { block, part in
                let m = block.count
                scaled.removeAll(keepingCapacity: true)
                scaled.append(contentsOf: (0..<(m * k)).map { scalbn(part[$0], -blockExponents[byColumn ? $0 / max(m, 1) : $0 % k]) })
                scaled.withUnsafeBufferPointer { body(block, $0) }
            }
        }
        return (blocks, exponents.map { scalbn(1.0, $0) })
    }

    /// Blocks of every kind, as the public and product initialisers make them.
    private init(rows: [Int32], width: Int, blockWidth: Int, factor: [Double]?, columnMajor: Bool,
                 forEachBlock produce: @escaping ((Range<Int>, UnsafeBufferPointer<Double>) -> Void) -> Void) {
        self.rows = rows
        self.width = width
        self.blockWidth = blockWidth
        self.factor = factor
        self.columnMajor = columnMajor
        forEachBlock = produce
    }
}
