import Foundation
import XCTest
@testable import StatsEngine

/// The engine against R survey 4.1.1 on small designs of every kind the engine supports:
/// stratified with fpc (as population sizes and as sampling fractions), one-stage cluster
/// (weighted and not), two-stage with fpcs at both stages (with weights, and with the weights
/// implied by the fpcs), nested strata with a lonely PSU within a domain under each lonely-PSU
/// rule, and a design with two strata of a single PSU under each rule.
///
/// `Fixtures/survey/expected.csv` and its data sets come from `oracle/survey_fixtures.R`
/// (rerun with `Rscript oracle/survey_fixtures.R` from the package root). Each row of it is one
/// expected output row; rows sharing a `case` are one engine request. Every number must agree
/// to 1e-6 relative (1e-12 absolute near zero); an empty field means the engine must leave
/// the value out too, except `deff`: R's design effect, given for means, totals, ratios and Wald
/// proportions where R has a finite one, and checked only where given.
final class SurveyOracleTests: XCTestCase {
    func testEngineMatchesRSurvey() throws {
        guard let url = Bundle.module.url(forResource: "expected", withExtension: "csv", subdirectory: "Fixtures/survey") else {
            return XCTFail("Fixtures/survey/expected.csv is missing from the test bundle")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: [
            "case", "data", "weights", "strata", "cluster", "fpc", "nest", "lonely", "adjust_domain_lonely",
            "statistic", "variable", "by", "q", "denominator", "ci_method", "df", "group", "category",
            "estimate", "std_error", "conf_low", "conf_high", "df_value", "deff"], file: "expected.csv")
        XCTAssertGreaterThan(records.count, 100, "expected.csv has too few rows")

        // Requests in file order, each with its expected rows.
        let (order, cases) = OracleFixture.cases(records)

        var tables: [String: Table] = [:]
        var mismatches: [String] = []
        var checked = 0
        var deffsChecked = 0
        for id in order {
            let expected = cases[id]!
            let first = expected[0]
            let outputs: [EstimateRow]
            do {
                for row in expected.dropFirst() where row.request != first.request {
                    throw OracleFailure("rows of the case disagree on the design or request")
                }
                let table = try OracleFixture.table(first["data"], in: "Fixtures/survey", cache: &tables)
                let design = try SurveyDesign(spec: first.designSpec(), table: table)
                outputs = try DescriptiveEstimator(table: table, design: design).estimate(first.estimateRequest())
            } catch {
                mismatches.append("\(id): the engine failed: \(error)")
                continue
            }

            for row in expected {
                let place = "\(id) [group \(row["group"].isEmpty ? "-" : row["group"]), category \(row["category"].isEmpty ? "-" : row["category"])]"
                let wantedGroup = row["group"].isEmpty ? [] : [row["group"]]
                let wantedCategory = row["category"].isEmpty ? nil : row["category"]
                let found = outputs.filter { $0.group.map(\.level) == wantedGroup && $0.category == wantedCategory }
                guard found.count == 1 else {
                    mismatches.append("\(place): \(found.count) matching output rows (the engine gave \(outputs.count) rows)")
                    continue
                }
                let ours = found[0]
                var fields: [String] = []
                // Relative agreement to 1e-6, absolute 1e-12 near zero; both absent also agrees.
                OracleFixture.compareInterval(row, estimate: ours.estimate, standardError: ours.standardError,
                                              low: ours.confidenceLow, high: ours.confidenceHigh, df: ours.df, into: &fields)
                if !row["deff"].isEmpty {
                    OracleFixture.compare(row, "deff", ours.designEffect, absolute: 1e-12, into: &fields)
                    deffsChecked += 1
                }
                if !fields.isEmpty { mismatches.append("\(place): " + fields.joined(separator: "; ")) }
                checked += 1
            }
        }

        // Every expected row must have been compared: a failed request or a missing output row
        // leaves rows unchecked.
        XCTAssertEqual(checked, records.count, "expected rows compared against the engine")
        XCTAssertGreaterThan(checked, 100, "expected rows compared against the engine")
        XCTAssertGreaterThan(deffsChecked, 100, "design effects compared against the engine")
        if !mismatches.isEmpty {
            XCTFail("\(mismatches.count) disagreements with R survey:\n" + mismatches.joined(separator: "\n"))
        }
    }

    /// Under the default rule (`--lonely-psu fail`) a design with strata of a single PSU is an
    /// error naming such a stratum, as R's "Stratum (...) has only one PSU at stage 1" is, for
    /// every statistic with and without domains. lonely.csv's single-PSU strata are Ærø and
    /// Bornholm; the others (Fyn, Sjælland, Jylland) have three to five PSUs.
    func testLonelyPSUFailNamesTheStratum() throws {
        guard let url = Bundle.module.url(forResource: "lonely", withExtension: "csv", subdirectory: "Fixtures/survey") else {
            return XCTFail("Fixtures/survey/lonely.csv is missing from the test bundle")
        }
        let table = try CSVReader.read(path: url.path)
        let spec = DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], lonelyPSU: .fail)
        let design = try SurveyDesign(spec: spec, table: table)
        let estimator = DescriptiveEstimator(table: table, design: design)
        let lonelyStrata = ["Ærø", "Bornholm"]
        let otherStrata = ["Fyn", "Sjælland", "Jylland"]
        let requests: [EstimateRequest] = [Statistic.mean, .total, .proportion, .ratio, .quantile].flatMap { statistic in
            [[], ["region"]].map { by in
                EstimateRequest(statistic: statistic, variable: statistic == .proportion ? "cat" : (statistic == .ratio ? "num" : "y"),
                                by: by, denominator: statistic == .ratio ? "x" : nil)
            }
        }
        for request in requests {
            let what = "\(request.statistic.rawValue)\(request.by.isEmpty ? "" : " by region")"
            do {
                let rows = try estimator.estimate(request)
                XCTFail("\(what): expected an error for the single-PSU strata, got \(rows.count) rows")
            } catch let error as DisparityError {
                XCTAssertTrue(error.message.contains("only one PSU"), "\(what): \(error.message)")
                XCTAssertTrue(lonelyStrata.contains { error.message.contains("'\($0)'") },
                              "\(what): the message names no single-PSU stratum: \(error.message)")
                XCTAssertFalse(otherStrata.contains { error.message.contains("'\($0)'") },
                               "\(what): the message names a stratum with several PSUs: \(error.message)")
            } catch {
                XCTFail("\(what): expected a DisparityError, got \(error)")
            }
        }
    }
}

/// The engine call a row of expected.csv describes (its design is `designSpec()`).
private extension OracleRecord {
    /// The fields that define the engine call (equal across the rows of one case).
    var request: [String] {
        ["data", "weights", "strata", "cluster", "fpc", "nest", "lonely", "adjust_domain_lonely",
         "statistic", "variable", "by", "q", "denominator", "ci_method", "df"].map { self[$0] }
    }

    func estimateRequest() throws -> EstimateRequest {
        guard let statistic = Statistic(rawValue: self["statistic"]) else { throw OracleFailure("unknown statistic '\(self["statistic"])'") }
        var q = 0.5
        if !self["q"].isEmpty {
            guard let v = Double(self["q"]) else { throw OracleFailure("unreadable q '\(self["q"])'") }
            q = v
        }
        let method = self["ci_method"].isEmpty ? "wald" : self["ci_method"]
        guard let interval = ProportionInterval(rawValue: method) else { throw OracleFailure("unknown ci_method '\(method)'") }
        return EstimateRequest(
            statistic: statistic,
            variable: self["variable"],
            by: self["by"].isEmpty ? [] : [self["by"]],
            q: q,
            denominator: self["denominator"].isEmpty ? nil : self["denominator"],
            level: 0.95,
            degreesOfFreedom: try DegreesOfFreedom(parsing: self["df"]),
            proportionInterval: interval)
    }
}
