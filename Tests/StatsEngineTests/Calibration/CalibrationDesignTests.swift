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

    /// Rows of weight 0 change no calibrated standard error: they keep weight 0 and influence 0,
    /// so a post-stratified or calibrated total and mean on data with such rows (each in a PSU
    /// that keeps rows of weight) equal those on the data without them, to the last digits. R's
    /// `postStratify` gives them influence instead (`psw[zeroes] <- 1`; its SEs differ by about
    /// 1e-3 there, `docs/statistics.md`), and R's `calibrate` fails on them.
    func testRowsOfWeightZeroChangeNoCalibratedStandardError() throws {
        let lines = try String(contentsOf: fixture("calib"), encoding: .utf8).split(separator: "\n").map(String.init)
        // Every 7th row's weight set to 0 (PSUs hold about 10 rows: each keeps rows of weight).
        let zeroed = [lines[0]] + lines.dropFirst().enumerated().map { i, line in
            guard i % 7 == 3 else { return line }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[2] = "0"
            return cells.joined(separator: ",")
        }
        let without = [lines[0]] + lines.dropFirst().enumerated().filter { $0.offset % 7 != 3 }.map(\.element)
        let withZeros = directory.appendingPathComponent("zeros.csv"), dropped = directory.appendingPathComponent("dropped.csv")
        try zeroed.joined(separator: "\n").write(to: withZeros, atomically: true, encoding: .utf8)
        try without.joined(separator: "\n").write(to: dropped, atomically: true, encoding: .utf8)
        let totals = try fixture("totals_district").path
        for calibration in [["--poststratify", "district"], ["--calibrate", "~ factor(district) - 1"]] {
            for statistic in ["total", "mean"] {
                func run(_ data: URL) throws -> [String] {
                    let result = try CommandLine.run(["estimate", statistic, "y", "--data", data.path, "--weights", "w", "--strata", "stratum",
                                                      "--cluster", "psu", "--nest"] + calibration + ["--totals", totals, "--format", "csv"])
                    XCTAssertEqual(result.status, 0, result.stderr)
                    return result.stdout.split(separator: "\n").dropFirst().first.map { $0.split(separator: ",").map(String.init) } ?? []
                }
                let (a, b) = (try run(withZeros), try run(dropped))
                // variable, statistic, category, estimate, std_error, ...
                guard a.count > 4, b.count > 4, let ea = Double(a[3]), let eb = Double(b[3]), let sa = Double(a[4]), let sb = Double(b[4]) else {
                    return XCTFail("\(calibration) \(statistic): rows \(a) and \(b) lack an estimate and a standard error")
                }
                XCTAssertEqual(ea, eb, accuracy: 1e-12 * abs(eb), "\(calibration) \(statistic) estimate")
                XCTAssertEqual(sa, sb, accuracy: 1e-10 * sb, "\(calibration) \(statistic) standard error")
            }
        }
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
