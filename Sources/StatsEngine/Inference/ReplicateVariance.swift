import Foundation

/// A covariance from replicate estimates, Σ_r s_r (θ_r − c)(θ_r − c)ᵀ over the kept replicates
/// (R's `svrVar`), and how many replicates it rests on. The replicates' deviations are kept, so
/// a single variance costs one pass over the replicates whatever the number of statistics.
public struct ReplicateCovariance: Sendable {
    /// Per kept replicate, its statistics minus the centre c, in the statistics' units.
    private let deviations: [[Double]]
    /// Per kept replicate, its factor s_r in the sum.
    private let factors: [Double]
    /// The number of statistics.
    public let size: Int
    /// The replicates the covariance rests on (those left out not counted).
    public let replicates: Int
    /// Replicates left out because a statistic could not be estimated on them (a cell with no
    /// rows or no weight in that replicate): R's `svrVar` drops such replicates too.
    public let dropped: Int

    /// The covariance of replicate `values` about `centre`, replicate r weighted by `factors[r]`.
    init(values: [[Double]], centre: [Double], factors: [Double], dropped: Int) {
        deviations = values.map { v in zip(v, centre).map { $0 - $1 } }
        self.factors = factors
        size = centre.count
        replicates = values.count
        self.dropped = dropped
    }

    /// The covariance of statistics `i` and `j`, in their units' product.
    public subscript(i: Int, j: Int) -> Double {
        zip(deviations, factors).reduce(0) { $0 + $1.1 * $1.0[i] * $1.0[j] }
    }

    /// The whole `size × size` matrix (for a few statistics: it costs size² per replicate).
    public var covariance: Covariance {
        var out = [Double](repeating: 0, count: size * size)
        for (d, s) in zip(deviations, factors) {
            for a in 0..<size where d[a] != 0 {
                let sa = s * d[a]
                for c in 0..<size { out[a * size + c] += sa * d[c] }
            }
        }
        return Covariance(size: size, values: out)
    }

    /// A note for the output when replicates were dropped, nil otherwise.
    public var note: String? {
        dropped == 0 ? nil : "\(dropped) of \(replicates + dropped) replicates gave no estimate (a cell empty in the replicate) and were left out, as R's svrVar does"
    }

    /// The standard error of statistic `i`, nil where it does not exist.
    public func standardError(_ i: Int) -> Double? {
        let v = self[i, i]
        return v.isFinite && v >= 0 ? v.squareRoot() : nil
    }
}

extension SurveyDesign {
    /// The covariance of a vector statistic under the design's replicate method, or nil under
    /// linearization (the estimator's own influence values then give it).
    ///
    /// - Parameters:
    ///   - estimates: the statistic on the full sample; entries that are not finite (a domain
    ///     without rows) are not required on the replicates.
    ///   - statistic: the same statistic computed on a replicate design (whose own variance
    ///     method is linearization). A replicate on which it throws a data or analysis error, or
    ///     gives a non-finite value where the full sample has one, is dropped.
    /// - Throws: the statistic's error when every replicate fails.
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
    /// per table row each) and gives each replicate's values or error, in the group's order.
    /// Bootstrap replicates, whose weights are made for their group and held while it is
    /// evaluated (n values each), go at most `madeGroup` at a time; replicate-weight columns
    /// are the design's own and cost nothing to hand over.
    /// - Throws: as `replicateCovariance(estimates:_:)`.
    public func replicateCovariance(estimates: [Double], groupSize: Int,
                                    _ statistics: ([[Double]]) -> [Result<[Double], Error>]) throws -> ReplicateCovariance? {
        switch spec.varianceMethod {
        case .linearization:
            return nil
        case let .bootstrap(replicates, seed):
            let bootstrap = try RaoWuBootstrap(design: self, replicates: replicates, seed: seed)
            return bootstrap.combine(try ReplicateEstimates(replicates: replicates, groupSize: min(groupSize, Self.madeGroup), design: self,
                                                            weights: { try bootstrap.analysisWeights(replicate: $0) },
                                                            estimates: estimates, minimum: 2, statistics))
        case .replicateWeights, .madeReplicates:
            let replicateWeights = try readReplicateWeights()
            let evaluated = try ReplicateEstimates(replicates: replicateWeights.count, groupSize: groupSize, design: self,
                                                   weights: { replicateWeights.weights(replicate: $0) }, estimates: estimates,
                                                   minimum: 1, statistics)
            return replicateWeights.combine(evaluated, estimates: estimates)
        }
    }

    /// The most bootstrap replicates whose weights are made and held at once.
    static let madeGroup = 8

    /// The covariance of means, totals, proportions and ratios (`RatiosOfTotals`) under the
    /// design's replicate method, all replicates in one pass over the rows; nil under
    /// linearization. Replicates on which a statistic required by `estimates` is not finite are
    /// dropped, as by `replicateCovariance(estimates:_:)`, whose results this equals. With
    /// `transform`, the estimates are that function of the statistics (a gap's rows of its cells).
    /// - Throws: `DisparityError.analysis` when too few replicates give an estimate.
    public func replicateCovariance(estimates: [Double], _ statistics: RatiosOfTotals,
                                    transform: (@Sendable ([Double]) -> [Double])? = nil) throws -> ReplicateCovariance? {
        let transform: @Sendable ([Double]) -> [Double] = transform ?? { $0 }
        switch spec.varianceMethod {
        case .linearization:
            return nil
        case let .bootstrap(replicates, seed):
            let bootstrap = try RaoWuBootstrap(design: self, replicates: replicates, seed: seed)
            if calibration != nil {
                // A calibrated replicate is no longer its PSUs' factors times the weights: each
                // replicate's statistics come from its own calibrated weights.
                return try bootstrap.covariance(estimates: estimates) { transform(statistics.statistics(weights: $0.weights)) }
            }
            let values = bootstrap.factorBlocks { factors in
                statistics.replicateStatistics(columns: factors, rowScale: weights, key: psu).map(transform)
            }
            return bootstrap.combine(try ReplicateEstimates(values: values, estimates: estimates, minimum: 2, design: self))
        case .replicateWeights, .madeReplicates:
            let replicateWeights = try readReplicateWeights()
            let values = statistics.replicateStatistics(columns: replicateWeights.values, rowScale: nil, key: nil).map(transform)
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
/// replicates that gave one (in replicate order, with their indices), the rest left out as R's
/// `svrVar` leaves out replicates with NA estimates.
struct ReplicateEstimates {
    /// One vector per kept replicate.
    let values: [[Double]]
    /// The replicate index of each kept vector.
    let kept: [Int]
    /// Replicates evaluated.
    let total: Int

    /// - Parameters:
    ///   - estimates: the full sample's values; an entry that is not finite there is not required
    ///     on the replicates. Nil: every value is required.
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
    /// `statistics` gives each one's values or error, in the group's order.
    /// - Throws: as `init(replicates:design:weights:estimates:minimum:_:)`.
    init(replicates: Int, groupSize: Int, design: SurveyDesign, weights: @Sendable (Int) throws -> [Double], estimates: [Double]?,
         minimum: Int, _ statistics: ([[Double]]) -> [Result<[Double], Error>]) throws {
        var results: [Result<[Double], Error>] = []
        for first in stride(from: 0, to: replicates, by: groupSize) {
            let count = min(groupSize, replicates - first)
            var group = [Result<[Double], Error>?](repeating: nil, count: count)
            group.withUnsafeMutableBufferPointer { slots in
                let shared = UnsafeSendable(slots)
                DispatchQueue.concurrentPerform(iterations: count) { c in shared.value[c] = Result { try weights(first + c) } }
            }
            results += statistics(try group.map { try $0!.get() })
        }
        try self.init(results: results, design: design, estimates: estimates, minimum: minimum)
    }

    /// The replicates' values computed together (`RatiosOfTotals`): a replicate whose required
    /// values are not all finite is left out.
    /// - Throws: `DisparityError.analysis` when fewer than `minimum` replicates give an estimate.
    init(values: [[Double]], estimates: [Double], minimum: Int, design: SurveyDesign) throws {
        try self.init(results: values.map { .success($0) }, design: design, estimates: estimates, minimum: minimum)
    }

    private init(results: [Result<[Double], Error>], design: SurveyDesign, estimates: [Double]?, minimum: Int) throws {
        let replicates = results.count
        let k = estimates?.count ?? results.lazy.compactMap { try? $0.get().count }.first ?? 0
        let required = estimates.map { e in e.indices.filter { e[$0].isFinite } } ?? Array(0..<k)
        var values: [[Double]] = [], kept: [Int] = []
        var firstFailure: Error?
        for (b, result) in results.enumerated() {
            switch result {
            case .success(let v) where v.count == k && required.allSatisfy({ v[$0].isFinite }):
                values.append(v)
                kept.append(b)
            case .success:
                continue
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
