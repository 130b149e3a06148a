import Foundation

extension IRLS {
    /// Fits of one design on each of `weights` from `start` (R's `svyglm.svyrep.design`
    /// refitting its replicates), each as `fitAsGiven` fits it (the deviance test on the weights
    /// as given: a replicate's sum to 1, as R scales them): logistic and Poisson fits share
    /// their passes over the design (from `start`, at any size: the refit passes of
    /// `RefitPasses.swift`, equal to each fit alone to rounding; without, on the large-sample
    /// path: `IRLSPass.run`), a fit leaving the group when it converges; linear fits from
    /// `start` where a fit alone takes the normal equations share a pass (`linearRefits`); the
    /// others fit one by one. One result per weight vector, of which only the coefficients,
    /// aliasing and convergence are meant: on the shared path the row values (`GLMFit.workingWeights`,
    /// `scoreFactor`) are left empty. The refits' passes read each fit's weights where they
    /// are (`ScaledWeights`); the other paths store them.
    func fits(_ x: DesignMatrix, weights: [ScaledWeights], start: [Double]?) -> [Result<GLMFit, Error>] {
        // Linear refits share their pass where a fit alone takes the normal equations and
        // the monomials' pair products of a block stay in a core's cache (`IRLSPass.refitPass`).
        if family == .gaussian, let start, x.rowCount * x.columnCount * x.columnCount > LeastSquares.smallProblem,
           x.refitCells.monomials.count <= IRLSPass.sharedLinearMonomials {
            return zip(linearRefits(x, weights: weights, start: start), weights).map { result, w in
                result ?? Result { try fitAsGiven(x, weights: w.materialized(), start: start) }
            }
        }
        // Refits from a start share passes at any size: the careful path that small fits take
        // alone (double-double QR) would cost seconds a refit at 100k rows, and a refit needs
        // only its coefficients; ill-conditioned normal equations still send a fit there.
        guard family != .gaussian, start != nil || usesFusedPath(x) else {
            return weights.map { w in Result { try fitAsGiven(x, weights: w.materialized(), start: start) } }
        }
        let fused = start.map { splitFits(x, weights: weights, start: $0) }
            ?? fusedFits(x, weights: weights.map { $0.materialized() }, start: nil, rowValues: false)
        return zip(fused, weights).map { result, w in result ?? Result { try iterativeFit(x, weights: w.materialized(), start: start) } }
    }

    /// The largest condition number κ₁ of a linear refit's equilibrated normal equations
    /// (`NormalEquations.condition`) at which its step from the full-sample estimate is taken
    /// as solved: the step's relative rounding error is then about p·κ₁·ε ≤ 4e-11 (p = 16), as
    /// small as that of R's own replicate spread β_r − β̂ (QR-accurate coefficients, differenced);
    /// beyond it one step of iterative refinement follows.
    static let unrefinedCondition = 1e4

    /// Least-squares refits of a linear model on each of `weights` (R's `glm.fit` from a start
    /// for the gaussian family: its second QR solution, the weighted least-squares estimate),
    /// each solved for its step δ from the full-sample estimate β̂ (`start`): one pass shared by
    /// every fit (`IRLSPass.refitPass` at β̂) forms each fit's X'WX and X'We, e = y − Xβ̂ the
    /// residuals at β̂ formed row by row in the pass, and the Cholesky factors of the
    /// equilibrated X'WX solve them (as `LeastSquares`' fast path solves one problem). The step
    /// is small (the size of a standard error), so its rounding is small against the
    /// coefficients; where the normal equations are too ill-conditioned even for that
    /// (`unrefinedCondition`) the residuals are stored and a second pass forms their projections
    /// X'W(e − Xδ) for one step of iterative refinement. Only the coefficients, aliasing and
    /// their unscaled covariance are meant: the row values are left empty, the deviance NaN. A
    /// column aliased in a refit is 0 on each of its rows with weight (`NormalEquations`), so its
    /// term of Xβ̂ adds nothing to X'We and the step solves the fit without it exactly. Nil for
    /// a fit whose normal equations are ill-conditioned: the fit alone (`fitAsGiven`) takes it.
    /// The weights are ≥ 0, at any scale (`RegressionEstimator.linearized` refuses a negative
    /// one).
    private func linearRefits(_ x: DesignMatrix, weights: [ScaledWeights], start: [Double]) -> [Result<GLMFit, Error>?] {
        let p = x.columnCount
        let sums = IRLSPass(family: .gaussian, x: x.columns, response: x.response, cells: x.refitCells)
            .refitPass(betas: weights.map { _ in start }, weights: weights, forming: weights.map { _ in true })
        var solved: [(system: NormalEquations, step: [Double], fit: LeastSquaresFit, condition: Double)?] = sums.map { sums in
            guard let (gram, product) = sums.normalEquations, let system = NormalEquations(gram: gram, size: p),
                  !system.kept.isEmpty else { return nil }
            let step = system.solve(product)
            let fit = system.fit(zip(start, step).map(+), residualSumOfSquares: .nan)
            return (system, step, fit, system.condition(gram: gram, inverse: fit.unscaledCovariance))
        }
        let refining = solved.indices.filter { solved[$0].map { !($0.condition <= Self.unrefinedCondition) } ?? false }
        if !refining.isEmpty {
            let residuals = IRLSPass(family: .gaussian, x: x.columns, response: x.response).residuals(at: start)
            let pass = IRLSPass(family: .gaussian, x: x.columns, response: residuals, cells: x.refitCells)
            let projections = pass.residualProjections(betas: refining.map { solved[$0]!.step }, weights: refining.map { weights[$0] })
            for (k, projection) in zip(refining, projections) {
                let (system, step, _, _) = solved[k]!
                let refined = zip(step, system.solve(projection)).map(+)
                solved[k]!.fit = system.fit(zip(start, refined).map(+), residualSumOfSquares: .nan)
            }
        }
        return solved.map { solved in
            solved.map { solved in
                .success(GLMFit(family: .gaussian, coefficients: solved.fit.coefficients, aliased: solved.fit.aliased,
                                unscaledCovariance: solved.fit.unscaledCovariance, mean: [], workingWeights: [], scoreFactor: [],
                                iterations: 1, converged: true, deviance: .nan, residualSumOfSquares: .nan, extendedPrecision: false))
            }
        }
    }

    /// Whether `fit` takes the fused path for `x`.
    func usesFusedPath(_ x: DesignMatrix) -> Bool {
        family != .gaussian && x.rowCount * x.columnCount * x.columnCount > fusedAbove
    }

    /// The large-sample path for several fits: one fused pass over the design per iteration
    /// (`IRLSPass`) serving every fit still iterating, whose last pass also gives the weights at
    /// the estimate for the covariance. Nil for a fit whose normal equations are
    /// ill-conditioned: the general loop takes it. Without `rowValues` (refits that need only
    /// their coefficients), a fit's working weights and score factors are left empty.
    func fusedFits(_ x: DesignMatrix, weights: [[Double]], start: [Double]?, rowValues: Bool) -> [Result<GLMFit, Error>?] {
        let pass = IRLSPass(family: family, x: x.columns, response: x.response, priorWeightsMean: priorWeightsMean)
        var progress = weights.map { _ in FusedIteration(start: start, size: x.columnCount) }
        var results = [Result<GLMFit, Error>??](repeating: nil, count: weights.count)
        var active = Array(weights.indices)
        var states = pass.run(betas: active.map { _ in start }, weights: weights)
        while !active.isEmpty {
            var next: [Int] = [], done: [(fit: Int, state: IRLSPass.Result)] = []
            for (k, state) in zip(active, states) {
                switch progress[k].take(state, tolerance: tolerance, floor: devianceFloor, maximumIterations: maximumIterations) {
                case nil: results[k] = .some(nil)
                case false?: done.append((k, state))
                case true?: next.append(k)
                }
            }
            let finished = finishing(done.map { (progress[$0.fit], Array($0.state.mean), $0.state.deviance, weights[$0.fit], nil) },
                                     x: x, rowValues: rowValues)
            for (d, (k, _)) in done.enumerated() { results[k] = .some(finished[d]) }
            active = next
            states = next.isEmpty ? [] : pass.run(betas: next.map { progress[$0].beta }, weights: next.map { weights[$0] })
        }
        return results.map { $0! }
    }

    /// Refits from `start` (replicates from the full-sample estimate), a group sharing each
    /// pass (`IRLSPass.refitPass`): each pass gives every fit's deviance at its coefficients,
    /// and the normal equations of the step from there for the fits expected to go on
    /// (`refitForecast`; before a change of the deviance is known, every fit). A
    /// refit needs only its coefficients, so a fit expected to settle forms none — R's
    /// `glm.fit` too returns the coefficients of the step before its last deviance test — and
    /// a fit that does not settle after all gets its normal equations from one more pass at
    /// the same coefficients. A fit whose step certainly ends its deviance test
    /// (`DevianceChangeBound`) finishes without the pass that would compute its deviance; one
    /// whose step certainly does not (a replicate's first step, from the full-sample estimate)
    /// takes its next pass without the deviance (no log per row), the bound's range standing
    /// in for it at the next test; where the bound shows that test going on too, the bounds
    /// chain (that deviance is never computed); where it shows neither, a pass of its own
    /// computes it. A fit's deviance settled from such a range is the bound's estimate,
    /// within half the range's width of the computed one (only its coefficients are meant).
    /// Neither the forecast nor the bound changes a result: the coefficients equal those of
    /// each fit alone to rounding (the passes' sums are ordered otherwise), with the same
    /// iterations. A finished fit's means come from one more pass (`IRLSPass.means`), for its
    /// separation check when it reads them. Nil for a fit whose normal equations are
    /// ill-conditioned: the general loop takes it.
    private func splitFits(_ x: DesignMatrix, weights: [ScaledWeights], start: [Double]) -> [Result<GLMFit, Error>?] {
        let pass = IRLSPass(family: family, x: x.columns, response: x.response, priorWeightsMean: priorWeightsMean, cells: x.refitCells)
        var progress = weights.map { _ in FusedIteration(start: start, size: x.columnCount) }
        var results = [Result<GLMFit, Error>??](repeating: nil, count: weights.count)
        /// Finishes fits done at their coefficients (their deviance there, and their pinned rows when counted).
        func finish(_ done: [(fit: Int, deviance: Double, pinnedRows: Int?)]) {
            guard !done.isEmpty else { return }
            // Means only for the fits whose separation check reads them (rarely any).
            let reading = done.filter { fit in
                let step = progress[fit.fit].previousBeta.map { zip(progress[fit.fit].beta!, $0).map { $0 - $1 } }
                // Pinned rows not counted (a fit expected to go on that settled) come from its means.
                guard let pinned = fit.pinnedRows else { return true }
                return SeparationCheck.readsMeans(step: step, pinnedRows: pinned, columnMagnitudes: x.columnMagnitudes)
            }.map(\.fit)
            let means = reading.isEmpty ? [] : pass.means(betas: reading.map { progress[$0].beta! }, weights: reading.map { weights[$0] })
            let meanOf = Dictionary(uniqueKeysWithValues: zip(reading, means))
            // The check reads a fit's weights only with its means, pinned rows or a large effect.
            let finished = finishing(done.map { fit in
                let mean = meanOf[fit.fit] ?? []
                let reads = !mean.isEmpty || (fit.pinnedRows ?? 0) > 0
                    || !SeparationCheck.largeEffects(progress[fit.fit].beta!, design: x).isEmpty
                return (progress[fit.fit], mean, fit.deviance, reads ? weights[fit.fit].materialized() : [], fit.pinnedRows)
            }, x: x, rowValues: false)
            for (d, fit) in done.enumerated() { results[fit.fit] = .some(finished[d]) }
        }
        var active = Array(weights.indices)
        while !active.isEmpty {
            // A fit whose deviance before its last step has only bounds, which did not settle the
            // test after it, gets that deviance from a pass of its own (rarely any fit: the main
            // pass keeps its group, so its sums are those of a run without the bounds).
            let unresolved = active.filter { progress[$0].previousBounds != nil }
            if !unresolved.isEmpty {
                let previous = pass.refitPass(betas: unresolved.map { progress[$0].previousBeta! },
                                              weights: unresolved.map { weights[$0] }, forming: unresolved.map { _ in false })
                // Should the computed deviance pass the test after all (R would stop there), the
                // fit leaves the group for the general loop rather than keep a later step.
                for (k, sums) in zip(unresolved, previous)
                where !progress[k].takePreviousDeviance(sums.deviance, tolerance: tolerance, floor: devianceFloor) {
                    results[k] = .some(nil)
                    active.removeAll { $0 == k }
                }
            }
            // A fit whose test certainly goes on at its coefficients takes the pass without its deviance.
            let forming = active.map { refitForecast.expectsStep(progress[$0], tolerance: tolerance, maximumIterations: maximumIterations) }
            let sums = pass.refitPass(betas: active.map { progress[$0].beta! }, weights: active.map { weights[$0] }, forming: forming,
                                      deviances: active.map { progress[$0].expectedDeviance == nil })
            var stepping: [(fit: Int, sums: IRLSPass.RefitSums)] = []
            var done: [(fit: Int, deviance: Double, pinnedRows: Int?)] = []
            for (k, state) in zip(active, sums) {
                guard progress[k].expectedDeviance == nil else {
                    progress[k].takeBoundedDeviance()
                    stepping.append((k, state))
                    continue
                }
                // A deviance that is not finite (means beyond a double): the general loop refuses it.
                guard state.deviance.isFinite else {
                    results[k] = .some(nil)
                    continue
                }
                let more = progress[k].takeDeviance(state.deviance, tolerance: tolerance, floor: devianceFloor,
                                                    maximumIterations: maximumIterations)
                if more { stepping.append((k, state)) } else { done.append((k, state.deviance, state.pinnedRows)) }
            }
            finish(done)
            // The fits that go on without their normal equations (expected to settle, and did not).
            let unformed = stepping.filter { $0.sums.normalEquations == nil }.map(\.fit)
            let formedLate = unformed.isEmpty ? [] : pass.refitPass(betas: unformed.map { progress[$0].beta! },
                                                                    weights: unformed.map { weights[$0] },
                                                                    forming: unformed.map { _ in true })
            let late = Dictionary(uniqueKeysWithValues: zip(unformed, formedLate))
            active = []
            var settled: [(fit: Int, deviance: Double, pinnedRows: Int?)] = []
            for (k, taken) in stepping {
                let sums = taken.normalEquations == nil ? late[k]! : taken, system = sums.normalEquations!
                let beta = progress[k].beta!, bounds = progress[k].previousBounds
                guard progress[k].takeStep(gram: system.gram, product: system.product) else {
                    results[k] = .some(nil)
                    continue
                }
                // A step that certainly ends the deviance test finishes the fit without a pass:
                // no mean along it reaches its bound, so no row is pinned. One that certainly
                // does not takes its next pass without the deviance: from a computed deviance, or
                // from bounds (whose deviance is then never computed: the step's change is bounded
                // whatever it is).
                if boundsDevianceTest, let next = DevianceChangeBound.settledDeviance(
                       family: family, gram: system.gram, product: system.product, beta: beta, next: progress[k].beta!,
                       deviance: bounds ?? taken.deviance...taken.deviance,
                       first: progress[k].fromStart ? progress[k].firstDeviance : nil,
                       largestPredictor: sums.largestPredictor, roundingScale: sums.roundingScale, columnMagnitudes: x.columnMagnitudes,
                       tolerance: tolerance, floor: devianceFloor), next.isFinite {
                    progress[k].takeSettledDeviance(next, tolerance: tolerance, floor: devianceFloor)
                    settled.append((k, next, 0))
                    continue
                }
                if boundsDevianceTest, progress[k].iteration < maximumIterations,
                   let expected = DevianceChangeBound.continuingDeviance(
                       family: family, gram: system.gram, product: system.product, beta: beta, next: progress[k].beta!,
                       deviance: bounds ?? taken.deviance...taken.deviance, largestPredictor: sums.largestPredictor,
                       roundingScale: sums.roundingScale, columnMagnitudes: x.columnMagnitudes, tolerance: tolerance,
                       floor: devianceFloor) {
                    progress[k].expectContinuing(expected)
                }
                active.append(k)
            }
            finish(settled)
        }
        return results.map { $0! }
    }

    /// The finished fits (each its progress, its means and deviance at the estimate, its prior
    /// weights, and its pinned rows when counted; the means may be empty when the separation
    /// check does not read them) checked and made into fits, one fit per core.
    private func finishing(_ fits: [(progress: FusedIteration, mean: [Double], deviance: Double, weights: [Double], pinnedRows: Int?)],
                           x: DesignMatrix, rowValues: Bool) -> [Result<GLMFit, Error>] {
        var finished = [Result<GLMFit, Error>?](repeating: nil, count: fits.count)
        finished.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: fits.count) { d in
                let fit = fits[d]
                shared.value[d] = Result {
                    try finish(fit.progress, mean: fit.mean, deviance: fit.deviance, x: x, weights: fit.weights,
                               pinnedRows: fit.pinnedRows, rowValues: rowValues)
                }
            }
        }
        return finished.map { $0! }
    }

    /// The fit from its last pass: coefficients and aliasing from the pass's normal equations,
    /// the separation check, and (with `rowValues`) the working weights and score factors at
    /// the estimate.
    /// - Throws: `SeparationCheck`'s errors.
    private func finish(_ progress: FusedIteration, mean mu: [Double], deviance: Double, x: DesignMatrix, weights w: [Double],
                        pinnedRows: Int?, rowValues: Bool) throws -> GLMFit {
        let final = progress.system!.fit(progress.beta!, residualSumOfSquares: .nan)
        try SeparationCheck(family: family, design: x, weights: w, mean: mu, columnMagnitudes: x.columnMagnitudes,
                            pinnedRowCount: pinnedRows)
            .check(coefficients: progress.beta!, previous: progress.previousBeta, converged: progress.converged,
                   iterations: progress.iteration)
        if progress.fromStart, let first = progress.firstDeviance,
           IRLS.rose(from: first, to: deviance, tolerance: tolerance, floor: devianceFloor) {
            throw IRLS.Divergence(iterations: progress.iteration)
        }
        let (omega, scoreFactor) = rowValues ? valuesAtEstimate(mean: mu, weights: w, response: x.response) : ([], [])
        return GLMFit(family: family, coefficients: final.coefficients, aliased: final.aliased,
                      unscaledCovariance: final.unscaledCovariance, mean: mu, workingWeights: omega, scoreFactor: scoreFactor,
                      iterations: progress.iteration, converged: progress.converged, deviance: deviance,
                      residualSumOfSquares: .nan, extendedPrecision: false)
    }
}

/// One fit's progress on the fused path, pass by pass: R's `glm.fit` loop, each pass giving
/// the deviance for the convergence test and the normal equations for the next step.
struct FusedIteration {
    /// The coefficients of the next pass (nil: R's starting means), then the estimate.
    private(set) var beta: [Double]?
    /// The coefficients before the last step (for the separation check).
    private(set) var previousBeta: [Double]? = nil
    /// The previous pass's deviance (a one-point range); nil before the first pass. While
    /// `previousBounds` stand in for the deviance before the last step, the deviance one step
    /// further back: bounds on it where no pass computed it (chained by `expectContinuing`).
    private var previous: ClosedRange<Double>? = nil
    /// Bounds on the deviance at `beta` where its pass need not compute it
    /// (`DevianceChangeBound.continuingDeviance`: the test there certainly goes on), until that
    /// pass (`takeBoundedDeviance`).
    private(set) var expectedDeviance: ClosedRange<Double>? = nil
    /// Bounds standing in for the deviance before the last step (at `previousBeta`), which its
    /// pass did not compute, until a later pass does (`takePreviousDeviance`).
    private(set) var previousBounds: ClosedRange<Double>? = nil
    /// The first pass's deviance: at the starting coefficients when `fromStart`.
    private(set) var firstDeviance: Double? = nil
    /// Whether the fit started from given coefficients (not R's starting means).
    let fromStart: Bool
    /// The relative change of the deviance at the last test; nil before the second pass.
    private(set) var lastChange: Double? = nil
    private(set) var iteration = 0
    private(set) var converged = false
    /// The last pass's normal equations.
    private(set) var system: NormalEquations? = nil
    let size: Int

    init(start: [Double]?, size: Int) {
        beta = start
        self.size = size
        fromStart = start != nil
    }

    /// Takes the pass at `beta` (the deviance test adding `floor` to |dev|): true when the fit
    /// needs a pass at the new `beta`, false when it is done (converged, or at
    /// `maximumIterations`), nil when the pass's normal equations are ill-conditioned or its
    /// deviance is not finite (the general loop, which refuses it, takes the fit).
    mutating func take(_ pass: IRLSPass.Result, tolerance: Double, floor: Double, maximumIterations: Int) -> Bool? {
        guard pass.deviance.isFinite else { return nil }
        let more = takeDeviance(pass.deviance, tolerance: tolerance, floor: floor, maximumIterations: maximumIterations)
        guard let current = NormalEquations(gram: pass.gram, size: size) else { return nil }
        system = current
        guard more else { return false }
        step(current, product: pass.product)
        return true
    }

    /// Takes the deviance at `beta` (the test adding `floor` to |dev|): true when the fit goes
    /// on with a step from `beta`, false when it is done (converged, or at `maximumIterations`).
    mutating func takeDeviance(_ deviance: Double, tolerance: Double, floor: Double, maximumIterations: Int) -> Bool {
        precondition(previousBounds == nil && expectedDeviance == nil, "a deviance with bounds only is taken first")
        if let previous {
            precondition(previous.lowerBound == previous.upperBound, "a deviance computed after bounds only is taken late")
            lastChange = Self.change(from: previous, to: deviance, floor: floor)
            if lastChange! < tolerance { converged = true }
        }
        if previous == nil { firstDeviance = deviance }
        previous = deviance...deviance
        return !converged && iteration < maximumIterations
    }

    /// Notes that the deviance test at `beta` certainly goes on, the deviance there (as a pass
    /// would compute it) within `bounds`: the pass at `beta` need not compute it. Only below
    /// the iteration limit. From a step whose starting deviance had bounds only
    /// (`previousBounds`), that deviance is never computed: its bounds stay as the deviance one
    /// step further back, for the test of a deviance computed late (`takePreviousDeviance`).
    mutating func expectContinuing(_ bounds: ClosedRange<Double>) {
        if let previousBounds { (previous, self.previousBounds) = (previousBounds, nil) }
        expectedDeviance = bounds
    }

    /// Takes the pass at `beta` that did not compute the deviance (`expectContinuing`): the
    /// test goes on, its bounds standing in for the deviance until a later pass computes it.
    mutating func takeBoundedDeviance() {
        (previousBounds, expectedDeviance, lastChange) = (expectedDeviance, nil, nil)
    }

    /// Takes the deviance before the last step, computed by a later pass where its bounds did
    /// not settle the next test: the test there, which the bounds showed goes on. False when
    /// it passes after all (the bound failed: R's fit would have stopped before the last step).
    /// Against chained bounds on the deviance before (never computed), the bound showed the
    /// test going on for any deviance within them, and what is checked is its own claim: false
    /// when the deviance lies outside the bounds that stood in for it, or is not finite (the
    /// caller hands the fit to the general loop either way).
    mutating func takePreviousDeviance(_ deviance: Double, tolerance: Double, floor: Double) -> Bool {
        guard deviance.isFinite else { return false }
        let (before, stoodIn) = (previous!, previousBounds!)
        guard before.lowerBound == before.upperBound else {
            (previous, previousBounds, lastChange) = (deviance...deviance, nil, nil)
            return stoodIn.contains(deviance)
        }
        let change = Self.change(from: before, to: deviance, floor: floor)
        (previous, previousBounds, lastChange) = (deviance...deviance, nil, change)
        return !(change < tolerance)
    }

    /// Takes the deviance at `beta` from the bound that settles the test there
    /// (`DevianceChangeBound.settledDeviance`): the fit has converged.
    mutating func takeSettledDeviance(_ deviance: Double, tolerance: Double, floor: Double) {
        if previousBounds == nil, let previous {
            assert(Self.change(from: previous, to: deviance, floor: floor) < tolerance, "the bound keeps the change within the deviance test")
        }
        (previous, previousBounds, converged) = (deviance...deviance, nil, true)
    }

    /// R's relative change |dev − previous|/(|dev| + floor), from the nearest end of bounds on
    /// the previous deviance (0 within them): the smallest the change can be.
    private static func change(from previous: ClosedRange<Double>, to deviance: Double, floor: Double) -> Double {
        let distance = deviance < previous.lowerBound ? previous.lowerBound - deviance
            : deviance > previous.upperBound ? deviance - previous.upperBound : 0
        return distance / (abs(deviance) + floor)
    }

    /// Takes the normal equations at `beta` (X'ΩX, p × p, and X'Ωz) and steps: false when they
    /// are ill-conditioned.
    mutating func takeStep(gram: [Double], product: [Double]) -> Bool {
        guard let current = NormalEquations(gram: gram, size: size) else { return false }
        system = current
        step(current, product: product)
        return true
    }

    private mutating func step(_ system: NormalEquations, product: [Double]) {
        (previousBeta, beta) = (beta, system.solve(product))
        iteration += 1
    }
}

/// How a refit pass decides whether to form a fit's normal equations along with its deviance
/// (`IRLSPass.refitPass`): only which passes are made depends on it, never a result.
enum RefitForecast {
    /// From the last change of the deviance: IRLS converges quadratically near the estimate
    /// (Newton's method for canonical links), the next relative change about the square of
    /// the last, so a fit is expected to settle at the next test when the square of its last
    /// change is below the tolerance. Before a change is known (the first two passes) they
    /// are formed, as where the bound shows the next test going on (`expectedDeviance`), and a
    /// fit at its iteration limit never takes another step.
    case lastChange
    /// Always (every pass forms every fit's normal equations).
    case always
    /// Never with the deviance (a fit that goes on gets them from a pass of their own).
    case never

    /// Whether a fit at `progress` is expected to take a step after the next deviance test.
    func expectsStep(_ progress: FusedIteration, tolerance: Double, maximumIterations: Int) -> Bool {
        guard progress.iteration < maximumIterations else { return false }
        switch self {
        case .always: return true
        case .never: return false
        case .lastChange:
            guard progress.expectedDeviance == nil, let change = progress.lastChange else { return true }
            return change * change >= tolerance
        }
    }
}
