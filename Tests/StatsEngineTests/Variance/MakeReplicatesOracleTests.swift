import ArgumentParser
import Foundation
import XCTest
@testable import StatsEngine

/// `--make-replicates` against R survey 4.1.1's `as.svrepdesign` (oracle/make_replicates_fixtures.R):
/// the replicate weights themselves (JK1, JKn and BRR for 3 to 36 strata, JK1 and JKn with an
/// fpc, JKn with a one-PSU stratum under each lonely-PSU rule), R's Hadamard matrices for 1 to 400 strata, scale, rscales and `degf`, and estimates on
/// the made designs (means, totals, proportions, domain means, the median, a gap, svyglm
/// gaussian and binomial, with and without `mse`) to 1e-6 relative.
final class MakeReplicatesOracleTests: XCTestCase {
    static let folder = "Fixtures/replicate/made"

    /// The design options of a fixture's data for `kind` (JK1 unstratified on psu_id).
    static func arguments(kind: String, fpc: String, mse: Bool) -> [String] {
        var arguments = ["--weights", "w", "--make-replicates", kind]
        arguments += kind == "jk1" ? ["--cluster", "psu_id"] : ["--strata", "stratum", "--cluster", "psu", "--nest"]
        if !fpc.isEmpty { arguments += ["--fpc", fpc] }
        if mse { arguments.append("--mse") }
        return arguments
    }

    static func fixture(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: folder) else {
            throw OracleFailure("\(folder)/\(name).csv is missing")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Every replicate weight equals R's (its PSU's factor times the sampling weight), with R's
    /// replicate count, scale, rscales and degf.
    func testReplicateWeightsEqualR() throws {
        let meta = try OracleFixture.records(Self.fixture("meta"), columns: ["case", "data", "kind", "fpc", "lonely", "replicates", "scale", "rscales", "degf"],
                                             file: "made/meta.csv")
        XCTAssertEqual(meta.count, 30)
        var tables: [String: Table] = [:]
        for record in meta {
            let name = record["case"]
            let table = try OracleFixture.table(record["data"], in: Self.folder, cache: &tables)
            let arguments = Self.arguments(kind: record["kind"], fpc: record["fpc"], mse: false) + ["--lonely-psu", record["lonely"]]
            let design = try SurveyDesign(spec: DesignOptions.parse(arguments).spec(), table: table)
            let made = try XCTUnwrap(design.replicateWeights, name)
            let r = made.count
            XCTAssertEqual(r, Int(record["replicates"]), "\(name): replicates")
            XCTAssertEqual(made.scale, Double(record["scale"])!, "\(name): scale")
            XCTAssertEqual(made.rscales, record["rscales"].split(separator: ",").map { Double($0)! }, "\(name): rscales")
            XCTAssertEqual(design.degreesOfFreedom(), Int(record["degf"]), "\(name): degf")
            XCTAssertEqual(made.columns.first, "repw1")
            // R's factors, one line per PSU, found by the PSU's first row.
            let factorColumns = ["first_row"] + (1...r).map { "f\($0)" }
            let lines = try OracleFixture.records(Self.fixture("factors_\(name)"), columns: factorColumns, file: "made/factors_\(name).csv")
            var factorsAt: [Int: [Double]] = [:]
            for line in lines { factorsAt[Int(line["first_row"])! - 1] = (1...r).map { Double(line["f\($0)"])! } }
            var firstRow = [Int](repeating: -1, count: design.psuTotal)
            for i in 0..<design.rowCount where firstRow[Int(design.psu[i])] < 0 { firstRow[Int(design.psu[i])] = i }
            XCTAssertEqual(factorsAt.count, design.psuTotal, "\(name): PSUs")
            var differing = 0
            for i in 0..<design.rowCount {
                guard let factors = factorsAt[firstRow[Int(design.psu[i])]] else { differing += 1; continue }
                for j in 0..<r where made.values[j][i] != design.weights[i] * factors[j] { differing += 1 }
            }
            XCTAssertEqual(differing, 0, "\(name): replicate weights differing from R's")
        }
    }

    /// R's `hadamard(n)` for n = 1…400: the same order and the same entries (SHA-256 of the rows).
    func testHadamardMatricesEqualR() throws {
        let records = try OracleFixture.records(Self.fixture("hadamard"), columns: ["strata", "order", "sha256"], file: "made/hadamard.csv")
        XCTAssertEqual(records.count, 400)
        var orders = Set<Int>()
        for record in records {
            let n = Int(record["strata"])!
            let matrix = try HadamardMatrix(strata: n)
            XCTAssertEqual(matrix.order, Int(record["order"]), "order for \(n) strata")
            XCTAssertEqual(SHA256.hex(matrix.entries.map { $0 + UInt8(ascii: "0") }), record["sha256"], "entries for \(n) strata")
            orders.insert(matrix.order)
        }
        // Every construction is exercised: stored, doubled and Paley (prime + 1) orders.
        XCTAssert(orders.isSuperset(of: [4, 16, 28, 36, 20, 24, 44, 64, 112]), "\(orders.sorted())")
    }

    func testEstimatesOnMadeDesignsMatchR() throws {
        let columns = ["case", "data", "kind", "fpc", "mse"] + ReplicateOracle.resultColumns
        let records = try OracleFixture.records(Self.fixture("expected"), columns: columns, file: "made/expected.csv")
        var kinds = Set<String>()
        let outcome = ReplicateOracle.compare(records, folder: Self.folder) { first, table in
            let mse = try OracleFixture.flag(first["mse"])
            kinds.insert(first["kind"] + (first["fpc"].isEmpty ? "" : "+fpc") + (mse ? "+mse" : ""))
            return try SurveyDesign(spec: DesignOptions.parse(Self.arguments(kind: first["kind"], fpc: first["fpc"], mse: mse)).spec(), table: table)
        }
        XCTAssert(outcome.mismatches.isEmpty, "\(outcome.mismatches.count) disagreements with R:\n" + outcome.mismatches.joined(separator: "\n"))
        XCTAssertEqual(outcome.checked, records.count, "every expected row compared")
        XCTAssertEqual(kinds, ["jk1", "jk1+mse", "jkn", "jkn+mse", "brr", "brr+mse", "jkn+fpc"])
        print("made replicates oracle: \(outcome.checked) rows, worst relative error \(outcome.worst)")
    }

    /// The design block names how the replicates were made, the seed of a random kind, and the
    /// replicate settings.
    func testSummaryNamesTheConstruction() throws {
        var tables: [String: Table] = [:]
        let table = try OracleFixture.table("strata5", in: Self.folder, cache: &tables)
        func block(_ arguments: [String]) throws -> [String: JSONValue] {
            let design = try SurveyDesign(spec: DesignOptions.parse(arguments).spec(), table: table)
            guard case .object(let fields) = design.summary, case .object(let settings)? = fields.first(where: { $0.0 == "replicates" })?.1 else {
                XCTFail("no replicates block"); return [:]
            }
            return Dictionary(uniqueKeysWithValues: settings)
        }
        let jkn = try block(Self.arguments(kind: "jkn", fpc: "", mse: true))
        XCTAssertEqual(jkn["made"], .string("made from the design by jkn"))
        XCTAssertEqual(jkn["seed"], .null)
        XCTAssertEqual(jkn["type"], .string("jkn"))
        XCTAssertEqual(jkn["count"], .number(10))
        XCTAssertEqual(jkn["rscales"], .number(0.5))
        XCTAssertEqual(jkn["mse"], .bool(true))
        let boot = try block(Self.arguments(kind: "subbootstrap", fpc: "", mse: false) + ["--replicates", "30", "--seed", "7"])
        XCTAssertEqual(boot["made"], .string("made from the design by subbootstrap, seed 7"))
        XCTAssertEqual(boot["seed"], .number(7))
        XCTAssertEqual(boot["count"], .number(30))
        XCTAssertEqual(boot["scale"], .number(1.0 / 29))
    }
}

/// `--make-replicates bootstrap|subbootstrap`: R draws with its own generator, so the replicates
/// are checked by their structure (R's formula for each kind) and their variance against R's
/// linearization within Monte Carlo error.
final class MadeBootstrapTests: XCTestCase {
    private func design(_ data: String, _ arguments: [String]) throws -> (Table, SurveyDesign) {
        var tables: [String: Table] = [:]
        let table = try OracleFixture.table(data, in: MakeReplicatesOracleTests.folder, cache: &tables)
        let options = try DesignOptions.parse(["--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest"] + arguments)
        return (table, try SurveyDesign(spec: options.spec(), table: table))
    }

    /// Each replicate's factor per PSU, and the PSUs of each stratum.
    private func factors(_ design: SurveyDesign) -> (factors: [[Double]], strata: [[Int]]) {
        let made = design.replicateWeights!
        let r = made.count
        var factors = [[Double]](repeating: [Double](repeating: .nan, count: r), count: design.psuTotal)
        for i in 0..<design.rowCount {
            for j in 0..<r {
                let f = made.values[j][i] / design.weights[i]
                let p = Int(design.psu[i])
                if factors[p][j].isNaN { factors[p][j] = f } else { XCTAssertEqual(factors[p][j], f, accuracy: 1e-12, "one factor per PSU") }
            }
        }
        var strata = [[Int]](repeating: [], count: design.strataCount)
        for p in 0..<design.psuTotal { strata[Int(design.psuStratum[p])].append(p) }
        return (factors, strata)
    }

    /// subbootstrap: n_h − 1 draws per stratum, each worth n_h/(n_h − 1); scale 1/(B − 1).
    func testSubbootstrapStructure() throws {
        let (_, design) = try design("strata12", ["--make-replicates", "subbootstrap", "--replicates", "40", "--seed", "3"])
        let made = design.replicateWeights!
        XCTAssertEqual(made.count, 40)
        XCTAssertEqual(made.scale, 1.0 / 39)
        XCTAssertEqual(made.type, .bootstrap)
        let (factors, strata) = self.factors(design)
        for j in 0..<40 {
            for psus in strata {
                let n = Double(psus.count)
                let draws = psus.map { factors[$0][j] / (n / (n - 1)) }
                XCTAssert(draws.allSatisfy { $0 == $0.rounded() && $0 >= 0 }, "whole draws")
                XCTAssertEqual(draws.reduce(0, +), n - 1, accuracy: 1e-12, "n_h − 1 draws")
            }
        }
    }

    /// bootstrap: n_h draws per stratum, each worth 1; scale h/((h − 1)(B − 1)) with h the
    /// harmonic mean of the n_h; with an fpc, at most ⌈N_h/n_h⌉ draws of a PSU (without replacement).
    func testBootstrapStructure() throws {
        let (_, design) = try design("strata5", ["--make-replicates", "bootstrap", "--fpc", "N", "--replicates", "60"])
        let made = design.replicateWeights!
        XCTAssertEqual(made.count, 60)
        XCTAssertEqual(made.scale, 2.0 / (1 * 59), accuracy: 1e-15)
        let (factors, strata) = self.factors(design)
        for j in 0..<60 {
            for (h, psus) in strata.enumerated() {
                let cap = (design.psuPopulation[h] / Double(psus.count)).rounded(.up)
                XCTAssertEqual(psus.map { factors[$0][j] }.reduce(0, +), Double(psus.count), "n_h draws")
                XCTAssert(psus.allSatisfy { factors[$0][j] <= cap && factors[$0][j] == factors[$0][j].rounded() })
            }
        }
    }

    /// The same seed gives the same replicates; another seed others.
    func testSeedFixesTheReplicates() throws {
        let a = try design("strata12", ["--make-replicates", "bootstrap", "--seed", "11"]).1.replicateWeights!
        let b = try design("strata12", ["--make-replicates", "bootstrap", "--seed", "11"]).1.replicateWeights!
        let c = try design("strata12", ["--make-replicates", "bootstrap", "--seed", "12"]).1.replicateWeights!
        XCTAssertEqual(a.count, 50, "R's default of 50 replicates")
        XCTAssertEqual(a.values, b.values)
        XCTAssertNotEqual(a.values, c.values)
    }

    /// Both kinds' standard errors of a total agree with R's linearization within Monte Carlo
    /// error (4000 replicates: the SE is off by about 1/√(2B) ≈ 1.1 % relative; 5 % allowed).
    func testVarianceAgreesWithLinearization() throws {
        let targets = try OracleFixture.records(MakeReplicatesOracleTests.fixture("bootstrap"),
                                                columns: ["data", "fpc", "total", "total_se", "mean", "mean_se"], file: "made/bootstrap.csv")
        let target = try XCTUnwrap(targets.first { $0["data"] == "strata12" })
        for kind in ["bootstrap", "subbootstrap"] {
            let (table, design) = try design("strata12", ["--make-replicates", kind, "--replicates", "4000", "--seed", "5"])
            let request = EstimateRequest(statistic: .total, variable: "y", by: [], q: 0.5, denominator: nil, level: 0.95,
                                          degreesOfFreedom: .automatic, proportionInterval: .wald)
            let row = try DescriptiveEstimator(table: table, design: design).estimate(request)[0]
            XCTAssertEqual(row.estimate, Double(target["total"])!, accuracy: 1e-6 * abs(Double(target["total"])!))
            let se = try XCTUnwrap(row.standardError)
            XCTAssertEqual(se / Double(target["total_se"])!, 1, accuracy: 0.05, "\(kind) SE \(se) vs linearization \(target["total_se"])")
        }
    }
}

/// `--make-replicates` errors and `--save-replicates`, end to end.
final class MakeReplicatesCommandTests: ScratchFolderTestCase {
    static let csv = "stratum,psu,w,y\n1,1,2,10\n1,2,2,11\n2,3,3,12\n2,4,1,13\n3,5,2,9\n3,6,2,14\n"

    func testMakeReplicatesWithReplicateWeights() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--weights", "w", "--make-replicates", "jk1",
                                                         "--replicate-weights", "w", "--replicate-type", "jk1"],
                               code: 2, mentions: ["--make-replicates", "--replicate-weights", "cannot be combined"])
    }

    func testMakeReplicatesWithBootstrap() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--make-replicates", "jk1", "--bootstrap", "50"],
                               code: 2, mentions: ["--make-replicates", "--bootstrap", "cannot be combined"])
    }

    func testReplicatesWithoutABootstrapKind() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--strata", "stratum", "--make-replicates", "jkn", "--replicates", "20"],
                               code: 2, mentions: ["--replicates", "bootstrap or subbootstrap"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--replicates", "20"],
                               code: 2, mentions: ["--replicates needs --make-replicates"])
    }

    func testBRRNeedsTwoPSUsPerStratum() throws {
        try assertCommandFails(in: directory, Self.csv + "3,7,1,15\n", ["estimate", "mean", "y", "--strata", "stratum", "--cluster", "psu",
                                                                         "--make-replicates", "brr"],
                               mentions: ["exactly 2 PSUs", "stratum '3' has 3", "stratum"])
    }

    func testConstructionsTheDesignDoesNotAllow() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--strata", "stratum", "--cluster", "psu", "--make-replicates", "jk1"],
                               code: 2, mentions: ["jk1", "stratified"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--cluster", "psu", "--make-replicates", "brr"],
                               code: 2, mentions: ["brr", "--strata"])
        try assertCommandFails(in: directory, "stratum,psu,y\n1,1,1\n1,2,2\n2,3,3\n", ["estimate", "mean", "y", "--strata", "stratum", "--cluster", "psu",
                                                                                     "--make-replicates", "jkn"],
                               mentions: ["stratum '2' has only one PSU", "--lonely-psu"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--make-replicates", "jkn", "--replicate-type", "jkn", "--strata", "stratum"],
                               code: 2, mentions: ["--replicate-type", "--make-replicates"])
    }

    /// R's hadamard() never fails; the engine refuses orders above 16384 (over ~16000 strata)
    /// rather than build a matrix of hundreds of megabytes.
    func testHadamardOrderTooLarge() throws {
        XCTAssertThrowsError(try HadamardMatrix(strata: 16_384)) { error in
            XCTAssertEqual((error as? DisparityError)?.kind, .usage)
            XCTAssert("\(error)".contains("16384 strata need a Hadamard matrix of order"), "\(error)")
        }
        XCTAssertEqual(HadamardMatrix.recipe(strata: 16_383).order, 16_384)
    }

    /// The saved file reloads, with the options written beside it, as a replicate-weights
    /// design with the made design's numbers, its columns joined to data whose weight column is
    /// `weight` and which has a column `line` (the saved file's `weight` and `line` clashed
    /// with them, so the README's join failed on most survey files).
    func testSavedReplicatesReload() throws {
        guard let bundled = Bundle.module.url(forResource: "strata12", withExtension: "csv", subdirectory: MakeReplicatesOracleTests.folder) else {
            return XCTFail("strata12.csv is missing")
        }
        var lines = try String(contentsOf: bundled, encoding: .utf8).split(separator: "\n").map(String.init)
        lines = lines.enumerated().map { i, line in (i == 0 ? line.replacingOccurrences(of: "\"w\"", with: "\"weight\"") + ",line" : line + ",\(i)") }
        XCTAssert(lines[0].split(separator: ",").contains("\"weight\""), lines[0])
        let data = directory.appendingPathComponent("data.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let saved = directory.appendingPathComponent("reps.csv")
        let made = try CommandLine.run(["estimate", "mean", "y", "--data", data.path, "--weights", "weight", "--strata", "stratum", "--cluster", "psu",
                                        "--nest", "--make-replicates", "jkn", "--mse", "--save-replicates", saved.path, "--format", "json"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let reps = try CSVReader.read(path: saved.path)
        let original = try CSVReader.read(path: data.path)
        XCTAssertEqual(reps.names.prefix(3), ["data_line", "sampling_weight", "repw1"])
        XCTAssertEqual(reps.names.count, 2 + 24)
        XCTAssertEqual(try reps.numeric("data_line"), (0..<original.rowCount).map { Double($0 + 2) })
        XCTAssertEqual(try reps.numeric("sampling_weight"), try original.numeric("weight"))
        let options = try String(contentsOf: URL(fileURLWithPath: saved.path + ".options"), encoding: .utf8)
        let line = try XCTUnwrap(options.split(separator: "\n").last { !$0.hasPrefix("#") })
        XCTAssert(line.contains("--replicate-type jkn") && line.contains("--replicate-rscales 0.5") && line.contains("--mse"), String(line))
        // Join the columns to the data (same row order) and reload with the written options.
        let originalLines = lines
        let savedLines = try String(contentsOf: saved, encoding: .utf8).split(separator: "\n")
        let joined = zip(originalLines, savedLines).map { "\($0),\($1)" }.joined(separator: "\n") + "\n"
        let both = directory.appendingPathComponent("both.csv")
        try joined.write(to: both, atomically: true, encoding: .utf8)
        let reloadOptions = String(line).split(separator: " ").map { $0.replacingOccurrences(of: "'", with: "") }
        let reloaded = try CommandLine.run(["estimate", "mean", "y", "--data", both.path, "--format", "json"] + reloadOptions)
        XCTAssertEqual(reloaded.status, 0, reloaded.stderr)
        func standardError(_ json: String) throws -> Double {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            return ((object["results"] as! [[String: Any]])[0]["std_error"] as! NSNumber).doubleValue
        }
        XCTAssertEqual(try standardError(reloaded.stdout), try standardError(made.stdout))
    }

    func testSaveReplicatesOverTheDataIsRefused() throws {
        let data = directory.appendingPathComponent("data.csv")
        try Self.csv.write(to: data, atomically: true, encoding: .utf8)
        let result = try CommandLine.run(["estimate", "mean", "y", "--data", data.path, "--strata", "stratum", "--make-replicates", "jkn",
                                          "--save-replicates", data.path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssert(result.stderr.contains("--save-replicates") && result.stderr.contains("is an input"), result.stderr)
        XCTAssertEqual(try String(contentsOf: data, encoding: .utf8), Self.csv)
    }

    func testSaveReplicatesNeedsReplicates() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--save-replicates", directory.appendingPathComponent("r.csv").path],
                               code: 2, mentions: ["--save-replicates needs --make-replicates or --replicate-weights"])
    }

    /// Every analysis command runs on a made design; the gap's SE is R's (svycontrast on the
    /// made JKn design); a representation benchmark keeps linearization.
    func testEveryCommandRunsOnAMadeDesign() throws {
        guard let data = Bundle.module.url(forResource: "strata12", withExtension: "csv", subdirectory: MakeReplicatesOracleTests.folder) else {
            return XCTFail("strata12.csv is missing")
        }
        let design = ["--data", data.path, "--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest", "--make-replicates", "jkn", "--format", "csv"]
        for command in [["regress", "y ~ x"], ["table", "region", "cat"], ["representation", "region", "--focal", "Syd", "--benchmark", data.path],
                        ["estimate", "proportion", "cat", "--by", "region"]] {
            let result = try CommandLine.run(command + design)
            XCTAssertEqual(result.status, 0, "\(command[0]): \(result.stderr)")
        }
        let gap = try CommandLine.run(["gap", "y", "--group", "region", "--reference", "Nord"] + design)
        XCTAssertEqual(gap.status, 0, gap.stderr)
        let out = directory.appendingPathComponent("gap.csv")
        try gap.stdout.write(to: out, atomically: true, encoding: .utf8)
        let table = try CSVReader.read(path: out.path)
        let components = try table.categorical("component")
        let row = try XCTUnwrap((0..<table.rowCount).first { components.levels[Int(components.codes[$0])] == "difference" })
        let expected = try OracleFixture.records(MakeReplicatesOracleTests.fixture("expected"),
                                                 columns: ["case", "data", "kind", "fpc", "mse"] + ReplicateOracle.resultColumns, file: "made/expected.csv")
        let r = try XCTUnwrap(expected.first { $0["case"] == "jkn_12/gap" })
        XCTAssertEqual(try table.numeric("std_error")[row], Double(r["std_error"])!, accuracy: 1e-9 * Double(r["std_error"])!)
    }

    /// A barometer measure's design may make replicates: its level's SE is the made design's
    /// (the same as `estimate` on that wave's rows of the whole made design).
    func testBarometerMeasureOnAMadeDesign() throws {
        guard let data = Bundle.module.url(forResource: "strata12", withExtension: "csv", subdirectory: MakeReplicatesOracleTests.folder) else {
            return XCTFail("strata12.csv is missing")
        }
        // Two waves: the fixture's rows as 2011, and the same rows, y shifted, as 2010.
        let lines = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").map(String.init)
        let table = try CSVReader.read(path: data.path)
        let y = try table.numeric("y")
        let yColumn = lines[0].split(separator: ",").firstIndex(of: "\"y\"")!
        var csv = "period," + lines[0] + "\n"
        for (i, line) in lines.dropFirst().enumerated() {
            csv += "2011," + line + "\n"
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[yColumn] = "\(y[i] + 1)"
            csv += "2010," + fields.joined(separator: ",") + "\n"
        }
        let file = directory.appendingPathComponent("d.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("b.yaml")
        try """
        periods: {column: period, baseline: "2010", order: ["2010", "2011"]}
        goals:
          - id: "1"
            label: Test
            kind: direction
            direction: higher
            data: d.csv
            measures:
              - {id: m1, label: level, unit: score points, variable: y, design: {weights: w, strata: stratum, cluster: psu, nest: true, make-replicates: jkn}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try BarometerEvaluator(config: BarometerConfig.load(path: config.path)).evaluate(period: "2011")
        let level = try XCTUnwrap(result.goals[0].measures[0].current.value)
        let both = try CSVReader.read(path: file.path)
        let options = try DesignOptions.parse(["--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest", "--make-replicates", "jkn"])
        let design = try SurveyDesign(spec: options.spec(), table: both)
        var request = EstimateRequest(statistic: .mean, variable: "y", by: [], q: 0.5, denominator: nil, level: 0.95,
                                      degreesOfFreedom: .automatic, proportionInterval: .wald)
        request.subset = try RowFilter(parsing: "period == 2011")
        let row = try DescriptiveEstimator(table: both, design: design).estimate(request)[0]
        XCTAssertEqual(level.estimate, row.estimate, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(level.standardError), try XCTUnwrap(row.standardError), accuracy: 1e-9 * row.standardError!)
        let linear = try DescriptiveEstimator(table: both, design: SurveyDesign(spec: DesignOptions.parse(["--weights", "w", "--strata", "stratum",
                                                                                                             "--cluster", "psu", "--nest"]).spec(), table: both))
            .estimate(request)[0]
        XCTAssertNotEqual(level.standardError!, linear.standardError!, accuracy: 1e-6 * linear.standardError!, "not linearization")
    }

    /// Made replicates compose with calibration in R's order: made first, then each calibrated.
    func testMadeReplicatesThenPoststratified() throws {
        guard let folder = Bundle.module.url(forResource: "calib", withExtension: "csv", subdirectory: "Fixtures/calibration")?.deletingLastPathComponent() else {
            return XCTFail("Fixtures/calibration is missing")
        }
        let result = try CommandLine.run(["estimate", "mean", "y", "--data", folder.appendingPathComponent("calib.csv").path, "--weights", "w",
                                          "--strata", "stratum", "--cluster", "psu", "--nest", "--make-replicates", "jkn", "--poststratify", "district",
                                          "--totals", folder.appendingPathComponent("totals_district.csv").path, "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let out = directory.appendingPathComponent("m.csv")
        try result.stdout.write(to: out, atomically: true, encoding: .utf8)
        let row = try CSVReader.read(path: out.path)
        // R 4.2, survey 4.1.1: d <- read.csv("calib.csv"); t <- read.csv("totals_district.csv");
        // p <- postStratify(as.svrepdesign(svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE,
        // data = d), type = "JKn"), ~district, data.frame(district = t$level, Freq = t$total)); svymean(~y, p)
        XCTAssertEqual(try row.numeric("estimate")[0], 61.8014802810489, accuracy: 1e-12 * 61.8)
        XCTAssertEqual(try row.numeric("std_error")[0], 0.441537905292775, accuracy: 1e-9 * 0.44)
    }

    /// Made replicates are a design setting of run specs too.
    func testRunSpecMakesReplicates() throws {
        guard let data = Bundle.module.url(forResource: "strata12", withExtension: "csv", subdirectory: MakeReplicatesOracleTests.folder) else {
            return XCTFail("strata12.csv is missing")
        }
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        data: \(data.path)
        design: {weights: w, strata: stratum, cluster: psu, nest: true, make-replicates: brr}
        analyses:
          - {name: m, command: estimate, stat: mean, variable: y}
        """.write(to: spec, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CommandLine.run(["run", spec.path, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = try String(contentsOf: out.appendingPathComponent("results.json"), encoding: .utf8)
        XCTAssert(text.contains("made from the design by brr"), "the design block names the construction")
        let mean = try CSVReader.read(path: out.appendingPathComponent("m.csv").path)
        let expected = try OracleFixture.records(MakeReplicatesOracleTests.fixture("expected"),
                                                 columns: ["case", "data", "kind", "fpc", "mse"] + ReplicateOracle.resultColumns, file: "made/expected.csv")
        let r = try XCTUnwrap(expected.first { $0["case"] == "brr_12/mean" })
        XCTAssertEqual(try mean.numeric("std_error")[0], Double(r["std_error"])!, accuracy: 1e-9 * Double(r["std_error"])!)
    }
}
