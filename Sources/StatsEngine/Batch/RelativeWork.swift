/// How much work an analysis of a request is, relative to the others of a batch (0 the least):
/// `BatchRunner` starts the most work first, so that the last analysis to finish is not a long
/// one that started late while the cores sat idle (longest-processing-time-first scheduling).
/// A rank orders; it measures nothing.
public protocol RelativeWork {
    /// The rank: 0 one pass over the rows, more for sorting and for iterated fits.
    var workRank: Int { get }
}

extension EstimateRequest: RelativeWork {
    /// Quantiles and lower means sort their rows; the others take one pass.
    public var workRank: Int { statistic == .quantile || statistic == .lowerMean ? 1 : 0 }
}

extension CrossTableRequest: RelativeWork {
    public var workRank: Int { 0 }
}

extension GapRequest: RelativeWork {
    /// A gap with `--adjust` fits a model in each group.
    public var workRank: Int { adjust == nil ? 0 : 2 }
}

extension RegressionRequest: RelativeWork {
    /// A least-squares fit is one pass; IRLS iterates.
    public var workRank: Int { family == .gaussian ? 2 : 3 }
}

extension RepresentationRequest: RelativeWork {
    public var workRank: Int { 0 }
}
