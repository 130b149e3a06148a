import Foundation
import XCTest
@testable import StatsEngine

/// Bad `gap` input through the command line: each a one-line error naming the level, group or
/// value at fault; a row that does not exist (a ratio over a reference of 0) is null and noted.
final class GapCommandTests: ScratchFolderTestCase {

    private let data = """
    origin,unemployed,lf
    danish,0,1
    danish,1,1
    danish,0,1
    turkish,1,1
    turkish,0,1
    polish,,1
    polish,,1

    """

    func testLevelsMustExist() throws {
        try assertCommandFails(in: directory, data, ["gap", "unemployed", "--group", "origin", "--reference", "dansk"],
                               mentions: ["'origin'", "reference level 'dansk'", "danish, polish, turkish"])
        try assertCommandFails(in: directory, data, ["gap", "unemployed", "--group", "origin", "--reference", "danish", "--focal", "somali"],
                               mentions: ["focal level 'somali'"])
    }

    /// A level spelled two ways (`1` and `1.0` are the level 1) is one group, refused as the
    /// focal and the reference alike, and so is one wave as both the baseline and the current.
    func testOneLevelSpelledTwoWaysIsRefused() throws {
        let numeric = "g,y,wave\n0,1,1\n0,2,2\n1,3,1\n1,5,2\n1,4,1\n0,2,2\n"
        try assertCommandFails(in: directory, numeric, ["gap", "y", "--group", "g", "--reference", "1", "--focal", "1.0"], code: 2,
                               mentions: ["--focal '1.0' and --reference '1' name the same level '1' of 'g'"])
        try assertCommandFails(in: directory, numeric, ["gap", "y", "--group", "g", "--reference", "0", "--focal", "1",
                                                        "--period", "wave", "--baseline", "1", "--current", "1.0"], code: 2,
                               mentions: ["--baseline '1' and --current '1.0' name the same wave '1' of 'wave'"])
    }

    /// A column in two roles is a usage error naming it (each failed as data, misleadingly: "the
    /// reference level does not occur", "group ... has no rows", "the base level has no rows").
    func testAColumnInTwoRolesIsRefused() throws {
        let numeric = "g,y,wave,x\n0,1,1,2\n0,2,2,3\n1,3,1,1\n1,5,2,4\n1,4,1,2\n0,2,2,5\n"
        for (arguments, message) in [
            (["gap", "y", "--group", "y", "--reference", "1"], "--group 'y' is the variable compared"),
            (["gap", "y", "--group", "g", "--reference", "0", "--period", "g", "--baseline", "0", "--current", "1"], "--period 'g' is the --group"),
            (["gap", "y", "--group", "g", "--reference", "0", "--period", "y", "--baseline", "1", "--current", "2"], "--period 'y' is the variable compared"),
            (["gap", "y", "--group", "g", "--reference", "0", "--adjust", "x + factor(g)"], "--adjust 'x + factor(g)' holds the --group column 'g'"),
        ] {
            try assertCommandFails(in: directory, numeric, arguments, code: 2, mentions: [message])
        }
    }

    /// A band target's JSON keeps both ends (its upper end was dropped: `{"operator": "within",
    /// "value": -1}`), as the barometer's does.
    func testABandTargetKeepsItsUpperEndInJSON() throws {
        let file = directory.appendingPathComponent("band.csv")
        try "g,y\n0,1\n0,2\n1,3\n1,5\n1,4\n0,2\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try CommandLine.run(["gap", "y", "--group", "g", "--reference", "0", "--target", "within -1..1", "--data", file.path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rows = root?["results"] as? [[String: Any]] ?? []
        let target = try XCTUnwrap(rows.compactMap { $0["target"] as? [String: Any] }.first, result.stdout)
        XCTAssertEqual(target["operator"] as? String, "within")
        XCTAssertEqual(target["value"] as? Double, -1)
        XCTAssertEqual(target["upper"] as? Double, 1)
    }

    func testGroupWithoutRows() throws {
        try assertCommandFails(in: directory, data, ["gap", "unemployed", "--group", "origin", "--reference", "danish", "--focal", "polish"],
                               mentions: ["group origin=polish has no rows with a value of 'unemployed'"])
    }

    func testMalformedTarget() throws {
        try assertCommandFails(in: directory, data, ["gap", "unemployed", "--group", "origin", "--reference", "danish", "--target", "at most 5.8"],
                               code: 2, mentions: ["--target", "at most 5.8"])
    }

    func testProportionNeedsZeroOne() throws {
        try assertCommandFails(in: directory, data.replacingOccurrences(of: "turkish,1,1", with: "turkish,2,1"),
                               ["gap", "unemployed", "--group", "origin", "--reference", "danish", "--stat", "proportion"],
                               mentions: ["data.csv:5", "0/1"])
        // A text variable is categories: the hint is --category, never --na for every level.
        try assertCommandFails(in: directory, data, ["gap", "origin", "--group", "unemployed", "--reference", "0", "--stat", "proportion"],
                               mentions: ["column 'origin': categorical (levels", "name it with --category"])
    }

    /// A reference group whose estimate is 0 leaves the ratio undefined: its row stays, with a
    /// null estimate, standard error and interval and a note saying why (it was dropped
    /// silently), and the other rows are as before; in CSV the fields are empty.
    func testARatioOverAReferenceOfZeroIsANotedNullRow() throws {
        let zero = "origin,unemployed,lf\ndanish,0,1\ndanish,0,1\ndanish,0,1\nturkish,1,1\nturkish,0,1\n"
        let data = directory.appendingPathComponent("zero.csv")
        try zero.write(to: data, atomically: true, encoding: .utf8)
        for statistic in ["proportion", "mean"] {
            let result = try CommandLine.run(["gap", "unemployed", "--group", "origin", "--reference", "danish", "--stat", statistic,
                                              "--data", data.path, "--format", "json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let rows = try XCTUnwrap(json["results"] as? [[String: Any]])
            XCTAssertEqual(rows.map { $0["component"] as? String }, ["focal", "reference", "difference", "ratio"])
            let ratio = try XCTUnwrap(rows.first { $0["component"] as? String == "ratio" }, "no ratio row")
            for key in ["estimate", "std_error", "conf_low", "conf_high", "df"] {
                XCTAssert(ratio[key] is NSNull, "\(statistic) ratio \(key): \(ratio[key] ?? "absent")")
            }
            XCTAssertEqual(ratio["note"] as? String,
                           "no ratio: the reference group's \(statistic) is 0 (group origin=danish), so the ratio is undefined")
            XCTAssertEqual(rows[2]["estimate"] as? Double ?? .nan, 0.5, accuracy: 1e-12)
            XCTAssert(rows[2]["note"] is NSNull)
        }
        let csv = try CommandLine.run(["gap", "unemployed", "--group", "origin", "--reference", "danish",
                                       "--data", data.path, "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let ratioLine = try XCTUnwrap(csv.stdout.split(separator: "\n").first { $0.contains(",ratio,") })
        XCTAssert(ratioLine.contains(",ratio,,,,,,5,"), String(ratioLine))
        XCTAssert(ratioLine.hasSuffix("ratio is undefined\""), String(ratioLine))
    }
}
