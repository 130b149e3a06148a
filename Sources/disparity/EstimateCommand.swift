import ArgumentParser
import StatsEngine

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Means, totals, standard deviations, proportions, ratios, quantiles and lower-tail means, with design-based CIs."
    )

    @Argument(help: "mean, total, sd, proportion, ratio, quantile, lower-mean or index.")
    var statistic: String

    @Argument(help: "The variable to estimate (for index: its items, comma-separated).")
    var variable: String

    @Option(name: .customLong("item-range"), help: "For index: the items' common range, low,high (e.g. 1,5).")
    var itemRange: String?

    @Option(name: .customLong("item-weights"), help: "For index: one weight per item (equal by default).")
    var itemWeights: String?

    @Option(help: "Domains: COL[,COL] (each domain keeps the whole design).")
    var by: String?

    @Option(parsing: .unconditional, help: "Quantile probability for quantile and lower-mean.")
    var q: Double = 0.5

    @Option(help: "Denominator column for ratio.")
    var denominator: String?

    @Option(parsing: .unconditional, help: "Confidence level.")
    var level: Double = 0.95

    @Option(parsing: .unconditional, help: "Interval distribution: design (t with PSUs minus strata), normal, a number, or auto (R's default per statistic).")
    var df: String = "auto"

    @Option(name: .customLong("ci-method"), help: "Proportion intervals: wald, logit, korn-graubard or wilson.")
    var ciMethod: String = "wald"

    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let stat = Statistic(rawValue: statistic) else {
            throw DisparityError.usage("unknown statistic '\(statistic)' (choose \(Statistic.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let method = ProportionInterval(rawValue: ciMethod) else {
            throw DisparityError.usage("--ci-method must be one of \(ProportionInterval.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(ciMethod)')")
        }
        var request = EstimateRequest(statistic: stat, variable: variable, by: DesignOptions.list(by), q: q,
                                      denominator: denominator, level: level,
                                      degreesOfFreedom: try DegreesOfFreedom(parsing: df), proportionInterval: method)
        if stat == .index {
            let range = DesignOptions.list(itemRange).compactMap(Double.init)
            guard range.count == 2 else { throw DisparityError.usage("index needs --item-range low,high (e.g. 1,5)") }
            let weights = try itemWeights.map { text -> [Double] in
                try DesignOptions.list(text).map { guard let v = Double($0) else { throw DisparityError.usage("--item-weights: '\($0)' is not a number") }; return v }
            }
            request.index = try CompositeIndex(items: DesignOptions.list(variable), weights: weights, low: range[0], high: range[1])
        }
        try request.validate()
        try AnalysisCommand.run(data: data, design: design, output: output) { table, design in
            .estimates(try DescriptiveEstimator(table: table, design: design).estimate(request), request: request, design: design)
        }
    }
}
