import Foundation

/// A design's calibration to population totals (R survey's `calibrate`, `postStratify`,
/// `rake`): the g-weights that make the weighted totals of the calibration model's columns equal
/// the population's, and what the variance needs afterwards.
///
/// The g-weights solve Σᵢ dᵢ gᵢ xᵢ = T with gᵢ = 1 + F(xᵢᵀλ) for the distance function's F (R's
/// `grake`: Newton's method from λ = 0, step halving where g is not finite, converged to
/// `tolerance` relative to 1 + |T| on every constraint). Linearization variance replaces the
/// influence values zᵢ of any statistic by the residuals of their weighted regression on the
/// calibration variables, eᵢ = zᵢ − gᵢdᵢxᵢᵀβ with β = (XᵀDX)⁻¹ Σᵢ xᵢzᵢ/gᵢ (R's `svyrecvar`:
/// `qr.resid(cal$qr, x/cal$w) * cal$w`), which for post-stratification is R's `postStratify`
/// variance. Replicate designs calibrate each replicate's weights to the same totals instead.
public struct Calibration: Sendable {
    /// The calibration as asked for.
    public let spec: CalibrationSpec
    /// The constraints: the calibration model's column names (`(Intercept)`, `x`, `x[L]`).
    public let names: [String]
    /// The population total of each constraint.
    public let population: [Double]
    /// The design's weights before calibration, d (every table row).
    public let baseWeights: [Double]
    /// The full sample's g-weights: calibrated weights are `g * baseWeights`.
    public let g: [Double]
    /// Newton iterations the full sample took.
    public let iterations: Int
    /// The model matrix, column-major, rows × constraints.
    let x: [Double]
    /// (XᵀDX)⁻¹, constraints × constraints, row-major.
    let gramInverse: [Double]
    /// The whole replicate design's degrees of freedom where R keeps those of the replicates
    /// before calibration (`calibrate.svyrep.design` by `grake`: raking, logit, bounds); nil where
    /// R recomputes them from the calibrated replicates (unbounded linear, post-stratification).
    var replicateDegreesOfFreedom: Int?

    /// Relative misfit on every constraint at which the g-weights count as converged (R's
    /// `epsilon`, tightened from its default 1e-7 so that results do not depend on the path).
    static let tolerance = 1e-12
    /// R's default `epsilon`: a misfit below it that a Newton step no longer halves is rounding's
    /// floor, accepted as converged. Weights far larger than the totals (a million times, say)
    /// make g-weights near 0 as 1 + x'λ, whose cancellation keeps the misfit near 1e-10.
    static let attainableTolerance = 1e-7
    /// Most Newton iterations (R's `maxit`).
    static let maximumIterations = 100
    /// R's `SOMETHRESHOLD`: when every total exceeds the weighted sample's by more than this
    /// factor, the weights are first scaled by the mean ratio (as R's `grake`).
    static let rescalingThreshold = 20.0

    /// The number of constraints.
    public var count: Int { names.count }

    /// Calibrates `weights` (the full sample's): `model`'s matrix and totals, solved by `spec`'s
    /// distance function within its bounds.
    /// - Throws: `DisparityError.analysis` when the constraints are collinear, the bounds cannot
    ///   be met, or Newton's method does not converge (naming the distance function, the
    ///   constraint furthest from its total and the iterations).
    init(_ spec: CalibrationSpec, model: CalibrationModel, weights: [Double], source: String) throws {
        self.spec = spec
        self.names = model.names
        self.population = model.population
        self.x = model.x
        self.baseWeights = weights
        let n = model.rowCount, p = model.names.count
        let gram = Self.crossProduct(x, rows: n, columns: p, weights: weights)
        var identity = [Double](repeating: 0, count: p * p)
        for j in 0..<p { identity[j * p + j] = 1 }
        guard let inverse = SmallLinearSystem.solve(gram, identity, n: p, m: p) else {
            throw DisparityError.analysis("\(source): the calibration constraints \(model.names.joined(separator: ", ")) are collinear in the weighted sample (a level without weight, or a variable that is a combination of others)")
        }
        self.gramInverse = inverse
        (self.g, self.iterations) = try Self.gWeights(spec, x: model.x, names: model.names, population: model.population,
                                                      weights: weights, what: "\(source): the full sample")
    }

    /// The g-weights of replicate weights `weights`, calibrated to the same totals (R's
    /// `calibrate.svyrep.design`), times the weights: the calibrated replicate.
    /// - Throws: as `init`, naming `what` (the replicate).
    func calibrate(_ weights: [Double], what: String) throws -> [Double] {
        let g = try Self.gWeights(spec, x: x, names: names, population: population, weights: weights, what: what).g
        return zip(g, weights).map(*)
    }

    /// The influence values `influence` with the calibration regression's fitted values taken
    /// out: on every row of the design (a domain's statistic gets influence outside it, as in
    /// R's calibrated subset designs, which keep every row).
    func residuals(of influence: Influence) -> Influence {
        let n = baseWeights.count, p = count, k = influence.width
        // b = Σ xᵢ zᵢ / gᵢ over the rows the statistic has (zero elsewhere), p × k.
        var b = [Double](repeating: 0, count: p * k)
        for (i, row) in influence.rows.enumerated() {
            let r = Int(row)
            guard g[r] != 0 else { continue }
            for j in 0..<p {
                let xj = x[j * n + r] / g[r]
                guard xj != 0 else { continue }
                for c in 0..<k { b[j * k + c] += xj * influence.values[i * k + c] }
            }
        }
        var beta = [Double](repeating: 0, count: p * k)
        for a in 0..<p { for j in 0..<p { let m = gramInverse[a * p + j]; for c in 0..<k { beta[a * k + c] += m * b[j * k + c] } } }
        // eᵢ = zᵢ − gᵢdᵢ xᵢᵀβ on every row.
        var values = [Double](repeating: 0, count: n * k)
        for (i, row) in influence.rows.enumerated() {
            for c in 0..<k { values[Int(row) * k + c] = influence.values[i * k + c] }
        }
        for j in 0..<p {
            x.withUnsafeBufferPointer { x in
                let column = x.baseAddress! + j * n
                for r in 0..<n {
                    let s = g[r] * baseWeights[r] * column[r]
                    guard s != 0 else { continue }
                    for c in 0..<k { values[r * k + c] -= s * beta[j * k + c] }
                }
            }
        }
        return Influence(rows: (0..<n).map(Int32.init), width: k, values: values)
    }

    /// R's `grake`: g-weights by Newton's method on the calibration equations.
    /// How far a constraint is off its total, for an error: relative, or (a sum beyond a
    /// double, which gives no number) that its weighted sums overflow.
    private static func misfit(_ relative: Double) -> String {
        relative.isFinite ? "off its total by \(relative) (relative)"
            : "off its total by more than a double can tell: its weighted sums exceed \(DisparityError.largestDouble) (a total or variable too large?)"
    }

    static func gWeights(_ spec: CalibrationSpec, x: [Double], names: [String], population: [Double], weights: [Double],
                         what: String) throws -> (g: [Double], iterations: Int) {
        let n = weights.count, p = names.count
        let distance = DistanceFunction(spec.function, bounds: spec.bounds)
        var d = weights
        var sampleTotal = [Double](repeating: 0, count: p)
        for j in 0..<p { for i in 0..<n { sampleTotal[j] += x[j * n + i] * d[i] } }
        // R's pre-scaling for weights far below the totals (not on unbounded linear calibration,
        // which R solves directly).
        var scale = 1.0
        if !(spec.function == .linear && spec.bounds == nil) {
            let ratios = (0..<p).map { population[$0] / sampleTotal[$0] }
            if let smallest = ratios.min(), smallest > rescalingThreshold {
                scale = ratios.reduce(0, +) / Double(p)
                for i in 0..<n { d[i] *= scale }
            }
        }
        // Bounds apply to the g-weights of the (rescaled) weights, as in R.
        try checkFeasible(spec, x: x, names: names, population: population, weights: d, what: what)
        var eta = [Double](repeating: 0, count: p)
        var u = [Double](repeating: 0, count: n)
        var g = [Double](repeating: 1, count: n), slope = [Double](repeating: 0, count: n)
        func evaluate() {
            for i in 0..<n { u[i] = 0 }
            for j in 0..<p where eta[j] != 0 { for i in 0..<n { u[i] += x[j * n + i] * eta[j] } }
            for i in 0..<n { (g[i], slope[i]) = distance.value(u[i]) }
        }
        func misfit() -> [Double] {
            var m = population
            for j in 0..<p { for i in 0..<n { m[j] -= x[j * n + i] * d[i] * g[i] } }
            return m
        }
        evaluate()
        var iteration = 1
        var previousMisfit = Double.infinity
        while true {
            let tmat = crossProduct(x, rows: n, columns: p, weights: (0..<n).map { d[$0] * slope[$0] })
            guard var step = SmallLinearSystem.solve(tmat, misfit(), n: p, m: 1) else {
                let furthest = worst(misfit(), names, population)
                throw DisparityError.analysis("\(what): \(spec.function.rawValue) calibration did not converge: at iteration \(iteration) no weight is left free to move \(furthest.name), \(Self.misfit(furthest.relative))\(spec.bounds == nil ? "" : "; the bounds \(bounds(spec)) may be infeasible")")
            }
            for j in 0..<p { eta[j] += step[j] }
            evaluate()
            while iteration < maximumIterations, g.contains(where: { !$0.isFinite }) || slope.contains(where: { !$0.isFinite }) {
                iteration += 1
                for j in 0..<p { step[j] /= 2; eta[j] -= step[j] }
                evaluate()
            }
            let m = misfit()
            let furthest = worst(m, names, population)
            if furthest.relative < tolerance { break }
            if furthest.relative < attainableTolerance, furthest.relative > previousMisfit / 2 { break }
            previousMisfit = furthest.relative
            iteration += 1
            if iteration > maximumIterations {
                throw DisparityError.analysis("\(what): \(spec.function.rawValue) calibration did not converge in \(maximumIterations) iterations: \(furthest.name) is \(Self.misfit(furthest.relative))\(spec.bounds == nil ? "" : "; the bounds \(bounds(spec)) may be infeasible")")
            }
        }
        if scale != 1 { for i in 0..<n { g[i] *= scale } }
        return (g, iteration)
    }

    /// The constraint furthest from its total, relative to 1 + |total| (R's convergence measure).
    private static func worst(_ misfit: [Double], _ names: [String], _ population: [Double]) -> (name: String, relative: Double) {
        var best = (name: names.first ?? "", relative: 0.0)
        for j in misfit.indices {
            let r = abs(misfit[j]) / (1 + abs(population[j]))
            if !(r <= best.relative) { best = (names[j], r) }
        }
        return best
    }

    private static func bounds(_ spec: CalibrationSpec) -> String {
        spec.bounds.map { "\(NumberFormat.label($0.lowerBound)),\(NumberFormat.label($0.upperBound))" } ?? ""
    }

    /// With bounds (L, U), a constraint whose column is never negative can reach only totals
    /// between L·Σdx and U·Σdx: outside them the bounds are infeasible.
    private static func checkFeasible(_ spec: CalibrationSpec, x: [Double], names: [String], population: [Double], weights d: [Double],
                                      what: String) throws {
        guard let range = spec.bounds else { return }
        let n = d.count
        for j in names.indices {
            var total = 0.0, nonNegative = true
            for i in 0..<n {
                let v = x[j * n + i]
                if v < 0 { nonNegative = false; break }
                total += v * d[i]
            }
            guard nonNegative else { continue }
            let low = range.lowerBound * total, high = range.upperBound * total
            if population[j] < low * (1 - 1e-12) || population[j] > high * (1 + 1e-12) {
                throw DisparityError.analysis("\(what): the bounds \(bounds(spec)) are infeasible: \(names[j]) has the total \(NumberFormat.label(population[j])) but the bounded weights reach only \(low) to \(high)")
            }
        }
    }

    /// XᵀΩX (p × p, row-major) of a column-major n × p matrix, Ω ≥ 0.
    private static func crossProduct(_ x: [Double], rows n: Int, columns p: Int, weights: [Double]) -> [Double] {
        BlockedProducts.gram(DenseColumns(values: x, rowCount: n, columnCount: p), weights: weights, vector: [Double](repeating: 0, count: n)).gram
    }
}

/// R survey's calibration distance functions (`cal.linear`, `cal.raking`, `cal.logit`): the
/// g-weight g = 1 + F(u) at u = xᵀλ, and its derivative, within bounds (L, U).
struct DistanceFunction {
    let function: CalibrationFunction
    let lower: Double, upper: Double

    init(_ function: CalibrationFunction, bounds: ClosedRange<Double>?) {
        self.function = function
        lower = bounds?.lowerBound ?? -.infinity
        upper = bounds?.upperBound ?? .infinity
    }

    /// g and dg/du at `u`.
    func value(_ u: Double) -> (g: Double, slope: Double) {
        switch function {
        case .linear:
            let inside = u + 1 > lower && u + 1 < upper
            return (min(max(u + 1, lower), upper), inside ? 1 : 0)
        case .raking:
            let e = exp(u)
            let inside = e > lower && e < upper
            return (min(max(e, lower), upper), inside ? e : 0)
        case .logit:
            let (l, h) = (lower, upper)
            let a = (h - l) / ((h - 1) * (1 - l))
            let e = exp(a * u)
            let denominator = h - 1 + (1 - l) * e
            let g = (l * (h - 1) + h * (1 - l) * e) / denominator
            let slope = h * (1 - l) * e * a / denominator - (l * (h - 1) + h * (1 - l) * e) * (1 - l) * e * a / (denominator * denominator)
            return (g, slope)
        }
    }
}

extension Calibration {
    /// The calibration as JSON output names it: method, calfun, bounds, constraints, totals file
    /// and the full sample's Newton iterations.
    public var summary: JSONValue {
        .object([
            ("method", .string(spec.methodName)),
            ("calfun", .string(spec.function.rawValue)),
            ("bounds", spec.bounds.map { .array([.number($0.lowerBound), .number($0.upperBound)]) } ?? .null),
            ("constraints", .number(Double(count))),
            ("totals", .string(spec.totals)),
            ("within", .string(spec.within)),
            ("iterations", .number(Double(iterations))),
        ])
    }
}
