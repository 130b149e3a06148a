import Foundation
import XCTest
@testable import StatsEngine

/// Targets and their verdicts, and bad `gap` input through the command line.
final class GapTests: XCTestCase {
    func testTargetParsingAndVerdicts() throws {
        let t = try Target(parsing: "<= 5.8")
        XCTAssertEqual(t, Target(comparison: .atMost, value: 5.8))
        XCTAssertEqual(try Target(parsing: ">=0").comparison, .atLeast)
        XCTAssertEqual(try Target(parsing: " < -1.5 ").value, -1.5)
        XCTAssertEqual(t.verdict(low: 3, high: 5.8), .met)
        XCTAssertEqual(t.verdict(low: 5.9, high: 8), .notMet)
        XCTAssertEqual(t.verdict(low: 4, high: 7), .inconclusive)
        XCTAssertEqual(try Target(parsing: "> 0").verdict(low: -1, high: 2), .inconclusive)
        for bad in ["5.8", "=< 5.8", "<= five", "", "<="] {
            XCTAssertThrowsError(try Target(parsing: bad), bad) { XCTAssert("\($0)".contains("--target")) }
        }
    }

    /// The one-sided p-value that the target is met: normal tail of (estimate − target)/SE.
    func testTargetPValue() throws {
        let t = try Target(parsing: "<= 5.8")
        XCTAssertEqual(t.pValue(estimate: 5.8, standardError: 1, df: nil)!, 0.5, accuracy: 1e-15)
        XCTAssertEqual(t.pValue(estimate: 5.8 - 1.959963984540054, standardError: 1, df: nil)!, 0.025, accuracy: 1e-12)
        XCTAssertEqual(try Target(parsing: ">= 0").pValue(estimate: 1.959963984540054, standardError: 1, df: nil)!, 0.025, accuracy: 1e-12)
    }

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("disparity-gap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

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
    }
}
