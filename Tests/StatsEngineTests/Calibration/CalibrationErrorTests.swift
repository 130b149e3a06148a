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

    /// A linear calibration whose full-sample weights stay ≥ 0 but whose calibrated bootstrap
    /// replicate 4 has a negative weight: the regression's replicate refits refuse it too
    /// (before, a fit on these weights dropped the row silently).
    func testRegressionRefusesNegativeCalibratedReplicateWeights() throws {
        let csv =
            "y,w,psu,st,inc\n" +
            "5.095,1,0,0,3.700\n" +
            "6.250,1,0,0,6.039\n" +
            "4.741,1,0,0,0.132\n" +
            "4.738,1,0,0,8.375\n" +
            "4.957,1,1,0,9.956\n" +
            "5.729,1,1,0,4.703\n" +
            "5.588,1,1,0,6.391\n" +
            "4.026,1,1,0,1.506\n" +
            "3.668,1,2,0,5.232\n" +
            "3.491,1,2,0,7.413\n" +
            "4.828,1,2,0,7.582\n" +
            "4.680,1,2,0,5.911\n" +
            "4.921,1,3,0,8.655\n" +
            "5.238,1,3,0,4.727\n" +
            "4.600,1,3,0,7.141\n" +
            "2.985,1,3,0,9.211\n" +
            "3.581,1,4,0,4.446\n" +
            "6.102,1,4,0,9.356\n" +
            "5.328,1,4,0,1.360\n" +
            "4.688,1,4,0,2.170\n" +
            "6.045,1,5,1,6.266\n" +
            "4.770,1,5,1,3.010\n" +
            "4.014,1,5,1,3.509\n" +
            "4.955,1,5,1,5.851\n" +
            "3.131,1,6,1,6.820\n" +
            "3.906,1,6,1,9.289\n" +
            "6.902,1,6,1,6.713\n" +
            "2.592,1,6,1,1.631\n" +
            "6.656,1,7,1,9.047\n" +
            "3.015,1,7,1,5.691\n" +
            "4.845,1,7,1,8.316\n" +
            "4.329,1,7,1,5.735\n" +
            "4.921,1,8,1,8.539\n" +
            "5.353,1,8,1,9.898\n" +
            "6.525,1,8,1,4.105\n" +
            "5.948,1,8,1,1.508\n" +
            "4.534,1,9,1,8.728\n" +
            "6.647,1,9,1,0.442\n" +
            "4.772,1,9,1,7.184\n" +
            "4.800,1,9,1,3.310\n"

        let path = try totals("variable,level,total\n(Intercept),,40\ninc,,275\n")
        try assertCommandFails(in: directory, csv, ["regress", "y ~ inc", "--weights", "w", "--cluster", "psu", "--strata", "st",
                                                    "--make-replicates", "bootstrap", "--replicates", "20", "--seed", "2",
                                                    "--calibrate", "~ inc", "--totals", path],
                               code: 1, mentions: [":4:", "replicate 4's calibrated weight -0.118", "is negative", "--bounds"])
    }

    /// A total near the largest double: the error says the weighted sums overflow, where it
    /// said the constraint was off its total "by nan".
    func testATotalBeyondADoubleIsNamedAsSuch() throws {
        try fails("variable,level,total\n(Intercept),,100\ninc,,1e308\n", ["--calibrate", "~ inc"],
                  mentions: ["its weighted sums exceed the largest double"])
    }

    func testTotalsLevelAbsentFromTheData() throws {
        try fails(Self.totals + "sex,X,0\n", ["--calibrate", "~ sex + inc"], mentions: ["totals.csv:6", "level 'X' of 'sex'", "does not occur"])
    }

    /// A level of the sample whose population count is 0 would take its rows' weights to 0
    /// without a word (post-stratification, raking) or below 0 (linear): R's postStratify
    /// refuses it ("Strata in sample absent from population"), and so does every calibration.
    func testDataLevelOfPopulationZero() throws {
        let totals = "variable,level,total\n(Intercept),,100\nsex,F,100\nsex,M,0\ninc,,560\n"
        for options in [["--calibrate", "~ sex"], ["--poststratify", "sex"], ["--rake", "sex"]] {
            try fails(totals.replacingOccurrences(of: "inc,,560\n", with: ""), options,
                      mentions: ["totals.csv:4", "level 'M' of 'sex' has a population count of 0 but rows in the data"])
        }
        try fails(totals, ["--calibrate", "~ sex + inc"], mentions: ["totals.csv:4", "level 'M' of 'sex'"])
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
        // Raking's and a post-stratification's `(Intercept)`, when given, is the size the levels must sum to.
        try fails("variable,level,total\n(Intercept),,100\nsex,F,50\nsex,M,40\nage,a,30\nage,b,60\n", ["--rake", "sex,age"],
                  mentions: ["'sex'", "sum to 90", "100", "'(Intercept)'"])
        try fails("variable,level,total\n(Intercept),,80\nsex,F,50\nsex,M,40\n", ["--poststratify", "sex"],
                  mentions: ["'sex'", "sum to 90", "80", "'(Intercept)'"])
    }

    /// `--data -` and `--totals -` would both read standard input: refused before reading
    /// (the second read found it empty: "<stdin>: the file is empty").
    func testTotalsAndDataFromStandardInputAreRefused() throws {
        let result = try CommandLine.run(["estimate", "mean", "y", "--data", "-", "--weights", "w", "--poststratify", "sex", "--totals", "-"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stderr, "disparity: --data - and --totals - would both read standard input, which can be read once: name a file for one\n")
    }

    /// A totals file in UTF-16 (with a byte-order mark, or without: iconv's utf-16le) is read
    /// as such; the reader's advice, "pass --encoding utf-16", would have read the data so too.
    func testAUTF16TotalsFileIsRead() throws {
        let utf8 = try totals(Self.totals)
        func run(_ path: String) throws -> String {
            let data = directory.appendingPathComponent("data.csv")
            try Self.csv.write(to: data, atomically: true, encoding: .utf8)
            let result = try CommandLine.run(["estimate", "mean", "y", "--data", data.path, "--weights", "w", "--cluster", "psu",
                                              "--calibrate", "~ sex + inc", "--totals", path, "--format", "csv"])
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout
        }
        let expected = try run(utf8)
        let littleEndian: [UInt8] = Self.totals.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let files: [(String, [UInt8])] = [("bom.csv", [0xFF, 0xFE] + littleEndian), ("le.csv", littleEndian)]
        for (name, bytes) in files {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            XCTAssertEqual(try run(url.path), expected, name)
        }
    }

    /// An `(Intercept)` that no constraint and no factor reads: named, not ignored.
    func testAnInterceptTheModelDoesNotTake() throws {
        try fails("variable,level,total\n(Intercept),,100\ninc,,560\n", ["--calibrate", "~ inc - 1"],
                  mentions: ["totals.csv:2", "'(Intercept)'", "has no intercept"])
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

    /// A population count below 0 (a level's or the population size) is named at its line; a
    /// negative total of a numeric variable is a total like any other.
    func testNegativePopulationCount() throws {
        try fails("variable,level,total\nsex,F,150\nsex,M,-50\n", ["--poststratify", "sex"],
                  mentions: ["totals.csv:3", "'total'", "the population count -50 is negative"])
        try fails("variable,level,total\n(Intercept),,-100\nsex,F,50\nsex,M,50\n", ["--calibrate", "~ sex"],
                  mentions: ["totals.csv:2", "'total'", "the population count -100 is negative"])
        XCTAssertEqual(try PopulationTotals(path: totals("variable,level,total\ninc,,-560\n")).entries.first?.total, -560)
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
