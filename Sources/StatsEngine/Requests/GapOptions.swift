import ArgumentParser

/// The options of `disparity gap`, declared once for the command line, run specs (key
/// `variable` for the argument) and barometer goals (a goal without `group` is a level).
public struct GapOptions: ParsableArguments {
    /// The variable compared (positional argument).
    @Argument(help: "The variable compared.")
    public var variable: String

    /// `--group`: the grouping column; required unless the request is a barometer level.
    @Option(help: "The grouping column.")
    public var group: String?

    /// `--reference`: the reference level of `group`.
    @Option(help: "The reference level.")
    public var reference: String?

    /// `--focal`: one focal level; nil compares every other level.
    @Option(help: "The focal level (default: every other level).")
    public var focal: String?

    /// `--stat`: the statistic compared.
    @Option(help: "mean, proportion, ratio, quantile or lower-mean.")
    public var stat: GapStatistic = .mean

    /// `--denominator`: the denominator column of `--stat ratio`.
    @Option(help: "Denominator column for --stat ratio.")
    public var denominator: String?

    /// `--q`: the probability of a quantile or lower-mean, strictly between 0 and 1; nil is the
    /// request's default, 0.5.
    @Option(parsing: .unconditional, help: "Quantile probability for --stat quantile and lower-mean (default 0.5).")
    public var q: Double?

    /// `--category`: the category counted by a proportion of a categorical variable (`--stat proportion` only).
    @Option(help: "For a proportion of a categorical variable: the category counted.")
    public var category: String?

    /// `--scale`: `pp` reports proportions and rates in percentage points.
    @Option(help: "pp reports proportions and rates in percentage points.")
    public var scale: ReportScale?

    /// `--target`: a target for the difference, parsed by `Target(parsing:)`.
    @Option(help: "Target for the difference, e.g. \"<= 5.8\" (in the reported scale).")
    public var target: String?

    /// `--adjust`: the covariates of an Oaxaca-Blinder decomposition.
    @Option(help: "Oaxaca-Blinder decomposition on these covariates, e.g. \"age + factor(edu)\"; with --period, of each wave's difference (the baseline's parts named \"baseline explained\", ...).")
    public var adjust: String?

    /// `--pooled`: decompose with pooled coefficients (Jann's `pooled`).
    @Flag(help: "Decompose with pooled coefficients (a regression on both groups with a group indicator).")
    public var pooled = false

    /// `--threefold`: add the threefold decomposition.
    @Flag(help: "Add the threefold decomposition: endowments, coefficients, interaction.")
    public var threefold = false

    /// `--logit`: decompose a 0/1 outcome with logistic regressions (Fairlie; Yun 2004).
    @Flag(help: "Decompose a 0/1 outcome with logistic regressions (Fairlie / Yun) instead of linear ones.")
    public var logit = false

    /// `--normalize`: normalise categorical covariates (Yun 2005).
    @Flag(help: "Normalise categorical covariates (Yun 2005): per-term detail independent of the omitted level.")
    public var normalize = false

    /// `--subset`: a row filter, parsed by `RowFilter(parsing:)`.
    @Option(help: RowFilter.help)
    public var subset: String?

    /// `--period`: the column telling waves apart.
    @Option(help: "Column telling waves apart: also compare the current wave with the baseline (changes and difference in differences).")
    public var period: String?

    /// `--baseline`: the baseline wave's value of `--period`.
    @Option(help: "The baseline wave's value of --period.")
    public var baseline: String?

    /// `--current`: the current wave's value of `--period`.
    @Option(help: "The current wave's value of --period.")
    public var current: String?

    /// `--level`: the confidence level, a share strictly between 0 and 1.
    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    /// `--df`: `auto`, `normal`, `design` or a number, parsed by `DegreesOfFreedom(parsing:)`.
    @Option(parsing: .unconditional, help: "Interval distribution: auto (R's default per statistic: the normal; a quantile's focal and reference rows Woodruff's interval with t on their design df, as estimate quantile), normal, design, or a number.")
    public var df: String = "auto"

    /// Keys that hold the positional arguments in run specs and goals, in order.
    public static let positionalKeys = ["variable"]

    /// `--min-cell`: the fewest unweighted observations a row may rest on (1 withholds nothing).
    @Option(name: .customLong("min-cell"), parsing: .unconditional, help: "Disclosure control: withhold rows resting on fewer unweighted observations (1, the default, withholds nothing; Statistics Denmark's rule is 3, the barometer's default).")
    public var minCell: Int = 1

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// The validated request. `--group` and `--reference` are required unless `requiringGroup`
    /// is false (a barometer goal on a level, whose request then has an empty group, and which
    /// takes neither `reference` nor `focal`). Options the statistic would not use (`--q` but for
    /// quantile and lower-mean, `--denominator` but for ratio, `--category` but for proportion)
    /// are usage errors.
    public func request(requiringGroup: Bool = true) throws -> GapRequest {
        if requiringGroup || group != nil {
            guard group != nil else { throw DisparityError.usage("'group' is missing: gap needs --group COL") }
            guard reference != nil else { throw DisparityError.usage("'reference' is missing: gap needs --reference LEVEL") }
        } else if let key = [(reference, "reference"), (focal, "focal")].first(where: { $0.0 != nil })?.1 {
            throw DisparityError.usage("\(quoted: key) names a level of 'group': a measure without 'group' is a level, with no groups to compare")
        }
        try StatisticOptions.refuseUnused([("--q", q != nil, [.quantile, .lowerMean]), ("--denominator", denominator != nil, [.ratio]),
                                           ("--category", category != nil, [.proportion])], for: stat) { "--stat \($0)" }
        var waves: Period?
        if let period {
            guard let baseline, let current else { throw DisparityError.usage("--period needs --baseline and --current") }
            waves = Period(column: period, baseline: baseline, current: current)
        } else if baseline != nil || current != nil {
            throw DisparityError.usage("--baseline and --current need --period")
        }
        var request = GapRequest(variable: variable, group: group ?? "", reference: reference ?? "", focal: focal, statistic: stat,
                                 denominator: denominator, category: category, scale: scale?.factor ?? 1, level: level,
                                 degreesOfFreedom: try DegreesOfFreedom(parsing: df), target: try target.map(Target.init(parsing:)),
                                 adjust: adjust, pooled: pooled, threefold: threefold)
        if let q { request.q = q }
        request.period = waves
        request.logit = logit
        request.normalize = normalize
        request.subset = try subset.map(RowFilter.init(parsing:))
        request.disclosure = try DisclosureControl(checked: minCell)
        if let adjust { try FormulaParser.checkTerms(adjust, option: "--adjust") }
        try request.validate()
        return request
    }
}
