/// One `disparity regress` analysis.
public struct RegressionRequest: Sendable {
    public var formula: String
    public var family: Family
    public var covariance: CovarianceType
    public var level: Double
    /// Extra Wald tests: each a `+`-separated list of term labels tested jointly. Every term
    /// with more than one coefficient is tested on its own as well.
    public var tests: [String]
    /// Average marginal effects (binomial family), in percentage points.
    public var marginalEffects: Bool
    public var maximumIterations: Int
    public var tolerance: Double
    /// Fit anyway when terms are aliased, reporting them with null estimates as R reports NA;
    /// by default an aliased term is an error that names it.
    public var allowAliased: Bool
    /// Only these rows (`--subset`): they leave the fit as rows with missing values do, the
    /// design kept whole (R's `svyglm` on `subset(design, ...)`).
    public var subset: RowFilter?

    /// R's `glm.control()` defaults: the relative change in deviance that ends IRLS, and the
    /// iteration limit.
    public static let defaultTolerance = 1e-8
    public static let defaultMaximumIterations = 25

    public init(formula: String, family: Family = .gaussian, covariance: CovarianceType = .design, level: Double = 0.95,
                tests: [String] = [], marginalEffects: Bool = false, maximumIterations: Int = defaultMaximumIterations,
                tolerance: Double = defaultTolerance,
                allowAliased: Bool = false) {
        self.allowAliased = allowAliased
        self.formula = formula
        self.family = family
        self.covariance = covariance
        self.level = level
        self.tests = tests
        self.marginalEffects = marginalEffects
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
    }
}

/// One coefficient (INTERFACE.md's regression row); nil numbers are aliased or undefined.
public struct CoefficientRow: Sendable, Equatable {
    public var term: String
    public var estimate: Double?
    public var standardError: Double?
    public var statistic: Double?
    public var pValue: Double?
    public var confidenceLow: Double?
    public var confidenceHigh: Double?
}

extension CoefficientRow {
    /// A row with the statistic, two-sided p-value and interval of `inferred` (the one inference
    /// layer); an aliased coefficient is a row of nils.
    init(term: String, _ inferred: Inferred?) {
        self.init(term: term, estimate: inferred?.estimate, standardError: inferred?.standardError,
                  statistic: inferred?.statistic, pValue: inferred?.twoSidedPValue,
                  confidenceLow: inferred?.low, confidenceHigh: inferred?.high)
    }
}

/// A Wald test that a group of coefficients are all zero (R's `regTermTest`).
public struct TermTest: Sendable, Equatable {
    public var terms: String
    public var numeratorDF: Int
    /// Denominator df of the F test; nil means a chi-square test.
    public var denominatorDF: Double?
    public var statistic: Double
    public var pValue: Double
}

/// A fitted regression with its inference.
public struct RegressionResult: Sendable {
    public var formula: String
    public var family: Family
    public var covariance: CovarianceType
    public var coefficients: [CoefficientRow]
    public var covarianceMatrix: [Double]
    public var dfResidual: Double
    public var n: Int
    public var rank: Int
    public var aliased: [String]
    public var converged: Bool
    public var iterations: Int
    public var deviance: Double
    public var tests: [TermTest]
    public var marginalEffects: [CoefficientRow]
}
