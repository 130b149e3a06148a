import ArgumentParser
import Foundation
import XCTest
@testable import StatsEngine

/// One request schema: every option of every analysis command, enumerated from its declaration
/// (so a new option is covered without touching this file), is accepted by the command line,
/// by `run` specs and (for goal keys) by barometer goals; unknown keys fail in each place with
/// the nearest valid one suggested; spec numbers are checked as the command line checks them.
final class RequestSchemaTests: ScratchFolderTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try "stratum,psu,w,y,x,g,a,b\n1,1,2,10,1,p,1,2\n1,2,2,11,2,q,2,3\n2,3,3,12,3,p,3,4\n2,4,1,13,4,q,4,5\n"
            .write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
    }

    /// The analysis commands: name, option struct catalog, the positional values on the command line.
    private let commands: [(name: String, catalog: OptionCatalog, positionals: [String], keys: [String])] = [
        ("estimate", OptionCatalog(EstimateOptions.self), ["mean", "y"], EstimateOptions.positionalKeys),
        ("table", OptionCatalog(TableOptions.self), ["g", "a"], TableOptions.positionalKeys),
        ("regress", OptionCatalog(RegressOptions.self), ["y ~ x"], RegressOptions.positionalKeys),
        ("gap", OptionCatalog(GapOptions.self), ["y"], GapOptions.positionalKeys),
        ("representation", OptionCatalog(RepresentationOptions.self), ["g"], RepresentationOptions.positionalKeys),
    ]

    /// A value each option parses (its first choice, a sample, its default, or 1).
    private func sample(_ entry: OptionCatalog.Entry) -> String {
        let samples = ["subset": "x >= 1", "benchmark-subset": "x >= 1", "target": "<= 5", "df": "design", "item-range": "1,5",
                       "test": "x", "adjust": "x", "benchmark": directory.appendingPathComponent("d.csv").path, "data": directory.appendingPathComponent("d.csv").path,
                       "output": directory.appendingPathComponent("out.csv").path, "delimiter": ",",
                       "decimal": ".", "benchmark-encoding": "windows-1252"]
        return entry.values.first ?? samples[entry.name] ?? entry.defaultValue ?? "1"
    }

    /// Words ArgumentParser and the spec decoders use for options or values they refuse.
    private let refusals = ["Unknown option", "is invalid for", "Missing value", "Unexpected argument", "unknown key",
                            "is not a valid value", "not an option", "unknown design option", "does not take a value"]

    private func assertAccepted(_ message: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for word in refusals { XCTAssertFalse(message.contains(word), "\(what): \(message)", file: file, line: line) }
    }

    func testEveryOptionIsAcceptedOnTheCommandLine() throws {
        let data = directory.appendingPathComponent("d.csv").path
        let shared = [OptionCatalog(DataOptions.self), OptionCatalog(DesignOptions.self), OptionCatalog(OutputOptions.self)]
        for command in commands {
            let required = ["--data=\(data)", "--output=\(directory.path)/out.csv"] + (command.name == "gap" ? ["--group=g", "--reference=p"] : [])
                + (command.name == "representation" ? ["--focal=p", "--benchmark=\(data)"] : [])
            for entry in command.catalog.entries + shared.flatMap(\.entries) {
                let argument = entry.isFlag ? "--\(entry.name)" : "--\(entry.name)=\(sample(entry))"
                let result = try CommandLine.run([command.name] + command.positionals + required + [argument])
                assertAccepted(result.stderr, "\(command.name) \(argument)")
            }
            // The command line is made of these declarations: its help lists each option.
            let help = try CommandLine.run([command.name, "--experimental-dump-help"]).stdout
            for name in command.catalog.names { XCTAssert(help.contains("\"\(name)\""), "\(command.name) --\(name) on the command line") }
        }
    }

    func testEveryOptionIsAcceptedInRunSpecs() throws {
        for command in commands {
            let positionals = zip(command.keys, command.positionals).map { "\($0): '\($1)'" }
            let required = command.name == "gap" ? ["group: g", "reference: p"] : command.name == "representation" ? ["focal: p", "benchmark: d.csv"] : []
            for entry in command.catalog.entries {
                let value = entry.isFlag ? "true" : "'\(sample(entry))'"
                let keys = ([ "name: a", "command: \(command.name)"] + positionals + required.filter { !$0.hasPrefix(entry.name + ":") }
                            + ["\(entry.name): \(value)"]).joined(separator: ", ")
                assertAccepted(loadError(spec: "data: d.csv\nanalyses:\n  - {\(keys)}\n"), "run \(command.name) \(entry.name)")
            }
        }
        for entry in OptionCatalog(DesignOptions.self).entries {
            let value = entry.isFlag ? "true" : "'\(sample(entry))'"
            assertAccepted(loadError(spec: "data: d.csv\ndesign: {\(entry.name): \(value)}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n"),
                           "run design \(entry.name)")
        }
    }

    func testEveryGoalKeyIsAcceptedInBarometerGoals() throws {
        for entry in OptionCatalog(GapOptions.self).entries {
            let value = entry.isFlag ? "true" : "'\(sample(entry))'"
            let base = ["label: T", "unit: score points", "variable: y", "group: g", "reference: p", "focal: q"].filter { !$0.hasPrefix(entry.name + ":") }
            assertAccepted(barometerError(measure: "{\((base + ["\(entry.name): \(value)"]).joined(separator: ", "))}"), "measure \(entry.name)")
        }
        for entry in OptionCatalog(RepresentationOptions.self).entries {
            let value = entry.isFlag ? "true" : "'\(sample(entry))'"
            let base = ["label: T", "unit: index", "variable: g", "focal: p", "measure: representation", "benchmark: {data: d.csv}"]
                .filter { !$0.hasPrefix(entry.name + ":") }
            assertAccepted(barometerError(measure: "{\((base + ["\(entry.name): \(value)"]).joined(separator: ", "))}"), "representation measure \(entry.name)")
        }
        for entry in OptionCatalog(DesignOptions.self).entries {
            let value = entry.isFlag ? "true" : "'\(sample(entry))'"
            assertAccepted(barometerError(measure: "{label: T, unit: '%', variable: y, design: {\(entry.name): \(value)}}"), "measure design \(entry.name)")
        }
    }

    func testUnknownKeysFailWithASuggestionEverywhere() throws {
        let cli = try CommandLine.run(["estimate", "mean", "y", "--data=\(directory.path)/d.csv", "--subsets=x >= 1"])
        XCTAssertEqual(cli.status, 2)
        XCTAssert(cli.stderr.contains("'--subsets'") && cli.stderr.contains("'--subset'"), cli.stderr)
        let run = loadError(spec: "data: d.csv\nanalyses:\n  - {name: a, command: gap, variable: y, group: g, reference: p, subsets: 'x >= 1'}\n")
        XCTAssert(run.contains("unknown key 'subsets' in analysis 'a'; did you mean 'subset'?"), run)
        XCTAssert(run.contains("s.yaml:3"), run)
        let goal = barometerError(measure: "{id: 5a, label: T, unit: '%', variable: y, subsets: 'x >= 1'}")
        XCTAssert(goal.contains("unknown key 'subsets' in goal 5, measure 5a; did you mean 'subset'?"), goal)
        XCTAssert(barometerError(measure: "{label: T, unit: '%', variable: y}", goalKeys: "lable: T").contains("did you mean 'label'?"))
        XCTAssert(barometerError(measure: "{label: T, unit: '%', variable: y, design: {weight: w}}").contains("did you mean 'weights'?"))
        // A design option where a design block belongs: the block is named.
        for error in [barometerError(measure: "{label: T, unit: '%', variable: y, weights: w}"),
                      barometerError(measure: "{label: T, unit: '%', variable: y}", goalKeys: "label: T, weights: w")] {
            XCTAssert(error.contains("unknown key 'weights' in goal 5") && error.contains("'weights' is a design option: it belongs under 'design:'"), error)
        }
        XCTAssert(loadError(spec: "data: d.csv\ndelimitr: ','\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y}\n")
            .contains("did you mean 'delimiter'?"))
    }

    /// f13: spec numbers are refused as the command line refuses them (exit 2, key and value as written).
    /// The variance method's keys (`bootstrap`, `seed`) are checked alike in an analysis and in the design.
    /// A bootstrap chosen for one analysis gives that analysis the numbers a bootstrap design
    /// gives it; the other analyses keep linearization.
    func testBootstrapPerAnalysisEqualsTheDesignsBootstrap() throws {
        let spec = directory.appendingPathComponent("s.yaml")
        func reports(_ design: String, _ analysis: String) throws -> [String] {
            try "data: d.csv\ndesign: {\(design)}\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: y\(analysis)}\n  - {name: l, command: estimate, stat: mean, variable: y}\n"
                .write(to: spec, atomically: true, encoding: .utf8)
            let run = try RunSpec.load(path: spec.path)
            let table = try CSVReader.read(path: run.data)
            let design = try SurveyDesign(spec: run.design, table: table)
            return try run.analyses.map { try $0.run(table, design).rendered(as: .csv) }
        }
        let perAnalysis = try reports("weights: w, strata: stratum, cluster: psu", ", bootstrap: 40, seed: 5")
        let wholeDesign = try reports("weights: w, strata: stratum, cluster: psu, bootstrap: 40, seed: 5", "")
        let linear = try reports("weights: w, strata: stratum, cluster: psu", "")
        XCTAssertEqual(perAnalysis[0], wholeDesign[0])
        XCTAssertNotEqual(perAnalysis[0], linear[0])
        XCTAssertEqual(perAnalysis[1], linear[1])
    }

    /// An analysis's own `bootstrap` without a `seed` takes the seed written beside the design's
    /// bootstrap (a review found it silently took 1): the analysis's 40 replicates under the
    /// design's seed 9 are those of the design's own bootstrap of 40 with seed 9, not seed 1's.
    func testAnAnalysissBootstrapWithoutASeedTakesTheDesignsSeed() throws {
        let spec = directory.appendingPathComponent("s.yaml")
        func reports(_ design: String, _ analysis: String) throws -> String {
            try "data: d.csv\ndesign: {\(design)}\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: y\(analysis)}\n"
                .write(to: spec, atomically: true, encoding: .utf8)
            let run = try RunSpec.load(path: spec.path)
            let table = try CSVReader.read(path: run.data)
            return try run.analyses[0].run(table, try SurveyDesign(spec: run.design, table: table)).rendered(as: .csv)
        }
        let sampling = "weights: w, strata: stratum, cluster: psu"
        let inherited = try reports(sampling + ", bootstrap: 20, seed: 9", ", bootstrap: 40")
        XCTAssertEqual(inherited, try reports(sampling + ", bootstrap: 40, seed: 9", ""))
        XCTAssertEqual(inherited, try reports(sampling + ", bootstrap: 20, seed: 9", ", bootstrap: 40, seed: 9"))
        XCTAssertNotEqual(inherited, try reports(sampling, ", bootstrap: 40, seed: 1"))
        // Made bootstrap replicates' seed too; an analysis's own seed still wins.
        XCTAssertEqual(try reports(sampling + ", make-replicates: bootstrap, replicates: 20, seed: 9", ", bootstrap: 40"), inherited)
        XCTAssertEqual(try reports(sampling + ", bootstrap: 20, seed: 9", ", bootstrap: 40, seed: 1"), try reports(sampling, ", bootstrap: 40, seed: 1"))
    }

    func testInvalidSpecNumbersAreUsageErrors() throws {
        for (pair, fragment) in [("bootstrap: 1e30", "bootstrap '1e30'"), ("bootstrap: 9.3e18", "bootstrap '9.3e18'"),
                                 ("bootstrap: 50, seed: -1", "seed '-1'"), ("bootstrap: 50, seed: nan", "seed 'nan'"),
                                 ("bootstrap: 50, seed: 1e30", "seed '1e30'"), ("q: abc", "q 'abc'")] {
            let spec = directory.appendingPathComponent("s.yaml")
            // The bootstrap (the variance method) may be chosen per analysis or for the whole design.
            for (design, analysis) in [("weights: w", ", " + pair)] + (pair.hasPrefix("bootstrap") ? [(pair, "")] : []) {
                try "data: d.csv\ndesign: {\(design)}\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: y\(analysis)}\n"
                    .write(to: spec, atomically: true, encoding: .utf8)
                XCTAssertThrowsError(try RunSpec.load(path: spec.path), pair) { error in
                    XCTAssertEqual((error as? DisparityError)?.kind, .usage, pair)
                    XCTAssert("\(error)".contains(fragment), "\(error) lacks \(fragment)")
                }
            }
        }
        let cli = try CommandLine.run(["estimate", "mean", "y", "--data=\(directory.path)/d.csv", "--bootstrap", "50", "--seed", "-1"])
        XCTAssertEqual(cli.status, 2, cli.stderr)
    }

    /// `estimate index` items written "a, b" work under `run` as on the command line.
    func testIndexItemsWithSpacesInRunSpecs() throws {
        let spec = directory.appendingPathComponent("s.yaml")
        try "data: d.csv\nanalyses:\n  - {name: i, command: estimate, stat: index, variable: 'a, b', item-range: '1, 5'}\n"
            .write(to: spec, atomically: true, encoding: .utf8)
        let analysis = try XCTUnwrap(RunSpec.load(path: spec.path).analyses.first)
        let table = try CSVReader.read(path: directory.appendingPathComponent("d.csv").path)
        let design = try SurveyDesign(spec: DesignSpec(), table: table)
        guard case .object(let fields) = try analysis.run(table, design).json, case .array(let rows)? = fields.first(where: { $0.0 == "results" })?.1,
              case .object(let row)? = rows.first, case .number(let fromSpec)? = row.first(where: { $0.0 == "estimate" })?.1 else {
            return XCTFail("no estimate from the spec")
        }
        let request = try EstimateOptions.parse(["index", "a, b", "--item-range", "1, 5"]).request()
        let fromCommandLine = try DescriptiveEstimator(table: table, design: design).estimate(request)[0].estimate
        XCTAssertEqual(fromSpec, fromCommandLine)
    }

    private func loadError(spec text: String) -> String {
        let spec = directory.appendingPathComponent("s.yaml")
        do {
            try text.write(to: spec, atomically: true, encoding: .utf8)
            _ = try RunSpec.load(path: spec.path)
            return ""
        } catch { return "\(error)" }
    }

    /// The error (empty: none) of a configuration whose goal 5 holds `measure`, with the goal's
    /// other keys `goalKeys`.
    private func barometerError(measure: String, goalKeys: String = "label: T") -> String {
        let config = directory.appendingPathComponent("b.yaml")
        do {
            try """
            periods: {column: g, baseline: p, order: [p, q]}
            goals:
              - {id: '5', \(goalKeys), kind: direction, direction: higher, data: d.csv, measures: [\(measure)]}

            """.write(to: config, atomically: true, encoding: .utf8)
            _ = try BarometerConfig.load(path: config.path)
            return ""
        } catch { return "\(error)" }
    }
}
