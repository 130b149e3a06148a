import Foundation

extension IRLS {
    /// Fits of one design on each of `weights` from `start` (R's `svyglm.svyrep.design`
    /// refitting its replicates), each as `fitAsGiven` fits it (the deviance test on the weights
    /// as given: a replicate's sum to 1, as R scales them): the fits on the large-sample path
    /// share their passes over the design (`IRLSPass`), a fit leaving the group when it
    /// converges; the others fit one by one. One result per weight vector, of which only the
    /// coefficients, aliasing and convergence are meant: on the shared path the row values
    /// (`GLMFit.workingWeights`, `scoreFactor`) are left empty.
    func fits(_ x: DesignMatrix, weights: [[Double]], start: [Double]?) -> [Result<GLMFit, Error>] {
        guard usesFusedPath(x) else { return weights.map { w in Result { try fitAsGiven(x, weights: w, start: start) } } }
        let fused = fusedFits(x, weights: weights, start: start, rowValues: false)
        return zip(fused, weights).map { result, w in result ?? Result { try iterativeFit(x, weights: w, start: start) } }
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
        let pass = IRLSPass(family: family, x: x.columns, response: x.response)
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
            // The finished fits' checks and weights, one fit per core.
            let finishing = done.map { (progress: progress[$0.fit], state: $0.state, weights: weights[$0.fit]) }
            var finished = [Result<GLMFit, Error>?](repeating: nil, count: done.count)
            finished.withUnsafeMutableBufferPointer { slots in
                let shared = UnsafeSendable(slots)
                DispatchQueue.concurrentPerform(iterations: finishing.count) { d in
                    let fit = finishing[d]
                    shared.value[d] = Result {
                        try finish(fit.progress, state: fit.state, x: x, weights: fit.weights, rowValues: rowValues)
                    }
                }
            }
            for (d, (k, _)) in done.enumerated() { results[k] = .some(finished[d]) }
            active = next
            states = next.isEmpty ? [] : pass.run(betas: next.map { progress[$0].beta }, weights: next.map { weights[$0] })
        }
        return results.map { $0! }
    }

    /// The fit from its last pass: coefficients and aliasing from the pass's normal equations,
    /// the separation check, and (with `rowValues`) the working weights and score factors at
    /// the estimate.
    /// - Throws: `SeparationCheck`'s errors.
    private func finish(_ progress: FusedIteration, state: IRLSPass.Result, x: DesignMatrix, weights w: [Double],
                        rowValues: Bool) throws -> GLMFit {
        let final = progress.system!.fit(progress.beta!, residualSumOfSquares: .nan)
        let mu = state.mean
        try SeparationCheck(family: family, design: x, weights: w, mean: mu, columnMagnitudes: x.columnMagnitudes)
            .check(coefficients: progress.beta!, previous: progress.previousBeta, converged: progress.converged,
                   iterations: progress.iteration)
        let (omega, scoreFactor) = rowValues ? valuesAtEstimate(mean: mu, weights: w, response: x.response) : ([], [])
        return GLMFit(family: family, coefficients: final.coefficients, aliased: final.aliased,
                      unscaledCovariance: final.unscaledCovariance, mean: mu, workingWeights: omega, scoreFactor: scoreFactor,
                      iterations: progress.iteration, converged: progress.converged, deviance: state.deviance,
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
    /// The previous pass's deviance; nil before the first pass.
    private var previous: Double? = nil
    private(set) var iteration = 0
    private(set) var converged = false
    /// The last pass's normal equations.
    private(set) var system: NormalEquations? = nil
    let size: Int

    init(start: [Double]?, size: Int) {
        beta = start
        self.size = size
    }

    /// Takes the pass at `beta` (the deviance test adding `floor` to |dev|): true when the fit
    /// needs a pass at the new `beta`, false when it is done (converged, or at
    /// `maximumIterations`), nil when the pass's normal equations are ill-conditioned.
    mutating func take(_ pass: IRLSPass.Result, tolerance: Double, floor: Double, maximumIterations: Int) -> Bool? {
        if let previous, abs(pass.deviance - previous) / (abs(pass.deviance) + floor) < tolerance { converged = true }
        previous = pass.deviance
        guard let current = NormalEquations(gram: pass.gram, size: size) else { return nil }
        system = current
        if converged || iteration == maximumIterations { return false }
        (previousBeta, beta) = (beta, current.solve(pass.product))
        iteration += 1
        return true
    }
}
