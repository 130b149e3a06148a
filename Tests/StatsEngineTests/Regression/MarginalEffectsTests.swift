import XCTest
@testable import StatsEngine

/// Average marginal effects of logistic models, in percentage points.
final class MarginalEffectsTests: XCTestCase {
    /// Delta-method AMEs against statsmodels' `get_margeff` (classical covariance, discrete
    /// change for the 0/1 regressor, derivatives for the others).
    func testAgainstStatsmodels() throws {
        let table = try FixtureFiles.table("logit", in: "margins")
        let expected = try FixtureFiles.table("expected", in: "margins")
        let design = try SurveyDesign(spec: DesignSpec(), table: table)
        let result = try RegressionEstimator(table: table, design: design).fit(
            RegressionRequest(formula: "y ~ minority + age + income", family: .binomial, covariance: .classical,
                              marginalEffects: true, tolerance: 1e-14))
        let terms = try expected.categorical("term")
        let estimates = try expected.numeric("estimate_pp"), errors = try expected.numeric("std_error_pp")
        XCTAssertEqual(result.marginalEffects.count, 3)
        for i in 0..<expected.rowCount {
            let name = terms.levels[Int(terms.codes[i])]
            let row = try XCTUnwrap(result.marginalEffects.first { $0.term == name }, name)
            assertClose(row.estimate, estimates[i], rel: 1e-6, name)
            assertClose(row.standardError, errors[i], rel: 1e-5, name)
        }
    }

    /// With one 0/1 regressor the logistic model is saturated: the AME is the difference of the
    /// two groups' weighted proportions, and its design-based SE is that of the difference of
    /// two domain means, computed here directly through the variance engine.
    func testSaturatedModelEqualsDifferenceOfDomainProportions() throws {
        let table = try FixtureFiles.table("strat_fpc", in: "survey")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", fpc: ["fpc"]), table: table)
        let result = try RegressionEstimator(table: table, design: design).fit(
            RegressionRequest(formula: "bin ~ num", family: .binomial, marginalEffects: true, tolerance: 1e-14))
        let effect = try XCTUnwrap(result.marginalEffects.first)

        let y = try table.numeric("bin"), d = try table.numeric("num"), w = design.weights
        let rows = (0..<table.rowCount).filter { !y[$0].isNaN && !d[$0].isNaN }.map { Int32($0) }
        var W = [0.0, 0.0], S = [0.0, 0.0]
        for r in rows { let g = Int(d[Int(r)]); W[g] += w[Int(r)]; S[g] += w[Int(r)] * y[Int(r)] }
        let p = [S[0] / W[0], S[1] / W[1]]
        let values = rows.map { r -> Double in
            let g = Int(d[Int(r)])
            let v = w[Int(r)] * (y[Int(r)] - p[g]) / W[g]
            return g == 1 ? v : -v
        }
        let variance = try VarianceEngine(design: design).covariance(Influence(rows: rows, width: 1, values: values))[0, 0]
        assertClose(effect.estimate, 100 * (p[1] - p[0]), rel: 1e-9, "AME")
        assertClose(effect.standardError, 100 * variance.squareRoot(), rel: 1e-7, "SE")
    }
}
