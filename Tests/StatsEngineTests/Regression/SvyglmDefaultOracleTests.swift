import Foundation
import XCTest
@testable import StatsEngine

/// Logistic (0/1 and share) and Poisson fits against R survey 4.1.1's `svyglm` at
/// `glm.control()`'s defaults, where IRLS stops short of the maximum of the likelihood (by up to
/// about 1e-7 relative on a rare outcome): the estimates agree only when the fit starts where R
/// starts — the binomial `mustart` (w·y + 0.5)/(w + 1) on the weights divided by their mean over
/// the subset's rows, missing values included — and stops at R's iteration. Designs with strata,
/// clusters and fpc; a subset; a covariate with missing values; a gaussian fit's iterations
/// counted as `glm.fit` counts them; and `--tolerance` as R's `glm.control(epsilon)`.
///
/// `Fixtures/svyglm/expected_default.csv` and `rare.csv` come from
/// `oracle/svyglm_default_fixtures.R`. Per fit the iterations must equal R's `m$iter`, and each
/// estimate R's to 1e-12 relative (1e-14 absolute).
final class SvyglmDefaultOracleTests: XCTestCase {
    func testEstimatesEqualRsDefaultFit() throws {
        let records = try OracleFixture.bundledRecords("expected_default", in: "Fixtures/svyglm", columns: [
            "case", "data", "weights", "strata", "cluster", "fpc", "nest", "family", "formula", "subset", "tolerance", "term", "estimate",
            "iterations",
        ])
        let (order, cases) = OracleFixture.cases(records)
        XCTAssertEqual(order.count, 11, "fits in expected_default.csv")
        var tables: [String: Table] = [:]
        var checked = 0
        for id in order {
            let expected = cases[id]!, first = expected[0]
            let table = try OracleFixture.table(first["data"], in: "Fixtures/svyglm", cache: &tables)
            let design = try SurveyDesign(spec: first.designSpec(), table: table)
            var request = RegressionRequest(formula: first["formula"], family: try XCTUnwrap(Family(rawValue: first["family"])),
                                            tolerance: try XCTUnwrap(Double(first["tolerance"])))
            if !first["subset"].isEmpty { request.subset = try RowFilter(parsing: first["subset"]) }
            let result = try RegressionEstimator(table: table, design: design).fit(request)
            XCTAssertEqual(result.iterations, Int(first["iterations"]), "\(id) \(first["formula"]): iterations")
            XCTAssertEqual(result.coefficients.map(\.term), expected.map { $0["term"] }, "\(id): terms")
            for (row, ours) in zip(expected, result.coefficients) {
                let r = try XCTUnwrap(Double(row["estimate"]))
                XCTAssertEqual(try XCTUnwrap(ours.estimate), r, accuracy: max(1e-12 * abs(r), 1e-14), "\(id) \(row["term"])")
                checked += 1
            }
        }
        XCTAssertEqual(checked, records.count, "estimates compared")
    }
}
