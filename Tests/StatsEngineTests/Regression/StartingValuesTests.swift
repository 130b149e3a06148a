import XCTest
@testable import StatsEngine

/// R's starting values (`glm.fit`'s `mustart` from the family's `initialize`, on the weights
/// `svyglm` rescales to mean 1): the fused pass's first pass takes each row's from its response
/// and prior weight, as the formulas give them row by row.
final class StartingValuesTests: XCTestCase {
    func testStartingMeansAreRsInitialize() {
        // binomial: (w·y + 0.5)/(w + 1), a row without weight at 0.5; Poisson y + 0.1; gaussian y.
        XCTAssertEqual(Family.binomial.start(1, weight: 2), 2.5 / 3)
        XCTAssertEqual(Family.binomial.start(0, weight: 2), 0.5 / 3)
        XCTAssertEqual(Family.binomial.start(0.3, weight: 1), 0.8 / 2)
        XCTAssertEqual(Family.binomial.start(1, weight: 0), 0.5)
        XCTAssertEqual(Family.poisson.start(3, weight: 7), 3.1)
        XCTAssertEqual(Family.gaussian.start(-2.5, weight: 7), -2.5)
    }

    /// A fused pass at the starting values (no coefficients yet) reports g⁻¹(g(μ)) of each row's
    /// starting mean μ (to the vector functions' few ulp) and the deviance Σ w·d(y, μ), with the
    /// weights divided by the mean it is given.
    func testStartingPassUsesEachRowsResponseAndWeight() throws {
        var rng = SplitMix64(seed: 5)
        let n = 9_000
        let a = (0..<n).map { _ in rng.normal() }
        for (family, response) in [(Family.binomial, { (u: Double) in u < 0.3 ? 1.0 : u < 0.4 ? 0.25 : 0.0 }),
                                   (.poisson, { (u: Double) in (u * 5).rounded(.down) })] {
            let y = (0..<n).map { _ in response(rng.uniform()) }
            let w = (0..<n).map { i in i % 97 == 0 ? 0 : 20 + 80 * rng.uniform() }
            let mean = w.reduce(0, +) / Double(n)
            let table = Table(source: "simulated", names: ["a", "y"], columns: [a, y].map { .numeric(NumericColumn($0)) })
            let x = try DesignMatrix(formula: ModelFormula("y ~ a"), table: table)
            let pass = IRLSPass(family: family, x: x.columns, response: x.response, priorWeightsMean: mean).run(betas: [nil], weights: [w])[0]
            var deviance = 0.0
            for i in 0..<n {
                let mu = family.start(y[i], weight: w[i] / mean)
                assertClose(pass.mean[i], family.mean(family.link(mu)), rel: 1e-15, "\(family) row \(i)")
                deviance += w[i] * family.deviance(y[i], mu)
            }
            XCTAssertEqual(pass.deviance, deviance, accuracy: 1e-12 * deviance, "\(family)")
        }
    }
}
