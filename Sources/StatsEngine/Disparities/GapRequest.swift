/// What a gap compares.
public enum GapStatistic: String, Sendable, CaseIterable {
    /// A (weighted) mean, a proportion of a category or 0/1 variable, a ratio of two totals
    /// (`--denominator`), or a quantile at `q`.
    case mean, proportion, ratio, quantile
    /// The mean of the values at or below the `q`-quantile (the weakest share; see docs/statistics.md).
    case lowerMean = "lower-mean"
}

/// One `disparity gap` analysis: a statistic in focal groups against a reference group.
public struct GapRequest: Sendable {
    /// The analysed column.
    public var variable: String
    /// The column whose levels are compared; empty for a barometer goal on a level.
    public var group: String
    /// The level every other is compared with.
    public var reference: String
    /// Nil compares every other level with the reference.
    public var focal: String?
    /// The statistic compared.
    public var statistic: GapStatistic
    /// The denominator column of `.ratio`.
    public var denominator: String?
    /// The probability of `.quantile` and `.lowerMean`, strictly between 0 and 1.
    public var q: Double
    /// For a proportion of a categorical variable, the category counted (a 0/1 variable counts 1).
    public var category: String?
    /// 100 reports proportions and rates in percentage points (`--scale pp`).
    public var scale: Double
    /// The confidence level, a share strictly between 0 and 1.
    public var level: Double
    /// The df of intervals: R's default per statistic, the design df, the normal or a number.
    public var degreesOfFreedom: DegreesOfFreedom
    /// A target for the difference (in the reported scale), giving each difference row a verdict.
    public var target: Target?
    /// Covariates of an Oaxaca-Blinder decomposition of the difference (`--adjust "x1 + x2"`);
    /// with a period, of each wave's difference on that wave's rows.
    public var adjust: String?
    /// Pooled coefficients (with a group indicator) instead of the reference group's.
    public var pooled: Bool
    /// Also the threefold decomposition: endowments, coefficients, interaction.
    public var threefold: Bool
    /// Decompose a 0/1 outcome with logistic regressions (Fairlie / Yun) instead of linear ones.
    public var logit: Bool = false
    /// Normalise each categorical covariate's coefficients (Yun 2005; `--normalize`), so the
    /// per-term detail of the decomposition does not depend on the omitted level.
    public var normalize: Bool = false
    /// Compare a current wave with a baseline wave too (changes and difference in differences).
    public var period: Period?
    /// Restrict every group to a domain (the design kept whole).
    public var subset: RowFilter?
    /// Which rows are withheld for resting on too few observations (`--min-cell`).
    public var disclosure: DisclosureControl = .none

    /// A request with the given options; `logit`, `normalize`, `period`, `subset` and
    /// `disclosure` are set afterwards.
    public init(variable: String, group: String, reference: String, focal: String? = nil, statistic: GapStatistic = .mean,
                denominator: String? = nil, q: Double = 0.5, category: String? = nil, scale: Double = 1, level: Double = 0.95,
                degreesOfFreedom: DegreesOfFreedom = .automatic, target: Target? = nil, adjust: String? = nil,
                pooled: Bool = false, threefold: Bool = false) {
        self.adjust = adjust
        self.pooled = pooled
        self.threefold = threefold
        self.variable = variable
        self.group = group
        self.reference = reference
        self.focal = focal
        self.statistic = statistic
        self.denominator = denominator
        self.q = q
        self.category = category
        self.scale = scale
        self.level = level
        self.degreesOfFreedom = degreesOfFreedom
        self.target = target
    }

    /// Checks the options against each other.
    /// - Throws: `DisparityError.usage` for `q` or `level` outside (0, 1), a level whose critical
    ///   value is not finite (`ProbabilityOptions`), a ratio without a
    ///   denominator, a focal level equal to the reference, `adjust` with a statistic other than a
    ///   mean or proportion, `scale` with a statistic other than a proportion or ratio, equal
    ///   waves, `logit` without a proportion and `adjust` (or with `pooled`/`threefold`),
    ///   `pooled` or `threefold` without `adjust`, `normalize` without `adjust` or with `logit`,
    ///   `adjust` with `category`, or a column in two roles (the group as the variable, as the
    ///   period's column or among the covariates; the variable as the period's column).
    public func validate() throws {
        try ProbabilityOptions.validate(q: q, level: level, degreesOfFreedom: degreesOfFreedom)
        if statistic == .ratio, denominator == nil { throw DisparityError.usage("--stat ratio needs --denominator COL") }
        if let focal, focal == reference { throw DisparityError.usage("--focal and --reference name the same level \(quoted: focal)") }
        if adjust != nil, statistic != .mean, statistic != .proportion {
            throw DisparityError.usage("--adjust decomposes a gap in a mean or a proportion (got --stat \(statistic.rawValue))")
        }
        if scale != 1, statistic != .proportion, statistic != .ratio {
            throw DisparityError.usage("--scale pp reports proportions and rates in percentage points; --stat \(statistic.rawValue) has its own unit")
        }
        if let period, period.baseline == period.current {
            throw DisparityError.usage("the baseline and the current wave are both \(quoted: period.current)")
        }
        if logit, adjust == nil || statistic != .proportion {
            throw DisparityError.usage("--logit decomposes a proportion: it needs --stat proportion and --adjust")
        }
        if logit, pooled || threefold {
            throw DisparityError.usage("--logit gives the twofold decomposition with the reference group's coefficients (no --pooled or --threefold)")
        }
        if let option = [(pooled, "--pooled"), (threefold, "--threefold")].first(where: \.0)?.1, adjust == nil {
            throw DisparityError.usage("\(option) applies to the decomposition: it needs --adjust")
        }
        if normalize, adjust == nil || logit {
            throw DisparityError.usage("--normalize applies to the linear decomposition: it needs --adjust (and no --logit)")
        }
        if adjust != nil, category != nil {
            throw DisparityError.usage("--adjust needs a numeric outcome: decompose a 0/1 variable rather than --category")
        }
        // Columns in two roles at once: the comparison is then empty or meaningless.
        if group == variable { throw DisparityError.usage("--group \(quoted: group) is the variable compared: group by another column") }
        if let period, period.column == group || period.column == variable {
            throw DisparityError.usage("--period \(quoted: period.column) is the \(period.column == group ? "--group" : "variable compared"): the waves are another column")
        }
        if let adjust, try GroupModels.formula(outcome: variable, covariates: adjust).terms.contains(where: { $0.variables.contains { $0.columns.contains(group) } }) {
            throw DisparityError.usage("--adjust \(quoted: adjust) holds the --group column \(quoted: group): each group's model is fitted on its own rows, where it is constant")
        }
    }
}

/// Two waves (or years) of a column: the current one and the baseline it is compared with.
public struct Period: Sendable, Equatable {
    /// The column telling waves apart.
    public var column: String
    /// The baseline wave's value of `column`.
    public var baseline: String
    /// The current wave's value of `column`.
    public var current: String

    /// The waves `baseline` and `current` of `column`.
    public init(column: String, baseline: String, current: String) {
        self.column = column
        self.baseline = baseline
        self.current = current
    }
}

/// One row of `disparity gap` output: a component of the comparison of one focal level.
public struct GapRow: Sendable {
    /// The focal level this row belongs to.
    public var focal: String
    /// focal, reference, difference, ratio (with a period also the baseline's and the changes:
    /// `CellFunction`), and with an adjustment explained, unexplained (endowments,
    /// coefficients, interaction) and per-term `explained[term]`, `unexplained[term]`: the
    /// current wave's with a period, and the baseline wave's named "baseline explained" and so on.
    public var component: String
    /// The component's estimate, in the statistic's reported unit (a ratio row: unitless).
    public var estimate: Double
    /// The standard error of `estimate`, in its unit; NaN where none exists.
    public var standardError: Double
    /// The lower end of the confidence interval; nil where none exists.
    public var confidenceLow: Double?
    /// The upper end of the confidence interval; nil where none exists.
    public var confidenceHigh: Double?
    /// The df of the interval; nil where the normal was used.
    public var df: Double?
    /// The unweighted count of rows used by the component's cells.
    public var n: Int
    /// On the difference row when a target was given.
    public var verdict: Target.Verdict?
    /// On the difference row when a target was given: the one-sided p-value that the target is
    /// not met (`Target.pValue`); small values are evidence that it is met.
    public var targetPValue: Double?
    /// What qualifies the row (replicates left out), nil for most rows.
    public var note: String? = nil
    /// Whether the row rests on a group whose rows leave the design 0 degrees of freedom (one
    /// PSU, or one observation): its standard error is R's, without that group's error, which
    /// measures nothing there (`SurveyDesign.zeroDegreesOfFreedomNote`, in `note`), or a part of
    /// a decomposition whose group's linear model fits essentially perfectly (its standard error
    /// rounding errors: `GroupModels.essentiallyPerfectFitNote`, in `note`), so the row has no
    /// verdict (the barometer's `Figure.standardErrorMeasuresNothing`).
    public var standardErrorMeasuresNothing = false

    /// The estimate, SE, df and interval as one value.
    public var inferred: Inferred {
        get { Inferred(estimate: estimate, standardError: standardError.isFinite ? standardError : nil, df: df,
                       low: confidenceLow, high: confidenceHigh) }
        set {
            (estimate, standardError, df) = (newValue.estimate, newValue.standardError ?? .nan, newValue.df)
            (confidenceLow, confidenceHigh) = (newValue.low, newValue.high)
        }
    }
}
