import Foundation
import XCTest
@testable import StatsEngine

/// `disparity gap` (GapEstimator) against R survey 4.1.1: focal and reference estimates, their
/// difference and ratio with the covariance of the two domains, as `svyby(..., covmat = TRUE)`
/// + `svycontrast` give them, on stratified (fpc), one-stage cluster (weighted), two-stage
/// (fpc at both stages), nested designs and a two-stage design whose group column has missing
/// values. Means (normal and design-df intervals, one focal level and every other level),
/// proportions of a 0/1 variable in percentage points and of a text category, ratios, and the
/// focal and reference rows of quantiles (`svyquantile`'s Woodruff interval, SE and df, normal and
/// R's default df, which `estimate quantile` gives for the group, also on replicate weights and
/// a bootstrap).
///
/// Change over time (`period`: column wave, baseline 2021, current 2023): the four cells (focal
/// and reference, current and baseline) from one `svyby(~y, ~interaction(region, wave), covmat =
/// TRUE)` and every row — the current wave's focal, reference, difference and ratio, the baseline
/// focal, reference and difference, the changes of focal and reference and the change of the
/// difference — by `svycontrast`, on two independent waves (`waves_indep`: no stratum or PSU in
/// both, so no covariance between the waves) and a panel (`waves_panel`: the same PSUs and persons
/// in both waves, whose covariance shrinks the changes' SEs severalfold); with a `subset` domain
/// (`bin == 1`, and `bin == 1 & cat != "æble"`), which R restricts by `subset(des, ...)`, the design
/// kept whole.
///
/// `Fixtures/gap/expected.csv` comes from `oracle/gap_fixtures.R` (rerun with
/// `Rscript oracle/gap_fixtures.R` from the package root); its data sets are those of
/// `Fixtures/survey` plus `Fixtures/gap/twostage_na.csv`, `waves_indep.csv` and
/// `waves_panel.csv` (simulated by the script). Each row is one expected output row;
/// rows sharing a `case` are one engine request. Every number must agree to 1e-6 relative
/// (1e-12 absolute near zero), the row counts exactly. The fixture's `period`, `baseline`,
/// `current` and `subset` columns (empty for requests without) set `GapRequest.period` and
/// `GapRequest.subset`.
final class GapOracleTests: XCTestCase {
    static let columns = [
        "case", "data", "weights", "strata", "cluster", "fpc", "nest",
        "statistic", "variable", "denominator", "category", "q", "scale", "df", "reference", "focal",
        "period", "baseline", "current", "subset", "level", "component", "estimate", "std_error", "conf_low", "conf_high", "df_value", "n"]

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

    /// The change-over-time rows are in the fixture and compared: independent waves and the
    /// panel, with and without a subset, every period component.
    func testPeriodCasesAreChecked() throws {
        let records = try Self.expectedRecords()
        let period = records.filter { !$0["period"].isEmpty }
        for data in ["waves_indep", "waves_panel"] {
            for component in ["baseline focal", "baseline reference", "baseline difference",
                              "change focal", "change reference", "change difference"] {
                XCTAssertTrue(period.contains { $0["data"] == data && $0["component"] == component && $0["subset"].isEmpty }, "\(data) \(component)")
                XCTAssertTrue(period.contains { $0["data"] == data && $0["component"] == component && !$0["subset"].isEmpty }, "\(data) \(component) subset")
            }
        }
        let result = Self.disagreements(period)
        XCTAssertEqual(result.checked, period.count, "period rows compared against the engine")
        XCTAssertTrue(result.mismatches.isEmpty, result.mismatches.joined(separator: "\n"))
    }

    /// The period and subset fields reach the engine and the period rows are compared: a panel
    /// change's SE moved by 1e-5 relative is reported; without the period the engine gives none
    /// of the baseline and change rows; without the subset every number differs.
    func testComparisonDetectsPerturbedPeriodCase() throws {
        let records = try Self.expectedRecords()
        func rows(_ id: String) -> [OracleRecord] { records.filter { $0["case"] == id } }
        let panel = rows("waves_panel/mean/y/scale=1/df=normal/Syd-vs-Nord/wave=2021->2023")
        let subset = rows("waves_indep/mean/y/scale=1/df=normal/Syd-vs-Nord/wave=2021->2023/subset=bin == 1")
        XCTAssertEqual(panel.count, 10)
        XCTAssertEqual(subset.count, 10)
        XCTAssertTrue(Self.disagreements(panel + subset).mismatches.isEmpty)

        func edited(_ rows: [OracleRecord], _ change: (inout [String: String]) -> Void) -> [OracleRecord] {
            rows.map { var fields = $0.fields; change(&fields); return OracleRecord(fields: fields) }
        }
        let moved = edited(panel) { fields in
            if fields["component"] == "change difference" { fields["std_error"] = "\(Double(fields["std_error"]!)! * (1 + 1e-5))" }
        }
        var result = Self.disagreements(moved)
        XCTAssertEqual(result.checked, 10)
        XCTAssertEqual(result.mismatches.count, 1, result.mismatches.joined(separator: "\n"))
        XCTAssertTrue(result.mismatches.contains { $0.contains("[Syd change difference]") && $0.contains("std_error") }, "\(result.mismatches)")

        result = Self.disagreements(edited(panel) { $0["period"] = ""; $0["baseline"] = ""; $0["current"] = "" })
        XCTAssertEqual(result.checked, 4)
        XCTAssertTrue(result.mismatches.contains { $0.contains("the engine gave 4 rows, R 10") }, "\(result.mismatches)")
        XCTAssertEqual(result.mismatches.filter { $0.contains("0 matching output rows") }.count, 6, "\(result.mismatches)")

        result = Self.disagreements(edited(subset) { $0["subset"] = "" })
        XCTAssertEqual(result.checked, 10)
        XCTAssertEqual(result.mismatches.count, 10, result.mismatches.joined(separator: "\n"))
        XCTAssertTrue(result.mismatches.allSatisfy { $0.contains("n: R") }, "\(result.mismatches)")
    }

    /// A quantile gap's focal and reference rows (and their baselines) are `estimate quantile`'s
    /// for the group, to 1e-12: Woodruff's interval, its SE and df (by default t on the group's
    /// design df, R's svyquantile; the R fixture's quantile cases check the same against R), under
    /// linearization, on a panel's two waves, on JK1 replicate weights (the interval from the
    /// replicates' variance of the share below the quantile) and with a Rao-Wu bootstrap (the
    /// replicates' spread of the quantile on the group's df); the differences and ratios keep Wald
    /// intervals, on the normal unless `--df` says otherwise.
    func testQuantileCellsShowTheirEstimateQuantileRows() throws {
        // The R fixture's quantile cases give R's Woodruff intervals, asymmetric, with the design df.
        let quantiles = try Self.expectedRecords().filter { $0["statistic"] == "quantile" && $0["df"] == "auto" }
        XCTAssertEqual(quantiles.count, 20)
        XCTAssertTrue(quantiles.allSatisfy { !$0["df_value"].isEmpty })
        XCTAssertTrue(quantiles.contains { record in
            let (e, low, high) = (Double(record["estimate"])!, Double(record["conf_low"])!, Double(record["conf_high"])!)
            return abs((high - e) - (e - low)) > 1e-3 * (high - low)
        })

        var cache: [String: Table] = [:]
        let twostage = try OracleFixture.table("twostage", in: "Fixtures/survey", cache: &cache)
        let panel = try OracleFixture.table("waves_panel", in: "Fixtures/gap", cache: &cache)
        let replicates = try OracleFixture.table("rep_jk1", in: "Fixtures/replicate", cache: &cache)
        let linearized = DesignSpec(weights: "w", strata: "stratum", clusters: ["psu", "ssu"], fpc: ["fpc1", "fpc2"])
        let bootstrap = DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], varianceMethod: .bootstrap(replicates: 60, seed: 11))
        var jk1 = DesignSpec(weights: "w")
        jk1.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: "repw*", type: .jk1))
        let cases: [(String, Table, DesignSpec, Period?)] = [
            ("twostage", twostage, linearized, nil),
            ("panel", panel, DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true),
             Period(column: "wave", baseline: "2021", current: "2023")),
            ("jk1", replicates, jk1, nil),
            ("bootstrap", twostage, bootstrap, nil),
        ]
        var compared = 0
        for (name, table, spec, period) in cases {
            let design = try SurveyDesign(spec: spec, table: table)
            for (q, df) in [(0.5, DegreesOfFreedom.automatic), (0.25, .automatic), (0.5, .normal), (0.5, .fixed(7))] {
                var gap = GapRequest(variable: "y", group: "region", reference: "Nord", statistic: .quantile, q: q, degreesOfFreedom: df)
                gap.period = period
                let rows = try GapEstimator(table: table, design: design).estimate(gap)
                let place = "\(name) q=\(q) df=\(df)"
                for (prefix, wave) in [("", period?.current), ("baseline ", period?.baseline)] where prefix.isEmpty || period != nil {
                    var estimate = EstimateRequest(statistic: .quantile, variable: "y", by: ["region"], q: q, degreesOfFreedom: df)
                    if let wave, let period { estimate.subset = try RowFilter(parsing: "\(period.column) == \(wave)") }
                    let groups = try DescriptiveEstimator(table: table, design: design).estimate(estimate)
                    func own(_ level: String) throws -> EstimateRow { try XCTUnwrap(groups.first { $0.group[0].level == level }, level) }
                    for row in rows where [prefix + "focal", prefix + "reference"].contains(row.component) {
                        let expected = try own(row.component.hasSuffix("reference") ? "Nord" : row.focal)
                        let what = "\(place) \(row.focal) \(row.component)"
                        XCTAssertEqual(row.estimate, expected.estimate, what)
                        assertClose(row.standardError.isFinite ? row.standardError : nil, expected.standardError, rel: 1e-12, "\(what) SE")
                        assertClose(row.confidenceLow, expected.confidenceLow, rel: 1e-12, "\(what) low")
                        assertClose(row.confidenceHigh, expected.confidenceHigh, rel: 1e-12, "\(what) high")
                        XCTAssertEqual(row.df, expected.df, "\(what) df")
                        XCTAssertEqual(row.n, expected.n, "\(what) n")
                        compared += 1
                    }
                }
                // Contrasts: Wald on the normal by default, on --df's t otherwise.
                for row in rows where ["difference", "ratio", "change difference"].contains(row.component) {
                    let wanted: Double? = if case .fixed(let v) = df { v } else { nil }
                    XCTAssertEqual(row.df, wanted, "\(place) \(row.component) df")
                    let half = try XCTUnwrap(Intervals.critical(level: 0.95, df: wanted)) * row.standardError
                    XCTAssertEqual(try XCTUnwrap(row.confidenceLow), row.estimate - half, accuracy: 1e-12 * abs(row.estimate), "\(place) \(row.component)")
                    XCTAssertEqual(try XCTUnwrap(row.confidenceHigh), row.estimate + half, accuracy: 1e-12 * abs(row.estimate), "\(place) \(row.component)")
                }
            }
        }
        // Four cases × four requests × two levels' focal and reference rows; the panel's baselines too.
        XCTAssertEqual(compared, 4 * 4 * 2 * 2 + 4 * 2 * 2)
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
                OracleFixture.compareInterval(row, estimate: ours.estimate, standardError: ours.standardError,
                                              low: ours.confidenceLow, high: ours.confidenceHigh, df: ours.df, into: &fields)
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
         "category", "q", "scale", "df", "reference", "focal", "period", "baseline", "current", "subset"].map { self[$0] }
    }

    func gapRequest() throws -> GapRequest {
        guard let statistic = GapStatistic(rawValue: self["statistic"]) else { throw OracleFailure("unknown statistic '\(self["statistic"])'") }
        func number(_ name: String, default value: Double) throws -> Double {
            if self[name].isEmpty { return value }
            guard let v = Double(self[name]) else { throw OracleFailure("unreadable \(name) '\(self[name])'") }
            return v
        }
        var request = GapRequest(
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
        switch (self["period"].isEmpty, self["baseline"].isEmpty, self["current"].isEmpty) {
        case (true, true, true): break
        case (false, false, false):
            request.period = Period(column: self["period"], baseline: self["baseline"], current: self["current"])
        default: throw OracleFailure("period, baseline and current must be given together")
        }
        if !self["subset"].isEmpty { request.subset = try RowFilter(parsing: self["subset"]) }
        return request
    }
}
