import XCTest
@testable import StatsEngine

/// `--tolerance` (R's `glm.control(epsilon)`) reaches the fit: a smaller one takes more IRLS
/// iterations and lands nearer the maximum of the likelihood; values outside (0, 1) are refused.
final class ConvergenceToleranceTests: XCTestCase {
    /// A rare outcome (about 3 %), where R's default ε = 1e-8 stops an iteration short of the
    /// maximum.
    private func fit(_ arguments: [String]) throws -> RegressionResult {
        var rng = SplitMix64(seed: 41)
        let n = 20_000
        let x = (0..<n).map { _ in rng.normal() }
        let w = (0..<n).map { _ in 0.5 + 3 * rng.uniform() }
        let y = x.map { v -> Double in rng.uniform() < 1 / (1 + exp(3.8 - 0.9 * v)) ? 1 : 0 }
        let table = Table(source: "simulated", names: ["x", "y", "w"], columns: [x, y, w].map { .numeric(NumericColumn($0)) })
        let design = try SurveyDesign(spec: DesignSpec(weights: "w"), table: table)
        let request = try RegressOptions.parse(["y ~ x", "--family", "binomial"] + arguments).request()
        return try RegressionEstimator(table: table, design: design).fit(request)
    }

    func testASmallerToleranceIteratesCloserToTheMaximum() throws {
        let standard = try fit([]), tight = try fit(["--tolerance", "1e-13"]), tighter = try fit(["--tolerance", "1e-15"])
        XCTAssertGreaterThan(tight.iterations, standard.iterations)
        for ((a, b), c) in zip(zip(standard.coefficients, tight.coefficients), tighter.coefficients) {
            // At 1e-13 the fit has converged (a further pass moves nothing); at 1e-8 it has not.
            assertClose(b.estimate!, c.estimate!, rel: 1e-13, "\(b.term) at 1e-13 and 1e-15")
            XCTAssertGreaterThan(abs(a.estimate! - b.estimate!), 1e-12 * abs(b.estimate!), "\(a.term): 1e-8 stops short")
        }
    }

    func testToleranceOutsideZeroToOneIsRefused() throws {
        for value in ["0", "1", "-1e-8", "nan", "2"] {
            XCTAssertThrowsError(try RegressOptions.parse(["y ~ x", "--tolerance", value]).request(), value) { error in
                XCTAssertTrue("\(error)".contains("--tolerance must lie strictly between 0 and 1"), "\(value): \(error)")
            }
        }
    }
}
