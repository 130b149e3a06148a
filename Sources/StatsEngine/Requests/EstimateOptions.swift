import ArgumentParser

/// The options of `disparity estimate`, declared once for the command line, run specs (keys
/// `stat` and `variable` for the two arguments) and anything else that asks for an estimate.
public struct EstimateOptions: ParsableArguments {
    @Argument(help: "mean, total, sd, proportion, ratio, quantile, lower-mean or index.",
              transform: { text in
                  guard let statistic = Statistic(rawValue: text) else {
                      throw ValidationError("unknown statistic '\(text)' (choose \(Statistic.allCases.map(\.rawValue).joined(separator: ", ")))")
                  }
                  return statistic
              })
    public var statistic: Statistic

    @Argument(help: "The variable to estimate (for index: its items, comma-separated).")
    public var variable: String

    @Option(name: .customLong("item-range"), help: "For index: the items' common range, low,high (e.g. 1,5).")
    public var itemRange: String?

    @Option(name: .customLong("item-weights"), help: "For index: one weight per item (equal by default).")
    public var itemWeights: String?

    @Option(help: "Domains: COL[,COL] (each domain keeps the whole design).")
    public var by: String?

    @Option(help: RowFilter.help)
    public var subset: String?

    @Option(parsing: .unconditional, help: "Quantile probability for quantile and lower-mean.")
    public var q: Double = 0.5

    @Option(help: "Denominator column for ratio.")
    public var denominator: String?

    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    @Option(parsing: .unconditional, help: "Interval distribution: design (t with PSUs minus strata), normal, a number, or auto (R's default per statistic).")
    public var df: String = "auto"

    @Option(name: .customLong("ci-method"), help: "Proportion intervals: wald, logit, korn-graubard or wilson.")
    public var ciMethod: ProportionInterval = .wald

    /// Keys that hold the positional arguments in run specs, in order.
    public static let positionalKeys = ["stat", "variable"]

    @Option(name: .customLong("min-cell"), parsing: .unconditional, help: "Disclosure control: withhold rows resting on fewer unweighted observations (1, the default, withholds nothing; Statistics Denmark's rule is 3, the barometer's default).")
    public var minCell: Int = 1

    public init() {}

    /// The validated request; impossible combinations are usage errors.
    public func request() throws -> EstimateRequest {
        var request = EstimateRequest(statistic: statistic, variable: variable, by: DesignOptions.list(by), q: q,
                                      denominator: denominator, level: level,
                                      degreesOfFreedom: try DegreesOfFreedom(parsing: df), proportionInterval: ciMethod)
        request.subset = try subset.map(RowFilter.init(parsing:))
        request.disclosure = try DisclosureControl(checked: minCell)
        if statistic == .index {
            let range = DesignOptions.list(itemRange).compactMap(Double.init)
            guard range.count == 2 else { throw DisparityError.usage("index needs --item-range low,high (e.g. 1,5)") }
            let weights = try itemWeights.map { text -> [Double] in
                try DesignOptions.list(text).map { guard let v = Double($0) else { throw DisparityError.usage("--item-weights: '\($0)' is not a number") }; return v }
            }
            request.index = try CompositeIndex(items: DesignOptions.list(variable), weights: weights, low: range[0], high: range[1])
        }
        try request.validate()
        return request
    }
}
