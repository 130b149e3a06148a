/// The descriptive statistics of `disparity estimate`.
public enum Statistic: String, Sendable, CaseIterable {
    /// The weighted mean (`svymean`), total (`svytotal`), standard deviation (`svyvar`, square
    /// root), proportion of each category (`svymean` of indicators), ratio of totals (`svyratio`)
    /// or quantile (`svyquantile`, `qrule="math"`).
    case mean, total, sd, proportion, ratio, quantile
    /// The mean of the values at or below the `q`-quantile (see docs/statistics.md).
    case lowerMean = "lower-mean"
    /// The mean of a composite index of several items (`CompositeIndex`).
    case index

    /// Whether the statistic is a weighted total or a ratio of two (means, totals, proportions,
    /// ratios, indices), which a replicate design evaluates in one pass (`RatiosOfTotals`).
    public var isRatioOfTotals: Bool {
        switch self {
        case .mean, .total, .proportion, .ratio, .index: return true
        case .sd, .quantile, .lowerMean: return false
        }
    }

    /// Whether the statistic is normalised by its rows' weight (all but totals and quantiles),
    /// so that rows in one PSU give it a standard error of 0 by construction
    /// (`SurveyDesign.measuresNothing`); a quantile's Woodruff interval has its own 0-df rule.
    var isNormalisedByWeight: Bool {
        switch self {
        case .mean, .sd, .proportion, .ratio, .lowerMean, .index: return true
        case .total, .quantile: return false
        }
    }
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
    /// The statistic estimated.
    public var statistic: Statistic
    /// The analysed column (for `index`, its items, comma-separated).
    public var variable: String
    /// Domain columns (`--by`): one row per combination of their levels; empty for the whole sample.
    public var by: [String]
    /// Quantile probability for `quantile` and `lower-mean`.
    public var q: Double
    /// The denominator column of `ratio`.
    public var denominator: String?
    /// The confidence level, a share strictly between 0 and 1.
    public var level: Double
    /// The df of intervals: R's default per statistic, the design df, the normal or a number.
    public var degreesOfFreedom: DegreesOfFreedom
    /// How intervals of proportions are formed (`--ci-method`).
    public var proportionInterval: ProportionInterval
    /// The composite index's definition, for the `index` statistic (whose variable names its items).
    public var index: CompositeIndex?
    /// Only these rows (`--subset`): each domain is intersected with them, the design kept whole.
    public var subset: RowFilter?
    /// Which rows are withheld for resting on too few observations (`--min-cell`).
    public var disclosure: DisclosureControl = .none

    /// A request with the given options; `index`, `subset` and `disclosure` are set afterwards.
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
        try ProbabilityOptions.validate(q: q, level: level, degreesOfFreedom: degreesOfFreedom)
        if statistic == .ratio, denominator == nil { throw DisparityError.usage("the ratio statistic needs --denominator COL") }
        if statistic == .index, index == nil { throw DisparityError.usage("the index statistic needs its items, e.g. index safe_day,safe_night,safe_home --item-range 1,5") }
    }
}

/// One row of `disparity estimate` output (INTERFACE.md's estimate row).
public struct EstimateRow: Sendable, Equatable {
    /// The analysed column (for `index`, the items as given).
    public var variable: String
    /// The statistic's name as requested (`mean`, `lower-mean`, ...).
    public var statistic: String
    /// Grouping column → level, in `--by` order; empty without `--by`.
    public var group: [(column: String, level: String)]
    /// For a proportion, the category this row's share is of; nil otherwise.
    public var category: String?
    /// NaN where the statistic does not exist (a standard deviation of one observation);
    /// every output format shows that as null, never as NaN.
    public var estimate: Double
    /// The standard error of `estimate`, in its unit; nil where none exists.
    public var standardError: Double?
    /// The lower end of the confidence interval; nil where none exists.
    public var confidenceLow: Double?
    /// The upper end of the confidence interval; nil where none exists.
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
    /// The estimate's variance under simple random sampling of the same size (R's `vsrs`, the
    /// design effect's denominator), in the estimate's unit squared; nil where it is not
    /// defined (0 or beyond a double) or the statistic has no design effect. A replicate
    /// design's design effect divides its replicate variance by it.
    var simpleRandomSamplingVariance: Double? = nil

    /// The estimate, SE, df and interval as one value.
    public var inferred: Inferred {
        get { Inferred(estimate: estimate, standardError: standardError, df: df, low: confidenceLow, high: confidenceHigh) }
        set {
            (estimate, standardError, df) = (newValue.estimate, newValue.standardError, newValue.df)
            (confidenceLow, confidenceHigh) = (newValue.low, newValue.high)
        }
    }

    /// Field-by-field equality; `group` compared by columns and levels.
    public static func == (a: EstimateRow, b: EstimateRow) -> Bool {
        a.variable == b.variable && a.statistic == b.statistic && a.group.map(\.column) == b.group.map(\.column)
            && a.group.map(\.level) == b.group.map(\.level) && a.category == b.category && a.estimate == b.estimate
            && a.standardError == b.standardError && a.confidenceLow == b.confidenceLow
            && a.confidenceHigh == b.confidenceHigh && a.df == b.df && a.n == b.n && a.designEffect == b.designEffect
            && a.note == b.note
    }
}
