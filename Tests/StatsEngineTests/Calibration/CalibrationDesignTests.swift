import ArgumentParser
import Foundation
import XCTest
@testable import StatsEngine

/// Calibration through every way a design is made: the command line's JSON design block, run
/// specs (totals beside the spec) and the Rao-Wu bootstrap (each replicate calibrated, the same
/// as replicate-weight columns of those replicates calibrated).
final class CalibrationDesignTests: ScratchFolderTestCase {
    private func fixture(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: CalibrationOracleTests.folder) else {
            throw OracleFailure("\(CalibrationOracleTests.folder)/\(name).csv is missing")
        }
        return url
    }

    /// R's number for a case of the calibration oracle.
    private func expected(_ id: String, _ column: String) throws -> Double {
        let text = try String(contentsOf: fixture("expected"), encoding: .utf8)
        let records = try OracleFixture.records(text, columns: CalibrationOracleTests.columns, file: "calibration/expected.csv")
        guard let record = records.first(where: { $0["case"] == id }), let value = Double(record[column]) else { throw OracleFailure("no case \(id)") }
        return value
    }

    func testJSONDesignBlockNamesTheCalibration() throws {
        let result = try CommandLine.run(["estimate", "mean", "y", "--data", fixture("calib").path, "--weights", "w", "--strata", "stratum",
                                          "--cluster", "psu", "--nest", "--rake", "sex,agegrp,origin", "--totals", fixture("totals_rake").path,
                                          "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        guard let design = root?["design"] as? [String: Any], let calibration = design["calibration"] as? [String: Any] else {
            return XCTFail("no design.calibration block: \(result.stdout)")
        }
        XCTAssertEqual(calibration["method"] as? String, "rake")
        XCTAssertEqual(calibration["calfun"] as? String, "raking")
        XCTAssert(calibration["bounds"] is NSNull)
        XCTAssertEqual(calibration["constraints"] as? Double, 6)
        guard let results = root?["results"] as? [[String: Any]], let se = results.first?["std_error"] as? Double else { return XCTFail("no result row") }
        XCTAssertEqual(se, try expected("raking/mean", "std_error"), accuracy: 1e-9 * se)
    }

    /// One totals file serves `--calibrate`, `--rake` and `--poststratify`: raking's and a
    /// post-stratification's totals may give `(Intercept)`, the population size every factor
    /// sums to (they were refused, "'(Intercept)' is not a variable of the calibration model"),
    /// and then give the same numbers as without it.
    func testRakingAndPostStratificationTakeTheInterceptsTotal() throws {
        for (option, value, file) in [("--rake", "sex,agegrp,origin", "totals_rake"), ("--poststratify", "district", "totals_district")] {
            let given = try String(contentsOf: fixture(file), encoding: .utf8)
            let lines = given.split(separator: "\n").map(String.init)
            let population = lines.dropFirst().compactMap { line -> Double? in
                let cells = line.split(separator: ",")
                return cells[0] == (option == "--rake" ? "\"sex\"" : "\"district\"") ? Double(cells[2]) : nil
            }.reduce(0, +)
            let withIntercept = directory.appendingPathComponent("\(file)_intercept.csv")
            try ([lines[0], "\"(Intercept)\",,\(population)"] + lines.dropFirst()).joined(separator: "\n")
                .write(to: withIntercept, atomically: true, encoding: .utf8)
            func run(_ totals: String) throws -> String {
                let result = try CommandLine.run(["estimate", "mean", "y", "--data", fixture("calib").path, "--weights", "w", "--strata", "stratum",
                                                  "--cluster", "psu", "--nest", option, value, "--totals", totals, "--format", "csv"])
                XCTAssertEqual(result.status, 0, "\(option): \(result.stderr)")
                return result.stdout
            }
            XCTAssertEqual(try run(withIntercept.path), try run(fixture(file).path), option)
        }
    }

    func testRunSpecReadsTotalsBesideTheSpec() throws {
        try FileManager.default.copyItem(at: fixture("totals_linear"), to: directory.appendingPathComponent("population.csv"))
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        data: \(try fixture("calib").path)
        design: {weights: w, strata: stratum, cluster: psu, nest: true, calibrate: "~ sex + agegrp + income", totals: population.csv}
        analyses:
          - {name: m, command: estimate, stat: mean, variable: y}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let mean = try CSVReader.read(path: out.appendingPathComponent("m.csv").path)
        XCTAssertEqual(try mean.numeric("std_error")[0], try expected("linear/mean", "std_error"), accuracy: 1e-9)
        XCTAssertEqual(try mean.numeric("estimate")[0], try expected("linear/mean", "estimate"), accuracy: 1e-9)
    }

    func testRaoWuBootstrapCalibratesEachReplicate() throws {
        var table = try CSVReader.read(path: fixture("calib").path)
        let totals = try fixture("totals_rake").path
        let base = ["--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest"]
        let plain = try SurveyDesign(spec: DesignOptions.parse(base).spec(), table: table)
        let bootstrap = try RaoWuBootstrap(design: plain, replicates: 20, seed: 3)
        for b in 0..<20 { table = table.adding("boot\(b + 1)", .numeric(NumericColumn(bootstrap.weights(replicate: b)))) }
        let rake = ["--rake", "sex,agegrp,origin", "--totals", totals]
        let drawn = try SurveyDesign(spec: DesignOptions.parse(base + ["--bootstrap", "20", "--seed", "3"] + rake).spec(), table: table)
        let columns = try SurveyDesign(spec: DesignOptions.parse(["--weights", "w", "--replicate-weights", "boot*", "--replicate-type", "bootstrap"] + rake).spec(),
                                       table: table)
        let uncalibrated = try SurveyDesign(spec: DesignOptions.parse(base + ["--bootstrap", "20", "--seed", "3"]).spec(), table: table)
        let request = EstimateRequest(statistic: .mean, variable: "y", by: [], q: 0.5, denominator: nil, level: 0.95,
                                      degreesOfFreedom: .automatic, proportionInterval: .wald)
        let a = try DescriptiveEstimator(table: table, design: drawn).estimate(request)[0]
        let b = try DescriptiveEstimator(table: table, design: columns).estimate(request)[0]
        let c = try DescriptiveEstimator(table: table, design: uncalibrated).estimate(request)[0]
        XCTAssertEqual(a.estimate, b.estimate, accuracy: 1e-10)
        XCTAssertEqual(a.standardError!, b.standardError!, accuracy: 1e-10 * b.standardError!)
        XCTAssertGreaterThan(abs(a.standardError! - c.standardError!), 1e-3 * c.standardError!, "calibration changes the bootstrap SE")
    }

    /// A barometer calibrates each wave to the totals (totals beside the configuration): every
    /// wave's calibrated weights reproduce the population's margins.
    func testBarometerCalibratesEachWave() throws {
        for name in ["calib", "totals_rake"] {
            try FileManager.default.copyItem(at: fixture(name), to: directory.appendingPathComponent("\(name).csv"))
        }
        let config = directory.appendingPathComponent("b.yaml")
        try """
        periods: {column: stratum, baseline: '1', order: ['1', '2', '3', '4']}
        goals:
          - {id: '1', label: T, kind: direction, direction: higher, data: calib.csv,
             design: {weights: w, rake: "sex,agegrp,origin", totals: totals_rake.csv}, measures: [{label: M, unit: score points, variable: y}]}
        """.write(to: config, atomically: true, encoding: .utf8)
        let loaded = try BarometerConfig.load(path: config.path)
        let spec = try XCTUnwrap(loaded.goals[0].measures[0].design.calibration)
        XCTAssertEqual(spec.within, "stratum")
        XCTAssertEqual(spec.totals, directory.appendingPathComponent("totals_rake.csv").path)
        let table = try CSVReader.read(path: directory.appendingPathComponent("calib.csv").path)
        let design = try SurveyDesign(spec: loaded.goals[0].measures[0].design, table: table)
        let strata = try table.numeric("stratum"), sex = try table.categorical("sex")
        let totals = try PopulationTotals(path: spec.totals).entries
        let population = totals.filter { $0.variable == "sex" }.reduce(0) { $0 + $1.total }
        let males = try XCTUnwrap(totals.first { $0.variable == "sex" && $0.level == "M" }).total
        for wave in 1...4 {
            let rows = (0..<table.rowCount).filter { strata[$0] == Double(wave) }
            XCTAssertEqual(rows.reduce(0) { $0 + design.weights[$1] }, population, accuracy: 1e-6, "wave \(wave)")
            let m = rows.filter { sex.levels[Int(sex.codes[$0])] == "M" }.reduce(0) { $0 + design.weights[$1] }
            XCTAssertEqual(m, males, accuracy: 1e-6, "wave \(wave)")
        }
        let result = try CommandLine.run(["barometer", config.path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// Weights ten million times the totals (totals given as shares, weights as counts): the
    /// g-weights are near 0, computed as 1 + x'λ, whose cancellation leaves a misfit near 1e-10
    /// that no Newton step reduces. It is accepted below R's epsilon (1e-7), and the estimates
    /// equal R's on the same weights unscaled (linear calibration and raking are scale-free).
    func testWeightsFarAboveTheTotalsCalibrate() throws {
        var lines = try String(contentsOf: fixture("calib"), encoding: .utf8).split(separator: "\n").map(String.init)
        let w = lines[0].split(separator: ",").firstIndex(of: "w")!
        for k in 1..<lines.count where !lines[k].isEmpty {
            var fields = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[w] = String(Double(fields[w])! * 1e7)
            lines[k] = fields.joined(separator: ",")
        }
        let data = directory.appendingPathComponent("scaled.csv")
        try lines.joined(separator: "\n").write(to: data, atomically: true, encoding: .utf8)
        for (options, totals, id) in [(["--calibrate", "~ sex + agegrp + income"], "totals_linear", "linear/mean"),
                                      (["--rake", "sex,agegrp,origin"], "totals_rake", "raking/mean")] {
            let result = try CommandLine.run(["estimate", "mean", "y", "--data", data.path, "--weights", "w", "--strata", "stratum",
                                              "--cluster", "psu", "--nest"] + options + ["--totals", fixture(totals).path, "--format", "csv"])
            XCTAssertEqual(result.status, 0, "\(id): \(result.stderr)")
            let table = try CSVReader.parse(Array(result.stdout.utf8), source: id)
            XCTAssertEqual(try table.numeric("estimate")[0], try expected(id, "estimate"), accuracy: 1e-9, id)
            XCTAssertEqual(try table.numeric("std_error")[0], try expected(id, "std_error"), accuracy: 1e-9, id)
        }
    }
}
