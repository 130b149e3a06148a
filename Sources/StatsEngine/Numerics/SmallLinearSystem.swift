/// Dense linear algebra for the small matrices of a test statistic (a few dozen rows): solving
/// A X = B by Gaussian elimination with partial pivoting.
enum SmallLinearSystem {
    /// X with A X = B, for A n × n and B n × m, both row-major; nil where A is singular (a
    /// pivot below 1e-14 of the largest entry of A).
    static func solve(_ a: [Double], _ b: [Double], n: Int, m: Int) -> [Double]? {
        var a = a, x = b
        let scale = a.map(abs).max() ?? 0
        guard scale > 0 else { return nil }
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(col + 1, n) where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
            guard abs(a[pivot * n + col]) > 1e-14 * scale else { return nil }
            if pivot != col {
                for j in 0..<n { a.swapAt(col * n + j, pivot * n + j) }
                for j in 0..<m { x.swapAt(col * m + j, pivot * m + j) }
            }
            let d = a[col * n + col]
            for r in 0..<n where r != col {
                let f = a[r * n + col] / d
                guard f != 0 else { continue }
                for j in col..<n { a[r * n + j] -= f * a[col * n + j] }
                for j in 0..<m { x[r * m + j] -= f * x[col * m + j] }
            }
        }
        for r in 0..<n { for j in 0..<m { x[r * m + j] /= a[r * n + r] } }
        return x
    }
}
