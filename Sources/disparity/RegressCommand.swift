import ArgumentParser
import StatsEngine

struct RegressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Survey-weighted linear, logistic and Poisson regression with R formulas."
    )

    @Argument(help: "R formula, e.g. \"score ~ minority + age + factor(edu)\".")
    var formula: String

    @Option(help: "gaussian, binomial or poisson.")
    var family: String = "gaussian"

    @Option(help: "design (linearization, or the design's replicates with --bootstrap), classical, hc0, hc1, hc2, hc3 or cluster.")
    var vcov: String = "design"

    @Option(parsing: .unconditional, help: "Confidence level.")
    var level: Double = 0.95

    @Option(name: .customLong("test"), help: "Wald-test a group of terms jointly, e.g. \"factor(edu)\" or \"x1 + x2\" (repeatable).")
    var tests: [String] = []

    @Flag(name: .customLong("marginal-effects"), help: "Average marginal effects in percentage points (binomial).")
    var marginalEffects = false

    @Option(name: .customLong("max-iterations"), parsing: .unconditional, help: "IRLS iteration limit.")
    var maxIterations: Int = 25

    @Flag(name: .customLong("allow-aliased"), help: "Report aliased terms as null (R's NA) instead of failing.")
    var allowAliased = false

    @OptionGroup var data: DataOptions
    @OptionGroup var design: DesignOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let family = Family(rawValue: family) else {
            throw DisparityError.usage("--family must be gaussian, binomial or poisson (got '\(self.family)')")
        }
        guard let covariance = CovarianceType(rawValue: vcov) else {
            throw DisparityError.usage("--vcov must be one of \(CovarianceType.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(vcov)')")
        }
        let request = RegressionRequest(formula: formula, family: family, covariance: covariance, level: level, tests: tests,
                                        marginalEffects: marginalEffects, maximumIterations: maxIterations,
                                        allowAliased: allowAliased)
        _ = try ModelFormula(formula)
        try AnalysisCommand.run(data: data, design: design, output: output) { table, design in
            .regression(try RegressionEstimator(table: table, design: design).fit(request), design: design)
        }
    }
}
