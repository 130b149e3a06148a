import Foundation
import XCTest
@testable import StatsEngine

/// Sums beyond a double's range (values or weights near 1.8e308, squares of values beyond
/// 1e154): every command stops with one line naming the file, the column or the formula's term
/// and what overflowed (exit 1), never a missing estimate or standard error (or a standard error
/// of 0 beside a missing sd), nor a column called aliased. R stops on most of them too (`svyglm`:
/// "no valid set of coefficients"; `glm.fit`: "NA/NaN/Inf in 'x'"). Squares beyond a double whose
/// variance, or at least its root, is finite are taken in scaled units and give that.
final class OverflowTests: ScratchFolderTestCase {
    /// The message's end.
    private static let exceeds = "exceeds the largest double (1.8e308); rescale it"
    /// Two values of 1e308 in four rows: the weighted sum of y overflows.
    private static let big = "y,w,g,x\n1e308,1,a,1\n1e308,1,b,2\n3,1,a,3\n2,1,b,1\n"
    /// Values of ±1e200: sums finite, squares beyond a double.
    private static let wide = "y,w,g,x\n1e200,1,a,1\n-1e200,1,b,2\n3,1,a,3\n4,1,b,1\n"
    /// Values of ±1.5e308: a total's standard error (2.4e308) beyond a double.
    private static let huge = "y,w,g,x\n1.5e308,1,a,1\n-1.5e308,1,b,2\n3,1,a,3\n4,1,b,1\n"

    private func assertFails(_ csv: String, _ arguments: [String], _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        try assertCommandFails(in: directory, csv, arguments, mentions: fragments, file: file, line: line)
    }

    /// An interval whose ends lie beyond a double (a t on 0.01 df times a standard error near
    /// 1e190) has no ends, as before, and a note saying why (it was a blank, note null); the same
    /// values on the design's df keep theirs.
    func testAnIntervalBeyondADoubleIsNoted() throws {
        let file = directory.appendingPathComponent("hv.csv")
        try "y\n1e190\n5e190\n2e190\n3e190\n1e189\n".write(to: file, atomically: true, encoding: .utf8)
        func row(_ df: String) throws -> [String: Any] {
            let result = try CommandLine.run(["estimate", "mean", "y", "--data", file.path, "--df", df, "--format", "json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return try XCTUnwrap((root?["results"] as? [[String: Any]])?.first, result.stdout)
        }
        let tiny = try row("0.01")
        XCTAssert(tiny["conf_low"] is NSNull && tiny["conf_high"] is NSNull, "\(tiny)")
        XCTAssertEqual(tiny["note"] as? String,
                       "no interval: its ends lie beyond the largest double (1.8e308), the critical value on 0.01 df times the standard error")
        let design = try row("design")
        XCTAssert(design["conf_low"] is Double && design["note"] is NSNull, "\(design)")
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

    /// The results of `arguments` on `csv` (JSON rows).
    private func results(_ csv: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let data = directory.appendingPathComponent("data.csv")
        try csv.write(to: data, atomically: true, encoding: .utf8)
        let result = try CommandLine.run(arguments + ["--data", data.path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try XCTUnwrap(json?["results"] as? [[String: Any]], result.stdout, file: file, line: line)
    }

    /// Values near 1e200 (scores beyond 1e154) square beyond a double, but their variance is
    /// taken in units of a power of two: the standard error and interval of a mean, total,
    /// ratio, domain mean or regression coefficient are finite and exact, whether the variance
    /// itself is beyond a double (8.5e199² for the mean) or not (a coefficient's 8.3e199), by
    /// linearization and by replicates. Closed forms in exact rational arithmetic (Python's
    /// fractions): the mean's n/(n − 1)·Σ((yᵢ − ȳ)/n)², the total's n/(n − 1)·Σ(yᵢ − ȳ)², R svyglm's
    /// n/(n − 1)·Σ zᵢzᵢ' of the scores times (X'X)⁻¹ (R: a variance of 8.3027102647321219e+199).
    func testScoresBeyond1e154GiveTheirFiniteVariance() throws {
        let csv = "y,w,g,x\n1e200,1,a,1\n3e200,1,a,2\n2e200,1,b,3\n5e200,1,b,1\n"
        for (arguments, se) in [(["mean", "y"], 8.5391256382996658073e199), (["total", "y"], 3.4156502553198663229e200),
                                (["mean", "y", "--make-replicates", "jk1"], 8.5391256382996658073e199)] {
            let row = try XCTUnwrap(try results(csv, ["estimate"] + arguments).first)
            let estimate = try XCTUnwrap(row["estimate"] as? Double)
            assertClose(row["std_error"] as? Double, se, rel: 1e-14, "\(arguments) standard error")
            assertClose(row["conf_low"] as? Double, estimate - 1.959963984540054 * se, rel: 1e-14, "\(arguments) interval")
            assertClose(row["conf_high"] as? Double, estimate + 1.959963984540054 * se, rel: 1e-14, "\(arguments) interval")
        }
        for row in try results(csv, ["estimate", "mean", "y", "--by", "g"]) + (try results(csv, ["estimate", "ratio", "y", "--denominator", "x"])) {
            XCTAssert((row["std_error"] as? Double).map { $0 > 1e199 && $0.isFinite } == true, "\(row)")
        }
        // The design effect is the same for values 1e100 times smaller (no overflow), the
        // standard error 1e100 times smaller, on two stages as on one.
        let weighted = "y,w,s,p,u,N,M\n1e200,1,1,1,1,10,5\n3e200,2,1,1,2,10,5\n2e200,3,1,2,3,10,5\n5e200,4,1,2,4,10,5\n7e200,1,2,3,5,10,5\n4e200,2,2,3,6,10,5\n6e200,3,2,4,7,10,5\n9e200,4,2,4,8,10,5\n"
        let small = weighted.replacingOccurrences(of: "e200", with: "e100")
        for (statistic, design) in [("mean", []), ("total", []), ("mean", ["--strata", "s", "--cluster", "p,u", "--fpc", "N,M"])] {
            let arguments = ["estimate", statistic, "y", "--weights", "w"] + design
            let (big, reference) = (try XCTUnwrap(try results(weighted, arguments).first), try XCTUnwrap(try results(small, arguments).first))
            assertClose(big["deff"] as? Double, try XCTUnwrap(reference["deff"] as? Double), rel: 1e-13, "\(statistic) deff")
            assertClose(big["std_error"] as? Double, try XCTUnwrap(reference["std_error"] as? Double) * 1e100, rel: 1e-13, "\(statistic) SE")
        }
        // Replicate estimates of 1e6 at a scale of 1e300: a variance of 9.7e311, its root finite.
        let replicates = "y,g,w,r1,r2,r3,r4\n1e6,a,1,0,1.33,1.33,1.33\n3e6,a,1,1.33,0,1.33,1.33\n2e6,b,1,1.33,1.33,0,1.33\n5e6,b,1,1.33,1.33,1.33,0\n"
        let design = ["--weights", "w", "--replicate-weights", "r*", "--replicate-type", "other", "--replicate-scale", "1e300"]
        assertClose(try results(replicates, ["estimate", "mean", "y"] + design).first?["std_error"] as? Double, 9.8601329718326934043e155,
                    rel: 1e-14, "replicate mean")
        XCTAssert(try results(replicates, ["gap", "y", "--group", "g", "--reference", "a"] + design)
            .allSatisfy { ($0["std_error"] as? Double)?.isFinite == true })
        // Scores of 1e200 (columns and response of 1e100), whose squares overflow.
        let model = "y,x,w\n1e100,1e100,1\n-2e100,3e100,1\n3e100,-1e100,1\n5e99,2e100,1\n-1e100,-3e100,1\n"
        let coefficients = try results(model, ["regress", "y ~ x", "--weights", "w"])
        assertClose(coefficients.first?["std_error"] as? Double, 9.1119209087503177960e99, rel: 1e-14, "(Intercept)")
        assertClose(coefficients.last?["std_error"] as? Double, 0.42834851732900294096, rel: 1e-14, "x")
    }

    func testEstimatesWhoseSumsOverflowAreRefused() throws {
        let weighted = ["--weights", "w"]
        let cases: [(String, [String], String)] = [
            (Self.big, ["mean", "y"], "its weighted sum"),
            (Self.big, ["total", "y"], "its weighted sum"),
            (Self.big, ["sd", "y"], "its weighted sum"),
            (Self.big, ["lower-mean", "y", "--q", "0.9"], "its weighted sum"),
            (Self.big, ["ratio", "y", "--denominator", "x"], "its ratio to 'x' (or the weighted sum of either)"),
            ("y,w,g\n1.5e308,1,a\n-1.5e308,1,a\n3,1,b\n2,1,b\n", ["total", "y", "--by", "g"], "a weighted sum in the variance of its total estimate"),
            (Self.huge, ["total", "y"], "a weighted sum in the variance of its total estimate"),
            (Self.wide, ["sd", "y"], "its weighted sum of squared deviations from the mean"),
            (Self.huge, ["lower-mean", "y", "--q", "0.9"], "a weighted sum in the variance of its lower-mean estimate"),
        ]
        for (csv, arguments, what) in cases {
            try assertFails(csv, ["estimate"] + arguments + weighted, ["data.csv, column 'y': \(what) \(Self.exceeds)"])
        }
        // A median between ten values of −1.7e308 and ten of 1.7e308: Woodruff's interval spans both.
        let span = "y\n" + String(repeating: "-1.7e308\n", count: 10) + "1\n2\n" + String(repeating: "1.7e308\n", count: 10)
        try assertFails(span, ["estimate", "quantile", "y"], ["column 'y': the width of its Woodruff interval \(Self.exceeds)"])
    }

    /// Replicate estimates each finite whose spread, at a replicate scale of 1e300, is not: of
    /// means of 1e160, not even its root, the standard error; of a coefficient of 1e6, its
    /// variance (a regression's covariance matrix is kept whole).
    func testReplicateVariancesBeyondADoubleAreRefused() throws {
        let csv = "y,g,w,r1,r2,r3,r4\n1e6,a,1,0,1.33,1.33,1.33\n3e6,a,1,1.33,0,1.33,1.33\n2e6,b,1,1.33,1.33,0,1.33\n5e6,b,1,1.33,1.33,1.33,0\n"
        let design = ["--weights", "w", "--replicate-weights", "r*", "--replicate-type", "other", "--replicate-scale", "1e300"]
        try assertFails(csv.replacingOccurrences(of: "e6,", with: "e160,"), ["estimate", "mean", "y"] + design,
                        ["column 'y': a sum in the replicate variance of its mean estimate \(Self.exceeds)"])
        try assertFails(csv, ["regress", "y ~ 1"] + design,
                        ["formula 'y ~ 1': a weighted sum in the variance of the coefficient of '(Intercept)' \(Self.exceeds)"])
    }

    /// A replicate's estimate beyond a double stops the analysis with one line naming the column
    /// and "on a replicate's weights": it was left out as a replicate without rows or weight
    /// (a total's standard error 0 or 1.6 from the others), by the one-pass totals, by
    /// re-estimation, on made jackknife and bootstrap replicates and the Rao-Wu bootstrap; a
    /// regression's refitted coefficient beyond a double likewise.
    func testReplicateEstimatesBeyondADoubleAreRefused() throws {
        // A replicate weight of 1e300 on a value of 1e10.
        let csv = "y,g,x,w,r1,r2,r3,r4\n1e10,a,1,1,1e300,1,1,1\n1,a,2,1,1,1e300,1,1\n2,b,3,1,1,1,1,1\n3,b,1,1,1,1,1,0\n5,a,2,1,1,1,0,1\n4,b,3,1,0,1,1,1\n"
        let design = ["--weights", "w", "--replicate-weights", "r*", "--replicate-type", "jk1"]
        for (arguments, what) in [(["estimate", "mean", "y"], "its mean estimate"), (["estimate", "total", "y", "--by", "g"], "its total estimate"),
                                  (["estimate", "ratio", "y", "--denominator", "x"], "its ratio estimate"),
                                  (["estimate", "sd", "y"], "its weighted sum of squared deviations from the mean"),
                                  (["estimate", "lower-mean", "y", "--q", "0.5"], "its weighted sum"),
                                  (["gap", "y", "--group", "g", "--reference", "a"], "its mean in a group of g")] {
            try assertFails(csv, arguments + design, ["data.csv, column 'y': \(what) on a replicate's weights \(Self.exceeds)"])
        }
        try assertFails(csv, ["regress", "y ~ x"] + design,
                        ["formula 'y ~ x': the estimate of the coefficient of '(Intercept)' on a replicate's weights \(Self.exceeds)"])
        // A total of 1.5e308 beside small values: finite, but not on a replicate that weighs it more.
        for replicates in [["--make-replicates", "jk1"], ["--make-replicates", "bootstrap"], ["--bootstrap", "20", "--seed", "1"]] {
            try assertFails("y\n1.5e308\n1\n2\n3\n", ["estimate", "total", "y"] + replicates,
                            ["column 'y': its total estimate on a replicate's weights \(Self.exceeds)"])
        }
    }

    /// Poisson counts of 1e200 and more: the scores (y − μ)·μ/μ overflow, and were left missing
    /// (standard errors null, no word); counts of 1e305 take a fitted mean exp(η) beyond a
    /// double on the way ("did not converge" before); a count with weight only on replicates
    /// makes their refits' deviance NaN, which crashed the shared refit passes (and the
    /// large-sample path); each is now an overflow error. Under replicate weights and the
    /// bootstrap, a count of 1e200 with weight keeps its refits and standard errors.
    func testPoissonCountsBeyondADoubleAreRefused() throws {
        let counts = "c,x,w,r1,r2,r3\n1e200,1,1,2,1,1\n3,2,1,1,2,1\n2,3,1,1,1,2\n5,1,1,1,1,1\n4,2,1,1,1,1\n1,3,1,1,1,1\n"
        let poisson = ["regress", "c ~ x", "--family", "poisson"]
        try assertFails(counts, poisson, ["data.csv:2: formula 'c ~ x': the score of this row's 'c'", Self.exceeds])
        try assertFails(counts.replacingOccurrences(of: "1e200", with: "1e305"), poisson,
                        ["formula 'c ~ x': the fit's deviance (a fitted mean exp(η)) \(Self.exceeds)"])
        let unweighted = counts.replacingOccurrences(of: "1e200,1,1,", with: "1e200,1,0,")
        for type in ["jk1", "bootstrap"] {
            try assertFails(unweighted, ["regress", "c ~ 1", "--family", "poisson", "--weights", "w", "--replicate-weights", "r*", "--replicate-type", type],
                            ["formula 'c ~ 1': the fit's deviance (a fitted mean exp(η)) on a replicate's weights \(Self.exceeds)"])
        }
        for replicates in [["--weights", "w", "--replicate-weights", "r*", "--replicate-type", "jk1"], ["--bootstrap", "20", "--seed", "1"]] {
            let rows = try results(counts, poisson + replicates)
            XCTAssert(rows.allSatisfy { ($0["std_error"] as? Double)?.isFinite == true }, "\(replicates): \(rows)")
        }
        // The large-sample path and the shared refit passes, directly.
        let table = Table(source: "counts", names: ["c", "x"], columns: [[1e305, 3, 2, 5, 4, 1], [1, 2, 3, 1, 2, 3]].map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula("c ~ x"), table: table)
        XCTAssertThrowsError(try IRLS(family: .poisson, fusedAbove: 0).fit(x, weights: [Double](repeating: 1, count: 6))) {
            XCTAssert($0 is IRLS.Overflow, "\($0)")
        }
        let refits = IRLS(family: .poisson).fits(x, weights: [ScaledWeights([1, 1, 1, 1, 1, 1])], start: [1, 0])
        XCTAssertThrowsError(try refits[0].get()) { XCTAssert($0 is IRLS.Overflow, "\($0)") }
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
