import Foundation

/// A covariance from replicate estimates, and how many replicates it rests on.
public struct ReplicateCovariance: Sendable {
    /// `k × k`, in the statistics' units squared.
    public let covariance: Covariance
    /// The replicates the covariance rests on (those left out not counted).
    public let replicates: Int
    /// Replicates left out because a statistic could not be estimated on them (a cell with no
    /// rows or no weight in that replicate): R's `svrVar` drops such replicates too.
    public let dropped: Int

    /// A note for the output when replicates were dropped, nil otherwise.
    public var note: String? {
        dropped == 0 ? nil : "\(dropped) of \(replicates + dropped) replicates gave no estimate (a cell empty in the replicate) and were left out, as R's svrVar does"
    }

    /// The standard error of statistic `i`, nil where it does not exist.
    public func standardError(_ i: Int) -> Double? {
        let v = covariance[i, i]
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
        case .replicateWeights:
            guard let replicateWeights else {
                throw DisparityError.usage("\(source): the replicate weights of the design were not read")
            }
            return try replicateWeights.covariance(design: self, estimates: estimates, statistic)
        }
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
        let k = estimates?.count ?? results.lazy.compactMap { try? $0!.get().count }.first ?? 0
        let required = estimates.map { e in e.indices.filter { e[$0].isFinite } } ?? Array(0..<k)
        var values: [[Double]] = [], kept: [Int] = []
        var firstFailure: Error?
        for (b, result) in results.enumerated() {
            switch result! {
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
