import ArgumentParser
import StatsEngine

struct GapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gap",
        abstract: "A statistic in focal groups against a reference group: difference and ratio, with a target verdict."
    )

    @Argument(help: "The variable compared.")
    var variable: String

    @Option(help: "The grouping column.")
    var group: String

    @Option(help: "The reference level.")
    var reference: String

    @Option(help: "The focal level (default: every other level).")
    var focal: String?

    @Option(help: "mean, proportion, ratio, quantile or lower-mean.")
    var stat: String = "mean"

    @Option(help: "Denominator column for --stat ratio.")
    var denominator: String?

    @Option(parsing: .unconditional, help: "Quantile probability for quantile and lower-mean.")
    var q: Double = 0.5

    @Option(help: "For a proportion of a categorical variable: the category counted.")
    var category: String?

    @Option(help: "pp reports proportions and rates in percentage points.")
    var scale: String?

    @Option(help: "Target for the difference, e.g. \"<= 5.8\" (in the reported scale).")
    var target: String?

    @Option(help: "Oaxaca-Blinder decomposition on these covariates, e.g. \"age + factor(edu)\".")
    var adjust: String?

    @Flag(help: "Decompose with pooled coefficients (a regression on both groups with a group indicator).")
    var pooled = false

    @Flag(help: "Add the threefold decomposition: endowments, coefficients, interaction.")
    var threefold = false

    @Flag(help: "Decompose a 0/1 outcome with logistic regressions (Fairlie / Yun) instead of linear ones.")
    var logit = false

    @Flag(help: "Normalise categorical covariates (Yun 2005): per-term detail independent of the omitted level.")
    var normalize = false

    @Option(help: "Only these rows, e.g. \"in_labour_force == 1\" (conditions col == value or col != value joined by &; the design is kept).")
    var subset: String?

    @Option(help: "Column telling waves apart: also compare the current wave with the baseline (changes and difference in differences).")
    var period: String?

    @Option(help: "The baseline wave's value of --period.")
    var baseline: String?

    @Option(help: "The current wave's value of --period.")
    var current: String?

    @Option(parsing: .unconditional, help: "Standard errors from this many Rao-Wu bootstrap replicates instead of linearization.")
    var bootstrap: Int?

    @Option(help: "Seed of the bootstrap (the same numbers on any machine and thread count).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Confidence level.")
    var level: Double = 0.95

    @Option(parsing: .unconditional, help: "Interval distribution: normal (default), design, or a number.")
    var df: String = "normal"

    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let statistic = GapStatistic(rawValue: stat) else {
            throw DisparityError.usage("--stat must be one of \(GapStatistic.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(stat)')")
        }
        if let scale, scale != "pp" { throw DisparityError.usage("--scale takes pp (got '\(scale)')") }
        var waves: Period?
        if let period {
            guard let baseline, let current else { throw DisparityError.usage("--period needs --baseline and --current") }
            waves = Period(column: period, baseline: baseline, current: current)
        } else if baseline != nil || current != nil {
            throw DisparityError.usage("--baseline and --current need --period")
        }
        var request = GapRequest(variable: variable, group: group, reference: reference, focal: focal, statistic: statistic,
                                 denominator: denominator, q: q, category: category, scale: scale == "pp" ? 100 : 1, level: level,
                                 degreesOfFreedom: try DegreesOfFreedom(parsing: df), target: try target.map(Target.init(parsing:)),
                                 adjust: adjust, pooled: pooled, threefold: threefold, bootstrapReplicates: bootstrap, seed: seed)
        request.period = waves
        request.logit = logit
        request.normalize = normalize
        request.subset = try subset.map(RowFilter.init(parsing:))
        try request.validate()
        try AnalysisCommand.run(data: data, design: design, output: output) { table, design in
            .gaps(try GapEstimator(table: table, design: design).estimate(request), request: request, design: design)
        }
    }
}
