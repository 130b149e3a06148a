import ArgumentParser

/// The options of `disparity gap`, declared once for the command line, run specs (key
/// `variable` for the argument) and barometer goals (a goal without `group` is a level).
public struct GapOptions: ParsableArguments {
    @Argument(help: "The variable compared.")
    public var variable: String

    @Option(help: "The grouping column.")
    public var group: String?

    @Option(help: "The reference level.")
    public var reference: String?

    @Option(help: "The focal level (default: every other level).")
    public var focal: String?

    @Option(help: "mean, proportion, ratio, quantile or lower-mean.")
    public var stat: GapStatistic = .mean

    @Option(help: "Denominator column for --stat ratio.")
    public var denominator: String?

    @Option(parsing: .unconditional, help: "Quantile probability for quantile and lower-mean.")
    public var q: Double = 0.5

    @Option(help: "For a proportion of a categorical variable: the category counted.")
    public var category: String?

    @Option(help: "pp reports proportions and rates in percentage points.")
    public var scale: ReportScale?

    @Option(help: "Target for the difference, e.g. \"<= 5.8\" (in the reported scale).")
    public var target: String?

    @Option(help: "Oaxaca-Blinder decomposition on these covariates, e.g. \"age + factor(edu)\".")
    public var adjust: String?

    @Flag(help: "Decompose with pooled coefficients (a regression on both groups with a group indicator).")
    public var pooled = false

    @Flag(help: "Add the threefold decomposition: endowments, coefficients, interaction.")
    public var threefold = false

    @Flag(help: "Decompose a 0/1 outcome with logistic regressions (Fairlie / Yun) instead of linear ones.")
    public var logit = false

    @Flag(help: "Normalise categorical covariates (Yun 2005): per-term detail independent of the omitted level.")
    public var normalize = false

    @Option(help: RowFilter.help)
    public var subset: String?

    @Option(help: "Column telling waves apart: also compare the current wave with the baseline (changes and difference in differences).")
    public var period: String?

    @Option(help: "The baseline wave's value of --period.")
    public var baseline: String?

    @Option(help: "The current wave's value of --period.")
    public var current: String?

    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    @Option(parsing: .unconditional, help: "Interval distribution: auto (R's default per statistic: the normal, t with the design df for quantiles), normal, design, or a number.")
    public var df: String = "auto"

    /// Keys that hold the positional arguments in run specs and goals, in order.
    public static let positionalKeys = ["variable"]

    @Option(name: .customLong("min-cell"), parsing: .unconditional, help: "Disclosure control: withhold rows resting on fewer unweighted observations (1, the default, withholds nothing; Statistics Denmark's rule is 3, the barometer's default).")
    public var minCell: Int = 1

    public init() {}

    /// The validated request. `--group` and `--reference` are required unless `requiringGroup`
    /// is false (a barometer goal on a level, whose request then has an empty group).
    public func request(requiringGroup: Bool = true) throws -> GapRequest {
        if requiringGroup || group != nil {
            guard group != nil else { throw DisparityError.usage("'group' is missing: gap needs --group COL") }
            guard reference != nil else { throw DisparityError.usage("'reference' is missing: gap needs --reference LEVEL") }
        }
        var waves: Period?
        if let period {
            guard let baseline, let current else { throw DisparityError.usage("--period needs --baseline and --current") }
            waves = Period(column: period, baseline: baseline, current: current)
        } else if baseline != nil || current != nil {
            throw DisparityError.usage("--baseline and --current need --period")
        }
        var request = GapRequest(variable: variable, group: group ?? "", reference: reference ?? "", focal: focal, statistic: stat,
                                 denominator: denominator, q: q, category: category, scale: scale?.factor ?? 1, level: level,
                                 degreesOfFreedom: try DegreesOfFreedom(parsing: df), target: try target.map(Target.init(parsing:)),
                                 adjust: adjust, pooled: pooled, threefold: threefold)
        request.period = waves
        request.logit = logit
        request.normalize = normalize
        request.subset = try subset.map(RowFilter.init(parsing:))
        request.disclosure = try DisclosureControl(checked: minCell)
        try request.validate()
        return request
    }
}
