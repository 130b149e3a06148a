import Foundation
import XCTest
@testable import StatsEngine

/// The engine's classical, HC0–HC3 and cluster-robust (CR1) regression covariances against
/// statsmodels 0.15: OLS and WLS under every covariance type, logistic and Poisson GLMs with
/// and without prior weights under classical, hc0, hc1 and cluster, on three data sets with
/// numeric covariates, a three-level text factor, an interaction, weights and 18–24 clusters.
///
/// `Fixtures/statsmodels/expected.csv` and its data sets come from
/// `oracle/statsmodels_fixtures.py` (rerun with `python3 oracle/statsmodels_fixtures.py` from
/// the package root); its header says how statsmodels' options map onto the engine's
/// definitions. In short: the GLM prior weights are statsmodels' `var_weights`; statsmodels'
/// GLM "HC1" is its HC0, so the fixture applies the engine's n/(n−p); p-values and intervals
/// are on the engine's t df (n−p, or G−1 for cluster), computed from statsmodels' estimate and
/// standard error. Each row is one coefficient; rows sharing a `case` are one request.
/// Estimates, standard errors, p-values and interval ends must agree to 1e-6 relative, the df
/// exactly, and the engine must report exactly the fixture's terms.
final class RobustCovarianceTests: XCTestCase {
    private static let folder = "Fixtures/statsmodels"

    func testEngineMatchesStatsmodels() throws {
        guard let url = Bundle.module.url(forResource: "expected", withExtension: "csv", subdirectory: Self.folder) else {
            return XCTFail("\(Self.folder)/expected.csv is missing from the test bundle")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: [
            "case", "data", "formula", "family", "covariance", "weights", "cluster", "term",
            "estimate", "std_error", "p_value", "conf_low", "conf_high", "df"], file: "expected.csv")
        XCTAssertGreaterThan(records.count, 50, "expected.csv has too few rows")

        let (order, cases) = OracleFixture.cases(records)

        var tables: [String: Table] = [:]
        var mismatches: [String] = []
        var compared = 0
        var worst: [String: Double] = [:]
        for id in order {
            let expected = cases[id]!
            let first = expected[0]
            let result: RegressionResult
            do {
                let requestFields = ["data", "formula", "family", "covariance", "weights", "cluster", "df"]
                for row in expected.dropFirst() where requestFields.contains(where: { row[$0] != first[$0] }) {
                    throw OracleFailure("rows of the case disagree on the request")
                }
                let table = try OracleFixture.table(first["data"], in: Self.folder, cache: &tables)
                guard let family = Family(rawValue: first["family"]),
                      let covariance = CovarianceType(rawValue: first["covariance"]) else {
                    throw OracleFailure("unknown family or covariance")
                }
                let design = try SurveyDesign(spec: first.designSpec(), table: table)
                // GLMs converged far past R's 1e-8 so the comparison sees the estimator, not IRLS.
                let request = RegressionRequest(formula: first["formula"], family: family, covariance: covariance,
                                                maximumIterations: 50, tolerance: family == .gaussian ? 1e-8 : 1e-12)
                result = try RegressionEstimator(table: table, design: design).fit(request)
            } catch {
                mismatches.append("\(id): the engine failed: \(error)")
                continue
            }
            if !result.converged { mismatches.append("\(id): the engine's fit did not converge") }
            if let df = Double(first["df"]), result.dfResidual != df {
                mismatches.append("\(id): df \(result.dfResidual) vs expected \(df)")
            }
            let expectedTerms = Set(expected.map { $0["term"] })
            let extra = result.coefficients.map(\.term).filter { !expectedTerms.contains($0) }
            if !extra.isEmpty { mismatches.append("\(id): terms not in the fixture: \(extra.joined(separator: ", "))") }

            for row in expected {
                let term = row["term"]
                let found = result.coefficients.filter { $0.term == term }
                guard found.count == 1 else {
                    mismatches.append("\(id) \(term): \(found.count) engine rows (engine terms: \(result.coefficients.map(\.term).joined(separator: ", ")))")
                    continue
                }
                let ours = found[0]
                var fields: [String] = []
                for (name, actual) in [("estimate", ours.estimate), ("std_error", ours.standardError), ("p_value", ours.pValue),
                                       ("conf_low", ours.confidenceLow), ("conf_high", ours.confidenceHigh)] {
                    guard let wanted = Double(row[name]) else {
                        fields.append("\(name): unreadable expected value '\(row[name])'")
                        continue
                    }
                    guard let actual else {
                        fields.append("\(name): engine gave none, expected \(wanted)")
                        continue
                    }
                    let scale = max(abs(wanted), 1e-300)
                    worst[name] = max(worst[name] ?? 0, abs(actual - wanted) / scale)
                    if !(abs(actual - wanted) <= 1e-6 * scale) {
                        fields.append("\(name): engine \(actual) vs expected \(wanted) (rel \(abs(actual - wanted) / scale))")
                    }
                }
                compared += 1
                if !fields.isEmpty { mismatches.append("\(id) \(term): " + fields.joined(separator: "; ")) }
            }
        }
        print("statsmodels oracle: \(order.count) cases, \(compared) rows; worst relative difference: "
              + worst.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1e", $0.value))" }.joined(separator: ", "))
        XCTAssertEqual(compared, records.count, "every fixture row must be compared")
        if !mismatches.isEmpty {
            XCTFail("\(mismatches.count) mismatches against statsmodels (\(compared) rows compared):\n" + mismatches.joined(separator: "\n"))
        }
    }

    /// Rows of weight 0 change no model-based covariance: classical, HC0–HC3 and CR1 of a file
    /// with such rows (in clusters that have rows with weight, and a cluster of their own) equal
    /// those of the file without them, df included: n, the residual df and CR1's G count the
    /// rows and clusters with weight (R's `glm` residual df, Stata's estimation sample).
    func testRowsOfWeightZeroChangeNoModelBasedCovariance() throws {
        var cache: [String: Table] = [:]
        let table = try OracleFixture.table("reg_a", in: Self.folder, cache: &cache)
        let text = try String(contentsOf: try XCTUnwrap(Bundle.module.url(forResource: "reg_a", withExtension: "csv",
                                                                         subdirectory: Self.folder)), encoding: .utf8)
        // The same file with rows of weight 0: values far from the others', in three of its
        // clusters and in a cluster of their own.
        let clusters = try table.categorical("cl")
        let existing = (0..<3).map { clusters.levels[Int(clusters.codes[$0 * 7])] }, levels = try table.categorical("g3").levels
        let extra = (0..<12).map { i in
            "\(40 + 3 * i),\(i % 2),\(i % 4),\(9 - Double(i) / 3),\(Double(i) * 1.7),\(levels[i % levels.count]),0,\(i < 6 ? existing[i % 3] : "zz")\n"
        }.joined()
        let padded = try CSVReader.parse(Array((text + extra).utf8), source: "padded.csv")
        XCTAssertEqual(padded.rowCount, table.rowCount + 12)
        for (family, formula) in [(Family.gaussian, "y ~ x1 + x2 + g3"), (.binomial, "yb ~ x1 + g3"), (.poisson, "yc ~ x2")] {
            for covariance in CovarianceType.allCases where covariance != .design {
                if family != .gaussian, covariance == .hc2 || covariance == .hc3 { continue }
                let request = RegressionRequest(formula: formula, family: family, covariance: covariance, maximumIterations: 50,
                                                tolerance: family == .gaussian ? 1e-8 : 1e-12)
                let spec = DesignSpec(weights: "w", clusters: ["cl"])
                let alone = try RegressionEstimator(table: table, design: SurveyDesign(spec: spec, table: table)).fit(request)
                let with = try RegressionEstimator(table: padded, design: SurveyDesign(spec: spec, table: padded)).fit(request)
                XCTAssertEqual(with.dfResidual, alone.dfResidual, "\(family) \(covariance): df")
                XCTAssertEqual(with.n, alone.n, "\(family) \(covariance): n")
                for (a, b) in zip(with.coefficients, alone.coefficients) {
                    assertClose(a.estimate, b.estimate, rel: 1e-9, "\(family) \(covariance) \(a.term)")
                    assertClose(a.standardError, b.standardError, rel: 1e-9, "\(family) \(covariance) \(a.term) SE")
                }
            }
        }
    }

    /// A row of weight 0 far out (a missing code such as 9999 read as a number, on a row out of
    /// scope) overflows its Poisson mean; it still changes nothing, on the general IRLS loop and
    /// at the estimate (working weights, scores, leverages): the fit and its model-based
    /// covariances equal those without it (R's glm warns there and shifts the coefficients;
    /// the design-based covariance counts the row as a unit of the design, as R's `svydesign`).
    func testARowOfWeightZeroWhoseMeanOverflowsChangesNothing() throws {
        let rows = "y,x,w\n1,0.1,1\n0,0.2,2\n2,0.3,1\n1,0.4,1\n3,0.5,2\n2,0.6,1\n4,0.7,1\n3,0.8,1\n"
        let alone = try CSVReader.parse(Array(rows.utf8), source: "alone.csv")
        let padded = try CSVReader.parse(Array((rows + "5,9999,0\n").utf8), source: "padded.csv")
        for covariance in [CovarianceType.classical, .hc0, .hc1, .hc2, .hc3] {
            let request = RegressionRequest(formula: "y ~ x", family: .poisson, covariance: covariance)
            let results = try [alone, padded].map { table in
                try RegressionEstimator(table: table, design: SurveyDesign(spec: DesignSpec(weights: "w"), table: table)).fit(request)
            }
            XCTAssertEqual(results[1].n, 8, "\(covariance)")
            for (a, b) in zip(results[1].coefficients, results[0].coefficients) {
                assertClose(a.estimate, b.estimate, rel: 1e-12, "\(covariance) \(a.term)")
                assertClose(a.standardError, b.standardError, rel: 1e-12, "\(covariance) \(a.term) SE")
            }
        }
    }

    /// `--vcov cluster` without the design's clusters would treat every row as its own cluster
    /// (HC1 under another name): an error instead.
    func testClusterCovarianceNeedsClusters() throws {
        let table = try CSVReader.parse(Array("y,x\n1,2\n2,3\n3,5\n4,4\n".utf8), source: "t.csv")
        let design = try SurveyDesign(spec: DesignSpec(), table: table)
        XCTAssertThrowsError(try RegressionEstimator(table: table, design: design).fit(RegressionRequest(formula: "y ~ x", covariance: .cluster))) {
            XCTAssert("\($0)".contains("--vcov cluster needs the design's clusters (--cluster)"), "\($0)")
        }
    }
}
