import XCTest
@testable import StatsEngine

/// The two least-squares paths agree, and the fast one hands ill-conditioned problems over.
final class LeastSquaresPathTests: XCTestCase {
    private func problem(n: Int, p: Int, collinearity: Double, seed: UInt64) -> (x: [Double], z: [Double], w: [Double]) {
        var rng = SplitMix64(seed: seed)
        var x = [Double](repeating: 1, count: n * p)
        for j in 1..<p { for i in 0..<n { x[j * n + i] = rng.normal() * Double(j) + 3 } }
        // The last column nearly repeats the second.
        for i in 0..<n { x[(p - 1) * n + i] = x[n + i] + collinearity * rng.normal() }
        let z = (0..<n).map { i in (0..<p).reduce(0.0) { $0 + Double($1 + 1) * x[$1 * n + i] } + rng.normal() }
        let w = (0..<n).map { _ in 0.5 + rng.uniform() }
        return (x, z, w)
    }

    func testFastPathMatchesDoubleDoublePath() throws {
        let (n, p) = (20_000, 8)
        let (x, z, w) = problem(n: n, p: p, collinearity: 1, seed: 7)
        let fast = try LeastSquares.fit(x: DenseColumns(values: x, rowCount: n, columnCount: p), response: z, weights: w, carefulUpTo: 0)
        let careful = try LeastSquares.fit(x: DenseColumns(values: x, rowCount: n, columnCount: p), response: z, weights: w, carefulUpTo: .max)
        XCTAssertFalse(fast.extendedPrecision)
        XCTAssertTrue(careful.extendedPrecision)
        for j in 0..<p { assertClose(fast.coefficients[j], careful.coefficients[j], rel: 1e-11, "coefficient \(j)") }
        for i in 0..<(p * p) { assertClose(fast.unscaledCovariance[i], careful.unscaledCovariance[i], rel: 1e-9, floor: 1e-14, "covariance \(i)") }
        assertClose(fast.residualSumOfSquares, careful.residualSumOfSquares, rel: 1e-10, "RSS")
    }

    func testIllConditionedProblemsEscalate() throws {
        let (n, p) = (20_000, 6)
        let (x, z, w) = problem(n: n, p: p, collinearity: 1e-5, seed: 9)
        let fit = try LeastSquares.fit(x: DenseColumns(values: x, rowCount: n, columnCount: p), response: z, weights: w, carefulUpTo: 0)
        XCTAssertTrue(fit.extendedPrecision)
        XCTAssertFalse(fit.aliased.contains(true))
    }

    func testExactCollinearityIsAliasedInModelOrder() throws {
        let (n, p) = (1_000, 4)
        var (x, z, w) = problem(n: n, p: p, collinearity: 0, seed: 11)
        for i in 0..<n { x[2 * n + i] = 2 * x[n + i] - x[i] }
        z = z.map { $0 + 1 }
        let fit = try LeastSquares.fit(x: DenseColumns(values: x, rowCount: n, columnCount: p), response: z, weights: w)
        XCTAssertEqual(fit.aliased, [false, false, true, true])
        XCTAssertTrue(fit.coefficients[2].isNaN)
    }
}

/// The fused IRLS pass (one read of the design per iteration) gives the general loop's fit.
final class FusedIRLSTests: XCTestCase {
    func testFusedLogisticMatchesTheGeneralLoop() throws {
        var rng = SplitMix64(seed: 21)
        let n = 30_000
        var columns: [[Double]] = [(0..<n).map { _ in rng.normal() }, (0..<n).map { _ in rng.normal() }, (0..<n).map { _ in rng.uniform() }]
        let w = (0..<n).map { _ in 0.5 + rng.uniform() }
        columns.append((0..<n).map { (i: Int) -> Double in
            let eta: Double = -0.5 + 0.8 * columns[0][i] - 0.4 * columns[1][i] + columns[2][i]
            return rng.uniform() < 1 / (1 + exp(-eta)) ? 1 : 0
        })
        let table = Table(source: "simulated", names: ["a", "b", "c", "y"], columns: columns.map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula("y ~ a * b + c"), table: table)
        let fused = try IRLS(family: .binomial, tolerance: 1e-12, fusedAbove: 0).fit(x, weights: w)
        let general = try IRLS(family: .binomial, tolerance: 1e-12, fusedAbove: .max).fit(x, weights: w)
        for j in 0..<x.columnCount { assertClose(fused.coefficients[j], general.coefficients[j], rel: 1e-9, "coefficient \(j)") }
        for i in fused.unscaledCovariance.indices {
            assertClose(fused.unscaledCovariance[i], general.unscaledCovariance[i], rel: 1e-8, floor: 1e-12, "covariance \(i)")
        }
        assertClose(fused.deviance, general.deviance, rel: 1e-10, "deviance")
        XCTAssertEqual(fused.iterations, general.iterations)
    }
    /// Fits sharing their passes (replicate refits, their iterations split in two) have each the
    /// coefficients and deviance of the fit made alone to rounding, and its iterations,
    /// aliasing and convergence exactly, also when they converge at different iterations; a fit
    /// that cannot be estimated (separation, caught with means made only for such a fit) fails
    /// alone.
    func testFitsTogetherEqualFitsAlone() throws {
        var rng = SplitMix64(seed: 23)
        let n = 20_000
        let a = (0..<n).map { _ in rng.normal() }, b = (0..<n).map { _ in rng.uniform() }
        let y = (0..<n).map { i in rng.uniform() < 1 / (1 + exp(-(-0.3 + 0.9 * a[i] - b[i]))) ? 1.0 : 0.0 }
        let table = Table(source: "simulated", names: ["a", "b", "y"], columns: [a, b, y].map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula("y ~ a + b"), table: table)
        let irls = IRLS(family: .binomial, fusedAbove: 0)
        // Replicate-like weights: resampled rows, one set far from the start (more iterations),
        // and one leaving every y = 1 row out (no estimate: separation or non-convergence).
        var weights = (0..<5).map { _ in (0..<n).map { _ in Double(rng.next() % 3) / Double(n) } }
        weights.append((0..<n).map { i in y[i] == 1 && a[i] > 0 ? 3.0 / Double(n) : 0.5 / Double(n) })
        weights.append((0..<n).map { i in y[i] == 1 ? 0 : 1 / Double(n) })
        let start = try irls.fit(x, weights: [Double](repeating: 1 / Double(n), count: n)).coefficients
        let together = irls.fits(x, weights: weights.map(ScaledWeights.init), start: start)
        XCTAssertEqual(together.count, weights.count)
        var iterations = Set<Int>()
        for (k, w) in weights.enumerated() {
            let alone = Result { try irls.fit(x, weights: w, start: start) }
            switch (together[k], alone) {
            case let (.success(t), .success(a)):
                for j in a.coefficients.indices { assertClose(t.coefficients[j], a.coefficients[j], rel: 1e-11, "fit \(k) coefficient \(j)") }
                // The deviance at the estimate: computed (1e-13), or the bound's when it settled
                // the last test (within a quarter of the test's resolution; where the deviance
                // before the last step had only bounds too, within half their width: 4e-7 here
                // after one step from a computed deviance, 5e-5 for fit 5, whose bounds chain
                // over its steps far from the start). Only a refit's coefficients are used.
                assertClose(t.deviance, a.deviance, rel: 1e-4, "fit \(k) deviance")
                XCTAssertEqual(t.iterations, a.iterations, "fit \(k)")
                XCTAssertEqual(t.aliased, a.aliased, "fit \(k)")
                XCTAssertEqual(t.converged, a.converged, "fit \(k)")
                // Its means where it has weight, when its separation check read them.
                if !t.mean.isEmpty {
                    for i in 0..<n where w[i] != 0 { assertClose(t.mean[i], a.mean[i], rel: 1e-12, "fit \(k) mean \(i)") }
                }
                iterations.insert(t.iterations)
                // A refit forms no normal equations at the pass its deviance settles (only its
                // coefficients are used): its (X'ΩX)⁻¹ is the step's before, as R's glm.fit's.
            case let (.failure(t), .failure(a)):
                XCTAssertEqual(String(describing: t), String(describing: a), "fit \(k)")
            default:
                XCTFail("fit \(k): together \(together[k]), alone \(alone)")
            }
        }
        XCTAssertGreaterThan(iterations.count, 1, "the fits should converge at different iterations")
        // Finishing a fit by the bound on its last step's deviance change, and skipping the
        // deviance where the bound shows the test going on, changes no coefficient or iteration,
        // bit for bit; it saved a pass for some fits (their deviance is the bound's, not computed).
        var computed = irls
        computed.boundsDevianceTest = false
        var bounded = 0
        for (k, fit) in computed.fits(x, weights: weights.map(ScaledWeights.init), start: start).enumerated() {
            switch (fit, together[k]) {
            case let (.success(c), .success(t)):
                XCTAssertEqual(c.coefficients.map(\.bitPattern), t.coefficients.map(\.bitPattern), "fit \(k)")
                XCTAssertEqual(c.iterations, t.iterations, "fit \(k)")
                XCTAssertEqual(c.converged, t.converged, "fit \(k)")
                assertClose(t.deviance, c.deviance, rel: 1e-4, "fit \(k) deviance")
                // Computed, the deviance is the fit's alone to rounding.
                let alone = try irls.fit(x, weights: weights[k], start: start)
                assertClose(c.deviance, alone.deviance, rel: 1e-12, "fit \(k) deviance computed")
                if c.deviance != t.deviance { bounded += 1 }
            case let (.failure(c), .failure(t)):
                XCTAssertEqual(String(describing: c), String(describing: t), "fit \(k)")
            default:
                XCTFail("fit \(k): deviance computed \(fit), bounded \(together[k])")
            }
        }
        XCTAssertGreaterThan(bounded, 0, "the bound should finish some fits without a pass")
        if case .success = together[6] { XCTFail("a fit without any y = 1 row has no estimate") }
        // Which passes form the normal equations changes no result, bit for bit.
        for forecast in [RefitForecast.always, .never] {
            var other = irls
            other.refitForecast = forecast
            for (k, fit) in other.fits(x, weights: weights.map(ScaledWeights.init), start: start).enumerated() {
                switch (fit, together[k]) {
                case let (.success(f), .success(t)):
                    XCTAssertEqual(f.coefficients.map(\.bitPattern), t.coefficients.map(\.bitPattern), "\(forecast) fit \(k)")
                    XCTAssertEqual(f.iterations, t.iterations, "\(forecast) fit \(k)")
                    XCTAssertEqual(f.deviance.bitPattern, t.deviance.bitPattern, "\(forecast) fit \(k)")
                case let (.failure(f), .failure(t)):
                    XCTAssertEqual(String(describing: f), String(describing: t), "\(forecast) fit \(k)")
                default:
                    XCTFail("\(forecast) fit \(k): \(fit), forecast from the last change \(together[k])")
                }
            }
        }
    }

    /// From coefficients already at the estimate, R's glm.fit stops after one iteration (its
    /// first test is against the deviance at the start); so do the general loop and the fused
    /// path (a review found the general loop testing the first step against +∞, two iterations).
    func testAFitFromItsEstimateStopsAfterOneIteration() throws {
        var rng = SplitMix64(seed: 29)
        let n = 3_000
        let a = (0..<n).map { _ in rng.normal() }
        let y = (0..<n).map { i in rng.uniform() < 1 / (1 + exp(-(0.2 + 0.7 * a[i]))) ? 1.0 : 0.0 }
        let table = Table(source: "simulated", names: ["a", "y"], columns: [a, y].map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula("y ~ a"), table: table)
        let weights = [Double](repeating: 1 / Double(n), count: n)
        let general = IRLS(family: .binomial, fusedAbove: .max), fused = IRLS(family: .binomial, fusedAbove: 0)
        let estimate = try general.fitAsGiven(x, weights: weights, start: nil)
        XCTAssertGreaterThan(estimate.iterations, 2)
        for irls in [general, fused] {
            let again = try irls.fitAsGiven(x, weights: weights, start: estimate.coefficients)
            XCTAssertEqual(again.iterations, 1)
            XCTAssertTrue(again.converged)
            for j in 0..<2 { assertClose(again.coefficients[j], estimate.coefficients[j], rel: 1e-12, "coefficient \(j)") }
        }
    }

    /// A fit whose deviance had only the bound's range until a later pass computed it: the
    /// test there goes on when the change reaches the tolerance, and reports that it passed
    /// (R would have stopped) when it does not, so the fit leaves its group for the general loop.
    func testAPreviousDevianceComputedLateIsTested() {
        func progress() -> FusedIteration {
            var fit = FusedIteration(start: [0], size: 1)
            XCTAssertTrue(fit.takeDeviance(1.0, tolerance: 1e-8, floor: 0.1, maximumIterations: 25))
            XCTAssertTrue(fit.takeStep(gram: [2], product: [1]))
            fit.expectContinuing(0.9...0.95)
            fit.takeBoundedDeviance()
            XCTAssertNotNil(fit.previousBounds)
            XCTAssertTrue(fit.takeStep(gram: [2], product: [1.01]))
            return fit
        }
        var goesOn = progress(), stops = progress()
        XCTAssertTrue(goesOn.takePreviousDeviance(0.92, tolerance: 1e-8, floor: 0.1))
        XCTAssertNil(goesOn.previousBounds)
        XCTAssertFalse(stops.takePreviousDeviance(1.0 - 1e-12, tolerance: 1e-8, floor: 0.1))
        // Bounds chained: the step from bounded 0.9…0.95 certainly goes on too (0.85…0.9), so the
        // deviance at 0.9…0.95 is never computed; one computed late at the step after goes on
        // where it lies within the bounds that stood in for it (0.85…0.9: the bound showed the
        // test failing for any deviance before within 0.9…0.95), and outside them (the bound
        // failed) the fit leaves its group.
        func chained() -> FusedIteration {
            var fit = progress()
            fit.expectContinuing(0.85...0.9)
            XCTAssertNil(fit.previousBounds)
            fit.takeBoundedDeviance()
            XCTAssertEqual(fit.previousBounds, 0.85...0.9)
            XCTAssertTrue(fit.takeStep(gram: [2], product: [1.02]))
            return fit
        }
        var chainedGoesOn = chained(), chainedAtTheEnd = chained(), chainedOutside = chained()
        XCTAssertTrue(chainedGoesOn.takePreviousDeviance(0.88, tolerance: 1e-8, floor: 0.1))
        XCTAssertNil(chainedGoesOn.lastChange)
        XCTAssertNil(chainedGoesOn.previousBounds)
        XCTAssertTrue(chainedAtTheEnd.takePreviousDeviance(0.9, tolerance: 1e-8, floor: 0.1))
        XCTAssertFalse(chainedOutside.takePreviousDeviance(0.92, tolerance: 1e-8, floor: 0.1))
    }

    /// Linear refits sharing their two passes (`IRLS.linearRefits`: X'WX and X'Wy of every fit,
    /// then the residuals' projections) have each the coefficients, aliasing and (X'WX)⁻¹ of
    /// the fit made alone (R's `glm.fit` from the start: two least-squares solutions), also
    /// in cells where a 0/1 variable's interaction shares a monomial, with a replicate that
    /// leaves that variable's columns without weight (aliased), and with a nearly collinear
    /// column (the normal equations refused: every fit takes the careful path alone).
    func testLinearRefitsTogetherEqualFitsAlone() throws {
        var rng = SplitMix64(seed: 29)
        let n = 70_000
        // b varies little about its mean: near the intercept, where the normal equations lose
        // about ten digits and the refinement step brings them back; e is well apart from the
        // other columns, so that its refits' steps from the start need no refinement
        // (`IRLS.unrefinedCondition`).
        let a = (0..<n).map { _ in rng.normal() }, b = (0..<n).map { _ in 1_000 + 5 * rng.uniform() }
        let e = (0..<n).map { _ in 3 * rng.normal() }
        let d = (0..<n).map { _ in Double(rng.next() % 2) }, g = (0..<n).map { _ in Double(rng.next() % 4) }
        let c = a.map { $0 + 1e-7 * rng.normal() }
        let y = (0..<n).map { i in 1 + 0.5 * a[i] - 0.2 * b[i] + d[i] * (0.3 + a[i]) + g[i] / 4 + e[i] + rng.normal() }
        let table = Table(source: "simulated", names: ["a", "b", "c", "d", "e", "g", "y"],
                          columns: [a, b, c, d, e, g, y].map { .numeric(NumericColumn($0)) })
        let irls = IRLS(family: .gaussian)
        var weights = (0..<4).map { _ in (0..<n).map { _ in Double(rng.next() % 3) / Double(n) } }
        weights.append((0..<n).map { i in d[i] == 1 ? 0 : 1 / Double(n) })
        for (formula, shared) in [("y ~ d * a + b + factor(g)", true), ("y ~ d * a + e + factor(g)", true),
                                  ("y ~ d * a + b + factor(g) + c", false)] {
            let x = try DesignMatrix(formula: ModelFormula(formula), table: table)
            XCTAssertGreaterThan(x.rowCount * x.columnCount * x.columnCount, LeastSquares.smallProblem, "the fast path's size")
            let start = try irls.fit(x, weights: [Double](repeating: 1 / Double(n), count: n)).coefficients
            let together = irls.fits(x, weights: weights.map(ScaledWeights.init), start: start)
            for (k, w) in weights.enumerated() {
                let t = try together[k].get(), alone = try irls.fit(x, weights: w, start: start)
                XCTAssertEqual(t.aliased, alone.aliased, "\(formula) fit \(k)")
                for j in alone.coefficients.indices where !alone.aliased[j] {
                    assertClose(t.coefficients[j], alone.coefficients[j], rel: 1e-11, "\(formula) fit \(k) coefficient \(j)")
                }
                // (X'WX)⁻¹ is not refined: each path's inverse of its own sums this near collinear.
                for i in alone.unscaledCovariance.indices {
                    assertClose(t.unscaledCovariance[i], alone.unscaledCovariance[i], rel: 1e-7, floor: 1e-15, "\(formula) fit \(k) (X'WX)⁻¹[\(i)]")
                }
                // The shared path leaves the row values out; the careful path is the fit alone's.
                XCTAssertEqual(t.mean.isEmpty, shared, "\(formula) fit \(k)")
            }
            if shared { XCTAssertEqual(try together[4].get().aliased.filter { $0 }.count, 2, "d and d:a without weight") }
        }
    }

    /// A refit that walks away from its start is a failure, not an estimate: replicate 36 of a
    /// new user's bootstrap design (its rows with weight, `Fixtures/svyglm/diverging_replicate.csv`)
    /// refitted from the full-sample estimate as R's `svyglm` does climbs in deviance to a
    /// coefficient near 1e15, where R's `glm.fit` stops and reports it (its SE then 1.8e14).
    /// Its deviance ends above the start's, which the maximum of a logistic likelihood cannot:
    /// the shared passes and the general loop both call it `IRLS.Divergence`; from R's
    /// starting values the same weights have a finite estimate.
    func testRefitThatWalksAwayFromTheStartIsADivergence() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "diverging_replicate", withExtension: "csv", subdirectory: "Fixtures/svyglm"))
        let table = try CSVReader.read(path: url.path)
        let x = try DesignMatrix(formula: ModelFormula("y ~ x + factor(lvl)"), table: table)
        // The full-sample estimate on all 5,000 rows with the sampling weights.
        let start = [-0.901238047819965, 0.7343581723879454, 0.3622359410318111, -0.24990572440454448, 0.5057334939252766, -0.28853159859458]
        let column = try table.numeric("r36"), total = column.reduce(0, +)
        let irls = IRLS(family: .binomial)
        let refit = irls.fits(x, weights: [ScaledWeights(column: column, rows: nil, divisor: total)], start: start)[0]
        guard case .failure(let error) = refit, error is IRLS.Divergence else { return XCTFail("refit: \(refit)") }
        let weights = column.map { $0 / total }
        XCTAssertThrowsError(try irls.iterativeFit(x, weights: weights, start: start)) { XCTAssert($0 is IRLS.Divergence, "\($0)") }
        let fresh = try irls.fit(x, weights: weights)
        XCTAssertLessThan(abs(fresh.coefficients[5]), 10, "lvl[9] from R's starting values: \(fresh.coefficients)")
        XCTAssertTrue(IRLS.rose(from: 1, to: 1 + 1e-7, tolerance: 1e-8, floor: 0.1))
        XCTAssertFalse(IRLS.rose(from: 1, to: 1 + 1e-9, tolerance: 1e-8, floor: 0.1), "within the test's resolution")
    }

    /// A refit is expected to step again unless its deviance's last relative change, squared,
    /// is below the tolerance (IRLS's quadratic convergence); before any change is known it is
    /// expected to, at its iteration limit never.
    func testRefitForecastFollowsTheLastChange() {
        var progress = FusedIteration(start: [0], size: 1)
        let forecast = RefitForecast.lastChange
        XCTAssertTrue(forecast.expectsStep(progress, tolerance: 1e-8, maximumIterations: 25), "first pass")
        XCTAssertTrue(progress.takeDeviance(100, tolerance: 1e-8, floor: 0.1, maximumIterations: 25))
        XCTAssertTrue(forecast.expectsStep(progress, tolerance: 1e-8, maximumIterations: 25), "no change known yet")
        XCTAssertFalse(forecast.expectsStep(progress, tolerance: 1e-8, maximumIterations: 0), "at the iteration limit")
        // A change of 1e-3 (squared 1e-6 ≥ 1e-8): another step expected; of 1e-5 (1e-10): settles.
        var far = progress, near = progress
        XCTAssertTrue(far.takeDeviance(100 - 0.1001, tolerance: 1e-8, floor: 0.1, maximumIterations: 25))
        XCTAssertTrue(forecast.expectsStep(far, tolerance: 1e-8, maximumIterations: 25), "change \(far.lastChange!)")
        XCTAssertTrue(near.takeDeviance(100 - 0.001001, tolerance: 1e-8, floor: 0.1, maximumIterations: 25))
        XCTAssertFalse(forecast.expectsStep(near, tolerance: 1e-8, maximumIterations: 25), "change \(near.lastChange!)")
        XCTAssertTrue(RefitForecast.always.expectsStep(near, tolerance: 1e-8, maximumIterations: 25))
        XCTAssertFalse(RefitForecast.never.expectsStep(far, tolerance: 1e-8, maximumIterations: 25))
    }
}
