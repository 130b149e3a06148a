import Foundation
import XCTest
@testable import StatsEngine

/// Proportions' logit and Korn-Graubard intervals against R survey 4.1.1's `svyciprop`
/// (`oracle/proportion_intervals.R`) where the survey battery does not reach: on replicate-weight
/// designs (JK1, JK1 with `mse`, bootstrap), whose variance the interval takes (the logit's from
/// each replicate's logit of the share, as R refits its intercept-only svyglm), and under
/// linearization with rows of zero weight, which Korn-Graubard's t ratio counts (R's
/// `nrow(design)`). Overall and by domain; bounds to 1e-6 relative, df exactly.
final class ProportionIntervalOracleTests: XCTestCase {
    static let columns = ["case", "design", "data", "method", "by", "group", "category", "estimate", "conf_low", "conf_high", "df_value"]

    func testIntervalsMatchRSvyciprop() throws {
        guard let url = Bundle.module.url(forResource: "expected", withExtension: "csv", subdirectory: "Fixtures/intervals") else {
            throw OracleFailure("Fixtures/intervals/expected.csv is missing")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: Self.columns,
                                                file: "intervals/expected.csv")
        let (order, cases) = OracleFixture.cases(records)
        var tables: [String: Table] = [:]
        var mismatches: [String] = [], checked = 0, designs = Set<String>()
        for id in order {
            let expected = cases[id]!, first = expected[0]
            let table = try OracleFixture.table(first["data"], in: first["data"] == "zero_weights" ? "Fixtures/intervals" : "Fixtures/replicate",
                                                cache: &tables)
            let arguments: [String] = switch first["design"] {
            case "linearization": ["--weights", "w", "--strata", "stratum", "--cluster", "psu"]
            case "jk1": ["--weights", "w", "--replicate-weights", "repw*", "--replicate-type", "jk1"]
            case "jk1_mse": ["--weights", "w", "--replicate-weights", "repw*", "--replicate-type", "jk1", "--mse"]
            default: ["--weights", "w", "--replicate-weights", "repw*", "--replicate-type", "bootstrap"]
            }
            designs.insert(first["design"])
            let design = try SurveyDesign(spec: DesignOptions.parse(arguments).spec(), table: table)
            guard let method = ProportionInterval(rawValue: first["method"]) else { throw OracleFailure("unknown method \(first["method"])") }
            let request = EstimateRequest(statistic: .proportion, variable: "cat", by: first["by"].isEmpty ? [] : [first["by"]],
                                          proportionInterval: method)
            let rows = try DescriptiveEstimator(table: table, design: design).estimate(request)
            for row in expected {
                let place = "\(id) [\(row["group"]) \(row["category"])]"
                let found = rows.filter { ($0.group.first?.level ?? "") == row["group"] && $0.category == row["category"] }
                if Self.compare(found, with: row, at: place, into: &mismatches) { checked += 1 }
            }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) disagreements with R:\n" + mismatches.joined(separator: "\n"))
        XCTAssertEqual(checked, records.count, "every expected row compared")
        XCTAssertEqual(designs, ["linearization", "jk1", "jk1_mse", "bootstrap"])
    }

    /// A domain of a calibrated design (`--poststratify`, `--calibrate` with bounds; two stages,
    /// fpcs): R keeps every row of a calibrated design in its subsets, so svyciprop's
    /// Korn-Graubard t ratio counts the whole sample's rows (nrow 187 for a domain of 93), not
    /// the domain's; the logit interval (df only) as a control
    /// (`oracle/calibrated_proportion_intervals.R`). Bounds to 1e-6 relative, df exactly.
    func testKornGraubardInADomainOfACalibratedDesignCountsEveryRowAsR() throws {
        let folder = "Fixtures/intervals"
        guard let url = Bundle.module.url(forResource: "calibrated_expected", withExtension: "csv", subdirectory: folder) else {
            throw OracleFailure("\(folder)/calibrated_expected.csv is missing")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8),
                                                columns: ["case", "calibration", "method", "group", "estimate", "conf_low", "conf_high",
                                                          "df_value", "rows"],
                                                file: "intervals/calibrated_expected.csv")
        let (order, cases) = OracleFixture.cases(records)
        var tables: [String: Table] = [:]
        let table = try OracleFixture.table("calibrated", in: folder, cache: &tables)
        func totals(_ name: String) throws -> String {
            guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: folder) else {
                throw OracleFailure("\(folder)/\(name).csv is missing")
            }
            return url.path
        }
        let base = ["--weights", "w", "--strata", "st", "--cluster", "psu,ssu", "--fpc", "N1,N2", "--nest"]
        var mismatches: [String] = [], checked = 0
        for id in order {
            let expected = cases[id]!, first = expected[0]
            let calibration: [String] = first["calibration"] == "poststratify"
                ? ["--poststratify", "a", "--totals", try totals("calibrated_totals_ps")]
                : ["--calibrate", "~sex+agegrp+x", "--totals", try totals("calibrated_totals_cal"), "--bounds", "0.5,2"]
            let design = try SurveyDesign(spec: DesignOptions.parse(base + calibration).spec(), table: table)
            guard let method = ProportionInterval(rawValue: first["method"]) else { throw OracleFailure("unknown method \(first["method"])") }
            let estimator = DescriptiveEstimator(table: table, design: design)
            let whole = try estimator.estimate(EstimateRequest(statistic: .proportion, variable: "z", proportionInterval: method))
            let bySex = try estimator.estimate(EstimateRequest(statistic: .proportion, variable: "z", by: ["sex"], proportionInterval: method))
            for row in expected {
                let place = "\(id) [\(row["group"])]"
                let found = (row["group"].isEmpty ? whole : bySex)
                    .filter { ($0.group.first?.level ?? "") == row["group"] && $0.category == "1" }
                if Self.compare(found, with: row, at: place, into: &mismatches) { checked += 1 }
            }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) disagreements with R:\n" + mismatches.joined(separator: "\n"))
        XCTAssertEqual(checked, 12, "every expected row compared")
    }

    /// A share of 0 or 1 on a replicate design has a logit in no replicate: its logit interval
    /// is the point, as under linearization, with no note of replicates left out.
    func testALogitIntervalOfAShareOfZeroOnReplicatesIsThePointWithoutANote() throws {
        var lines = ["st,psu,w,y,d"]
        for i in 0..<40 { lines.append("\(i / 10),\(i / 5),\(1 + Double(i % 3)),\(i % 2 == 0 && i % 3 == 0 ? 1 : 0),\(i % 2 == 0 ? "p" : "q")") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("share-zero-\(UUID().uuidString).csv")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let table = try CSVReader.read(path: file.path)
        let options = try DesignOptions.parse(["--weights", "w", "--strata", "st", "--cluster", "psu", "--make-replicates", "jkn"])
        let design = try SurveyDesign(spec: options.spec(), table: table)
        let rows = try DescriptiveEstimator(table: table, design: design)
            .estimate(EstimateRequest(statistic: .proportion, variable: "y", by: ["d"], proportionInterval: .logit))
        let zero = try XCTUnwrap(rows.first { $0.group.first?.level == "q" && $0.category == "1" })
        XCTAssertEqual(zero.estimate, 0)
        XCTAssertEqual(zero.confidenceLow, 0)
        XCTAssertEqual(zero.confidenceHigh, 0)
        XCTAssertNil(zero.note)
        let share = try XCTUnwrap(rows.first { $0.group.first?.level == "p" && $0.category == "1" })
        XCTAssertLessThan(share.confidenceLow!, share.estimate)
        XCTAssertGreaterThan(share.confidenceHigh!, share.estimate)
    }

    /// Compares the one row of `found` with R's `row` (estimate and interval ends to 1e-6
    /// relative, df exactly), adding what disagrees at `place` to `mismatches`; false when
    /// `found` is not one row.
    private static func compare(_ found: [EstimateRow], with row: OracleRecord, at place: String, into mismatches: inout [String]) -> Bool {
        guard found.count == 1 else {
            mismatches.append("\(place): \(found.count) matching rows")
            return false
        }
        for (name, ours, column) in [("estimate", found[0].estimate, "estimate"), ("low", found[0].confidenceLow, "conf_low"),
                                     ("high", found[0].confidenceHigh, "conf_high")] {
            let wanted = Double(row[column])!
            if let ours, abs(ours - wanted) <= 1e-6 * abs(wanted) { continue }
            mismatches.append("\(place): \(name) R \(wanted), ours \(ours.map { "\($0)" } ?? "none")")
        }
        if found[0].df != Double(row["df_value"]) { mismatches.append("\(place): df R \(row["df_value"]), ours \(String(describing: found[0].df))") }
        return true
    }
}
