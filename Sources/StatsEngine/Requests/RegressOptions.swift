import ArgumentParser

/// The options of `disparity regress`, declared once for the command line and run specs (key
/// `formula` for the argument).
public struct RegressOptions: ParsableArguments {
    /// The model in R's formula syntax (positional argument).
    @Argument(help: "R formula, e.g. \"score ~ minority + age + factor(edu)\".")
    public var formula: String

    /// `--family`: the GLM family.
    @Option(help: "gaussian, binomial or poisson.")
    public var family: Family = .gaussian

    /// `--vcov`: how coefficient standard errors are computed.
    @Option(help: "design (linearization, or the design's replicates with --bootstrap), classical (model-based; binomial and poisson on the weights normalised to mean 1, as glm on w/mean(w)), hc0, hc1, hc2, hc3 or cluster.")
    public var vcov: CovarianceType = .design

    /// `--level`: the confidence level, a share strictly between 0 and 1.
    @Option(parsing: .unconditional, help: "Confidence level.")
    public var level: Double = 0.95

    /// `--test`: groups of terms to Wald-test jointly, one per use of the option.
    @Option(name: .customLong("test"), help: "Wald-test a group of terms jointly, e.g. \"factor(edu)\" or \"x1 + x2\" (repeatable).")
    public var tests: [String] = []

    /// `--marginal-effects`: add average marginal effects in percentage points (binomial only).
    @Flag(name: .customLong("marginal-effects"), help: "Average marginal effects in percentage points (binomial).")
    public var marginalEffects = false

    /// `--max-iterations`: the IRLS iteration limit; R's `glm.control` default 25 when not
    /// given. Binomial and Poisson models only: a linear one is solved directly.
    @Option(name: .customLong("max-iterations"), parsing: .unconditional,
            help: "IRLS iteration limit (binomial and poisson; default 25).")
    public var maxIterations: Int?

    /// `--tolerance`: the relative change in deviance that ends IRLS (R's `glm.control`
    /// `epsilon`, default 1e-8 when not given); a smaller one fits closer to the maximum of the
    /// likelihood. Binomial and Poisson models only: a linear one is solved directly.
    @Option(parsing: .unconditional,
            help: "IRLS convergence: the relative change in deviance that ends it (R's glm.control epsilon; binomial and poisson; default 1e-8).")
    public var tolerance: Double?

    /// `--allow-aliased`: report aliased terms as null instead of failing.
    @Flag(name: .customLong("allow-aliased"), help: "Report aliased terms as null (R's NA) instead of failing.")
    public var allowAliased = false

    /// `--subset`: a row filter, parsed by `RowFilter(parsing:)`.
    @Option(help: RowFilter.help)
    public var subset: String?

    /// Keys that hold the positional arguments in run specs, in order.
    public static let positionalKeys = ["formula"]

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// The request, its formula parsed once and its settings checked (`RegressionRequest.validate`)
    /// to report errors before any data is read.
    /// - Throws: `DisparityError.usage` also for `--max-iterations` or `--tolerance` given for a
    ///   linear model (`--family gaussian`), solved directly: neither would change its fit.
    public func request() throws -> RegressionRequest {
        var request = RegressionRequest(formula: formula, family: family, covariance: vcov, level: level, tests: tests,
                                        marginalEffects: marginalEffects,
                                        maximumIterations: maxIterations ?? RegressionRequest.defaultMaximumIterations,
                                        tolerance: tolerance ?? RegressionRequest.defaultTolerance, allowAliased: allowAliased)
        request.subset = try subset.map(RowFilter.init(parsing:))
        _ = try ModelFormula(formula)
        for test in tests { try FormulaParser.checkTerms(test, option: "--test") }
        try request.validate()
        if family == .gaussian, let option = [(maxIterations != nil, "--max-iterations"), (tolerance != nil, "--tolerance")].first(where: \.0)?.1 {
            throw DisparityError.usage("\(option) has no effect on a linear model (--family gaussian), which is solved directly, not by iterations: drop it, or fit --family binomial or poisson")
        }
        return request
    }
}
