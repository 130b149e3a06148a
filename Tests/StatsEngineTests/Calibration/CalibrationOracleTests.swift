import ArgumentParser
import Foundation
import XCTest
@testable import StatsEngine

/// Calibration to population totals against R survey 4.1.1 (oracle/calibration_fixtures.R):
/// `postStratify`, `calibrate` linear, raking (fully converged, = `--rake`), logit with bounds and
/// linear with bounds on a stratified cluster design (linearization: the influence values
/// replaced by the calibration regression's residuals), and linear calibration,
/// post-stratification and raking of JK1 and bootstrap replicate designs (each replicate
/// calibrated). For each: a mean, a total, a ratio, a proportion, the cells of a cross-table, means by domain (with their
/// df), the median, a gap, a gaussian and a logistic svyglm, and the calibrated weights. Designs
/// are built from the command-line options. Estimates and standard errors agree to 1e-8
/// relative (R converged to 1e-13); degrees of freedom exactly.
final class CalibrationOracleTests: XCTestCase {
    static let columns = ["case", "data", "design", "command", "statistic", "variable", "by", "q", "denominator", "df", "formula", "family",
                          "reference", "focal", "group", "category", "term", "estimate", "std_error", "df_value"]
    static let tolerance = 1e-8
    static let folder = "Fixtures/calibration"

    /// The design options of a case, the totals file resolved to the fixture.
    static func designArguments(_ text: String) throws -> [String] {
        try text.split(separator: "|").map(String.init).map { argument in
            guard argument.hasPrefix("totals_") else { return argument }
            guard let url = Bundle.module.url(forResource: String(argument.dropLast(4)), withExtension: "csv", subdirectory: folder) else {
                throw OracleFailure("\(folder)/\(argument) is missing")
            }
            return url.path
        }
    }

    func testEngineMatchesRCalibration() throws {
        guard let url = Bundle.module.url(forResource: "expected", withExtension: "csv", subdirectory: Self.folder) else {
            throw OracleFailure("\(Self.folder)/expected.csv is missing")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: Self.columns, file: "calibration/expected.csv")
        let (order, cases) = OracleFixture.cases(records)
        var tables: [String: Table] = [:]
        var designs: [String: SurveyDesign] = [:]
        var mismatches: [String] = []
        var worst = 0.0
        var checked = 0

        func compare(_ place: String, _ name: String, _ ours: Double?, _ text: String) {
            guard let wanted = Double(text) else { mismatches.append("\(place): unreadable \(name) '\(text)'"); return }
            guard let ours, ours.isFinite else { mismatches.append("\(place): \(name) R \(wanted), ours none"); return }
            let relative = abs(ours - wanted) / max(abs(wanted), 1e-12)
            worst = max(worst, relative)
            if relative > Self.tolerance { mismatches.append("\(place): \(name) R \(wanted), ours \(ours) (relative \(relative))") }
        }
        func compareDF(_ place: String, _ ours: Double?, _ text: String) {
            if text.isEmpty {
                if ours != nil { mismatches.append("\(place): df R normal, ours \(ours!)") }
            } else if ours != Double(text) {
                mismatches.append("\(place): df R \(text), ours \(ours.map { "\($0)" } ?? "normal")")
            }
        }

        for id in order {
            let expected = cases[id]!
            let first = expected[0]
            do {
                let table = try OracleFixture.table(first["data"], in: Self.folder, cache: &tables)
                let key = first["data"] + first["design"]
                let design = try designs[key] ?? SurveyDesign(spec: DesignOptions.parse(Self.designArguments(first["design"])).spec(), table: table)
                designs[key] = design
                XCTAssertNotNil(design.calibration, id)
                switch first["command"] {
                case "estimate":
                    let rows = try DescriptiveEstimator(table: table, design: design).estimate(first.replicateEstimateRequest())
                    for row in expected {
                        let found = rows.filter { ($0.group.first?.level ?? "") == row["group"] && ($0.category ?? "") == row["category"] }
                        let place = "\(id) [\(row["group"])\(row["category"])]"
                        guard found.count == 1 else { mismatches.append("\(place): \(found.count) matching rows"); continue }
                        compare(place, "estimate", found[0].estimate, row["estimate"])
                        compare(place, "std_error", found[0].standardError, row["std_error"])
                        compareDF(place, found[0].df, row["df_value"])
                        checked += 1
                    }
                case "table":
                    let cells = try CrossTableEstimator(table: table, design: design).estimate(CrossTableRequest(row: first["variable"], column: first["by"]))[0].cells
                    XCTAssertEqual(cells.count, expected.count, id)
                    for row in expected {
                        let place = "\(id) [\(row["group"])|\(row["category"])]"
                        guard let cell = cells.first(where: { $0.group[0].level == row["group"] && $0.group[1].level == row["category"] }) else {
                            mismatches.append("\(place): no cell"); continue
                        }
                        compare(place, "estimate", cell.cell.estimate, row["estimate"])
                        compare(place, "std_error", cell.cell.standardError, row["std_error"])
                        checked += 1
                    }
                case "gap":
                    let request = GapRequest(variable: first["variable"], group: first["by"], reference: first["reference"], focal: first["focal"],
                                             statistic: .mean, level: 0.95, degreesOfFreedom: .automatic)
                    let rows = try GapEstimator(table: table, design: design).estimate(request)
                    guard let difference = rows.first(where: { $0.focal == first["focal"] && $0.component == "difference" }) else {
                        mismatches.append("\(id): no difference row"); continue
                    }
                    compare(id, "estimate", difference.estimate, first["estimate"])
                    compare(id, "std_error", difference.standardError, first["std_error"])
                    checked += 1
                case "regress":
                    guard let family = Family(rawValue: first["family"]) else { throw OracleFailure("unknown family \(first["family"])") }
                    // R's fits ran with glm.control(epsilon = 1e-12), replicate refits too.
                    let fit = try RegressionEstimator(table: table, design: design)
                        .fit(RegressionRequest(formula: first["formula"], family: family, covariance: .design, level: 0.95, tests: [],
                                               tolerance: 1e-12))
                    guard fit.coefficients.count == expected.count else {
                        mismatches.append("\(id): \(fit.coefficients.count) coefficients, R \(expected.count)"); continue
                    }
                    compareDF(id, fit.dfResidual, first["df_value"])
                    for row in expected {
                        guard let ours = fit.coefficients.first(where: {
                            $0.term.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "") == row["term"]
                        }) else {
                            mismatches.append("\(id): no coefficient \(row["term"])"); continue
                        }
                        compare("\(id) [\(row["term"])]", "estimate", ours.estimate, row["estimate"])
                        compare("\(id) [\(row["term"])]", "std_error", ours.standardError, row["std_error"])
                        checked += 1
                    }
                case "weights":
                    compare(id, "sum of weights", design.weights.reduce(0, +), first["estimate"])
                    compare(id, "sum of squared weights", design.weights.reduce(0) { $0 + $1 * $1 }, first["std_error"])
                    checked += 1
                case "replicate_weights":
                    guard let replicates = design.replicateWeights else { mismatches.append("\(id): no replicate weights"); continue }
                    compare(id, "sum of replicate 1", replicates.weights(replicate: 0).reduce(0, +), first["estimate"])
                    let squares = (0..<replicates.count).reduce(0.0) { total, j in replicates.weights(replicate: j).reduce(total) { $0 + $1 * $1 } }
                    compare(id, "sum of squared replicate weights", squares, first["std_error"])
                    checked += 1
                default:
                    throw OracleFailure("unknown command \(first["command"])")
                }
            } catch {
                mismatches.append("\(id): the engine failed: \(error)")
            }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) disagreements with R:\n" + mismatches.joined(separator: "\n"))
        XCTAssertEqual(checked, records.count, "every expected row compared")
        print("calibration oracle: \(checked) rows, worst relative error \(worst)")
    }
}
