import ArgumentParser
import Foundation
import XCTest
@testable import StatsEngine

/// Design effects on replicate-weight designs against R survey 4.1.1
/// (oracle/replicate_design_effects.R): `svymean`/`svytotal(..., deff = TRUE)` of a variable,
/// its proportions, a ratio (R's `deff(svytotal(num − R̂x))`, which `svyratio(..., deff = TRUE)`
/// means to give but stops before on a replicate design), and each by domain
/// (`svyby(..., deff = TRUE)`) on JK1 (with and without
/// `mse`), JKn, BRR, Fay, bootstrap, SDR and `other` designs, and a JKn design with rows of
/// weight 0, which R's replicate design counts in the simple random sample's n (linearization
/// does not). The deff column was empty on every replicate design.
final class ReplicateDesignEffectOracleTests: XCTestCase {
    static let columns = ["data", "type", "rho", "scale", "rscales", "mse", "statistic", "by", "group", "category", "estimate", "deff"]

    func testDesignEffectsMatchRSvrepdesign() throws {
        guard let url = Bundle.module.url(forResource: "deff_expected", withExtension: "csv", subdirectory: "Fixtures/replicate") else {
            throw OracleFailure("Fixtures/replicate/deff_expected.csv is missing")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: Self.columns, file: "replicate/deff_expected.csv")
        var tables: [String: Table] = [:], computed: [String: [EstimateRow]] = [:]
        var worst = 0.0, checked = 0
        for record in records {
            let table = try OracleFixture.table(record["data"], in: "Fixtures/replicate", cache: &tables)
            var arguments = ["--weights", "w", "--replicate-weights", "repw*", "--replicate-type", record["type"]]
            if !record["rho"].isEmpty { arguments += ["--fay-rho", record["rho"]] }
            if !record["scale"].isEmpty { arguments += ["--replicate-scale", record["scale"]] }
            if !record["rscales"].isEmpty { arguments += ["--replicate-rscales", record["rscales"]] }
            if try OracleFixture.flag(record["mse"]) { arguments.append("--mse") }
            let key = ([record["data"], record["statistic"], record["by"]] + arguments).joined(separator: " ")
            if computed[key] == nil {
                let design = try SurveyDesign(spec: DesignOptions.parse(arguments).spec(), table: table)
                let statistic = try XCTUnwrap(Statistic(rawValue: record["statistic"]))
                let variable = statistic == .proportion ? "cat" : statistic == .ratio ? "num" : "y"
                let request = EstimateRequest(statistic: statistic, variable: variable, by: record["by"].isEmpty ? [] : [record["by"]],
                                              denominator: statistic == .ratio ? "x" : nil)
                computed[key] = try DescriptiveEstimator(table: table, design: design).estimate(request)
            }
            let row = try XCTUnwrap(computed[key]!.first { row in
                row.group.map(\.level) == (record["group"].isEmpty ? [] : [record["group"]]) && (row.category ?? "") == record["category"]
            }, key + " " + record["group"] + " " + record["category"])
            let (estimate, deff) = (try XCTUnwrap(Double(record["estimate"])), try XCTUnwrap(Double(record["deff"])))
            XCTAssertEqual(row.estimate, estimate, accuracy: 1e-12 * abs(estimate), key)
            let ours = try XCTUnwrap(row.designEffect, "no deff: \(key) \(record["group"]) \(record["category"])")
            let error = abs(ours - deff) / abs(deff)
            XCTAssertLessThan(error, 1e-9, "\(key) \(record["group"]) \(record["category"]): \(ours) against R's \(deff)")
            worst = max(worst, error)
            checked += 1
        }
        XCTAssertEqual(checked, 216, "every expected row compared")
        print("replicate design effects: \(checked) rows, worst relative error \(worst)")
    }
}
