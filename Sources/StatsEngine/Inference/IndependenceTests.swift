/// R's `svychisq` for a two-way table: Rao and Scott's corrections of Pearson's X² (`F`,
/// `Chisq`) from the cell proportions and their design covariance, and the Wald tests (`Wald`,
/// `adjWald`) of the interaction contrasts Y = T_ij − T_i· T_·j / T.
enum IndependenceTests {
    /// Rao-Scott: `p` the nr × nc cell proportions (row levels fastest), `covariance` their
    /// K × K covariance, `rows` R's N (the rows of the design, missing values included), `df`
    /// the design df ν. Nil where Δ cannot be formed.
    static func raoScott(_ method: IndependenceTest, p: [Double], covariance v: [Double], nr: Int, nc: Int,
                         rows: Int, df nu: Double) -> IndependenceTestResult? {
        let k = nr * nc, q = (nr - 1) * (nc - 1), n = Double(rows)
        // A basis of the interaction contrasts orthogonal to the main effects (R's Cmat up to a
        // change of basis, which leaves tr Δ and tr Δ² unchanged): centred row × column dummies.
        var c = [Double](repeating: 0, count: k * q)
        for i in 0..<nr {
            for j in 0..<nc {
                for a in 1..<nr {
                    for b in 1..<nc {
                        let u = (i == a ? 1 : 0) - 1 / Double(nr), w = (j == b ? 1 : 0) - 1 / Double(nc)
                        c[(i + j * nr) * q + (a - 1) + (b - 1) * (nr - 1)] = u * w
                    }
                }
            }
        }
        let inverse = p.map { $0 == 0 ? 0 : 1 / $0 }
        var denominator = [Double](repeating: 0, count: q * q), numerator = [Double](repeating: 0, count: q * q)
        var scaled = [Double](repeating: 0, count: k * q)   // D⁻¹ C
        for r in 0..<k { for s in 0..<q { scaled[r * q + s] = inverse[r] * c[r * q + s] } }
        for a in 0..<q {
            for b in 0..<q {
                var sum = 0.0
                for r in 0..<k { sum += c[r * q + a] * scaled[r * q + b] }
                denominator[a * q + b] = sum / n
            }
        }
        var vScaled = [Double](repeating: 0, count: k * q)   // V D⁻¹ C
        for r in 0..<k {
            for s in 0..<q {
                var sum = 0.0
                for t in 0..<k { sum += v[r * k + t] * scaled[t * q + s] }
                vScaled[r * q + s] = sum
            }
        }
        for a in 0..<q {
            for b in 0..<q {
                var sum = 0.0
                for r in 0..<k { sum += scaled[r * q + a] * vScaled[r * q + b] }
                numerator[a * q + b] = sum
            }
        }
        guard let delta = SmallLinearSystem.solve(denominator, numerator, n: q, m: q) else { return nil }
        let trace = (0..<q).reduce(0.0) { $0 + delta[$1 * q + $1] }
        var traceSquare = 0.0
        for a in 0..<q { for b in 0..<q { traceSquare += delta[a * q + b] * delta[b * q + a] } }
        let pearson = self.pearson(p, nr: nr, nc: nc, total: n)
        switch method {
        case .f:
            let d0 = trace * trace / traceSquare
            let statistic = pearson / trace
            return IndependenceTestResult(method: method, statistic: statistic, ndf: d0, ddf: d0 * nu,
                                          pValue: FisherF.survival(statistic, df1: d0, df2: d0 * nu))
        case .chisq:
            return IndependenceTestResult(method: method, statistic: pearson, ndf: Double(q), ddf: nil,
                                          pValue: ChiSquared.survival(pearson / (trace / Double(q)), df: Double(q)))
        case .wald, .adjWald:
            return nil
        }
    }

    /// Pearson's X² of the table of proportions `p` scaled to `total` (R's
    /// `chisq.test(svytable(..., Ntotal = N))`).
    static func pearson(_ p: [Double], nr: Int, nc: Int, total: Double) -> Double {
        var rowSums = [Double](repeating: 0, count: nr), colSums = [Double](repeating: 0, count: nc)
        for i in 0..<nr { for j in 0..<nc { rowSums[i] += p[i + j * nr]; colSums[j] += p[i + j * nr] } }
        var x2 = 0.0
        for i in 0..<nr {
            for j in 0..<nc {
                let expected = rowSums[i] * colSums[j]
                let d = p[i + j * nr] - expected
                x2 += d * d / expected
            }
        }
        return total * x2
    }

    /// The Wald tests from the contrasts `y` (the q = (nr−1)(nc−1) cells of rows and columns
    /// after the first) and their q × q covariance; `df` is the design df ν.
    static func wald(_ method: IndependenceTest, y: [Double], covariance v: [Double], df nu: Double) -> IndependenceTestResult? {
        let q = y.count
        guard let solved = SmallLinearSystem.solve(v, y, n: q, m: 1) else { return nil }
        let wald = zip(y, solved).reduce(0.0) { $0 + $1.0 * $1.1 }
        let numerator = Double(q)
        if method == .wald {
            let statistic = wald / numerator
            return IndependenceTestResult(method: method, statistic: statistic, ndf: numerator, ddf: nu,
                                          pValue: FisherF.survival(statistic, df1: numerator, df2: nu))
        }
        let denominator = nu - numerator + 1
        guard denominator > 0 else { return nil }
        let statistic = wald * denominator / (numerator * nu)
        return IndependenceTestResult(method: method, statistic: statistic, ndf: numerator, ddf: denominator,
                                      pValue: FisherF.survival(statistic, df1: numerator, df2: denominator))
    }
}
