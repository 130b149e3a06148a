import Foundation
import XCTest
@testable import StatsEngine

/// Bad calibration requests: one-line errors that name the file, line, variable, level or
/// option, a non-zero exit and no output file.
final class CalibrationErrorTests: ScratchFolderTestCase {
    static let csv = "y,w,psu,sex,age,inc\n1,10,1,F,a,5\n2,12,1,M,b,6\n3,9,2,F,a,7\n4,11,2,M,b,4\n5,10,3,F,b,6\n6,8,3,M,a,5\n7,10,4,F,a,8\n8,12,4,M,b,3\n"
    static let totals = "variable,level,total\n(Intercept),,100\nsex,F,50\nsex,M,50\ninc,,560\n"

    /// Writes `text` as totals.csv and returns its path.
    private func totals(_ text: String) throws -> String {
        let url = directory.appendingPathComponent("totals.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func fails(_ totalsText: String, _ options: [String], code: Int32 = 1, mentions: [String], csv: String = csv,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try totals(totalsText)
        try assertCommandFails(in: directory, csv, ["estimate", "mean", "y", "--weights", "w", "--cluster", "psu", "--totals", path] + options,
                               code: code, mentions: mentions, file: file, line: line)
    }

    /// A linear calibration that leaves weights below 0 (a total far outside the sample's
    /// range): a regression refuses them, naming the first row, as R's glm does ("negative
    /// weights not allowed"), where its least-squares paths would drop such a row silently.
    func testRegressionRefusesNegativeCalibratedWeights() throws {
        let path = try totals("variable,level,total\n(Intercept),,100\ninc,,1000\n")
        try assertCommandFails(in: directory, Self.csv, ["regress", "y ~ inc", "--weights", "w", "--cluster", "psu", "--calibrate", "~ inc",
                                                         "--totals", path],
                               code: 1, mentions: [":5:", "calibrated weight -23.957", "is negative, as are 1 more", "--bounds"])
    }

    func testTotalsLevelAbsentFromTheData() throws {
        try fails(Self.totals + "sex,X,0\n", ["--calibrate", "~ sex + inc"], mentions: ["totals.csv:6", "level 'X' of 'sex'", "does not occur"])
    }

    func testDataLevelAbsentFromTheTotals() throws {
        try fails("variable,level,total\n(Intercept),,100\nsex,F,50\ninc,,560\n", ["--calibrate", "~ sex + inc"], mentions: ["totals.csv", "level 'M' of 'sex'"])
    }

    func testMissingIntercept() throws {
        try fails("variable,level,total\nsex,F,50\nsex,M,50\n", ["--calibrate", "~ sex"], mentions: ["totals.csv", "(Intercept)"])
    }

    func testTotalsVariableNotInTheFormula() throws {
        try fails(Self.totals + "age,a,40\nage,b,60\n", ["--calibrate", "~ sex + inc"], mentions: ["totals.csv:6", "'age'", "not a variable"])
    }

    func testLevelsThatDoNotSumToThePopulation() throws {
        try fails("variable,level,total\n(Intercept),,100\nsex,F,50\nsex,M,40\n", ["--calibrate", "~ sex"], mentions: ["'sex'", "sum to 90", "100"])
        try fails("variable,level,total\nsex,F,50\nsex,M,50\nage,a,30\nage,b,60\n", ["--rake", "sex,age"], mentions: ["'age'", "sum to 90", "100"])
    }

    func testMoreConstraintsThanPSUs() throws {
        try fails("variable,level,total\nage,a,40\nage,b,60\n(Intercept),,100\nsex,F,50\nsex,M,50\ninc,,560\ny,,400\n",
                  ["--calibrate", "~ sex + age + inc + y"], mentions: ["5 calibration constraints", "4 PSUs"])
    }

    /// A total that is not a finite number is named at its line, also where Swift's `Double`
    /// would read it ("nan", "inf", "1e400").
    func testNonNumericTotal() throws {
        for text in ["fifty", "nan", "NaN", "inf", "-inf", "1e400", "0x10"] {
            try fails("variable,level,total\n(Intercept),,100\nsex,F,\(text)\nsex,M,50\n", ["--calibrate", "~ sex"],
                      mentions: ["totals.csv:3", "'total'", "'\(text)' is not a finite number"])
        }
    }

    func testMissingCalibrationValue() throws {
        try fails(Self.totals, ["--calibrate", "~ sex + inc"], mentions: ["data.csv:4", "'inc'", "calibration variable"],
                  csv: Self.csv.replacingOccurrences(of: "3,9,2,F,a,7", with: "3,9,2,F,a,"))
    }

    func testOptionsWithoutTheirPartner() throws {
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--totals", try totals(Self.totals)], code: 2, mentions: ["--totals needs --calibrate"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--calibrate", "~ sex"], code: 2, mentions: ["--calibrate needs --totals"])
        try assertCommandFails(in: directory, Self.csv, ["estimate", "mean", "y", "--bounds", "0.5,2"], code: 2, mentions: ["--bounds needs --calibrate"])
        try fails(Self.totals, ["--poststratify", "sex", "--calfun", "raking"], code: 2, mentions: ["--poststratify takes no --calfun"])
        try fails(Self.totals, ["--poststratify", "sex", "--rake", "sex"], code: 2, mentions: ["cannot be combined"])
        try fails(Self.totals, ["--rake", "sex", "--calfun", "logit"], code: 2, mentions: ["--rake rakes"])
    }

    func testMalformedBounds() throws {
        try fails(Self.totals, ["--calibrate", "~ sex + inc", "--bounds", "0.5"], code: 2, mentions: ["--bounds takes two numbers", "'0.5'"])
        try fails(Self.totals, ["--calibrate", "~ sex + inc", "--bounds", "1.2,2"], code: 2, mentions: ["LO < 1 < HI"])
        try fails(Self.totals, ["--calibrate", "~ sex + inc", "--bounds", "0.5,x"], code: 2, mentions: ["--bounds takes two numbers"])
    }

    func testLogitNeedsBounds() throws {
        try fails(Self.totals, ["--calibrate", "~ sex + inc", "--calfun", "logit"], code: 2, mentions: ["logit needs --bounds"])
    }

    func testInfeasibleBounds() throws {
        // The sample's weights total 82 for 100 in the population: g ≤ 1.1 cannot reach it.
        try fails(Self.totals, ["--calibrate", "~ sex + inc", "--bounds", "0.9,1.1"], mentions: ["bounds 0.9,1.1 are infeasible", "(Intercept)"])
    }

    func testNonConvergenceNamesTheFunctionAndConstraint() throws {
        // Raking keeps weights positive: a negative total cannot be reached.
        try fails("variable,level,total\ninc,,-5\n", ["--calibrate", "~ inc - 1", "--calfun", "raking"], mentions: ["raking calibration did not converge", "iteration", "inc"])
    }

    func testOneSidedFormulaRequired() throws {
        try fails(Self.totals, ["--calibrate", "y ~ sex + inc"], code: 2, mentions: ["one-sided formula starts with '~'"])
        try fails(Self.totals, ["--calibrate", "~ sex:inc"], code: 2, mentions: ["interaction terms"])
    }
}
