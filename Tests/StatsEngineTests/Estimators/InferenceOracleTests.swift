import XCTest
@testable import StatsEngine

/// The inference layer's defect classes against R survey (oracle/inference_fixtures.R, fixtures
/// in Fixtures/inference): a `--by` domain without usable rows, degrees of freedom after missing
/// values, the quantile gap's Woodruff t, and gap covariances under lonely-PSU rules that must not
/// depend on which groups are compared.
final class InferenceOracleTests: XCTestCase {
    private var cache: [String: Table] = [:]
    private static let columns = ["case", "group", "component", "estimate", "std_error", "conf_low", "conf_high", "df"]

    private func expected(_ name: String) throws -> [OracleRecord] {
        let url = try FixtureFiles.url("expected", "csv", in: "inference")
        let rows = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: Self.columns, file: "inference/expected.csv")
            .filter { $0["case"] == name }
        XCTAssertFalse(rows.isEmpty, "no expected rows for \(name)")
        return rows
    }

    private func table(_ name: String) throws -> Table {
        try OracleFixture.table(name, in: "Fixtures/inference", cache: &cache)
    }

    private func check(_ record: OracleRecord, _ estimate: Double?, _ se: Double?, _ low: Double?, _ high: Double?, _ df: Double?,
                       file: StaticString = #filePath, line: UInt = #line) {
        var fields: [String] = []
        for (name, actual) in [("estimate", estimate), ("std_error", se), ("conf_low", low), ("conf_high", high), ("df", df)] {
            OracleFixture.compare(record, name, actual, absolute: 1e-12, into: &fields)
        }
        XCTAssert(fields.isEmpty, "\(record["case"]) \(record["group"]) \(record["component"]): \(fields.joined(separator: "; "))", file: file, line: line)
    }

    /// cases/01: the empty domain is a row of nulls with a note; the others equal R's subset designs.
    func testDomainWithoutUsableRowsGivesANullRowAndTheOthersAreComputed() throws {
        let data = try table("allna")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w"), table: data)
        for statistic in [Statistic.mean, .quantile] {
            let rows = try DescriptiveEstimator(table: data, design: design)
                .estimate(EstimateRequest(statistic: statistic, variable: "income", by: ["grp"]))
            XCTAssertEqual(rows.map { $0.group[0].level }, ["a", "b", "c"])
            let empty = rows[1]
            XCTAssertTrue(empty.estimate.isNaN)
            XCTAssertNil(empty.standardError)
            XCTAssertNil(empty.confidenceLow)
            XCTAssertEqual(empty.n, 0)
            XCTAssertEqual(empty.note, "domain grp=b has no rows with a value of 'income'")
            for record in try expected("allna/\(statistic.rawValue)") {
                let row = try XCTUnwrap(rows.first { $0.group[0].level == record["group"] })
                check(record, row.estimate, row.standardError, row.confidenceLow, row.confidenceHigh, row.df)
            }
            let report = Report.estimates(rows, request: EstimateRequest(statistic: statistic, variable: "income", by: ["grp"]), design: design)
            XCTAssertFalse(report.rendered(as: .json).contains("NaN"))
            // (A quantile whose share's interval passes 0 or 1 has no standard error, as R's NA, and says so.)
            XCTAssertEqual(report.notes.filter { !$0.contains("Woodruff's interval leaves the data") },
                           ["1 row: domain grp=b has no rows with a value of 'income'"])
            XCTAssertEqual(rows.filter { $0.standardError == nil && $0.estimate.isFinite }.count,
                           report.notes.filter { $0.contains("Woodruff's interval leaves the data") }.count)
        }
    }

    /// cases/07: every statistic's design df counts the rows that have the variable.
    func testDesignDegreesOfFreedomCountTheRowsThatHaveTheVariable() throws {
        for file in ["na_cov", "na_cov2"] {
            let data = try table(file)
            let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true), table: data)
            let estimator = DescriptiveEstimator(table: data, design: design)
            let mean = try estimator.estimate(EstimateRequest(statistic: .mean, variable: "x", degreesOfFreedom: .design))[0]
            check(try expected("\(file)/mean")[0], mean.estimate, mean.standardError, mean.confidenceLow, mean.confidenceHigh, mean.df)
            let byZ = try estimator.estimate(EstimateRequest(statistic: .mean, variable: "x", by: ["z"], degreesOfFreedom: .design))
            for record in try expected("\(file)/mean-by-z") {
                let row = try XCTUnwrap(byZ.first { $0.group[0].level == record["group"] })
                check(record, row.estimate, row.standardError, row.confidenceLow, row.confidenceHigh, row.df)
            }
            // The same rows give the same df for every statistic: total, sd, ratio, lower-mean,
            // quantile and proportion intervals on x's rows all use the mean's df.
            let df = try XCTUnwrap(mean.df)
            for statistic in [Statistic.total, .sd, .lowerMean, .quantile] {
                let row = try estimator.estimate(EstimateRequest(statistic: statistic, variable: "x", q: 0.25, degreesOfFreedom: .design))[0]
                XCTAssertEqual(row.df, df, "\(file) \(statistic.rawValue)")
            }
            let ratio = try estimator.estimate(EstimateRequest(statistic: .ratio, variable: "x", denominator: "w", degreesOfFreedom: .design))[0]
            XCTAssertEqual(ratio.df, df, "\(file) ratio")
            let gaps = try GapEstimator(table: data, design: design)
                .estimate(GapRequest(variable: "x", group: "z", reference: "a", degreesOfFreedom: .design))
            for record in try expected("\(file)/gap-design-df") {
                let row = try XCTUnwrap(gaps.first { $0.focal == record["group"] && $0.component == "difference" })
                check(record, row.estimate, row.standardError, row.confidenceLow, row.confidenceHigh, row.df)
            }
            // A gap's focal and reference rows are the same cells as `estimate --by`'s rows: same df.
            for gap in gaps where gap.component == "focal" || gap.component == "reference" {
                let level = gap.component == "focal" ? gap.focal : "a"
                XCTAssertEqual(gap.df, byZ.first { $0.group[0].level == level }?.df, "\(file) \(gap.component) \(level)")
            }
        }
    }

    /// The quantile gap's cells use the Woodruff SE with t on their own design df, as
    /// `estimate quantile` and R's `svyquantile` (before, the normal: 15 % too large here).
    func testQuantileGapUsesTheSameWoodruffIntervalAsEstimate() throws {
        let data = try table("quantile_strata")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "g"), table: data)
        let rows = try GapEstimator(table: data, design: design)
            .estimate(GapRequest(variable: "y", group: "g", reference: "B", focal: "A", statistic: .quantile))
        for record in try expected("quantile-strata") {
            let row = try XCTUnwrap(rows.first { $0.component == record["component"] })
            assertClose(row.estimate, Double(record["estimate"]), rel: 1e-9, record["component"])
            assertClose(row.standardError, Double(record["std_error"]), rel: 1e-9, record["component"])
        }
        let alone = try DescriptiveEstimator(table: data, design: design)
            .estimate(EstimateRequest(statistic: .quantile, variable: "y", by: ["g"]))
        XCTAssertEqual(alone[0].standardError!, rows[0].standardError, accuracy: 1e-12, "the same cell, the same SE in both commands")
    }

    /// Under lonely-PSU `average` and `adjust` with domain-lonely strata, a group's SE is svyby's
    /// whatever it is compared with, and differences come from the joint covariance of all groups.
    func testLonelyPSUGapCovarianceDoesNotDependOnTheComparedPair() throws {
        let data = try table("lonely")
        for (setting, rule, domainLonely) in [("average", LonelyPSU.average, false), ("adjust+domain", .adjust, true)] {
            let design = try SurveyDesign(spec: DesignSpec(strata: "stratum", clusters: ["psu"], lonelyPSU: rule, adjustDomainLonely: domainLonely),
                                          table: data)
            let rows = try GapEstimator(table: data, design: design).estimate(GapRequest(variable: "y", group: "g", reference: "A"))
            let records = try expected("lonely/\(setting)")
            let referenceSE = Set(rows.filter { $0.component == "reference" }.map(\.standardError))
            XCTAssertEqual(referenceSE.count, 1, "\(setting): the reference's SE is one number, whichever group it is compared with")
            for record in records {
                let matching: GapRow?
                switch (record["component"], record["group"]) {
                case ("cell", "A"): matching = rows.first { $0.component == "reference" }
                case ("cell", let g): matching = rows.first { $0.component == "focal" && $0.focal == g }
                case (_, let g): matching = rows.first { $0.component == "difference" && $0.focal == g }
                }
                let row = try XCTUnwrap(matching, "\(setting) \(record["group"]) \(record["component"])")
                assertClose(row.estimate, Double(record["estimate"]), rel: 1e-9, "\(setting) \(record["group"]) \(record["component"])")
                assertClose(row.standardError, Double(record["std_error"]), rel: 1e-9, "\(setting) \(record["group"]) \(record["component"]) SE")
            }
        }
    }
}
