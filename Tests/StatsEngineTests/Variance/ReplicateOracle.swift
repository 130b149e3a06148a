import Foundation
import XCTest
@testable import StatsEngine

/// What the replicate-design oracle tests share (`ReplicateWeightOracleTests`,
/// `MakeReplicatesOracleTests`): their expected.csv rows — estimates, gaps and svyglm
/// coefficients with R's standard errors and df — compared with the engine on a design each
/// test builds from its own columns.
enum ReplicateOracle {
    /// The columns every replicate expected.csv has after its design columns.
    static let resultColumns = ["command", "statistic", "variable", "by", "q", "denominator", "df", "formula", "family",
                                "reference", "focal", "group", "category", "term", "estimate", "std_error", "df_value"]
    static let tolerance = 1e-6

    /// The outcome of a comparison: rows compared, the worst relative error, disagreements.
    struct Outcome {
        var checked = 0
        var worst = 0.0
        var mismatches: [String] = []
    }

    /// Compares every case of `records` (grouped by `case`) with the engine, on the table
    /// `data` of `folder` and the design `design` makes from the case's first record.
    static func compare(_ records: [OracleRecord], folder: String,
                        design: (OracleRecord, Table) throws -> SurveyDesign) -> Outcome {
        let (order, cases) = OracleFixture.cases(records)
        var tables: [String: Table] = [:]
        var outcome = Outcome()
        func compare(_ place: String, _ name: String, _ ours: Double?, _ text: String) {
            guard let wanted = Double(text) else { outcome.mismatches.append("\(place): unreadable \(name) '\(text)'"); return }
            guard let ours, ours.isFinite else { outcome.mismatches.append("\(place): \(name) R \(wanted), ours none"); return }
            let relative = abs(ours - wanted) / max(abs(wanted), 1e-12)
            outcome.worst = max(outcome.worst, relative)
            if relative > tolerance { outcome.mismatches.append("\(place): \(name) R \(wanted), ours \(ours) (relative \(relative))") }
        }
        func compareDF(_ place: String, _ ours: Double?, _ text: String) {
            if text.isEmpty {
                if ours != nil { outcome.mismatches.append("\(place): df R normal, ours \(ours!)") }
            } else if ours != Double(text) {
                outcome.mismatches.append("\(place): df R \(text), ours \(ours.map { "\($0)" } ?? "normal")")
            }
        }
        for id in order {
            let expected = cases[id]!
            let first = expected[0]
            do {
                let table = try OracleFixture.table(first["data"], in: folder, cache: &tables)
                let design = try design(first, table)
                switch first["command"] {
                case "estimate":
                    let rows = try DescriptiveEstimator(table: table, design: design).estimate(first.replicateEstimateRequest())
                    for row in expected {
                        let found = rows.filter { ($0.group.first?.level ?? "") == row["group"] && ($0.category ?? "") == row["category"] }
                        let place = "\(id) [\(row["group"])\(row["category"])]"
                        guard found.count == 1 else { outcome.mismatches.append("\(place): \(found.count) matching rows"); continue }
                        compare(place, "estimate", found[0].estimate, row["estimate"])
                        compare(place, "std_error", found[0].standardError, row["std_error"])
                        compareDF(place, found[0].df, row["df_value"])
                        outcome.checked += 1
                    }
                case "gap":
                    let request = GapRequest(variable: first["variable"], group: "region", reference: first["reference"], focal: first["focal"],
                                             statistic: .mean, level: 0.95, degreesOfFreedom: .automatic)
                    let rows = try GapEstimator(table: table, design: design).estimate(request)
                    guard let difference = rows.first(where: { $0.focal == first["focal"] && $0.component == "difference" }) else {
                        outcome.mismatches.append("\(id): no difference row"); continue
                    }
                    compare(id, "estimate", difference.estimate, first["estimate"])
                    compare(id, "std_error", difference.standardError, first["std_error"])
                    outcome.checked += 1
                case "regress":
                    guard let family = Family(rawValue: first["family"]) else { throw OracleFailure("unknown family \(first["family"])") }
                    let fit = try RegressionEstimator(table: table, design: design)
                        .fit(RegressionRequest(formula: first["formula"], family: family, covariance: .design, level: 0.95, tests: []))
                    guard fit.coefficients.count == expected.count else {
                        outcome.mismatches.append("\(id): \(fit.coefficients.count) coefficients, R \(expected.count)"); continue
                    }
                    compareDF(id, fit.dfResidual, first["df_value"])
                    for row in expected {
                        guard let ours = fit.coefficients.first(where: {
                            // R's regionSyd is the engine's region[Syd].
                            $0.term.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "") == row["term"]
                        }) else {
                            outcome.mismatches.append("\(id): no coefficient \(row["term"])"); continue
                        }
                        compare("\(id) [\(row["term"])]", "estimate", ours.estimate, row["estimate"])
                        compare("\(id) [\(row["term"])]", "std_error", ours.standardError, row["std_error"])
                        outcome.checked += 1
                    }
                default:
                    throw OracleFailure("unknown command \(first["command"])")
                }
            } catch {
                outcome.mismatches.append("\(id): the engine failed: \(error)")
            }
        }
        return outcome
    }
}
