import Foundation
import XCTest
@testable import StatsEngine

/// The regression engine against R survey 4.1.1's `svyglm` (gaussian, quasibinomial,
/// quasipoisson) with design-based standard errors, on a stratified design with fpc, a
/// one-stage cluster design (weighted and not), stratified clusters with nested PSU ids and a
/// two-stage design with fpcs at both stages; formulas with numbers, `factor()` and text
/// factors, numeric × factor and factor × factor interactions, `I(x^2)`, `log(x)`, `- 1`, and
/// missing values in the response and in covariates.
///
/// `Fixtures/svyglm/` (data sets, `expected_coefficients.csv`, `expected_tests.csv`) comes from
/// `oracle/svyglm_fixtures.R` (rerun with `Rscript oracle/svyglm_fixtures.R` from the package
/// root). Rows sharing a `case` are one fit. Per coefficient, in R's order, the engine's name
/// and estimate, SE, t, p and `confint(m)` must agree, as must the residual df and the rows
/// used; per case, every `regTermTest` (first each term with more than one coefficient, which
/// the engine tests unasked, then the requested ones). Numbers agree to 1e-6 relative;
/// p-values to 1e-6 relative or 1e-12 absolute.
final class SvyglmOracleTests: XCTestCase {
    /// The committed svyglm fixture's coefficient and `regTermTest` records.
    private static func fixtureRecords() throws -> (coefficients: [OracleRecord], tests: [OracleRecord]) {
        (try records("expected_coefficients", columns: [
            "case", "data", "weights", "strata", "cluster", "fpc", "nest", "family", "formula", "term", "r_term",
            "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high", "df_residual", "n"]),
         try records("expected_tests", columns: ["case", "terms", "r_terms", "requested", "F", "df_num", "df_den", "p"]))
    }

    func testEngineMatchesRSvyglm() throws {
        let (coefficientRecords, testRecords) = try Self.fixtureRecords()
        XCTAssertGreaterThan(coefficientRecords.count, 100, "expected_coefficients.csv has too few rows")

        // Fits in file order, each with its expected coefficient and test rows.
        let (order, coefficients) = OracleFixture.cases(coefficientRecords)
        let tests = OracleFixture.cases(testRecords).records
        let orphans = Set(tests.keys).subtracting(order)
        XCTAssertTrue(orphans.isEmpty, "expected_tests.csv has cases without coefficients: \(orphans.sorted())")

        var tables: [String: Table] = [:]
        var mismatches: [String] = []
        var checkedCoefficients = 0
        var checkedTests = 0
        for id in order {
            let expected = coefficients[id]!
            let expectedTests = tests[id] ?? []
            let first = expected[0]
            let result: RegressionResult
            do {
                for row in expected.dropFirst() where row.request != first.request {
                    throw OracleFailure("rows of the case disagree on the design or request")
                }
                let table = try OracleFixture.table(first["data"], in: "Fixtures/svyglm", cache: &tables)
                let design = try SurveyDesign(spec: first.designSpec(), table: table)
                let requested = try expectedTests.filter { try OracleFixture.flag($0["requested"]) }.map { $0["terms"] }
                result = try RegressionEstimator(table: table, design: design).fit(first.regressionRequest(tests: requested))
            } catch {
                mismatches.append("\(id): the engine failed: \(error)")
                continue
            }

            // The fit as a whole: residual df and rows used.
            var caseFields: [String] = []
            if !OracleFixture.agree(result.dfResidual, Double(first["df_residual"]), absolute: 0) {
                caseFields.append("df_residual: R \(first["df_residual"]), ours \(result.dfResidual)")
            }
            if Int(first["n"]) != result.n { caseFields.append("n: R \(first["n"]), ours \(result.n)") }
            if !caseFields.isEmpty { mismatches.append("\(id): " + caseFields.joined(separator: "; ")) }

            // Coefficients, in R's order.
            if result.coefficients.count != expected.count {
                mismatches.append("\(id): \(result.coefficients.count) coefficients (\(result.coefficients.map(\.term).joined(separator: ", "))), R has \(expected.count) (\(expected.map { $0["term"] }.joined(separator: ", ")))")
            }
            for (row, ours) in zip(expected, result.coefficients) {
                var fields: [String] = []
                if ours.term != row["term"] { fields.append("term: R \(row["term"]) (\(row["r_term"])), ours \(ours.term)") }
                OracleFixture.compare(row, "estimate", ours.estimate, into: &fields)
                OracleFixture.compare(row, "std_error", ours.standardError, into: &fields)
                OracleFixture.compare(row, "statistic", ours.statistic, into: &fields)
                OracleFixture.compare(row, "p_value", ours.pValue, absolute: 1e-12, into: &fields)
                OracleFixture.compare(row, "conf_low", ours.confidenceLow, into: &fields)
                OracleFixture.compare(row, "conf_high", ours.confidenceHigh, into: &fields)
                if !fields.isEmpty { mismatches.append("\(id) [\(row["term"])]: " + fields.joined(separator: "; ")) }
                checkedCoefficients += 1
            }

            // Wald tests, in R's order: unasked term tests, then the requested ones.
            if result.tests.count != expectedTests.count {
                mismatches.append("\(id): \(result.tests.count) tests (\(result.tests.map(\.terms).joined(separator: ", "))), R has \(expectedTests.count) (\(expectedTests.map { $0["terms"] }.joined(separator: ", ")))")
            }
            for (row, ours) in zip(expectedTests, result.tests) {
                var fields: [String] = []
                if ours.terms != row["terms"] { fields.append("terms: R \(row["terms"]), ours \(ours.terms)") }
                OracleFixture.compare(row, "F", ours.statistic, into: &fields)
                OracleFixture.compare(row, "df_num", Double(ours.numeratorDF), absolute: 0, into: &fields)
                OracleFixture.compare(row, "df_den", ours.denominatorDF, absolute: 0, into: &fields)
                OracleFixture.compare(row, "p", ours.pValue, absolute: 1e-12, into: &fields)
                if !fields.isEmpty { mismatches.append("\(id) [test \(row["terms"])]: " + fields.joined(separator: "; ")) }
                checkedTests += 1
            }
        }

        // Every expected row must have been compared: a failed fit or a missing coefficient or
        // test leaves rows unchecked.
        XCTAssertEqual(checkedCoefficients, coefficientRecords.count, "coefficient rows compared against the engine")
        XCTAssertEqual(checkedTests, testRecords.count, "test rows compared against the engine")
        XCTAssertGreaterThan(checkedCoefficients, 100, "coefficient rows compared against the engine")
        XCTAssertGreaterThan(checkedTests, 20, "test rows compared against the engine")
        if !mismatches.isEmpty {
            XCTFail("\(mismatches.count) disagreements with R svyglm:\n" + mismatches.joined(separator: "\n"))
        }
    }

    /// A requested `--test` of the same coefficients as an automatic test (a factor, an
    /// interaction of factors) or as an earlier request (its terms in another order) is
    /// reported once, R's `regTermTest` values: the fits' tests are exactly R's rows.
    func testARequestedTestEqualToAnotherIsReportedOnce() throws {
        let (coefficientRecords, testRecords) = try Self.fixtureRecords()
        let fits = OracleFixture.cases(coefficientRecords).records, tests = OracleFixture.cases(testRecords).records
        var tables: [String: Table] = [:]
        for (id, requested) in [("cluster1_w | binomial | bin ~ factor(cat) * region", ["factor(cat):region", "factor(cat)", "factor(cat)"]),
                                ("cluster1 | gaussian | y ~ x + num + cat", ["x + num", "num + x", "cat"])] {
            let first = try XCTUnwrap(fits[id]?.first, id), expected = try XCTUnwrap(tests[id], id)
            let table = try OracleFixture.table(first["data"], in: "Fixtures/svyglm", cache: &tables)
            let result = try RegressionEstimator(table: table, design: SurveyDesign(spec: first.designSpec(), table: table))
                .fit(first.regressionRequest(tests: requested))
            XCTAssertEqual(result.tests.map(\.terms), expected.map { $0["terms"] }, id)
            for (row, ours) in zip(expected, result.tests) {
                var fields: [String] = []
                OracleFixture.compare(row, "F", ours.statistic, into: &fields)
                OracleFixture.compare(row, "p", ours.pValue, absolute: 1e-12, into: &fields)
                XCTAssertEqual(fields, [], "\(id) \(row["terms"])")
            }
        }
    }

    private static func records(_ name: String, columns: [String]) throws -> [OracleRecord] {
        try OracleFixture.bundledRecords(name, in: "Fixtures/svyglm", columns: columns)
    }
}

/// The fit a row of expected_coefficients.csv describes (its design is `designSpec()`).
private extension OracleRecord {
    /// The fields that define the engine call (equal across the rows of one case).
    var request: [String] {
        ["data", "weights", "strata", "cluster", "fpc", "nest", "family", "formula", "df_residual", "n"].map { self[$0] }
    }

    func regressionRequest(tests: [String]) throws -> RegressionRequest {
        guard let family = Family(rawValue: self["family"]) else { throw OracleFailure("unknown family '\(self["family"])'") }
        return RegressionRequest(formula: self["formula"], family: family, covariance: .design, level: 0.95, tests: tests)
    }
}
