import Foundation

/// A covariance from replicate estimates, R's `svrVar`: scale·Σ_r rscale_r (θ_r − c)(θ_r − c)ᵀ
/// over the replicates, c the mean of the replicates with rscale > 0 or, with `mse`, the
/// full-sample estimates; for the Rao-Wu bootstrap the replicates' sample covariance.
///
/// A replicate that cannot give some statistic (its domain or cell has no rows or no weight in
/// that replicate) is left out of that statistic's variance only, as R's `svyby` estimates each
/// domain on its own and its `svrVar` leaves out the replicates with NA estimates: the variance
/// of statistic i is `svrVar` of θᵢ over the replicates that give it, and the covariance of i
/// and j is `svrVar` of the two over the replicates that give both (their centres and, for the
/// bootstrap, the divisor taken over those replicates). So the standard error of one domain's
/// statistic does not depend on which other domains are estimated with it. A replicate on which
/// the statistic fails as a whole (an error) is left out of everything. The replicates' values
/// are kept, so a single variance costs one pass over the replicates whatever the number of
/// statistics.
public struct ReplicateCovariance: Sendable {
    /// Per replicate that gave values, its statistics (not finite where it gave none).
    private let values: [[Double]]
    /// Per such replicate, its rscale (its factor in the sum, and whether it enters the centre).
    private let rscales: [Double]
    /// The sum's multiplier (R's `scale`); nil for the sample covariance, 1/(m − 1) over the m
    /// replicates used.
    private let scale: Double?
    /// The centre when fixed (the full-sample estimates, R's `mse = TRUE`).
    private let fixedCentre: [Double]?
    /// Per statistic, whether every replicate that gave values gave it.
    private let complete: [Bool]
    /// Per replicate, its statistics minus their centre over all replicates (used for the
    /// statistics that are complete).
    private let deviations: [[Double]]
    /// The number of statistics.
    public let size: Int
    /// The replicates evaluated.
    public let replicates: Int
    /// The replicates on which the statistic failed as a whole, left out of every variance.
    public let failed: Int

    /// The covariance of replicate `values` (one vector per replicate that gave values, of
    /// `replicates` evaluated), replicate r weighted by `rscales[r]` times `scale` (nil: the
    /// sample covariance), about `centre` (nil: the mean of the replicates used with rscale > 0).
    init(values: [[Double]], rscales: [Double], scale: Double?, centre: [Double]?, replicates: Int) {
        let size = values.first?.count ?? centre?.count ?? 0
        self.values = values
        self.rscales = rscales
        self.scale = scale
        fixedCentre = centre
        self.size = size
        self.replicates = replicates
        failed = replicates - values.count
        let complete = (0..<size).map { i in values.allSatisfy { $0[i].isFinite } }
        self.complete = complete
        let all = Array(values.indices)
        let centres = (0..<size).map { i in complete[i] ? Self.centre(of: i, over: all, values: values, rscales: rscales, fixed: centre) : .nan }
        deviations = values.map { v in zip(v, centres).map { $0 - $1 } }
    }

    /// The centre of statistic `i` over the replicates `used`.
    private static func centre(of i: Int, over used: [Int], values: [[Double]], rscales: [Double], fixed: [Double]?) -> Double {
        if let fixed { return fixed[i] }
        var sum = 0.0, count = 0
        for r in used where rscales[r] > 0 {
            sum += values[r][i]
            count += 1
        }
        return sum / Double(count)
    }

    /// Each used replicate's factor: scale·rscale, or 1/(m − 1) for the sample covariance.
    private func factor(_ r: Int, used: Int) -> Double {
        scale.map { $0 * rscales[r] } ?? 1 / Double(used - 1)
    }

    /// The covariance of statistics `i` and `j`, in their units' product: over the replicates
    /// that give both. NaN when too few do.
    public subscript(i: Int, j: Int) -> Double {
        if complete[i], complete[j] {
            var sum = 0.0
            for (r, d) in deviations.enumerated() { sum += factor(r, used: values.count) * d[i] * d[j] }
            return sum
        }
        let used = values.indices.filter { values[$0][i].isFinite && values[$0][j].isFinite }
        let ci = Self.centre(of: i, over: used, values: values, rscales: rscales, fixed: fixedCentre)
        let cj = i == j ? ci : Self.centre(of: j, over: used, values: values, rscales: rscales, fixed: fixedCentre)
        var sum = 0.0
        for r in used { sum += factor(r, used: used.count) * (values[r][i] - ci) * (values[r][j] - cj) }
        return used.isEmpty ? .nan : sum
    }

    /// The whole `size × size` matrix (for a few statistics: it costs size² per replicate).
    public var covariance: Covariance {
        var out = [Double](repeating: 0, count: size * size)
        for (r, d) in deviations.enumerated() {
            let s = factor(r, used: values.count)
            for a in 0..<size where complete[a] && d[a] != 0 {
                let sa = s * d[a]
                for c in 0..<size where complete[c] { out[a * size + c] += sa * d[c] }
            }
        }
        for a in 0..<size where !complete[a] {
            for c in 0..<size { (out[a * size + c], out[c * size + a]) = (self[a, c], self[a, c]) }
        }
        return Covariance(size: size, values: out)
    }

    /// The replicates that gave no value of statistic `i` (failed ones included).
    public func unused(_ i: Int) -> Int {
        failed + (complete[i] ? 0 : values.reduce(0) { $0 + ($1[i].isFinite ? 0 : 1) })
    }

    /// A note for the output when replicates gave no value of any of `statistics` (nil when
    /// every replicate gave every one): how many were left out of a variance, at most.
    public func note(_ statistics: some Sequence<Int>) -> String? {
        let most = statistics.map(unused).max() ?? 0
        guard most > 0 else { return nil }
        return "\(most) of \(replicates) replicates gave no estimate (no rows or no weight there) and were left out of its variance, as R's svrVar leaves out replicates with NA estimates"
    }

    /// `note` of statistic `i` alone.
    public func note(_ i: Int) -> String? { note(CollectionOfOne(i)) }

    /// `note` of every statistic.
    public var note: String? { note(0..<size) }

    /// The standard error of statistic `i`, nil where it does not exist; where the variance is
    /// beyond a double, the square root of its sum taken in units of powers of two
    /// (`scaledStandardError`), +∞ only where that is beyond a double too.
    public func standardError(_ i: Int) -> Double? {
        let v = self[i, i]
        if v == .infinity { return scaledStandardError(i) }
        return v.isFinite && v >= 0 ? v.squareRoot() : nil
    }

    /// The standard error of statistic `i` from the sum of `subscript(_:_:)` with the
    /// deviations in units of u and the factors in units of g, powers of two near the largest
    /// of each: u·√g·√(Σ (f_r/g)(d_r/u)²), whose sum stays within a double.
    private func scaledStandardError(_ i: Int) -> Double {
        let used = complete[i] ? Array(values.indices) : values.indices.filter { values[$0][i].isFinite }
        let centre = complete[i] ? nil : Self.centre(of: i, over: used, values: values, rscales: rscales, fixed: fixedCentre)
        let terms = used.map { r in (factor: factor(r, used: used.count), deviation: centre.map { values[r][i] - $0 } ?? deviations[r][i]) }
        func unit(_ largest: Double) -> Double { largest > 0 && largest.isFinite ? Double(sign: .plus, exponent: largest.exponent, significand: 1) : 1 }
        let u = unit(terms.map { abs($0.deviation) }.max() ?? 0), g = unit(terms.map { abs($0.factor) }.max() ?? 0)
        let sum = terms.reduce(0.0) { $0 + $1.factor / g * ($1.deviation / u) * ($1.deviation / u) }
        return u * g.squareRoot() * sum.squareRoot()
    }
}

extension SurveyDesign {
    /// The covariance of a vector statistic under the design's replicate method, or nil under
    /// linearization (the estimator's own influence values then give it).
    ///
    /// - Parameters:
    ///   - estimates: the statistic on the full sample (the centre under `--mse`).
    ///   - statistic: the same statistic computed on a replicate design (whose own variance
    ///     method is linearization). A replicate on which it throws a data or analysis error is
    ///     left out of every variance; one on which it gives a value that is not finite, of that
    ///     value's (`ReplicateCovariance`). An overflow error (`DisparityError.overflow`) is no
    ///     replicate to leave out: it stops the analysis, said of a replicate's weights.
    /// - Throws: the statistic's error when every replicate fails; its overflow error at once.
    public func replicateCovariance(estimates: [Double],
                                    _ statistic: @Sendable (SurveyDesign) throws -> [Double]) throws -> ReplicateCovariance? {
        switch spec.varianceMethod {
        case .linearization:
            return nil
        case let .bootstrap(replicates, seed):
            return try RaoWuBootstrap(design: self, replicates: replicates, seed: seed).covariance(estimates: estimates, statistic)
        case .replicateWeights, .madeReplicates:
            return try readReplicateWeights().covariance(design: self, estimates: estimates, statistic)
        }
    }

    /// The covariance of a vector statistic computed for `groupSize` replicates at a time (a
    /// regression's refits sharing their passes over the design matrix), otherwise as
    /// `replicateCovariance(estimates:_:)`: `statistics` gets a group's replicate weights (one
    /// per table row each) with each one's sum over every row where known
    /// (`ReplicateWeights.total(replicate:)`), and gives each replicate's values or error, in
    /// the group's order.
    /// Bootstrap replicates, whose weights are made for their group and held while it is
    /// evaluated (n values each), go at most `madeGroup` at a time; replicate-weight columns
    /// are the design's own and cost nothing to hand over.
    /// - Throws: as `replicateCovariance(estimates:_:)`.
    public func replicateCovariance(estimates: [Double], groupSize: Int,
                                    _ statistics: ([[Double]], _ totals: [Double?]) -> [Result<[Double], Error>]) throws
        -> ReplicateCovariance? {
        switch spec.varianceMethod {
        case .linearization:
            return nil
        case let .bootstrap(replicates, seed):
            let bootstrap = try RaoWuBootstrap(design: self, replicates: replicates, seed: seed)
            return bootstrap.combine(try ReplicateEstimates(replicates: replicates, groupSize: min(groupSize, Self.madeGroup), design: self,
                                                            weights: { try bootstrap.analysisWeights(replicate: $0) }, totals: { _ in nil },
                                                            estimates: estimates, minimum: 2, statistics))
        case .replicateWeights, .madeReplicates:
            let replicateWeights = try readReplicateWeights()
            let evaluated = try ReplicateEstimates(replicates: replicateWeights.count, groupSize: groupSize, design: self,
                                                   weights: { replicateWeights.weights(replicate: $0) },
                                                   totals: { replicateWeights.total(replicate: $0) }, estimates: estimates,
                                                   minimum: 1, statistics)
            return replicateWeights.combine(evaluated, estimates: estimates)
        }
    }

    /// The most bootstrap replicates whose weights are made and held at once.
    static let madeGroup = 8

    /// The covariance of means, totals, proportions and ratios (`RatiosOfTotals`) under the
    /// design's replicate method, all replicates in one pass over the rows; nil under
    /// linearization. A replicate on which a statistic is not finite is left out of its variance, as
    /// by `replicateCovariance(estimates:_:)`, whose results this equals. With
    /// `transform`, the estimates are that function of the statistics (a gap's rows of its cells).
    /// A replicate on which a total is beyond a double (`RatiosOfTotals.statistics`: +∞) stops
    /// the analysis with `overflow` (the statistics' overflow error), said of a replicate's weights.
    /// - Throws: `DisparityError.analysis` when too few replicates give an estimate; `overflow`.
    public func replicateCovariance(estimates: [Double], _ statistics: RatiosOfTotals, overflow: DisparityError,
                                    transform: (@Sendable ([Double]) -> [Double])? = nil) throws -> ReplicateCovariance? {
        let transform: @Sendable ([Double]) -> [Double] = transform ?? { $0 }
        @Sendable func checked(_ values: [Double]) throws -> [Double] {
            guard !values.contains(where: \.isInfinite) else { throw overflow.onReplicateWeights }
            return values
        }
        switch spec.varianceMethod {
        case .linearization:
            return nil
        case let .bootstrap(replicates, seed):
            let bootstrap = try RaoWuBootstrap(design: self, replicates: replicates, seed: seed)
            if calibration != nil {
                // A calibrated replicate is no longer its PSUs' factors times the weights: each
                // replicate's statistics come from its own calibrated weights.
                return try bootstrap.covariance(estimates: estimates) { transform(try checked(statistics.statistics(weights: $0.weights))) }
            }
            let values = try bootstrap.factorBlocks { factors in
                try statistics.replicateStatistics(columns: factors, rowScale: weights, key: psu).map { transform(try checked($0)) }
            }
            return bootstrap.combine(try ReplicateEstimates(values: values, estimates: estimates, minimum: 2, design: self))
        case .replicateWeights, .madeReplicates:
            let replicateWeights = try readReplicateWeights()
            let values = try statistics.replicateStatistics(columns: replicateWeights.values, rowScale: nil, key: nil).map { transform(try checked($0)) }
            return replicateWeights.combine(try ReplicateEstimates(values: values, estimates: estimates, minimum: 1, design: self),
                                            estimates: estimates)
        }
    }

    /// The design's replicate weights.
    /// - Throws: `DisparityError.usage` when a replicate-weights design lost them (a programming error).
    private func readReplicateWeights() throws -> ReplicateWeights {
        guard let replicateWeights else {
            throw DisparityError.usage("\(source): the replicate weights of the design were not read")
        }
        return replicateWeights
    }
}

/// A vector statistic evaluated on every replicate design, on all cores: the values of the
/// replicates that gave one (in replicate order, with their indices; an entry is not finite
/// where the replicate cannot give that statistic), the replicates on which it failed left out.
struct ReplicateEstimates {
    /// One vector per kept replicate.
    let values: [[Double]]
    /// The replicate index of each kept vector.
    let kept: [Int]
    /// Replicates evaluated.
    let total: Int

    /// - Parameters:
    ///   - estimates: the full sample's values (their count is the statistic's); nil: the first
    ///     replicate's count.
    /// - Throws: a usage error from the statistic at once; its first data or analysis error when
    ///   fewer than `minimum` replicates give an estimate; the first error of `weights` (a
    ///   replicate that cannot be calibrated) at once.
    init(replicates: Int, design: SurveyDesign, weights: @Sendable (Int) throws -> [Double], estimates: [Double]?, minimum: Int,
         _ statistic: @Sendable (SurveyDesign) throws -> [Double]) throws {
        var results = [Result<[Double], Error>?](repeating: nil, count: replicates)
        var weightFailures = [Error?](repeating: nil, count: replicates)
        results.withUnsafeMutableBufferPointer { slots in
            weightFailures.withUnsafeMutableBufferPointer { failures in
                let (shared, failed) = (UnsafeSendable(slots), UnsafeSendable(failures))
                DispatchQueue.concurrentPerform(iterations: replicates) { b in
                    do {
                        let w = try weights(b)
                        shared.value[b] = Result { try statistic(design.reweighted(w)) }
                    } catch {
                        failed.value[b] = error
                        shared.value[b] = .failure(error)
                    }
                }
            }
        }
        if let failure = weightFailures.lazy.compactMap({ $0 }).first { throw failure }
        try self.init(results: results.map { $0! }, design: design, estimates: estimates, minimum: minimum)
    }

    /// Evaluated `groupSize` replicates at a time: a group's weights are made on all cores, then
    /// `statistics` gives each one's values or error, in the group's order, from the weights and
    /// their `totals` over every row where known.
    /// - Throws: as `init(replicates:design:weights:estimates:minimum:_:)`.
    init(replicates: Int, groupSize: Int, design: SurveyDesign, weights: @Sendable (Int) throws -> [Double], totals: (Int) -> Double?,
         estimates: [Double]?, minimum: Int, _ statistics: ([[Double]], _ totals: [Double?]) -> [Result<[Double], Error>]) throws {
        var results: [Result<[Double], Error>] = []
        for first in stride(from: 0, to: replicates, by: groupSize) {
            let count = min(groupSize, replicates - first)
            var group = [Result<[Double], Error>?](repeating: nil, count: count)
            group.withUnsafeMutableBufferPointer { slots in
                let shared = UnsafeSendable(slots)
                DispatchQueue.concurrentPerform(iterations: count) { c in shared.value[c] = Result { try weights(first + c) } }
            }
            results += statistics(try group.map { try $0!.get() }, (first..<(first + count)).map(totals))
        }
        try self.init(results: results, design: design, estimates: estimates, minimum: minimum)
    }

    /// The replicates' values computed together (`RatiosOfTotals`), not finite where a replicate
    /// cannot give a statistic.
    /// - Throws: `DisparityError.analysis` when fewer than `minimum` replicates give an estimate.
    init(values: [[Double]], estimates: [Double], minimum: Int, design: SurveyDesign) throws {
        try self.init(results: values.map { .success($0) }, design: design, estimates: estimates, minimum: minimum)
    }

    private init(results: [Result<[Double], Error>], design: SurveyDesign, estimates: [Double]?, minimum: Int) throws {
        let replicates = results.count
        let k = estimates?.count ?? results.lazy.compactMap { try? $0.get().count }.first ?? 0
        var values: [[Double]] = [], kept: [Int] = []
        var firstFailure: Error?
        for (b, result) in results.enumerated() {
            switch result {
            case .success(let v) where v.count == k:
                values.append(v)
                kept.append(b)
            case .success:
                continue
            case .failure(let error as DisparityError) where error.isOverflow:
                throw error.onReplicateWeights
            case .failure(let error as DisparityError) where error.kind != .usage:
                firstFailure = firstFailure ?? error
            case .failure(let error):
                throw error
            }
        }
        guard values.count >= minimum else {
            throw firstFailure ?? DisparityError.analysis("\(design.source): fewer than \(minimum) replicates gave an estimate")
        }
        (self.values, self.kept, total) = (values, kept, replicates)
    }
}
