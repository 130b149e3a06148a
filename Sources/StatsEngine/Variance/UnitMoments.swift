import CLapack

/// The moments of a stratum's sampling-unit totals that R survey's `onestrat` needs: how many
/// units are present, the mean of their totals (k statistics each) and the sums of squares and
/// products of their deviations from that mean (k × k). Units are added a batch at a time, each
/// batch centred on its own mean and its cross-products formed by BLAS (`dsyrk`, as R's
/// `crossprod`), then merged by the pairwise update of Chan, Golub & LeVeque (1979), "Updating
/// formulae and a pairwise algorithm for computing sample variances": stable however far the
/// totals lie from zero, and one pass over them.
struct UnitMoments {
    /// The units added.
    private(set) var count = 0
    /// The mean of their totals (k values).
    private(set) var mean: [Double]
    /// Σ (xᵢ − mean)(xᵢ − mean)' over the units: k × k, column-major, upper triangle only.
    private(set) var squares: [Double]

    /// No units yet, of `width` statistics.
    init(width k: Int) {
        mean = [Double](repeating: 0, count: k)
        squares = [Double](repeating: 0, count: k * k)
    }

    /// The moments of `count` units whose totals have this mean and these sums of squares and
    /// products about it (k and k × k values, column-major).
    init(count: Int, mean: [Double], squares: [Double]) {
        self.count = count
        self.mean = mean
        self.squares = squares
    }

    /// Adds `units` units whose totals are `values` (column-major, `units` × k, leading
    /// dimension `units`), which it centres in place.
    mutating func add(_ values: UnsafeMutablePointer<Double>, units c: Int) {
        let k = mean.count
        guard c > 0 else { return }
        guard k > 0 else { return count += c }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { batchMean in
            for j in 0..<k {
                let column = values + j * c
                var sum = 0.0
                for i in 0..<c { sum += column[i] }
                let centre = sum / Double(c)
                for i in 0..<c { column[i] -= centre }
                batchMean[j] = centre
            }
            if c > 1 {  // one unit deviates nothing from its own mean
                var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: "T"))
                var kk = Int32(k), cc = Int32(c), one = 1.0, keep = 1.0
                dsyrk_(&uplo, &trans, &kk, &cc, &one, values, &cc, &keep, &squares, &kk)
            }
            merge(UnsafeBufferPointer(batchMean), units: c)
        }
    }

    /// Adds `units` units whose totals are all zero (units of the stratum in scope that no
    /// influence value falls in).
    mutating func addZeros(units c: Int) {
        guard c > 0 else { return }
        let zeros = [Double](repeating: 0, count: mean.count)
        zeros.withUnsafeBufferPointer { merge($0, units: c) }
    }

    /// The moments of the units' totals times `factor` (row-major, k × `width`): each unit's
    /// totals x become F'x, their mean F'·mean and their sums of squares F'·S·F.
    func transformed(by factor: [Double], width w: Int) -> UnitMoments {
        let k = mean.count
        var out = UnitMoments(width: w)
        out.count = count
        guard k > 0, w > 0 else { return out }
        for i in 0..<k { for j in 0..<w { out.mean[j] += mean[i] * factor[i * w + j] } }
        // S whole, S·F (k × w), then F'·(S·F); `factor` column-major is F' (w × k).
        var whole = squares
        for b in 0..<k { for a in 0..<b { whole[b + a * k] = whole[a + b * k] } }
        var product = [Double](repeating: 0, count: k * w)
        var transN = CChar(UInt8(ascii: "N")), transT = CChar(UInt8(ascii: "T"))
        var kk = Int32(k), ww = Int32(w), one = 1.0, zero = 0.0
        dgemm_(&transN, &transT, &kk, &ww, &kk, &one, whole, &kk, factor, &ww, &zero, &product, &kk)
        dgemm_(&transN, &transN, &ww, &ww, &kk, &one, factor, &ww, product, &kk, &zero, &out.squares, &ww)
        return out
    }

    /// Merges the mean of `c` units whose own sums of squares are already in `squares`.
    private mutating func merge(_ batchMean: UnsafeBufferPointer<Double>, units c: Int) {
        let k = mean.count, total = count + c
        let share = Double(c) / Double(total), weight = Double(count) * share
        if count > 0 {
            for b in 0..<k {
                let db = batchMean[b] - mean[b]
                for a in 0...b { squares[a + b * k] += weight * (batchMean[a] - mean[a]) * db }
            }
        }
        for j in 0..<k { mean[j] += (batchMean[j] - mean[j]) * share }
        count = total
    }
}
