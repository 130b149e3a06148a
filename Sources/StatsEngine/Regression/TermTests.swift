import CLapack

/// Wald tests that groups of coefficients are zero, as R's `regTermTest(model, ~ terms)`:
/// F = β'V⁻¹β / q on (q, residual df). A group whose covariance is singular (to 1e-10 of its
/// correlation's pivots: a replicate covariance of fewer replicates than coefficients is) or a
/// design without residual df has no test: R's `regTermTest` gives an F on negative df with no
/// p-value there, or a statistic of rounding noise.
struct TermTests {
    let design: DesignMatrix
    /// Estimable columns, in the covariance's order.
    let kept: [Int]
    let coefficients: [Double]
    let covariance: [Double]
    let df: Double

    /// Every term with more than one estimable coefficient, then each requested group; and a
    /// note for each term that could not be tested on its own (a factor with more levels than
    /// the design has degrees of freedom). A group is tested once: a requested group of the
    /// same coefficients as an automatic test (`--test "factor(g)"`) or as an earlier request
    /// (its terms in another order) is that test, not a second row; one whose automatic test
    /// failed still fails as a request.
    /// - Throws: `DisparityError.analysis` when a requested group cannot be tested;
    ///   `.usage` when it names a term the model does not have.
    func run(requested: [String]) throws -> (tests: [TermTest], notes: [String]) {
        var tests: [TermTest] = [], notes: [String] = []
        var tested: Set<[Int]> = []
        for (t, term) in design.formula.terms.enumerated() {
            let columns = kept.indices.filter { design.termOfColumn[kept[$0]] == t }
            guard columns.count > 1 else { continue }
            switch test(columns, label: term.label) {
            case .success(let result): tests.append(result); tested.insert(columns)
            case .failure(let reason): notes.append("no Wald test of \(quoted: term.label): \(reason.text)")
            }
        }
        for text in requested {
            // Errors name --test and its own text (never the formula 'y ~ …' made of it).
            let wanted = try ModelFormula(response: "y", terms: text, option: "--test").terms
            guard !wanted.isEmpty else {
                throw DisparityError.usage("--test \(quoted: text): names no term (the intercept, '1' or '0', is none); the model's terms: \(listed: design.formula.terms.map(\.label))")
            }
            // A power written bare reads as R reads it in a formula (x^2 is x): where the model
            // has the power as I(), the request surely meant it, not x.
            if text.contains("^"), let power = try? ModelFormula("y ~ I(\(text))").terms, power.count == 1,
               design.formula.terms.contains(where: { $0.label == power[0].label }) {
                throw DisparityError.usage("--test \(quoted: text): in a formula \(quoted: text) reads as \(quoted: wanted.map(\.label).joined(separator: " + ")), as in R; the model's term is \(quoted: power[0].label): --test \(quoted: power[0].label)")
            }
            var columns: [Int] = []
            for w in wanted {
                guard let t = design.formula.terms.firstIndex(where: { Set($0.variables) == Set(w.variables) }) else {
                    let read = w.label == text.filter { !$0.isWhitespace } ? "" : " (\(quoted: text) reads as \(quoted: w.label) in a formula, as in R)"
                    throw DisparityError.usage("--test \(quoted: text): the model has no term \(quoted: w.label)\(read); its terms: \(listed: design.formula.terms.map(\.label))")
                }
                columns += kept.indices.filter { design.termOfColumn[kept[$0]] == t }
            }
            guard !columns.isEmpty else { throw DisparityError.analysis("--test \(quoted: text): every coefficient of these terms is aliased") }
            guard !tested.contains(columns.sorted()) else { continue }
            switch test(columns, label: wanted.map(\.label).joined(separator: " + ")) {
            case .success(let result): tests.append(result); tested.insert(columns.sorted())
            case .failure(let reason): throw DisparityError.analysis("--test \(quoted: text): cannot be tested: \(reason.text)")
            }
        }
        return (tests, notes)
    }

    /// Why a group has no test.
    struct Untestable: Error {
        let text: String
    }

    /// The F test of the coefficients at `positions` (in the covariance's order), or why there
    /// is none.
    private func test(_ positions: [Int], label: String) -> Result<TermTest, Untestable> {
        let q = positions.count
        let k = kept.count
        let beta = positions.map { coefficients[kept[$0]] }
        var v = [Double](repeating: 0, count: q * q)
        for (a, i) in positions.enumerated() { for (b, j) in positions.enumerated() { v[a * q + b] = covariance[i * k + j] } }
        // df = design df + 1 − coefficients (R's svyglm), so none is left when the design's df
        // are fewer than the coefficients.
        guard df > 0 else {
            let design = NumberFormat.label(df + Double(k) - 1)
            return .failure(Untestable(text: "the design's \(design) degrees of freedom leave none beyond the model's \(k) coefficients"))
        }
        guard Self.isNonsingular(v, size: q), let inverse = SymmetricInverse.of(v, size: q) else {
            return .failure(Untestable(text: "its coefficients' covariance is singular"))
        }
        var chisq = 0.0
        for a in 0..<q { for b in 0..<q { chisq += beta[a] * inverse[a * q + b] * beta[b] } }
        let f = chisq / Double(q)
        return .success(TermTest(terms: label, numeratorDF: q, denominatorDF: df, statistic: f,
                                 pValue: FisherF.survival(f, df1: Double(q), df2: df)))
    }

    /// Whether the symmetric `v` (n × n) is positive definite with every pivot of its
    /// correlation matrix's Cholesky factorisation above `pivotFloor`: each coefficient keeps
    /// some variance of its own beyond the others'.
    static func isNonsingular(_ v: [Double], size n: Int) -> Bool {
        let scale = (0..<n).map { v[$0 * n + $0].squareRoot() }
        guard scale.allSatisfy({ $0 > 0 && $0.isFinite }) else { return false }
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = 1.0
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > pivotFloor else { return false }
            l[j * n + j] = d.squareRoot()
            for i in (j + 1)..<n {
                var s = v[i * n + j] / (scale[i] * scale[j])
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / l[j * n + j]
            }
        }
        return true
    }

    /// The smallest share of a coefficient's variance left once the others' are accounted for.
    static let pivotFloor = 1e-10
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
