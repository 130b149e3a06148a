import Foundation
import XCTest
@testable import StatsEngine

/// `--vcov classical` of logistic and Poisson fits against R's glm on the sampling weights
/// normalised to mean 1 over the model's rows, glm(weights = w / mean(w)) with the family's
/// dispersion 1 (`oracle/glm_classical.R`, `Fixtures/svyglm/expected_classical.csv`), with the
/// weights as given and multiplied by 100 and by 0.001: the standard errors do not depend on
/// the weights' scale (glm on the weights themselves, frequency weights, would give a tenth of
/// them for weights × 100). HC0–HC3 and CR1 are scale-free as well.
final class ClassicalCovarianceTests: XCTestCase {
    private static let folder = "Fixtures/svyglm"

    private func table() throws -> Table {
        var cache: [String: Table] = [:]
        let table = try OracleFixture.table("cluster1", in: Self.folder, cache: &cache)
        let w = try table.numeric("w")
        return table.adding("w100", .numeric(NumericColumn(w.map { $0 * 100 })))
            .adding("wmilli", .numeric(NumericColumn(w.map { $0 * 0.001 })))
    }

    func testClassicalStandardErrorsAreGlmsOnWeightsOfMeanOne() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "expected_classical", withExtension: "csv", subdirectory: Self.folder))
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: [
            "case", "family", "formula", "term", "estimate", "std_error", "df_residual"], file: "expected_classical.csv")
        XCTAssertEqual(records.count, 12)
        let table = try table()
        let (order, cases) = OracleFixture.cases(records)
        for id in order {
            let expected = cases[id]!, first = expected[0]
            let family = try XCTUnwrap(Family(rawValue: first["family"]))
            for weights in ["w", "w100", "wmilli"] {
                let design = try SurveyDesign(spec: DesignSpec(weights: weights, clusters: ["psu"]), table: table)
                let result = try RegressionEstimator(table: table, design: design).fit(RegressionRequest(
                    formula: first["formula"], family: family, covariance: .classical, maximumIterations: 50, tolerance: 1e-12))
                XCTAssertEqual(result.dfResidual, Double(first["df_residual"]), "\(id) \(weights): df")
                XCTAssertEqual(result.coefficients.map(\.term), expected.map { $0["term"] }, "\(id) \(weights): terms")
                for (row, ours) in zip(expected, result.coefficients) {
                    assertClose(ours.estimate, Double(row["estimate"]), rel: 1e-8, "\(id) \(weights) \(row["term"]) estimate")
                    assertClose(ours.standardError, Double(row["std_error"]), rel: 1e-8, "\(id) \(weights) \(row["term"]) SE")
                }
            }
        }
    }

    func testRobustStandardErrorsDoNotDependOnTheWeightsScale() throws {
        let table = try table()
        for (family, formula) in [(Family.binomial, "bin ~ x + num"), (.poisson, "count ~ x + z"), (.gaussian, "y ~ x + num")] {
            for covariance in CovarianceType.allCases where covariance != .design {
                func fit(_ weights: String) throws -> RegressionResult {
                    let design = try SurveyDesign(spec: DesignSpec(weights: weights, clusters: ["psu"]), table: table)
                    return try RegressionEstimator(table: table, design: design).fit(RegressionRequest(
                        formula: formula, family: family, covariance: covariance, maximumIterations: 50,
                        tolerance: family == .gaussian ? 1e-8 : 1e-12))
                }
                let unit = try fit("w")
                for weights in ["w100", "wmilli"] {
                    for (a, b) in zip(try fit(weights).coefficients, unit.coefficients) {
                        assertClose(a.standardError, b.standardError, rel: 1e-9, "\(family) \(covariance) \(weights) \(a.term) SE")
                    }
                }
            }
        }
    }

    /// A linear model that fits its rows exactly (y = 1 + 2x, z without effect) is flagged as R's
    /// summary.lm warns ("essentially perfect fit"): its standard errors are rounding noise (a t
    /// of 1e16, a p-value of 0.24 for z where R's is 0.80), under every covariance; the same
    /// model on y plus noise is not, nor a logistic fit.
    func testAnEssentiallyPerfectFitIsFlagged() throws {
        let table = try table()
        let x = try table.numeric("x"), noise = try table.numeric("y")
        let exact = table.adding("exact", .numeric(NumericColumn(x.map { 1 + 2 * $0 })))
            .adding("noisy", .numeric(NumericColumn(zip(x, noise).map { 1 + 2 * $0 + 1e-6 * $1 })))
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", clusters: ["psu"]), table: exact)
        func notes(_ formula: String, _ covariance: CovarianceType, family: Family = .gaussian) throws -> [String] {
            try RegressionEstimator(table: exact, design: design).fit(RegressionRequest(formula: formula, family: family, covariance: covariance)).notes
        }
        for covariance in [CovarianceType.design, .classical, .hc1] {
            XCTAssertTrue(try notes("exact ~ x + z", covariance).contains { $0.hasPrefix("essentially perfect fit") }, "\(covariance)")
            XCTAssertFalse(try notes("noisy ~ x + z", covariance).contains { $0.hasPrefix("essentially perfect fit") }, "\(covariance)")
        }
        XCTAssertFalse(try notes("bin ~ x + z", .classical, family: .binomial).contains { $0.hasPrefix("essentially perfect fit") })
    }
}
