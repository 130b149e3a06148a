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
