import XCTest
@testable import StatsEngine

/// `StartingValues` keeps R's starting values (`glm.fit`'s mustart, its link, the mean and the
/// deviance there) for the last two responses seen: they must be bit for bit the values
/// computed row by row, whatever the order and number of distinct responses.
final class StartingValuesTests: XCTestCase {
    private func direct(_ family: Family, _ y: Double) -> StartingValues.Row {
        let mu = family.start(y), eta = family.link(mu)
        return StartingValues.Row(mean: mu, eta: eta, fitted: family.mean(eta), deviance: family.deviance(y, mu))
    }

    private func assertSameBits(_ a: StartingValues.Row, _ b: StartingValues.Row, _ message: String) {
        XCTAssertEqual(a.mean.bitPattern, b.mean.bitPattern, message)
        XCTAssertEqual(a.eta.bitPattern, b.eta.bitPattern, message)
        XCTAssertEqual(a.fitted.bitPattern, b.fitted.bitPattern, message)
        XCTAssertEqual(a.deviance.bitPattern, b.deviance.bitPattern, message)
    }

    func testRowsEqualValuesComputedRowByRow() {
        let responses: [(Family, [Double])] = [
            (.binomial, [0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0]),
            // Counts cycling through more values than are kept.
            (.poisson, [0, 1, 2, 3, 0, 3, 2, 1, 7, 7, 0, 12, 1]),
            // 0 and -0 are told apart by their bits (a gaussian start is the response itself).
            (.gaussian, [0, -0.0, 0, 2.5, -0.0, -1e300, 2.5]),
        ]
        for (family, ys) in responses {
            var starting = StartingValues(family: family)
            for (i, y) in ys.enumerated() {
                assertSameBits(starting.row(y), direct(family, y), "\(family) row \(i) (y = \(y))")
            }
        }
    }

    /// A fused pass at the starting values (no coefficients yet) reports those values: the
    /// means bit for bit, the deviance as the row-by-row sum (to the summation order).
    func testStartingPassUsesTheRowsValues() throws {
        var rng = SplitMix64(seed: 5)
        let n = 9_000
        let a = (0..<n).map { _ in rng.normal() }
        for (family, response) in [(Family.binomial, { (u: Double) in u < 0.3 ? 1.0 : 0.0 }), (.poisson, { (u: Double) in (u * 5).rounded(.down) })] {
            let y = (0..<n).map { _ in response(rng.uniform()) }
            let w = (0..<n).map { _ in 0.5 + rng.uniform() }
            let table = Table(source: "simulated", names: ["a", "y"], columns: [a, y].map { .numeric(NumericColumn($0)) })
            let x = try DesignMatrix(formula: ModelFormula("y ~ a"), table: table)
            let pass = IRLSPass(family: family, x: x.columns, response: x.response).run(betas: [nil], weights: [w])[0]
            var deviance = 0.0
            for i in 0..<n {
                let row = direct(family, y[i])
                XCTAssertEqual(pass.mean[i].bitPattern, row.fitted.bitPattern, "\(family) row \(i)")
                deviance += w[i] * row.deviance
            }
            XCTAssertEqual(pass.deviance, deviance, accuracy: 1e-12 * deviance, "\(family)")
        }
    }
}
