/// The descriptive statistics of `disparity estimate`.
public enum Statistic: String, Sendable, CaseIterable {
    case mean, total, sd, proportion, ratio, quantile
    case lowerMean = "lower-mean"
    /// The mean of a composite index of several items (`CompositeIndex`).
    case index
}

/// How confidence intervals of proportions are formed (R's `svyciprop` methods and Wilson's).
public enum ProportionInterval: String, Sendable, CaseIterable {
    /// Normal or t around the estimate, as `confint(svymean(...))`.
    case wald
    /// t with the design df on the logit scale: `svyciprop`'s default.
    case logit
    /// Beta (Clopper-Pearson) with the Korn-Graubard effective sample size: `svyciprop(method = "beta")`.
    case kornGraubard = "korn-graubard"
    /// Wilson's score interval on the Kish effective sample size.
    case wilson
}

/// One `disparity estimate` analysis.
public struct EstimateRequest: Sendable {
    public var statistic: Statistic
    public var variable: String
    public var by: [String]
    /// Quantile probability for `quantile` and `lower-mean`.
    public var q: Double
    public var denominator: String?
    public var level: Double
    public var degreesOfFreedom: DegreesOfFreedom
    public var proportionInterval: ProportionInterval
    /// The composite index's definition, for the `index` statistic (whose variable names its items).
    public var index: CompositeIndex?
    /// Only these rows (`--subset`): each domain is intersected with them, the design kept whole.
    public var subset: RowFilter?
    /// Which rows are withheld for resting on too few observations (`--min-cell`).
    public var disclosure: DisclosureControl = .none

    public init(statistic: Statistic, variable: String, by: [String] = [], q: Double = 0.5, denominator: String? = nil,
                level: Double = 0.95, degreesOfFreedom: DegreesOfFreedom = .automatic, proportionInterval: ProportionInterval = .wald) {
        self.statistic = statistic
        self.variable = variable
        self.by = by
        self.q = q
        self.denominator = denominator
        self.level = level
        self.degreesOfFreedom = degreesOfFreedom
        self.proportionInterval = proportionInterval
    }

    /// Rejects impossible options before any data is touched.
    public func validate() throws {
        try ProbabilityOptions.validate(q: q, level: level)
        if statistic == .ratio, denominator == nil { throw DisparityError.usage("the ratio statistic needs --denominator COL") }
        if statistic == .index, index == nil { throw DisparityError.usage("the index statistic needs its items, e.g. index safe_day,safe_night,safe_home --item-range 1,5") }
    }
}

/// One row of `disparity estimate` output (INTERFACE.md's estimate row).
public struct EstimateRow: Sendable, Equatable {
    public var variable: String
    public var statistic: String
    /// Grouping column → level, in `--by` order; empty without `--by`.
    public var group: [(column: String, level: String)]
    public var category: String?
    /// NaN where the statistic does not exist (a standard deviation of one observation);
    /// every output format shows that as null, never as NaN.
    public var estimate: Double
    public var standardError: Double?
    public var confidenceLow: Double?
    public var confidenceHigh: Double?
    /// Degrees of freedom of the interval; nil where the normal was used.
    public var df: Double?
    /// Unweighted rows used.
    public var n: Int
    /// Design effect (variance over that of a simple random sample of the same size), where defined.
    public var designEffect: Double?
    /// Why a value is missing (a domain without usable rows, disclosure control) or what qualifies it.
    public var note: String? = nil
    /// The fewest unweighted observations the figure rests on: the rows used, or for a
    /// proportion the rows in its category if fewer (disclosure control counts these; an empty
    /// category describes nobody, so it does not count).
    public var smallestCell: Int { categoryCount.flatMap { $0 > 0 ? min($0, n) : nil } ?? n }
    /// For a proportion, the rows in its category.
    var categoryCount: Int? = nil

    /// The estimate, SE, df and interval as one value.
    public var inferred: Inferred {
        get { Inferred(estimate: estimate, standardError: standardError, df: df, low: confidenceLow, high: confidenceHigh) }
        set {
            (estimate, standardError, df) = (newValue.estimate, newValue.standardError, newValue.df)
            (confidenceLow, confidenceHigh) = (newValue.low, newValue.high)
        }
    }

    public static func == (a: EstimateRow, b: EstimateRow) -> Bool {
        a.variable == b.variable && a.statistic == b.statistic && a.group.map(\.column) == b.group.map(\.column)
            && a.group.map(\.level) == b.group.map(\.level) && a.category == b.category && a.estimate == b.estimate
            && a.standardError == b.standardError && a.confidenceLow == b.confidenceLow
            && a.confidenceHigh == b.confidenceHigh && a.df == b.df && a.n == b.n && a.designEffect == b.designEffect
            && a.note == b.note
    }
}
