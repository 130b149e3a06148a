import Foundation
import XCTest

/// Bad input through the real command line: each case must fail with one line on standard
/// error that names the place at fault, a non-zero exit, and no output file.
final class CommandLineErrorTests: ScratchFolderTestCase {

    private let good = """
    stratum,psu,w,y,g
    1,1,2,10,a
    1,1,2,11,b
    1,2,3,12,a
    2,3,1,13,b
    2,4,2,,a
    2,4,2,15,b

    """

    private func assertFails(_ csv: String, _ arguments: [String], code: Int32 = 1, mentions fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) throws {
        try assertCommandFails(in: directory, csv, arguments, code: code, mentions: fragments, file: file, line: line)
    }

    private let mean = ["estimate", "mean", "y", "--weights", "w", "--strata", "stratum", "--cluster", "psu"]

    func testGoodInputSucceeds() throws {
        let data = directory.appendingPathComponent("data.csv")
        try good.write(to: data, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.json")
        let result = try CommandLine.run(mean + ["--data", data.path, "--output", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
        XCTAssertEqual(json?["command"] as? String, "estimate")
    }

    /// Two outputs of one command that are one file (`--output` and `--save-replicates` or its
    /// `.options` note, by any spelling of the path) are refused before anything is written.
    func testTwoOutputsNamingOneFileAreRefused() throws {
        let data = directory.appendingPathComponent("data.csv")
        try good.write(to: data, atomically: true, encoding: .utf8)
        let saved = directory.appendingPathComponent("r.csv").path
        for output in [saved, directory.path + "/./r.csv.options"] {
            let result = try CommandLine.run(mean + ["--data", data.path, "--make-replicates", "jkn", "--save-replicates", saved,
                                                     "--output", output, "--format", "csv"])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssert(result.stderr.contains("--output and --save-replicates name the same file"), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: saved), "nothing written")
        }
        // Through a link to a file not yet made, too; and a device cannot take FILE and FILE.options.
        let link = directory.appendingPathComponent("link.csv").path
        XCTAssertEqual(symlink("r.csv", link), 0)
        for (save, output, message) in [(saved, link, "--output and --save-replicates name the same file"),
                                        ("/dev/stdout", directory.appendingPathComponent("o.csv").path, "--save-replicates /dev/stdout: it writes two files")] {
            let result = try CommandLine.run(mean + ["--data", data.path, "--make-replicates", "jkn", "--save-replicates", save, "--output", output])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssert(result.stderr.contains(message), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: saved), "nothing written")
        }
    }

    func testRaggedRow() throws {
        try assertFails(good + "3,5,1\n", mean, mentions: ["data.csv:8", "3 fields"])
    }

    func testUnterminatedQuote() throws {
        try assertFails(good + "3,5,1,\"7,a\n", mean, mentions: ["data.csv:8", "unterminated"])
    }

    func testNonNumericWeight() throws {
        try assertFails(good.replacingOccurrences(of: "1,2,3,12", with: "1,2,heavy,12"), mean, mentions: ["data.csv:4", "'w'", "heavy"])
    }

    func testNegativeWeight() throws {
        try assertFails(good.replacingOccurrences(of: "1,2,3,12", with: "1,2,-3,12"), mean, mentions: ["data.csv:4", "'w'", "negative"])
    }

    /// A number beyond a double's range is named as such, in the data and in a subset.
    func testNumberBeyondTheRangeOfADouble() throws {
        try assertFails(good.replacingOccurrences(of: "1,2,3,12", with: "1,2,3,1e400"), mean,
                        mentions: ["data.csv:4", "'y'", "'1e400' is a number beyond the range of a double (±1.8e308)"])
        try assertFails(good, mean + ["--subset", "y < -1e400"], code: 2,
                        mentions: ["subset 'y < -1e400': '<' compares numbers, and '-1e400' is beyond the range of a double"])
    }

    func testMissingWeightStratumAndCluster() throws {
        try assertFails(good.replacingOccurrences(of: "1,2,3,12", with: "1,2,,12"), mean, mentions: ["data.csv:4", "'w'", "missing weight"])
        try assertFails(good.replacingOccurrences(of: "1,2,3,12", with: ",2,3,12"), mean, mentions: ["data.csv:4", "'stratum'", "missing"])
        try assertFails(good.replacingOccurrences(of: "1,2,3,12", with: "1,NA,3,12"), mean, mentions: ["data.csv:4", "'psu'", "missing"])
    }

    func testUnknownColumn() throws {
        try assertFails(good, ["estimate", "mean", "income", "--weights", "w"], mentions: ["'income'", "no such column"])
    }

    func testEmptyAndHeaderOnlyFiles() throws {
        try assertFails("", mean, mentions: ["data.csv", "empty"])
        try assertFails("stratum,psu,w,y,g\n", mean, mentions: ["data.csv", "no data rows"])
    }

    func testSinglePSUStratumUnderFail() throws {
        try assertFails(good + "3,5,1,7,a\n", mean, mentions: ["stratum '3'", "only one PSU"])
    }

    func testNoRowsWithAValueAtAll() throws {
        try assertFails("stratum,psu,w,y,g\n1,1,1,,a\n1,2,1,,b\n", mean, mentions: ["the data", "no rows with a value of 'y'"])
    }

    func testQuantileProbabilityOutsideUnitInterval() throws {
        try assertFails(good, ["estimate", "quantile", "y", "--q", "1.5"], code: 2, mentions: ["--q"])
        try assertFails(good, ["estimate", "lower-mean", "y", "--q", "0"], code: 2, mentions: ["--q"])
        try assertFails(good, ["estimate", "quantile", "y", "--q", "-0.1"], code: 2, mentions: ["--q must lie strictly between 0 and 1 (got -0.1)"])
    }

    /// A confidence level whose intervals would have no finite critical value (a level so near 1
    /// that 1 − (1 − level)/2 rounds to 1, or a t on a tiny `--df`) gave every interval null
    /// with no word why; it is refused as `--level` outside (0, 1) is, by every command, a run
    /// spec's `level` and a barometer configuration's, before any data are read.
    func testALevelWithoutAFiniteCriticalValueIsAUsageError() throws {
        let nearOne = "0.9999999999999999"
        let tooClose = "--level \(nearOne) is too close to 1"
        for command in [mean, ["regress", "y ~ g"], ["gap", "y", "--group", "g", "--reference", "a"], ["table", "g", "stratum"],
                        ["representation", "g", "--focal", "a", "--census", "--benchmark", directory.appendingPathComponent("data.csv").path]] {
            try assertFails(good, command + ["--level", nearOne], code: 2, mentions: [tooClose])
        }
        try assertFails(good, ["representation", "g", "--focal", "a", "--census", "--benchmark", directory.appendingPathComponent("data.csv").path,
                               "--level", "1.5"], code: 2, mentions: ["--level must lie strictly between 0 and 1 (got 1.5)"])
        try assertFails(good, mean + ["--df", "0.001"], code: 2, mentions: ["--level 0.95 with --df 0.001", "not finite"])
        try assertFails(good, ["gap", "y", "--group", "g", "--reference", "a", "--df", "0.001"], code: 2, mentions: ["--level 0.95 with --df 0.001"])
        // The largest level that has a critical value still gives intervals.
        let data = directory.appendingPathComponent("data.csv")
        let largest = try CommandLine.run(mean + ["--level", "0.9999999999999998", "--data", data.path, "--format", "csv"])
        XCTAssertEqual(largest.status, 0, largest.stderr)
        XCTAssertFalse(largest.stdout.contains(",,,"), largest.stdout)
        // The same check for a run spec's and a barometer configuration's `level`.
        let spec = directory.appendingPathComponent("spec.yaml")
        try "data: data.csv\ndesign: {weights: w}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y, level: \(nearOne)}\n"
            .write(to: spec, atomically: true, encoding: .utf8)
        let run = try CommandLine.run(["run", spec.path, "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssert(run.stderr.contains("spec.yaml:4: analysis 'a': \(tooClose)"), run.stderr)
        let config = directory.appendingPathComponent("barometer.yaml")
        try "level: \(nearOne)\nperiods: {column: period, baseline: \"2010\", order: [\"2010\"]}\ngoals: []\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let barometer = try CommandLine.run(["barometer", config.path])
        XCTAssertEqual(barometer.status, 2, barometer.stderr)
        XCTAssert(barometer.stderr.contains("barometer.yaml:1: level: \(nearOne) is too close to 1"), barometer.stderr)
    }

    func testUnknownStatisticIsAUsageError() throws {
        try assertFails(good, ["estimate", "median", "y"], code: 2, mentions: ["unknown statistic 'median'"])
    }
}
