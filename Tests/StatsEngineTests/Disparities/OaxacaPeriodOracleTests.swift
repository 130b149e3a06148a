import XCTest
@testable import StatsEngine

/// `gap --adjust` with `--period`: each wave's difference decomposed on that wave's rows (the
/// current wave's parts as `explained`, ..., the baseline wave's as `baseline explained`, ...),
/// so that each wave's parts add up to the difference shown for it.
///
/// `Fixtures/oaxaca/period_expected.csv` comes from `oracle/oaxaca_period.R` (rerun with
/// `Rscript oracle/oaxaca_period.R` from the package root): R's svyglm per group and svymean of
/// the model matrix on each wave's rows, the delta method over their joint influence values on
/// the whole design (the panel `waves_panel` and the independent waves `waves_indep` of
/// `Fixtures/gap`), and `withReplicates` on JK1 replicate weights of the panel
/// (`Fixtures/oaxaca/period_rep.csv`). Every estimate and SE to 1e-10 relative, n exactly.
final class OaxacaPeriodOracleTests: XCTestCase {
    private static let columns = ["design", "component", "estimate", "std_error", "n"]

    private func request(threefold: Bool = true) -> GapRequest {
        var request = GapRequest(variable: "y", group: "region", reference: "Nord", focal: "Syd", adjust: "x + factor(cat)",
                                 threefold: threefold)
        request.period = Period(column: "wave", baseline: "2021", current: "2023")
        return request
    }

    private func design(_ id: String, _ table: Table) throws -> SurveyDesign {
        switch id {
        case "waves_panel": return try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true), table: table)
        case "waves_indep": return try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], fpc: ["fpc"]), table: table)
        default:
            var spec = DesignSpec(weights: "w")
            spec.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: "rw*", type: .jk1))
            return try SurveyDesign(spec: spec, table: table)
        }
    }

    private func rows(_ id: String, _ request: GapRequest) throws -> [String: GapRow] {
        let table = try FixtureFiles.table(id, in: id == "period_rep" ? "oaxaca" : "gap")
        let rows = try GapEstimator(table: table, design: design(id, table)).estimate(request)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.component, $0) })
    }

    /// Every part of both waves' decompositions against R, under linearization (a panel and
    /// independent waves) and JK1 replicates; each wave's parts add up to its difference.
    func testEachWaveIsDecomposedOnItsOwnRows() throws {
        let records = try OracleFixture.bundledRecords("period_expected", in: "Fixtures/oaxaca", columns: Self.columns)
        for id in ["waves_panel", "waves_indep", "period_rep"] {
            let expected = records.filter { $0["design"] == id }
            XCTAssertEqual(expected.count, 20, id)
            let got = try rows(id, request())
            for record in expected {
                let component = record["component"]
                guard let row = got[component] else { XCTFail("\(id): no row \(component)"); continue }
                assertClose(row.estimate, Double(record["estimate"]), rel: 1e-10, "\(id) \(component) estimate")
                assertClose(row.standardError, Double(record["std_error"]), rel: 1e-10, "\(id) \(component) SE")
                XCTAssertEqual(String(row.n), record["n"], "\(id) \(component) n")
            }
            // No decomposition row beyond R's: the cells' rows and the parts of both waves.
            let cellRows = Set(CellFunction.rows(cells: 4).map(\.component))
            XCTAssertEqual(Set(got.keys).subtracting(cellRows), Set(expected.map { $0["component"] }), id)
            for prefix in ["", "baseline "] {
                let difference = try XCTUnwrap(got[prefix + "difference"]).estimate
                for parts in [["explained", "unexplained"], ["endowments", "coefficients", "interaction"]] {
                    let sum = try parts.reduce(0.0) { $0 + (try XCTUnwrap(got[prefix + $1])).estimate }
                    XCTAssertEqual(sum, difference, accuracy: 1e-12 * abs(difference), "\(id) \(prefix)\(parts)")
                }
                XCTAssertEqual(got[prefix + "explained"]?.n, got[prefix + "difference"]?.n, "\(id) \(prefix)n")
            }
        }
    }

    /// The current wave's parts are those of the run on that wave alone (`--subset "wave ==
    /// 2023"`), the baseline's those of the baseline wave alone, for the linear decomposition
    /// (pooled too) and the logistic one, whose parts add up to each wave's difference.
    func testEachWavesPartsAreThoseOfTheWaveAlone() throws {
        var pooled = request(threefold: false)
        pooled.pooled = true
        var logit = GapRequest(variable: "bin", group: "region", reference: "Nord", focal: "Syd", statistic: .proportion, adjust: "x")
        logit.logit = true
        logit.period = request().period
        for request in [request(), pooled, logit] {
            let both = try rows("waves_panel", request)
            for (prefix, wave) in [("", "2023"), ("baseline ", "2021")] {
                var alone = request
                alone.period = nil
                alone.subset = try RowFilter(parsing: "wave == \(wave)")
                let single = try rows("waves_panel", alone)
                let parts = single.keys.filter { !["focal", "reference", "difference", "ratio"].contains($0) }
                XCTAssertGreaterThanOrEqual(parts.count, 2)
                for part in parts + ["difference"] {
                    let row = try XCTUnwrap(both[prefix + part], prefix + part), expected = try XCTUnwrap(single[part])
                    XCTAssertEqual(row.estimate, expected.estimate, accuracy: 1e-12 * abs(expected.estimate), "\(prefix)\(part)")
                    XCTAssertEqual(row.standardError, expected.standardError, accuracy: 1e-12 * expected.standardError, "\(prefix)\(part) SE")
                    XCTAssertEqual(row.n, expected.n, "\(prefix)\(part) n")
                }
                let sum = try XCTUnwrap(both[prefix + "explained"]).estimate + (try XCTUnwrap(both[prefix + "unexplained"])).estimate
                let difference = try XCTUnwrap(both[prefix + "difference"]).estimate
                XCTAssertEqual(sum, difference, accuracy: (request.logit ? 1e-8 : 1e-12) * abs(difference), "\(prefix)parts")
            }
        }
    }
}
