import Foundation
import XCTest
@testable import StatsEngine

/// `disparity gap` (GapEstimator) against R survey 4.1.1: focal and reference estimates, their
/// difference and ratio with the covariance of the two domains, as `svyby(..., covmat = TRUE)`
/// + `svycontrast` give them, on stratified (fpc), one-stage cluster (weighted), two-stage
/// (fpc at both stages), nested designs and a two-stage design whose group column has missing
/// values. Means (normal and design-df intervals, one focal level and every other level),
/// proportions of a 0/1 variable in percentage points and of a text category, ratios, and the
/// focal and reference rows of quantiles (Woodruff SE of `svyquantile`).
///
/// `Fixtures/gap/expected.csv` comes from `oracle/gap_fixtures.R` (rerun with
/// `Rscript oracle/gap_fixtures.R` from the package root); its data sets are those of
/// `Fixtures/survey` plus `Fixtures/gap/twostage_na.csv`. Each row is one expected output row;
/// rows sharing a `case` are one engine request. Every number must agree to 1e-6 relative
/// (1e-12 absolute near zero), the row counts exactly.
final class GapOracleTests: XCTestCase {
    static let columns = [
        "case", "data", "weights", "strata", "cluster", "fpc", "nest",
        "statistic", "variable", "denominator", "category", "q", "scale", "df", "reference", "focal",
        "level", "component", "estimate", "std_error", "conf_low", "conf_high", "df_value", "n"]

    func testEngineMatchesRSurvey() throws {
        let records = try Self.expectedRecords()
        let result = Self.disagreements(records)
        // Every expected row must have been compared: a failed request or a missing output row
        // leaves rows unchecked.
        XCTAssertEqual(result.checked, records.count, "expected rows compared against the engine")
        XCTAssertGreaterThan(result.checked, 60, "expected rows compared against the engine")
        if !result.mismatches.isEmpty {
            XCTFail("\(result.mismatches.count) disagreements with R survey:\n" + result.mismatches.joined(separator: "\n"))
        }
    }

    /// The comparison can fail: one expected value moved by 1e-5 relative, one row's n and one
    /// row that the engine does not give are each reported.
    func testComparisonDetectsPerturbedFixture() throws {
        var records = try Self.expectedRecords()
        XCTAssertTrue(Self.disagreements(Array(records.prefix(8))).mismatches.isEmpty)
        var fields = records[1].fields
        fields["std_error"] = "\(Double(fields["std_error"]!)! * (1 + 1e-5))"
        records[1] = OracleRecord(fields: fields)
        fields = records[2].fields
        fields["n"] = "\(Int(fields["n"]!)! + 1)"
        records[2] = OracleRecord(fields: fields)
        fields = records[3].fields
        fields["level"] = "Vest"
        records[3] = OracleRecord(fields: fields)
        let result = Self.disagreements(Array(records.prefix(8)))
        XCTAssertEqual(result.mismatches.count, 3, result.mismatches.joined(separator: "\n"))
        XCTAssertEqual(result.checked, 7)
        XCTAssertTrue(result.mismatches.contains { $0.contains("[Syd reference]") && $0.contains("std_error") }, "\(result.mismatches)")
        XCTAssertTrue(result.mismatches.contains { $0.contains("[Syd difference]") && $0.contains("n: R") }, "\(result.mismatches)")
        XCTAssertTrue(result.mismatches.contains { $0.contains("[Vest ratio]") }, "\(result.mismatches)")
    }

    static func expectedRecords() throws -> [OracleRecord] {
        guard let url = Bundle.module.url(forResource: "expected", withExtension: "csv", subdirectory: "Fixtures/gap") else {
            throw OracleFailure("Fixtures/gap/expected.csv is missing from the test bundle")
        }
        return try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: columns, file: "gap/expected.csv")
    }

    /// Runs each case of `records` and lists every disagreement; `checked` counts the expected
    /// rows that had exactly one engine row to compare with.
    static func disagreements(_ records: [OracleRecord]) -> (checked: Int, mismatches: [String]) {
        let (order, cases) = OracleFixture.cases(records)
        var tables: [String: Table] = [:]
        var mismatches: [String] = []
        var checked = 0
        for id in order {
            let expected = cases[id]!
            let first = expected[0]
            let outputs: [GapRow]
            do {
                for row in expected.dropFirst() where row.gapCall != first.gapCall {
                    throw OracleFailure("rows of the case disagree on the design or request")
                }
                let data = first["data"]
                let folder = Bundle.module.url(forResource: data, withExtension: "csv", subdirectory: "Fixtures/gap") != nil
                    ? "Fixtures/gap" : "Fixtures/survey"
                let table = try OracleFixture.table(data, in: folder, cache: &tables)
                let design = try SurveyDesign(spec: first.designSpec(), table: table)
                outputs = try GapEstimator(table: table, design: design).estimate(first.gapRequest())
            } catch {
                mismatches.append("\(id): the engine failed: \(error)")
                continue
            }
            // Quantiles: R gives only the focal and reference rows; otherwise every engine row
            // must be expected.
            if first["statistic"] != GapStatistic.quantile.rawValue, outputs.count != expected.count {
                mismatches.append("\(id): the engine gave \(outputs.count) rows, R \(expected.count)")
            }
            for row in expected {
                let place = "\(id) [\(row["level"]) \(row["component"])]"
                let found = outputs.filter { $0.focal == row["level"] && $0.component == row["component"] }
                guard found.count == 1 else {
                    mismatches.append("\(place): \(found.count) matching output rows (the engine gave \(outputs.count) rows)")
                    continue
                }
                let ours = found[0]
                var fields: [String] = []
                func compare(_ name: String, _ actual: Double?) {
                    OracleFixture.compare(row, name, actual, absolute: 1e-12, into: &fields)
                }
                compare("estimate", ours.estimate)
                compare("std_error", ours.standardError)
                compare("conf_low", ours.confidenceLow)
                compare("conf_high", ours.confidenceHigh)
                compare("df_value", ours.df)
                if String(ours.n) != row["n"] { fields.append("n: R \(row["n"]), ours \(ours.n)") }
                if !fields.isEmpty { mismatches.append("\(place): " + fields.joined(separator: "; ")) }
                checked += 1
            }
        }
        return (checked, mismatches)
    }
}

/// The engine call a row of gap/expected.csv describes (its design is `designSpec()`).
private extension OracleRecord {
    /// The fields that define the engine call (equal across the rows of one case).
    var gapCall: [String] {
        ["data", "weights", "strata", "cluster", "fpc", "nest", "statistic", "variable", "denominator",
         "category", "q", "scale", "df", "reference", "focal"].map { self[$0] }
    }

    func gapRequest() throws -> GapRequest {
        guard let statistic = GapStatistic(rawValue: self["statistic"]) else { throw OracleFailure("unknown statistic '\(self["statistic"])'") }
        func number(_ name: String, default value: Double) throws -> Double {
            if self[name].isEmpty { return value }
            guard let v = Double(self[name]) else { throw OracleFailure("unreadable \(name) '\(self[name])'") }
            return v
        }
        return GapRequest(
            variable: self["variable"],
            group: "region",
            reference: self["reference"],
            focal: self["focal"].isEmpty ? nil : self["focal"],
            statistic: statistic,
            denominator: self["denominator"].isEmpty ? nil : self["denominator"],
            q: try number("q", default: 0.5),
            category: self["category"].isEmpty ? nil : self["category"],
            scale: try number("scale", default: 1),
            level: 0.95,
            degreesOfFreedom: try DegreesOfFreedom(parsing: self["df"]))
    }
}
