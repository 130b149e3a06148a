import CLapack

/// Wald tests that groups of coefficients are zero, as R's `regTermTest(model, ~ terms)`:
/// F = β'V⁻¹β / q on (q, residual df), or chi-square where no df remain.
struct TermTests {
    let design: DesignMatrix
    /// Estimable columns, in the covariance's order.
    let kept: [Int]
    let coefficients: [Double]
    let covariance: [Double]
    let df: Double

    /// Every term with more than one estimable coefficient, then each requested group.
    func run(requested: [String]) throws -> [TermTest] {
        var tests: [TermTest] = []
        for (t, term) in design.formula.terms.enumerated() {
            let columns = kept.indices.filter { design.termOfColumn[kept[$0]] == t }
            // A term whose covariance cannot be inverted (a factor with more levels than the
            // design has degrees of freedom) is not tested unless asked for.
            if columns.count > 1, let result = try? test(columns, label: term.label) { tests.append(result) }
        }
        for text in requested {
            let wanted = try ModelFormula("y ~ " + text).terms
            var columns: [Int] = []
            for w in wanted {
                guard let t = design.formula.terms.firstIndex(where: { Set($0.variables) == Set(w.variables) }) else {
                    throw DisparityError.usage("--test \(quoted: text): the model has no term \(quoted: w.label) (terms: \(listed: design.formula.terms.map(\.label)))")
                }
                columns += kept.indices.filter { design.termOfColumn[kept[$0]] == t }
            }
            guard !columns.isEmpty else { throw DisparityError.analysis("--test \(quoted: text): every coefficient of these terms is aliased") }
            tests.append(try test(columns, label: wanted.map(\.label).joined(separator: " + ")))
        }
        return tests
    }

    private func test(_ positions: [Int], label: String) throws -> TermTest {
        let q = positions.count
        let k = kept.count
        let beta = positions.map { coefficients[kept[$0]] }
        var v = [Double](repeating: 0, count: q * q)
        for (a, i) in positions.enumerated() { for (b, j) in positions.enumerated() { v[a * q + b] = covariance[i * k + j] } }
        guard let inverse = SymmetricInverse.of(v, size: q) else {
            throw DisparityError.analysis("the covariance of \(quoted: label) is singular, so it cannot be tested")
        }
        var chisq = 0.0
        for a in 0..<q { for b in 0..<q { chisq += beta[a] * inverse[a * q + b] * beta[b] } }
        if df > 0 {
            let f = chisq / Double(q)
            return TermTest(terms: label, numeratorDF: q, denominatorDF: df, statistic: f, pValue: FisherF.survival(f, df1: Double(q), df2: df))
        }
        return TermTest(terms: label, numeratorDF: q, denominatorDF: nil, statistic: chisq, pValue: ChiSquared.survival(chisq, df: Double(q)))
    }
}

/// The inverse of a symmetric positive definite matrix by LAPACK's Cholesky (`dpotrf`,
/// `dpotri`); nil when it is not positive definite.
enum SymmetricInverse {
    static func of(_ m: [Double], size n: Int) -> [Double]? {
        var a = m
        var uplo = CChar(UInt8(ascii: "U"))
        var nn = Int32(n), info: Int32 = 0
        dpotrf_(&uplo, &nn, &a, &nn, &info)
        guard info == 0 else { return nil }
        dpotri_(&uplo, &nn, &a, &nn, &info)
        guard info == 0 else { return nil }
        for j in 0..<n { for i in 0..<j { a[i * n + j] = a[j * n + i] } }
        return a
    }
}
