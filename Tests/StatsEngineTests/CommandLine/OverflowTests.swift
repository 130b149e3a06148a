import Foundation
import XCTest

/// Sums beyond a double's range (values or weights near 1.8e308, squares of values beyond
/// 1e154): every command stops with one line naming the file, the column or the formula's term
/// and what overflowed (exit 1), never a missing estimate or standard error (or a standard error
/// of 0 beside a missing sd), nor a column called aliased. R stops on most of them too (`svyglm`:
/// "no valid set of coefficients"; `glm.fit`: "NA/NaN/Inf in 'x'").
final class OverflowTests: ScratchFolderTestCase {
    /// The message's end.
    private static let exceeds = "exceeds the largest double (1.8e308); rescale it"
    /// Two values of 1e308 in four rows: the weighted sum of y overflows.
    private static let big = "y,w,g,x\n1e308,1,a,1\n1e308,1,b,2\n3,1,a,3\n2,1,b,1\n"
    /// Values of ±1e200: sums finite, squares beyond a double.
    private static let wide = "y,w,g,x\n1e200,1,a,1\n-1e200,1,b,2\n3,1,a,3\n4,1,b,1\n"

    private func assertFails(_ csv: String, _ arguments: [String], _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        try assertCommandFails(in: directory, csv, arguments, mentions: fragments, file: file, line: line)
    }

    func testWeightsSummingBeyondADoubleAreRefused() throws {
        let heavy = "y,w,g,x\n1,1e308,a,1\n2,1e308,b,2\n3,1,a,3\n4,1,b,1\n"
        let refused = ["data.csv, column 'w': the weights sum beyond the largest double (1.8e308); rescale them"]
        for arguments in [["estimate", "mean", "y"], ["estimate", "sd", "y"], ["estimate", "proportion", "g"], ["regress", "y ~ x"],
                          ["gap", "y", "--group", "g", "--reference", "a"], ["table", "g", "x"]] {
            try assertFails(heavy, arguments + ["--weights", "w"], refused)
        }
        // Weights an fpc implies (N/n): two strata of 1e308.
        try assertFails("st,N,y\n1,1e308,1\n1,1e308,2\n2,1e308,3\n2,1e308,4\n", ["estimate", "mean", "y", "--strata", "st", "--fpc", "N"],
                        ["column 'N': the weights it implies (population over sample size) sum beyond the largest double (1.8e308)"])
    }

    func testEstimatesWhoseSumsOverflowAreRefused() throws {
        let weighted = ["--weights", "w"]
        let cases: [(String, [String], String)] = [
            (Self.big, ["mean", "y"], "its weighted sum"),
            (Self.big, ["total", "y"], "its weighted sum"),
            (Self.big, ["sd", "y"], "its weighted sum"),
            (Self.big, ["lower-mean", "y", "--q", "0.9"], "its weighted sum"),
            (Self.big, ["ratio", "y", "--denominator", "x"], "its ratio to 'x' (or the weighted sum of either)"),
            (Self.big, ["mean", "y", "--by", "g"], "a weighted sum in the variance of its mean estimate"),
            (Self.wide, ["mean", "y"], "a weighted sum in the variance of its mean estimate"),
            (Self.wide, ["total", "y"], "a weighted sum in the variance of its total estimate"),
            (Self.wide, ["sd", "y"], "its weighted sum of squared deviations from the mean"),
            (Self.wide, ["lower-mean", "y", "--q", "0.9"], "a weighted sum in the variance of its lower-mean estimate"),
            (Self.wide, ["ratio", "y", "--denominator", "x"], "a weighted sum in the variance of its ratio estimate"),
            (Self.wide, ["mean", "y", "--make-replicates", "jk1"], "a sum in the replicate variance of its mean estimate"),
        ]
        for (csv, arguments, what) in cases {
            try assertFails(csv, ["estimate"] + arguments + weighted, ["data.csv, column 'y': \(what) \(Self.exceeds)"])
        }
        // A median between ten values of −1.7e308 and ten of 1.7e308: Woodruff's interval spans both.
        let span = "y\n" + String(repeating: "-1.7e308\n", count: 10) + "1\n2\n" + String(repeating: "1.7e308\n", count: 10)
        try assertFails(span, ["estimate", "quantile", "y"], ["column 'y': the width of its Woodruff interval \(Self.exceeds)"])
    }

    /// Replicate estimates each finite whose spread, at a replicate scale of 1e300, is not.
    func testReplicateVariancesBeyondADoubleAreRefused() throws {
        let csv = "y,g,w,r1,r2,r3,r4\n1e6,a,1,0,1.33,1.33,1.33\n3e6,a,1,1.33,0,1.33,1.33\n2e6,b,1,1.33,1.33,0,1.33\n5e6,b,1,1.33,1.33,1.33,0\n"
        let design = ["--weights", "w", "--replicate-weights", "r*", "--replicate-type", "other", "--replicate-scale", "1e300"]
        try assertFails(csv, ["estimate", "sd", "y"] + design, ["column 'y': a sum in the replicate variance of its sd estimate \(Self.exceeds)"])
        try assertFails(csv, ["gap", "y", "--group", "g", "--reference", "a"] + design,
                        ["column 'y': a sum in the replicate variance of the focal estimate of group g=b \(Self.exceeds)"])
        try assertFails(csv, ["regress", "y ~ 1"] + design,
                        ["formula 'y ~ 1': a weighted sum in the variance of the coefficient of '(Intercept)' \(Self.exceeds)"])
    }

    func testRegressionsWhoseSumsOverflowAreRefused() throws {
        let weighted = ["--weights", "w"]
        // The response of a linear model, and a column (which the fit took as aliased).
        try assertFails(Self.big, ["regress", "y ~ x"] + weighted, ["data.csv: formula 'y ~ x': the weighted sum of squares of 'y' \(Self.exceeds)"])
        try assertFails(Self.big, ["regress", "x ~ y"] + weighted, ["formula 'x ~ y': the weighted sum of squares of 'y' \(Self.exceeds)"])
        try assertFails(Self.wide, ["regress", "y ~ 1"] + weighted, ["formula 'y ~ 1': the weighted sum of squares of 'y' \(Self.exceeds)"])
        try assertFails("z,y,w\n1,1e200,1\n0,-1e200,1\n1,3,1\n0,4,1\n", ["regress", "z ~ y", "--family", "binomial"] + weighted,
                        ["formula 'z ~ y': the weighted sum of squares of 'y' \(Self.exceeds)"])
        try assertFails("y,x,w\n1,1,1\n2,3,1\n3,2,1\n5,4,1\n", ["regress", "y ~ I(x * 1e200)"] + weighted,
                        ["the weighted sum of squares of 'I(x*1e+200)' \(Self.exceeds)"])
        // Columns and response of 1e100: X'WX and X'Wy are finite, the scores' squares are not
        // (R's svyglm, multiplying by the bread first, gives a variance of 8.3e199).
        try assertFails("y,x,w\n1e100,1e100,1\n-2e100,3e100,1\n3e100,-1e100,1\n5e99,2e100,1\n-1e100,-3e100,1\n", ["regress", "y ~ x"] + weighted,
                        ["formula 'y ~ x': a weighted sum in the variance of the coefficient of '(Intercept)' \(Self.exceeds)"])
    }

    func testGapsWhoseSumsOverflowAreRefused() throws {
        let gap = ["gap", "y", "--group", "g", "--reference", "a", "--weights", "w"]
        try assertFails("y,g,w\n1e308,a,1\n1e308,a,1\n3,b,1\n2,b,1\n", gap, ["column 'y': in group g=a, its weighted sum \(Self.exceeds)"])
        try assertFails(Self.big, gap, ["column 'y': a weighted sum in the variance of its mean in group g=b \(Self.exceeds)"])
        try assertFails(Self.wide, gap + ["--stat", "lower-mean", "--q", "0.9"],
                        ["column 'y': a weighted sum in the variance of its lower-mean in group g=b \(Self.exceeds)"])
        // The focal mean over a reference of 1e-200: a finite ratio whose delta-method variance is not.
        try assertFails("y,g,w\n1e-200,a,1\n1e-200,a,1\n1,b,1\n2,b,1\n", gap,
                        ["column 'y': a weighted sum in the variance of the ratio estimate of group g=b \(Self.exceeds)"])
        // Each group's mean finite (±1.7e308, no spread), their difference not.
        try assertFails("y,g,w\n1.7e308,a,0.5\n1.7e308,a,0.5\n-1.7e308,b,0.5\n-1.7e308,b,0.5\n", gap,
                        ["column 'y': the difference estimate of group g=b \(Self.exceeds)"])
    }
}
