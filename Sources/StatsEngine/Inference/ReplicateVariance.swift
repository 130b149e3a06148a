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
