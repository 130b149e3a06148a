import XCTest
@testable import StatsEngine

/// A logistic or Poisson fit does not depend on the scale of the weights: R's svyglm fits on the
/// weights rescaled to mean 1, so glm's deviance test (|Δdev|/(|dev| + 0.1), not scale-free)
/// stops at the same iteration whatever their scale; weights summing to 1e-9 used to stop it
/// after a step or two, with coefficients off in the third digit.
final class WeightScaleTests: XCTestCase {
    private func fit(_ family: Family, weightScale: Double) throws -> RegressionResult {
        var rng = SplitMix64(seed: 21)
        let n = 3000
        let x = (0..<n).map { _ in rng.normal() }
        let w = (0..<n).map { _ in (0.5 + rng.uniform()) * weightScale }
        let y = x.map { v -> Double in
            let eta = -0.5 + 1.2 * v
            return rng.uniform() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let counts = x.map { v in Double(Int(exp(0.3 + 0.4 * v) * 2 * rng.uniform())) }
        let table = Table(source: "simulated", names: ["x", "y", "count", "w"],
                          columns: [x, y, counts, w].map { .numeric(NumericColumn($0)) })
        let design = try SurveyDesign(spec: DesignSpec(weights: "w"), table: table)
        let formula = family == .binomial ? "y ~ x" : "count ~ x"
        return try RegressionEstimator(table: table, design: design).fit(RegressionRequest(formula: formula, family: family))
    }

    func testEstimatesDoNotDependOnTheWeightsScale() throws {
        for family in [Family.binomial, .poisson] {
            let unit = try fit(family, weightScale: 1)
            for scale in [1e-12, 1e-4, 1e6] {
                let scaled = try fit(family, weightScale: scale)
                XCTAssertEqual(scaled.iterations, unit.iterations, "\(family), weights × \(scale)")
                for (a, b) in zip(scaled.coefficients, unit.coefficients) {
                    assertClose(a.estimate!, b.estimate!, rel: 1e-12, "\(family) \(a.term), weights × \(scale)")
                    assertClose(a.standardError!, b.standardError!, rel: 1e-10, "\(family) \(a.term) SE, weights × \(scale)")
                }
                assertClose(scaled.deviance / scale, unit.deviance, rel: 1e-10, "\(family) deviance, weights × \(scale)")
            }
        }
    }
}
