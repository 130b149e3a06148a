import ArgumentParser
import Foundation
import XCTest
@testable import StatsEngine

/// Replicate-weight designs against R survey 4.1.1's `svrepdesign` (oracle/replicate_fixtures.R):
/// JK1, JKn, BRR, Fay (rho 0.3), bootstrap, JK1 with `mse`, SDR and `other` (a given scale and
/// rscales) each with and without `mse`, each for a mean, a total, a ratio, a proportion, means
/// by domain (with R's `degf` of each domain), the median (R's default for replicate designs,
/// Woodruff's interval on the replicate variance), a gap and a linear and a logistic svyglm. Designs are built
/// from the command-line options, so the option parsing and the glob are checked too. Estimates
/// and standard errors must agree to 1e-6 relative; degrees of freedom exactly.
final class ReplicateWeightOracleTests: XCTestCase {
    static let columns = ["case", "data", "type", "rho", "scale", "rscales", "mse"] + ReplicateOracle.resultColumns

    func testEngineMatchesRSvrepdesign() throws {
        guard let url = Bundle.module.url(forResource: "expected", withExtension: "csv", subdirectory: "Fixtures/replicate") else {
            throw OracleFailure("Fixtures/replicate/expected.csv is missing")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8), columns: Self.columns, file: "replicate/expected.csv")
        var types = Set<String>()
        let outcome = ReplicateOracle.compare(records, folder: "Fixtures/replicate") { first, table in
            var arguments = ["--weights", "w", "--replicate-weights", "repw*", "--replicate-type", first["type"]]
            if !first["rho"].isEmpty { arguments += ["--fay-rho", first["rho"]] }
            if !first["scale"].isEmpty { arguments += ["--replicate-scale", first["scale"]] }
            if !first["rscales"].isEmpty { arguments += ["--replicate-rscales", first["rscales"]] }
            if try OracleFixture.flag(first["mse"]) { arguments.append("--mse") }
            let design = try SurveyDesign(spec: DesignOptions.parse(arguments).spec(), table: table)
            types.insert(first["type"] + (design.replicateWeights!.mse ? "+mse" : ""))
            return design
        }
        XCTAssert(outcome.mismatches.isEmpty, "\(outcome.mismatches.count) disagreements with R:\n" + outcome.mismatches.joined(separator: "\n"))
        XCTAssertEqual(outcome.checked, records.count, "every expected row compared")
        XCTAssertEqual(types, ["jk1", "jk1+mse", "jkn", "brr", "fay", "bootstrap", "sdr", "sdr+mse", "other", "other+mse"])
        print("replicate oracle: \(outcome.checked) rows, worst relative error \(outcome.worst)")
    }

    /// The design's JSON block names every replicate setting.
    func testSummaryNamesTheReplicateSettings() throws {
        var tables: [String: Table] = [:]
        let table = try OracleFixture.table("rep_fay", in: "Fixtures/replicate", cache: &tables)
        let options = try DesignOptions.parse(["--weights", "w", "--replicate-weights", "repw1,repw2,repw3,repw4",
                                               "--replicate-type", "fay", "--fay-rho", "0.3", "--mse"])
        let design = try SurveyDesign(spec: options.spec(), table: table)
        guard case .object(let fields) = design.summary, let block = fields.first(where: { $0.0 == "replicates" })?.1,
              case .object(let settings) = block else { return XCTFail("no replicates block") }
        let values = Dictionary(uniqueKeysWithValues: settings)
        XCTAssertEqual(values["type"], .string("fay"))
        XCTAssertEqual(values["count"], .number(4))
        XCTAssertEqual(values["mse"], .bool(true))
        XCTAssertEqual(values["scale"], .number(1 / (4 * 0.7 * 0.7)))
    }

    /// R's defaults of `svrepdesign`'s scale per type, and a given scale winning.
    func testDefaultScales() throws {
        var tables: [String: Table] = [:]
        let table = try OracleFixture.table("rep_brr", in: "Fixtures/replicate", cache: &tables)
        func scale(_ arguments: [String]) throws -> Double {
            let options = try DesignOptions.parse(["--weights", "w", "--replicate-weights", "repw*"] + arguments)
            return try SurveyDesign(spec: options.spec(), table: table).replicateWeights!.scale
        }
        let r = Double(try SurveyDesign(spec: DesignOptions.parse(["--replicate-weights", "repw*", "--replicate-type", "other"]).spec(),
                                        table: table).replicateWeights!.count)
        XCTAssertEqual(try scale(["--replicate-type", "jk1"]), (r - 1) / r, accuracy: 1e-15)
        XCTAssertEqual(try scale(["--replicate-type", "brr"]), 1 / r, accuracy: 1e-15)
        XCTAssertEqual(try scale(["--replicate-type", "fay", "--fay-rho", "0.5"]), 1 / (r * 0.25), accuracy: 1e-15)
        XCTAssertEqual(try scale(["--replicate-type", "bootstrap"]), 1 / (r - 1), accuracy: 1e-15)
        XCTAssertEqual(try scale(["--replicate-type", "sdr"]), 4 / r, accuracy: 1e-15)
        XCTAssertEqual(try scale(["--replicate-type", "other"]), 1)
        XCTAssertEqual(try scale(["--replicate-type", "jkn", "--replicate-rscales", "0.5"]), 1)
        XCTAssertEqual(try scale(["--replicate-type", "jk1", "--replicate-scale", "2.5"]), 2.5)
    }

    func testGlob() {
        XCTAssertTrue(ColumnSelection.item("repw*", matches: "repw12"))
        XCTAssertTrue(ColumnSelection.item("r?pw*", matches: "repw"))
        XCTAssertFalse(ColumnSelection.item("repw*", matches: "w"))
        XCTAssertFalse(ColumnSelection.item("repw?", matches: "repw12"))
        XCTAssertTrue(ColumnSelection.item("*w*2", matches: "repw12"))
        // Classes: `b[0-9]*` once matched nothing, and `b*`, the way round it, also took `bin`.
        XCTAssertTrue(ColumnSelection.item("b[0-9]*", matches: "b12"))
        XCTAssertFalse(ColumnSelection.item("b[0-9]*", matches: "bin"))
        XCTAssertFalse(ColumnSelection.item("b[0-9]*", matches: "bs1"))
        XCTAssertTrue(ColumnSelection.item("b[!0-9]*", matches: "bs1"))
        XCTAssertTrue(ColumnSelection.item("x[1]", matches: "x[1]"), "a column's own name, brackets and all")
    }

    /// A class in `--replicate-weights` picks its columns when reading only the used columns
    /// too, and gives the same design as listing them.
    func testGlobWithAClassPicksItsColumns() throws {
        let csv = "y,w,bin,b1,b2,b3,bs1\n1,1,1,1,0,2,1\n2,1,0,2,1,0,1\n3,2,1,0,2,2,1\n4,1,0,1,1,1,1\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("class-\(getpid()).csv")
        try csv.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let spec = try DesignOptions.parse(["--weights", "w", "--replicate-weights", "b[0-9]*", "--replicate-type", "jk1"]).spec()
        let table = try TableFile.read(path: url.path, options: ReadOptions(columns: spec.columnsUsed.union(ColumnSelection(["y"]))))
        XCTAssertEqual(table.names.sorted(), ["b1", "b2", "b3", "w", "y"])
        XCTAssertEqual(try SurveyDesign(spec: spec, table: table).replicateWeights?.columns, ["b1", "b2", "b3"])
    }
}

/// Bad replicate input: one-line errors naming what is wrong.
final class ReplicateWeightErrorTests: ScratchFolderTestCase {
    static let csv = "y,w,r1,r2,r3\n1,1,1,0,2\n2,1,2,1,0\n3,2,0,2,2\n"

    func testReplicateColumnsMatchingNothing() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "repw*", "--replicate-type", "jk1"],
                               code: 2, mentions: ["repw*", "matches no column"])
    }

    /// A column named twice (R would count it twice) and rscales that are all 0 (no variance)
    /// are refused; a negative --fay-rho reaches its own check instead of "Missing value".
    func testReplicateSettingsThatWouldMislead() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r1,r1,r2", "--replicate-type", "jk1"],
                               code: 2, mentions: ["'r1' is matched twice"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r*,r2", "--replicate-type", "jk1"],
                               code: 2, mentions: ["'r2' is matched twice"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r*", "--replicate-type", "other",
                                                         "--replicate-scale", "1", "--replicate-rscales", "0"],
                               code: 2, mentions: ["all 0"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r*", "--replicate-type", "fay",
                                                         "--fay-rho", "-0.2"],
                               code: 2, mentions: ["--fay-rho in [0, 1)"])
    }

    /// A glob that matches the full-sample weights' column (`w*` beside `--weights w`) took it
    /// as one more replicate, changing the scale and the SE without a word: refused.
    func testAGlobMatchingTheWeightsIsRefused() throws {
        let csv = "y,w,w1,w2,w3\n1,1,1,0,2\n2,1,2,1,0\n3,2,0,2,2\n"
        try assertCommandFails(in: directory, csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "w*", "--replicate-type", "jk1"],
                               code: 2, mentions: ["'w*' matches the full-sample weights' column 'w' (--weights)", "'w[0-9]*'"])
        try assertCommandFails(in: directory, csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "w1,w,w2", "--replicate-type", "jk1"],
                               code: 2, mentions: ["'w' matches the full-sample weights' column 'w'"])
        let data = directory.appendingPathComponent("data.csv").path
        let alone = try CommandLine.run(["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "w[0-9]*", "--replicate-type", "jk1",
                                         "--data", data, "--format", "csv"])
        XCTAssertEqual(alone.status, 0, alone.stderr)
    }

    /// BRR, Fay and SDR have their scale by definition (SDR its rscales too), and R's
    /// svrepdesign replaces another: a scale given was applied, a variance R never gives (brr
    /// with scale 5: an SE 16 times R's). Refused, naming the type's own scale, which is taken
    /// as a saved design's options spell it.
    func testAScaleTheTypeDefinesIsRefused() throws {
        let base = ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r*"]
        try assertCommandFails(in: directory, Self.csv, base + ["--replicate-type", "brr", "--replicate-scale", "5"],
                               code: 2, mentions: ["--replicate-scale 5 does not apply to --replicate-type brr, whose scale is 1/R = 0.3333333333333333", "other"])
        try assertCommandFails(in: directory, Self.csv, base + ["--replicate-type", "fay", "--fay-rho", "0.5", "--replicate-scale", "1"],
                               code: 2, mentions: ["does not apply to --replicate-type fay, whose scale is 1/(R(1 − ρ)²) = 1.3333333333333333"])
        try assertCommandFails(in: directory, Self.csv, base + ["--replicate-type", "sdr", "--replicate-scale", "4"],
                               code: 2, mentions: ["whose scale is 4/R = 1.3333333333333333"])
        try assertCommandFails(in: directory, Self.csv, base + ["--replicate-type", "sdr", "--replicate-rscales", "0.5"],
                               code: 2, mentions: ["--replicate-rscales do not apply to --replicate-type sdr"])
        let data = directory.appendingPathComponent("data.csv").path
        let own = try CommandLine.run(base + ["--replicate-type", "brr", "--replicate-scale", "0.3333333333333333", "--replicate-rscales", "1",
                                              "--data", data, "--format", "csv"])
        XCTAssertEqual(own.status, 0, own.stderr)
        XCTAssertEqual(own.stdout, try CommandLine.run(base + ["--replicate-type", "brr", "--data", data, "--format", "csv"]).stdout)
    }

    func testNonNumericReplicateWeight() throws {
        try assertCommandFails(in: directory, "y,w,r1,r2\n1,1,1,0\n2,1,x,1\n", ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r*", "--replicate-type", "jk1"],
                               mentions: ["r1", "data.csv:3"])
    }

    /// Strata, clusters, fpcs and `--nest` with replicate weights would be checked and then not
    /// applied: refused, naming the option.
    func testLinearizationDesignOptionsAreRefusedWithReplicateWeights() throws {
        let csv = "y,w,s,c,r1,r2\n1,1,1,1,1,0\n2,1,1,2,1,1\n3,1,2,3,0,1\n"
        for (option, value) in [("--strata", "s"), ("--cluster", "c"), ("--fpc", "w"), ("--nest", nil)] {
            try assertCommandFails(in: directory, csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r*", "--replicate-type", "jk1",
                                                        option] + (value.map { [$0] } ?? []),
                                   code: 2, mentions: [option, "--replicate-weights", "drop \(option)"])
        }
    }

    func testNegativeReplicateWeight() throws {
        try assertCommandFails(in: directory, "y,w,r1,r2\n1,1,1,0\n2,1,1,-1\n", ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r1,r2", "--replicate-type", "brr"],
                               mentions: ["r2", "data.csv:3", "negative replicate weight"])
    }

    /// The replicate options are design keys of a run spec too; R's JK1 mse standard error.
    func testRunSpecDesign() throws {
        guard let data = Bundle.module.url(forResource: "rep_jk1", withExtension: "csv", subdirectory: "Fixtures/replicate") else {
            return XCTFail("rep_jk1.csv is missing")
        }
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        data: \(data.path)
        design: {weights: w, replicate-weights: "repw*", replicate-type: jk1, mse: true}
        analyses:
          - {name: m, command: estimate, stat: mean, variable: y}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = try String(contentsOf: out.appendingPathComponent("results.json"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"mse\": true") || text.contains("\"mse\":true"), "the design block names mse")
        let mean = try CSVReader.read(path: out.appendingPathComponent("m.csv").path)
        // R: svymean(~y, svrepdesign(..., type = "JK1", mse = TRUE)), expected.csv case jk1_mse/mean.
        XCTAssertEqual(try mean.numeric("std_error")[0], 2.4044154592929523, accuracy: 1e-9)
    }

    func testJKnWithoutRscales() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--weights", "w", "--replicate-weights", "r*", "--replicate-type", "jkn"],
                               code: 2, mentions: ["jkn", "--replicate-rscales"])
    }
}

extension OracleRecord {
    /// The estimate request of an oracle row (statistic, variable, by, q, denominator, df columns).
    func replicateEstimateRequest() throws -> EstimateRequest {
        guard let statistic = Statistic(rawValue: self["statistic"]) else { throw OracleFailure("unknown statistic '\(self["statistic"])'") }
        return EstimateRequest(statistic: statistic, variable: self["variable"], by: self["by"].isEmpty ? [] : [self["by"]],
                               q: Double(self["q"]) ?? 0.5, denominator: self["denominator"].isEmpty ? nil : self["denominator"],
                               level: 0.95, degreesOfFreedom: try DegreesOfFreedom(parsing: self["df"]), proportionInterval: .wald)
    }
}
