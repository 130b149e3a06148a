import Foundation

/// A fitted generalized linear model: the coefficients and what the variance estimators need.
struct GLMFit {
    var family: Family
    var coefficients: [Double]
    var aliased: [Bool]
    /// (X'ΩX)⁻¹ with the final working weights Ω.
    var unscaledCovariance: [Double]
    var mean: [Double]
    /// Working weights ω = w·(dμ/dη)²/V(μ), one per row; empty for a replicate refit of
    /// `IRLS.fits`, which needs only its coefficients.
    var workingWeights: [Double]
    /// Per row, the factor that turns xᵢ into the estimating function: w·(y−μ)·(dμ/dη)/V(μ);
    /// empty as `workingWeights`.
    var scoreFactor: [Double]
    var iterations: Int
    var converged: Bool
    var deviance: Double
    /// The weighted residual sum of squares of the last least-squares step (for gaussian fits,
    /// the RSS in the precision it was solved in).
    var residualSumOfSquares: Double
    var extendedPrecision: Bool
    var rank: Int { aliased.filter { !$0 }.count }
}

/// Iteratively reweighted least squares with survey weights as prior weights, as R's `glm.fit`
/// (same starting values, the relative-deviance convergence test with ε = 1e-8, at most 25
/// iterations by default), each step solved by `LeastSquares`.
struct IRLS {
    /// The iteration limit was reached before the deviance settled; the caller words the error.
    struct NonConvergence: Error { let iterations: Int }
    /// The deviance of a GLM's iterate is not finite: a fitted mean (exp(η) of a Poisson fit)
    /// beyond a double. R's `glm.fit` halves such a step; here the caller words it as an overflow.
    struct Overflow: Error {}
    /// A fit from given coefficients ended with a larger deviance than it started with (by more
    /// than the convergence test resolves): IRLS walked away from the maximum, which for these
    /// convex likelihoods lies at or below the start. R's `glm.fit` returns such a point.
    struct Divergence: Error { let iterations: Int }

    /// Whether a fit from given coefficients whose deviance there was `start` ended at `final`
    /// above it, by more than `tolerance`·(|final| + `floor`), the convergence test's resolution.
    static func rose(from start: Double, to final: Double, tolerance: Double, floor: Double) -> Bool {
        final - start > tolerance * (abs(final) + floor)
    }

    let family: Family
    var tolerance = RegressionRequest.defaultTolerance
    var maximumIterations = RegressionRequest.defaultMaximumIterations
    /// Problems above this many n·p² operations take the fused path.
    var fusedAbove = LeastSquares.smallProblem
    /// Which passes of replicate refits (`fits` from a start) form normal equations along with
    /// the deviance; the results do not depend on it.
    var refitForecast = RefitForecast.lastChange
    /// Whether a replicate refit whose step certainly ends its deviance test
    /// (`DevianceChangeBound`) finishes without a pass computing its deviance there, and one
    /// whose step certainly does not takes its next pass without computing it; the
    /// coefficients and iterations do not depend on it.
    var boundsDevianceTest = true
    /// The constant the deviance test adds to |dev| (glm's 0.1, on weights of mean 1; `fit`
    /// takes it on the weights' mean, replicate refits on their weights summing to 1, as R).
    var devianceFloor = 0.1
    /// What the weights are divided by for R's starting values (`Family.start`); `fit` sets
    /// the weights' mean.
    var priorWeightsMean = 1.0

    /// Fits the model by IRLS as R's `glm.fit`: R's starting values, weighted least squares on the
    /// working response each step, stopping when the deviance changes by less than `tolerance`
    /// relatively. Large non-gaussian problems take the fused path. `start`, when given, are the
    /// starting coefficients (R's `glm.fit(start =)`, as `svyglm` refits replicates from the
    /// full-sample estimate), one per column, 0 for aliased ones.
    /// - Throws: `DisparityError.analysis` when the fit separates the outcome; `IRLS.NonConvergence`
    ///   when `maximumIterations` is reached (the caller turns it into an analysis error);
    ///   `IRLS.Overflow` when an iterate's deviance is not finite (its fitted means overflow).
    ///
    /// `weightsMean` is the mean `svyglm` divides the weights by (`rescale = TRUE`): of the
    /// design's weights over the rows of the subset fitted, those with missing values
    /// included (`RegressionEstimator.priorWeightsMean`); nil takes the mean over the model's rows.
    func fit(_ x: DesignMatrix, weights w: [Double], start: [Double]? = nil, weightsMean: Double? = nil) throws -> GLMFit {
        // R's svyglm fits on the weights divided by their mean. The iterates from given starting
        // values do not depend on the weights' scale; R's starting values of a binomial model and
        // glm's deviance test |Δdev|/(|dev| + 0.1) do (weights summing to 1e-4 stopped it early):
        // the starting values take the rescaled weights, the 0.1 is taken on the weights' mean.
        var irls = self
        let mean = weightsMean ?? w.reduce(0, +) / Double(max(w.count, 1))
        if family != .gaussian, mean > 0, mean.isFinite { (irls.devianceFloor, irls.priorWeightsMean) = (0.1 * mean, mean) }
        return try irls.fitAsGiven(x, weights: w, start: start)
    }

    /// `fit` with the deviance test's floor as it is (`devianceFloor`).
    func fitAsGiven(_ x: DesignMatrix, weights w: [Double], start: [Double]?) throws -> GLMFit {
        if usesFusedPath(x), let fused = fusedFits(x, weights: [w], start: start, rowValues: true)[0] { return try fused.get() }
        return try iterativeFit(x, weights: w, start: start)
    }

    /// The general loop of `fit`: a weighted least-squares fit (`LeastSquares`) per iteration.
    /// - Throws: as `fit`.
    func iterativeFit(_ x: DesignMatrix, weights w: [Double], start: [Double]?) throws -> GLMFit {
        let n = x.rowCount
        if family == .gaussian, start == nil { return try leastSquaresFit(x, weights: w) }
        let y = x.response
        var mu = (0..<n).map { family.start(y[$0], weight: w[$0] / priorWeightsMean) }
        var eta = mu.map(family.link)
        var startDeviance: Double? = nil
        if let start {
            eta = Self.linearPredictor(x.columns, beta: start)
            mu = eta.map(family.mean)
            var total = 0.0
            for i in 0..<n where w[i] != 0 { total += w[i] * family.deviance(y[i], mu[i]) }
            startDeviance = total
        }
        // R's glm.fit tests the first step against the deviance at the start (`devold`), so a fit
        // from coefficients already at their estimate stops after one iteration.
        var deviance = startDeviance ?? .infinity
        var solution: LeastSquaresFit? = nil
        var omega = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n)
        var converged = false
        var iteration = 0
        var previous: [Double]? = nil, current: [Double]? = nil
        let exact = ExactInputs(design: { try x.extendedValues() },
                                response: family == .gaussian ? { try x.extendedResponse() } : nil)
        while iteration < maximumIterations {
            iteration += 1
            // A row of weight 0 adds nothing, whatever its mean (which may overflow there).
            for i in 0..<n {
                guard w[i] != 0 else { (z[i], omega[i]) = (0, 0); continue }
                let d = family.meanDerivative(mu[i])
                z[i] = eta[i] + (y[i] - mu[i]) / d
                omega[i] = family.workingWeight(w[i], mean: mu[i], derivative: d)
            }
            let step = try LeastSquares.fit(x: x.columns, response: z, weights: omega, exact: exact,
                                            refine: family == .gaussian)
            solution = step
            let beta = step.coefficients.map { $0.isNaN ? 0 : $0 }
            (previous, current) = (current, beta)
            eta = Self.linearPredictor(x.columns, beta: beta)
            mu = eta.map(family.mean)
            var newDeviance = 0.0
            for i in 0..<n where w[i] != 0 { newDeviance += w[i] * family.deviance(y[i], mu[i]) }
            // A linear fit's least squares do not use it; a GLM's test cannot take it.
            guard family == .gaussian || newDeviance.isFinite else { throw Overflow() }
            if family == .gaussian || abs(newDeviance - deviance) / (abs(newDeviance) + devianceFloor) < tolerance {
                deviance = newDeviance
                converged = true
                break
            }
            deviance = newDeviance
        }
        let final = solution!
        if family != .gaussian {
            try SeparationCheck(family: family, design: x, weights: w, mean: mu)
                .check(coefficients: current!, previous: previous, converged: converged, iterations: iteration)
            if let startDeviance, Self.rose(from: startDeviance, to: deviance, tolerance: tolerance, floor: devianceFloor) {
                throw Divergence(iterations: iteration)
            }
        }
        let (atEstimate, scoreFactor) = valuesAtEstimate(mean: mu, weights: w, response: y)
        omega = atEstimate
        let last = family == .gaussian ? final
            : try LeastSquares.fit(x: x.columns, response: z, weights: omega, exact: exact, refine: false)
        return GLMFit(family: family, coefficients: final.coefficients, aliased: final.aliased, unscaledCovariance: last.unscaledCovariance,
                      mean: mu, workingWeights: omega, scoreFactor: scoreFactor, iterations: iteration,
                      converged: converged, deviance: deviance, residualSumOfSquares: final.residualSumOfSquares,
                      extendedPrecision: final.extendedPrecision)
    }

    /// The working weights ωᵢ = wᵢ·(dμ/dη)²/V(μ) and the score factors wᵢ·(yᵢ − μᵢ)·(dμ/dη)/V(μ)
    /// of every row at the means `mu` (one value each per row; both 0 for a row of weight 0,
    /// whatever its mean), computed in blocks of rows on all cores.
    func valuesAtEstimate(mean mu: [Double], weights w: [Double], response y: [Double]) -> (workingWeights: [Double], scoreFactor: [Double]) {
        let n = mu.count, blockRows = 1 << 16
        var omega = [Double](unsafeUninitializedCapacity: n) { _, count in count = n }
        var scoreFactor = [Double](unsafeUninitializedCapacity: n) { _, count in count = n }
        omega.withUnsafeMutableBufferPointer { omega in
            scoreFactor.withUnsafeMutableBufferPointer { scoreFactor in
                let out = UnsafeSendable((omega, scoreFactor))
                DispatchQueue.concurrentPerform(iterations: (n + blockRows - 1) / blockRows) { b in
                    let (omega, scoreFactor) = out.value
                    for i in (b * blockRows)..<min(n, (b + 1) * blockRows) {
                        guard w[i] != 0 else { (omega[i], scoreFactor[i]) = (0, 0); continue }
                        let d = family.meanDerivative(mu[i]), v = family.variance(mu[i])
                        omega[i] = family.workingWeight(w[i], mean: mu[i], derivative: d)
                        scoreFactor[i] = w[i] * (y[i] - mu[i]) * d / v
                    }
                }
            }
        }
        return (omega, scoreFactor)
    }

    /// A gaussian model without starting values: IRLS's one step, where the working response is
    /// the response and the working weights are the weights, solved without copying either. Its
    /// iterations are counted as `glm.fit` counts them: 2, the second refitting the same least
    /// squares to find the deviance unchanged (1 for a perfect fit, whose deviance stays 0, or
    /// under an iteration limit of 1: the least-squares solution is exact after one).
    private func leastSquaresFit(_ x: DesignMatrix, weights w: [Double]) throws -> GLMFit {
        let n = x.rowCount, y = x.response
        let exact = ExactInputs(design: { try x.extendedValues() }, response: { try x.extendedResponse() })
        let fit = try LeastSquares.fit(x: x.columns, response: y, weights: w, exact: exact, refine: true)
        let mu = Self.linearPredictor(x.columns, beta: fit.coefficients.map { $0.isNaN ? 0 : $0 })
        var deviance = 0.0
        var scoreFactor = [Double](repeating: 0, count: n)
        for i in 0..<n {
            deviance += w[i] * family.deviance(y[i], mu[i])
            scoreFactor[i] = w[i] * (y[i] - mu[i])
        }
        return GLMFit(family: family, coefficients: fit.coefficients, aliased: fit.aliased, unscaledCovariance: fit.unscaledCovariance,
                      mean: mu, workingWeights: w, scoreFactor: scoreFactor, iterations: deviance == 0 ? 1 : min(2, maximumIterations), converged: true, deviance: deviance,
                      residualSumOfSquares: fit.residualSumOfSquares, extendedPrecision: fit.extendedPrecision)
    }

    /// η = Xβ: one value per row of `x`, each the sum of xᵢⱼβⱼ in column order; coefficients
    /// that are exactly 0 (or aliased and zeroed) are skipped. Blocks of rows go to all cores.
    static func linearPredictor(_ x: some ColumnBlocks, beta: [Double]) -> [Double] {
        let n = x.rowCount, blockRows = BlockedProducts.blockRows
        let used = (0..<x.columnCount).filter { beta[$0] != 0 }
        var eta = [Double](repeating: 0, count: n)
        eta.withUnsafeMutableBufferPointer { eta in
            let out = UnsafeSendable(eta.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: (n + blockRows - 1) / blockRows) { b in
                let start = b * blockRows, m = min(blockRows, n - start)
                for j in used { x.accumulate(column: j, rows: start..<(start + m), times: beta[j], into: out.value + start) }
            }
        }
        return eta
    }
}

/// Complete or quasi-complete separation in logistic and Poisson fits, where the maximum
/// likelihood estimate does not exist: some coefficient is infinite.
///
/// Separation means a direction b ≠ 0 along which the likelihood rises for ever: for a logistic
/// model xᵢ'b ≥ 0 where yᵢ = 1, xᵢ'b ≤ 0 where yᵢ = 0 and xᵢ'b = 0 where yᵢ is a share
/// strictly between (Albert & Anderson 1984; strict for some rows), for a Poisson model
/// xᵢ'b ≤ 0 where yᵢ = 0 and xᵢ'b = 0 where yᵢ > 0. IRLS then walks along b: once the
/// separated rows' fitted means are near their bounds, each Newton step moves their linear
/// predictor by about one unit (the step of log(1 + e^−η) is 1 when e^−η is small), while the
/// deviance test may still declare convergence. The check takes the
/// last step β_k − β_{k−1} as the candidate b and accepts it when (a) it still moves some
/// row's linear predictor by at least `divergentStep`, (b) it satisfies the sign conditions
/// on every row to `directionTolerance` of its largest move, and (c) the rows it moves are
/// fitted within `boundaryTolerance` of their outcome. A fit that has converged moves its
/// linear predictor by a vanishing step, so (a) keeps real fits clear of false alarms.
///
/// The error names the term with the largest move, standardised by its column's SD, and the
/// cell it separates ("all rows with grp=1 have y=1"). A fit that reaches the iteration limit
/// without separation is an error too (never reported as converged).
struct SeparationCheck {
    /// Smallest change of some row's linear predictor in the last IRLS step that counts as
    /// divergence (a diverging direction moves it by about 1 per step).
    static let divergentStep = 0.5
    /// Rows whose move along the candidate direction is below this share of the largest move
    /// count as not moved (on the separating hyperplane).
    static let directionTolerance = 1e-3
    /// How close to its outcome a separated row's fitted mean must be.
    static let boundaryTolerance = 1e-6
    /// Fitted probabilities (and Poisson means) within this of their bound are numerically 0
    /// or 1, as R's `glm.fit` warns (10 machine epsilons).
    static let pinnedTolerance = 10 * Double.ulpOfOne

    let family: Family
    let design: DesignMatrix
    let weights: [Double]
    /// The fitted means, one per row; may be empty when `readsMeans` says the check will not
    /// read them.
    let mean: [Double]
    /// Per column of the design, its largest |x|, when known: a step whose moves they bound
    /// below `divergentStep` is no divergence, without computing the moves.
    var columnMagnitudes: [Double]? = nil
    /// The number of rows with weight whose mean is at its bound (`pinnedRows(family:...)`),
    /// when the caller counted them; otherwise the check counts them in `mean`.
    var pinnedRowCount: Int? = nil

    /// Throws when the fit separates or did not converge. `coefficients` are the last IRLS
    /// step's, `previous` the step's before (nil after a single iteration).
    func check(coefficients: [Double], previous: [Double]?, converged: Bool, iterations: Int) throws {
        guard family != .gaussian else { return }
        let y = design.response
        if let previous, let message = separation(step: zip(coefficients, previous).map { $0 - $1 }, y: y) {
            throw DisparityError.analysis("formula \(quoted: design.formula.text): separation: \(message); its coefficient is infinite (drop the term or merge levels)")
        }
        guard converged else { throw IRLS.NonConvergence(iterations: iterations) }
        // Fitted means numerically at their bound (R's glm.fit warns of them) come with strong
        // but finite effects too — rows far out on a steep predictor — so they are separation
        // only when a column separates the outcome on its own; so is a coefficient whose effect
        // reaches `largeEffect` (the deviance test stops a separated cell's coefficient wherever
        // its share of the deviance settles: about 12 for a cell of 4 rows in 5,000, before its
        // means reach their bound). The column test is exact, so its direction needs no fitted
        // means near the bound.
        let pinned = (pinnedRowCount ?? pinnedRows(y: y)) > 0
        let large = Self.largeEffects(coefficients, design: design)
        if pinned || !large.isEmpty, let direction = separatingColumn(y: y, columns: pinned ? nil : large),
           let message = separation(step: direction, y: y, exact: true) {
            throw DisparityError.analysis("formula \(quoted: design.formula.text): separation: \(message); its coefficient is infinite (drop the term or merge levels)")
        }
    }

    /// The smallest effect |βⱼ|·maxᵢ|xᵢⱼ| of a coefficient across its column that has the
    /// check test the column for separation: an odds ratio of e⁸ ≈ 3,000 between the column's
    /// 0 and its largest value.
    static let largeEffect = 8.0

    /// The columns (of terms, not the intercept) whose coefficient's effect across the column
    /// reaches `largeEffect`.
    static func largeEffects(_ coefficients: [Double], design: DesignMatrix) -> [Int] {
        let magnitudes = design.columnMagnitudes
        return coefficients.indices.filter { j in
            design.termOfColumn[j] >= 0 && !coefficients[j].isNaN && abs(coefficients[j]) * magnitudes[j] >= largeEffect
        }
    }

    /// The number of rows with weight whose fitted mean is numerically at its bound, in `mean`.
    private func pinnedRows(y: [Double]) -> Int {
        guard !mean.isEmpty else { return 0 }
        return mean.withUnsafeBufferPointer { mean in
            weights.withUnsafeBufferPointer { weights in
                y.withUnsafeBufferPointer { y in
                    Self.pinnedRows(family: family, mean: mean.baseAddress!, weights: weights.baseAddress!, response: y.baseAddress!,
                                    count: mean.count)
                }
            }
        }
    }

    /// The number of the `count` rows with weight whose fitted mean is numerically at its
    /// bound: a probability within `pinnedTolerance` of 0 or 1, or a Poisson mean of a 0 count
    /// within it of 0. Four rows at a time without branches, for a block of rows as for a whole
    /// fit.
    @inline(__always)
    static func pinnedRows(family: Family, mean: UnsafePointer<Double>, weights: UnsafePointer<Double>,
                           response y: UnsafePointer<Double>, count: Int) -> Int {
        func load(_ values: UnsafePointer<Double>, _ i: Int) -> SIMD4<Double> {
            UnsafeRawPointer(values + i).loadUnaligned(as: SIMD4<Double>.self)
        }
        let binomial = family == .binomial, tolerance = SIMD4<Double>(repeating: pinnedTolerance)
        var lanes = SIMD4<Int64>.zero, i = 0
        while i + 4 <= count {
            let m = load(mean, i)
            let atBound = binomial ? pointwiseMin(m, 1 - m) .< tolerance : (load(y, i) .== 0) .& (m .< tolerance)
            lanes &+= SIMD4<Int64>.zero.replacing(with: 1, where: (load(weights, i) .> 0) .& atBound)
            i += 4
        }
        var pinned = Int(lanes.wrappedSum())
        while i < count {
            let atBound = binomial ? min(mean[i], 1 - mean[i]) < pinnedTolerance : y[i] == 0 && mean[i] < pinnedTolerance
            pinned &+= weights[i] > 0 && atBound ? 1 : 0
            i += 1
        }
        return pinned
    }

    /// Whether `check` reads the fitted means, given the last step (`coefficients` −
    /// `previous`; nil after a single iteration), the number of pinned rows and the check's
    /// `columnMagnitudes`: only when the step may move some row's linear predictor by
    /// `divergentStep` (its bound by the magnitudes reaches it; always without them), or some
    /// rows are pinned.
    static func readsMeans(step: [Double]?, pinnedRows: Int, columnMagnitudes: [Double]?) -> Bool {
        pinnedRows > 0 || step.map { mayDiverge($0, columnMagnitudes: columnMagnitudes) } == true
    }

    /// Whether a step of the coefficients may move some row's linear predictor by
    /// `divergentStep`: false when its bound by the column magnitudes stays below it.
    private static func mayDiverge(_ b: [Double], columnMagnitudes: [Double]?) -> Bool {
        guard let columnMagnitudes else { return true }
        // |xᵢ'b| ≤ Σⱼ |bⱼ|·maxᵢ|xᵢⱼ|; the margin covers the rounding of the computed moves.
        let bound = zip(b, columnMagnitudes).reduce(0.0) { $0 + ($1.0.isNaN ? 0 : abs($1.0) * $1.1) }
        return bound * (1 + 1e-12) >= Self.divergentStep
    }

    /// A direction along one column (with the intercept) that separates the outcome, scaled so
    /// that it moves some row's linear predictor by 1, or nil when no column does. Logistic:
    /// the rows with y = 1 lie on one side of a threshold of the column and those with y = 0
    /// on the other (ties at it allowed: quasi-complete); Poisson: the rows with events share
    /// the column's value and the others lie on one side of it. An exact test for separation
    /// by a single term (a factor level, a 0/1 or a continuous variable), of the `columns`
    /// given (nil: every column).
    func separatingColumn(y: [Double], columns: [Int]? = nil) -> [Double]? {
        let n = design.rowCount, p = design.columnCount, x = design.values
        let intercept = design.formula.hasIntercept ? design.termOfColumn.firstIndex(of: -1) : nil
        for j in columns ?? Array(0..<p) where design.termOfColumn[j] >= 0 {
            // Each outcome class's range of the column: [0] no event, [1] events.
            var low = [Double.infinity, .infinity], high = [-Double.infinity, -Double.infinity]
            for i in 0..<n where weights[i] > 0 {
                let v = x[j * n + i]
                // A share strictly between 0 and 1 bounds both classes: it must sit at the threshold.
                let classes = family == .binomial ? (y[i] == 1 ? 1...1 : y[i] == 0 ? 0...0 : 0...1) : (y[i] > 0 ? 1...1 : 0...0)
                for k in classes {
                    low[k] = min(low[k], v)
                    high[k] = max(high[k], v)
                }
            }
            guard low[0] <= high[0], low[1] <= high[1] else { continue }
            let threshold: Double, sign: Double
            switch family {
            case .binomial where high[0] <= low[1]: (threshold, sign) = ((high[0] + low[1]) / 2, 1)
            case .binomial where high[1] <= low[0]: (threshold, sign) = ((high[1] + low[0]) / 2, -1)
            case .poisson where low[1] == high[1] && high[0] <= low[1]: (threshold, sign) = (low[1], 1)
            case .poisson where low[1] == high[1] && low[0] >= high[1]: (threshold, sign) = (low[1], -1)
            default: continue
            }
            guard threshold == 0 || intercept != nil else { continue }
            let largest = max(abs(low[0] - threshold), abs(high[0] - threshold), abs(low[1] - threshold), abs(high[1] - threshold))
            guard largest > 0 else { continue }
            var b = [Double](repeating: 0, count: p)
            b[j] = sign / largest
            if let intercept { b[intercept] = -sign * threshold / largest }
            return b
        }
        return nil
    }

    /// The description of the separation the step reveals, or nil. An `exact` step (a
    /// separating column's direction) needs no check of the fitted means.
    private func separation(step b: [Double], y: [Double], exact: Bool = false) -> String? {
        let n = design.rowCount, p = design.columnCount
        guard Self.mayDiverge(b, columnMagnitudes: columnMagnitudes) else { return nil }
        precondition(exact || mean.count == n, "SeparationCheck: the means are read (see readsMeans)")
        let move = IRLS.linearPredictor(design.columns, beta: b.map { $0.isNaN ? 0 : $0 })
        var largest = 0.0
        for i in 0..<n where weights[i] > 0 { largest = max(largest, abs(move[i])) }
        guard largest >= Self.divergentStep else { return nil }
        let x = design.values
        let used = (0..<n).filter { weights[$0] > 0 }
        let tolerance = Self.directionTolerance * largest
        var separated: [Int] = []
        for i in used {
            let d = move[i]
            switch family {
            case .binomial where y[i] == 1 ? d < -tolerance : y[i] == 0 ? d > tolerance : abs(d) > tolerance: return nil
            case .poisson where y[i] > 0 ? abs(d) > tolerance : d > tolerance: return nil
            default: break
            }
            if abs(d) > tolerance {
                guard exact || abs(y[i] - mean[i]) < Self.boundaryTolerance else { return nil }
                separated.append(i)
            }
        }
        // The term that moves the linear predictor most: |bⱼ|·sd(xⱼ), intercept aside.
        func spread(_ j: Int) -> Double {
            guard design.termOfColumn[j] >= 0, !b[j].isNaN else { return -1 }
            let column = used.map { x[j * n + $0] }
            let m = column.reduce(0, +) / Double(column.count)
            return abs(b[j]) * (column.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(column.count)).squareRoot()
        }
        guard let j = (0..<p).max(by: { spread($0) < spread($1) }), spread(j) > 0 else {
            return "\(separated.count) rows are fitted with their outcome exactly"
        }
        return "\(quoted: design.names[j]) separates the outcome: " + cells(column: j, upward: b[j] > 0, used: used, y: y, separated: separated)
    }

    /// Which rows the term separates, as checked statements about the data: for a 0/1 column
    /// each value whose rows all share one outcome; for other columns the thresholds beyond
    /// which they do.
    private func cells(column j: Int, upward: Bool, used: [Int], y: [Double], separated: [Int]) -> String {
        let n = design.rowCount, x = design.values
        let value = { (i: Int) in x[j * n + i] }
        let outcome = design.formula.response.label
        let name = design.names[j]
        func uniformOutcome(_ rows: [Int]) -> Double? {
            guard let first = rows.first, rows.allSatisfy({ y[$0] == y[first] }) else { return nil }
            return y[first]
        }
        var clauses: [String] = []
        if used.allSatisfy({ value($0) == 0 || value($0) == 1 }) {
            // A factor level's indicator `base[level]` reads as base=level; a 0/1 column as col=v.
            let level = DesignMatrix.factorLevel(ofColumnNamed: name)
            for v in [1.0, 0.0] {
                let rows = used.filter { value($0) == v }
                guard Set(rows).isSubset(of: Set(separated)), let c = uniformOutcome(rows) else { continue }
                let cell = level.map { v == 1 ? "\($0.0)=\($0.1)" : "\($0.0)≠\($0.1)" } ?? "\(name)=\(NumberFormat.label(v))"
                clauses.append("all rows with \(cell) have \(outcome)=\(NumberFormat.label(c))")
            }
        } else {
            // Rows beyond the separated rows' extreme value on each side.
            for side in family == .binomial ? [1.0, 0.0] : [0.0] {
                let high = (side == 1) == upward
                let values = separated.filter { y[$0] == side }.map(value)
                guard let edge = high ? values.min() : values.max() else { continue }
                let beyond = used.filter { high ? value($0) >= edge : value($0) <= edge }
                guard uniformOutcome(beyond) == side else { continue }
                clauses.append("all rows with \(name) \(high ? "≥" : "≤") \(NumberFormat.label(edge)) have \(outcome)=\(NumberFormat.label(side))")
            }
        }
        if clauses.isEmpty {
            let bound = family == .binomial ? "probability 0 or 1" : "mean 0"
            return "\(separated.count) row\(separated.count == 1 ? " is" : "s are") fitted with \(bound) along a direction led by \(quoted: name)"
        }
        return clauses.joined(separator: " and ")
    }
}
