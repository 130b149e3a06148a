import XCTest
@testable import StatsEngine

/// Separation in logistic and Poisson regression: the maximum-likelihood estimate does not
/// exist (a coefficient is infinite) exactly when a direction b ≠ 0 has xᵢ'b ≥ 0 where y = 1
/// and xᵢ'b ≤ 0 where y = 0 (logistic; Albert & Anderson 1984), or xᵢ'b ≤ 0 where y = 0 and
/// xᵢ'b = 0 where y > 0 (Poisson). Each data set below has such a direction by construction
/// (or, for the controls, provably none), so the right answer is known without an oracle: a
/// one-line error naming the term and the cell, never a finite coefficient.
final class SeparationTests: XCTestCase {
    private func fit(_ table: Table, _ formula: String, family: Family, weights: String? = nil, cluster: String? = nil,
                     maximumIterations: Int = 25) throws -> RegressionResult {
        let design = try SurveyDesign(spec: DesignSpec(weights: weights, clusters: cluster.map { [$0] } ?? []), table: table)
        return try RegressionEstimator(table: table, design: design)
            .fit(RegressionRequest(formula: formula, family: family, maximumIterations: maximumIterations))
    }

    private func assertSeparation(_ table: Table, _ formula: String, family: Family = .binomial, weights: String? = nil,
                                  cluster: String? = nil, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try fit(table, formula, family: family, weights: weights, cluster: cluster), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertEqual((error as? DisparityError)?.kind, .analysis, file: file, line: line)
            XCTAssertFalse(message.contains("\n"), file: file, line: line)
            for fragment in mentions + ["separation", "coefficient is infinite"] {
                XCTAssertTrue(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
            }
        }
    }

    private func table(_ columns: [String: [Double]]) -> Table {
        let names = columns.keys.sorted()
        return Table(source: "simulated", names: names, columns: names.map { .numeric(NumericColumn(columns[$0]!)) })
    }

    /// The reported case: y = grp (complete), and grp = 1 always y = 1 (quasi-complete); the
    /// fits used to stop at grp = 53.13 and 21.40 with p < 1e-8 and `converged: true`.
    func testReportedCompleteAndQuasiCompleteSeparation() throws {
        assertSeparation(try FixtureFiles.table("sep", in: "separation"), "y ~ grp + x", weights: "w", cluster: "psu",
                         mentions: ["'grp' separates the outcome", "all rows with grp=1 have y=1", "all rows with grp=0 have y=0"])
        assertSeparation(try FixtureFiles.table("quasisep", in: "separation"), "y ~ grp + x", weights: "w", cluster: "psu",
                         mentions: ["'grp' separates the outcome: all rows with grp=1 have y=1;"])
    }

    /// A factor level whose rows all have y = 1 (quasi-complete: the other levels are mixed).
    func testFactorLevelQuasiSeparation() throws {
        assertSeparation(levelQuasiSeparated(), "y ~ x + factor(g)",
                         mentions: ["'g[2]' separates the outcome", "all rows with g=2 have y=1"])
    }

    /// 120 rows in three levels of g; every row of level 2 has y = 1, the others follow x.
    private func levelQuasiSeparated() -> Table {
        var rng = SplitMix64(seed: 3)
        var g: [Double] = [], x: [Double] = [], y: [Double] = []
        for i in 0..<120 {
            let level = Double(i % 3), v = rng.normal()
            g.append(level); x.append(v)
            y.append(level == 2 ? 1 : (rng.uniform() < 1 / (1 + exp(-v)) ? 1 : 0))
        }
        return table(["g": g, "x": x, "y": y])
    }

    /// A continuous predictor: y = 0 below 10, y = 1 above, both at 10 (quasi-complete).
    func testContinuousQuasiSeparation() throws {
        let x = (0..<40).map { Double($0 / 2) }
        let y = x.enumerated().map { i, v in v < 10 ? 0.0 : v > 10 ? 1 : Double(i % 2) }
        assertSeparation(table(["x": x, "y": y]), "y ~ x",
                         mentions: ["'x' separates the outcome", "all rows with x ≥ 11 have y=1", "all rows with x ≤ 9 have y=0"])
    }

    /// Poisson: a level with no events has a fitted mean tending to 0 (coefficient −∞).
    func testPoissonLevelWithoutEvents() throws {
        var rng = SplitMix64(seed: 9)
        var g: [Double] = [], count: [Double] = []
        for i in 0..<90 {
            let level = Double(i % 3)
            g.append(level)
            count.append(level == 1 ? 0 : Double(Int(rng.uniform() * 5)))
        }
        assertSeparation(table(["g": g, "count": count]), "count ~ factor(g)", family: .poisson,
                         mentions: ["'g[1]' separates the outcome", "all rows with g=1 have count=0"])
    }

    /// Controls: nearly separated data (one row on the wrong side) have a finite estimate, large
    /// but converged; an ordinary logistic fit is untouched.
    func testNearSeparationStillFits() throws {
        let x = (0..<30).map(Double.init)
        var y = x.map { $0 < 15 ? 0.0 : 1 }
        y[20] = 0
        let result = try fit(table(["x": x, "y": y]), "y ~ x", family: .binomial)
        XCTAssertTrue(result.converged)
        XCTAssertTrue(result.coefficients[1].estimate!.isFinite)
    }

    /// A steep but finite effect: y = 1 where x + 0.8·u > 0 (u in [−0.5, 0.5)), so the outcomes
    /// overlap for |x| < 0.4 and the estimate is finite, while 730 of the 2,000 rows are fitted
    /// with probability numerically 0 or 1 (R's glm.fit warns). Fitted, not called separation:
    /// R's glm (epsilon 1e-15, 12 iterations) gives slope 7.8648396923390891 and an intercept of
    /// −2.4e-17 (oracle/strong_effect.R).
    func testSteepFiniteEffectIsFitted() throws {
        let (x, y) = steepEffect()
        let design = try SurveyDesign(spec: DesignSpec(), table: table(["x": x, "y": y]))
        let result = try RegressionEstimator(table: table(["x": x, "y": y]), design: design)
            .fit(RegressionRequest(formula: "y ~ x", family: .binomial, tolerance: 1e-13))
        XCTAssertTrue(result.converged)
        assertClose(result.coefficients[1].estimate!, 7.8648396923390891, rel: 1e-7, "slope")
        XCTAssertEqual(result.coefficients[0].estimate!, 0, accuracy: 1e-9, "intercept")
    }

    /// The single-column test behind fitted means at their bound: a factor level whose rows all
    /// have y = 1 gives a direction along that level's column; the steep but overlapping data
    /// above give none.
    func testSeparatingColumn() throws {
        let separated = try DesignMatrix(formula: try ModelFormula("y ~ x + factor(g)"), table: levelQuasiSeparated())
        let check = SeparationCheck(family: .binomial, design: separated, weights: [Double](repeating: 1, count: 120),
                                    mean: [Double](repeating: 0.5, count: 120))
        let direction = try XCTUnwrap(check.separatingColumn(y: separated.response))
        let level = try XCTUnwrap(separated.names.firstIndex(of: "g[2]"))
        XCTAssertGreaterThan(direction[level], 0)
        // Quasi-complete: the threshold is 0, so the level's column alone is the direction.
        XCTAssertEqual(direction.enumerated().filter { $0.element != 0 }.map(\.offset), [level])

        let (x, steep) = steepEffect()
        let overlapping = try DesignMatrix(formula: try ModelFormula("y ~ x"), table: table(["x": x, "y": steep]))
        XCTAssertNil(SeparationCheck(family: .binomial, design: overlapping, weights: [Double](repeating: 1, count: x.count),
                                     mean: [Double](repeating: 0.5, count: x.count)).separatingColumn(y: steep))
    }

    /// The steep but finite effect of `testSteepFiniteEffectIsFitted` (and `oracle/strong_effect.R`):
    /// 2,000 values of x evenly spaced on [−6, 6], y = 1 where x + 0.8·u > 0.
    private func steepEffect() -> (x: [Double], y: [Double]) {
        let n = 2000
        let x: [Double] = (0..<n).map { (i: Int) -> Double in -6 + 12 * Double(i) / Double(n - 1) }
        let y: [Double] = (0..<n).map { (i: Int) -> Double in
            let noise = Double((i * 7919) % 1000) / 1000 - 0.5
            return x[i] + 0.8 * noise > 0 ? 1 : 0
        }
        return (x, y)
    }

    /// Separation along two columns together (neither separates alone, so the single-column
    /// test behind fitted means at their bound finds nothing): y = 1 where x1 + x2 > 0, complete
    /// on continuous values and quasi-complete on a grid with mixed outcomes where x1 + x2 = 0.
    /// The last IRLS step walks along the direction, and that catches it.
    func testTwoColumnSeparationIsCaught() throws {
        var rng = SplitMix64(seed: 17)
        var x1: [Double] = [], x2: [Double] = [], z: [Double] = [], y: [Double] = []
        for _ in 0..<3000 {
            let a = rng.normal(), b = rng.normal()
            x1.append(a); x2.append(b); z.append(rng.normal()); y.append(a + b > 0 ? 1 : 0)
        }
        assertSeparation(table(["x1": x1, "x2": x2, "z": z, "y": y]), "y ~ x1 + x2 + z", mentions: [])
        for i in x1.indices {
            let a = Double(Int(rng.uniform() * 7) - 3), b = Double(Int(rng.uniform() * 7) - 3)
            x1[i] = a; x2[i] = b
            y[i] = a + b > 0 ? 1 : a + b < 0 ? 0 : (rng.uniform() < 0.5 ? 1 : 0)
        }
        assertSeparation(table(["x1": x1, "x2": x2, "z": z, "y": y]), "y ~ x1 + x2 + z", mentions: [])
    }

    /// Reaching the iteration limit is an error that says so, never a fit reported as converged.
    func testIterationLimitIsAnError() throws {
        var rng = SplitMix64(seed: 4)
        let x = (0..<200).map { _ in rng.normal() }
        let y = x.map { rng.uniform() < 1 / (1 + exp(-2 * $0)) ? 1.0 : 0 }
        XCTAssertThrowsError(try fit(table(["x": x, "y": y]), "y ~ x", family: .binomial, maximumIterations: 2)) { error in
            XCTAssertTrue("\(error)".contains("did not converge in 2 iterations (raise --max-iterations)"), "\(error)")
        }
        XCTAssertTrue(try fit(table(["x": x, "y": y]), "y ~ x", family: .binomial).converged)
    }
}
