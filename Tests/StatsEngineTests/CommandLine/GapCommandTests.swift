import Foundation
import XCTest
@testable import StatsEngine

/// Bad `gap` input through the command line: each a one-line error naming the level, group or
/// value at fault.
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
}
