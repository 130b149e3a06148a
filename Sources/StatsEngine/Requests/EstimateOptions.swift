import ArgumentParser

/// The options of `disparity estimate`, declared once for the command line, run specs (keys
/// `stat` and `variable` for the two arguments) and anything else that asks for an estimate.
public struct EstimateOptions: ParsableArguments {
    @Argument(help: "mean, total, sd, proportion, ratio, quantile, lower-mean or index.",
              transform: { text in
                  guard let statistic = Statistic(rawValue: text) else {
                      throw ValidationError("unknown statistic \(quoted: text) (choose \(Statistic.allCases.map(\.rawValue).joined(separator: ", ")))")
                  }
                  return statistic
              })
    /// The statistic (first positional argument).
    public var statistic: Statistic

    /// The variable (second positional argument); for `index`, its items, comma-separated.
    @Argument(help: "The variable to estimate (for index: its items, comma-separated).")
    public var variable: String

    /// `--item-range`: the index items' common range, `low,high` (index only).
    @Option(name: .customLong("item-range"), help: ArgumentHelp("For index: the items' common range, low,high (e.g. 1,5).", valueName: "low,high"))
    public var itemRange: String?

    /// `--item-weights`: one weight per index item, comma-separated; equal by default (index only).
    @Option(name: .customLong("item-weights"), help: ArgumentHelp("For index: one weight per item (equal by default).", valueName: "w1,w2,..."))
    public var itemWeights: String?

    /// `--by`: domain columns, comma-separated.
    @Option(help: ArgumentHelp("Domains: COL[,COL] (each domain keeps the whole design).", valueName: "col,..."))
    public var by: String?

    /// `--subset`: a row filter, parsed by `RowFilter(parsing:)`.
    @Option(help: RowFilter.help)
    public var subset: String?

    /// `--q`: the probability of a quantile or lower-mean, strictly between 0 and 1; nil is the
    /// request's default, 0.5.
    @Option(parsing: .unconditional, help: "Quantile probability for quantile and lower-mean (default 0.5).")
    public var q: Double?

    /// `--denominator`: the denominator column of a ratio (ratio only).
    @Option(help: "Denominator column for ratio.")
    public var denominator: String?

    /// `--level`: the confidence level, a share strictly between 0 and 1.
    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    /// `--df`: `auto`, `normal`, `design` or a number, parsed by `DegreesOfFreedom(parsing:)`.
    @Option(parsing: .unconditional, help: "Interval distribution: design (t with PSUs minus strata), normal, a number, or auto (R's default per statistic).")
    public var df: String = "auto"

    /// `--ci-method`: how intervals of proportions are formed; nil is the request's
    /// default, Wald's.
    @Option(name: .customLong("ci-method"), help: "Proportion intervals: wald (the default), logit, korn-graubard or wilson.")
    public var ciMethod: ProportionInterval?

    /// Keys that hold the positional arguments in run specs, in order.
    public static let positionalKeys = ["stat", "variable"]

    /// `--min-cell`: the fewest unweighted observations a row may rest on (1 withholds nothing).
    @Option(name: .customLong("min-cell"), parsing: .unconditional, help: "Disclosure control: withhold rows resting on fewer unweighted observations (1, the default, withholds nothing; Statistics Denmark's rule is 3, the barometer's default).")
    public var minCell: Int = 1

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// The validated request; impossible combinations, and options the statistic would not use
    /// (`--q` but for quantile and lower-mean, `--denominator` but for ratio, `--ci-method` but
    /// for proportion, `--item-range` and `--item-weights` but for index, `--df` other than
    /// `design` with `--ci-method korn-graubard`), are usage errors.
    public func request() throws -> EstimateRequest {
        try StatisticOptions.refuseUnused([("--q", q != nil, [.quantile, .lowerMean]), ("--denominator", denominator != nil, [.ratio]),
                                           ("--ci-method", ciMethod != nil, [.proportion]), ("--item-range", itemRange != nil, [.index]),
                                           ("--item-weights", itemWeights != nil, [.index])], for: statistic)
        let degreesOfFreedom = try DegreesOfFreedom(parsing: df)
        // Korn-Graubard's interval takes the design's df (R's svyciprop method "beta").
        if ciMethod == .kornGraubard, degreesOfFreedom != .automatic, degreesOfFreedom != .design {
            throw DisparityError.usage("--df \(df) does not apply to --ci-method korn-graubard, whose interval takes the design's df (R's svyciprop method \"beta\")")
        }
        var request = EstimateRequest(statistic: statistic, variable: variable, by: DesignOptions.list(by), denominator: denominator,
                                      level: level, degreesOfFreedom: degreesOfFreedom)
        if let q { request.q = q }
        if let ciMethod { request.proportionInterval = ciMethod }
        request.subset = try subset.map(RowFilter.init(parsing:))
        request.disclosure = try DisclosureControl(checked: minCell)
        if statistic == .index {
            let range = DesignOptions.list(itemRange).compactMap(Double.init)
            guard range.count == 2 else { throw DisparityError.usage("index needs --item-range low,high (e.g. 1,5)") }
            let weights = try itemWeights.map { text -> [Double] in
                try DesignOptions.list(text).map { guard let v = Double($0) else { throw DisparityError.usage("--item-weights: \(quoted: $0) is not a number") }; return v }
            }
            request.index = try CompositeIndex(items: DesignOptions.list(variable), weights: weights, low: range[0], high: range[1])
        }
        try request.validate()
        return request
    }
}
