/// One `disparity regress` analysis.
public struct RegressionRequest: Sendable {
    /// The model in R's formula syntax (`y ~ x + factor(g)`), parsed by `ModelFormula`.
    public var formula: String
    /// The GLM family and its canonical link (`--family`).
    public var family: Family
    /// How coefficient standard errors are computed (`--vcov`); `.design` by default.
    public var covariance: CovarianceType
    /// The confidence level of the intervals, a share strictly between 0 and 1.
    public var level: Double
    /// Extra Wald tests: each a `+`-separated list of term labels tested jointly. Every term
    /// with more than one coefficient is tested on its own as well.
    public var tests: [String]
    /// Average marginal effects (binomial family), in percentage points.
    public var marginalEffects: Bool
    /// The IRLS iteration limit (`--max-iterations`, at least 1); reaching it is an error.
    public var maximumIterations: Int
    /// The relative change in deviance that ends IRLS (`--tolerance`, R's `glm.control(epsilon)`),
    /// strictly between 0 and 1.
    public var tolerance: Double
    /// Fit anyway when terms are aliased, reporting them with null estimates as R reports NA;
    /// by default an aliased term is an error that names it.
    public var allowAliased: Bool
    /// Only these rows (`--subset`): they leave the fit as rows with missing values do, the
    /// design kept whole (R's `svyglm` on `subset(design, ...)`).
    public var subset: RowFilter?

    /// R's `glm.control()` default `epsilon`: the relative change in deviance that ends IRLS.
    public static let defaultTolerance = 1e-8
    /// R's `glm.control()` default `maxit`: the iteration limit.
    public static let defaultMaximumIterations = 25

    /// Creates a request with R's defaults for everything but the formula; `subset` starts nil.
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

    /// Checks the settings that need no data, so the command line and a run spec refuse them
    /// before anything is read.
    /// - Throws: `DisparityError.usage` for a level or tolerance outside (0, 1), a level whose
    ///   normal critical value is not finite (`ProbabilityOptions`), fewer than one
    ///   iteration, or marginal effects of a family other than binomial.
    public func validate() throws {
        try ProbabilityOptions.validate(level: level)
        guard tolerance > 0, tolerance < 1 else {
            throw DisparityError.usage("--tolerance must lie strictly between 0 and 1 (got \(NumberFormat.label(tolerance)))")
        }
        guard maximumIterations >= 1 else { throw DisparityError.usage("--max-iterations must be at least 1 (got \(maximumIterations))") }
        guard !marginalEffects || family == .binomial else { throw DisparityError.usage("--marginal-effects needs --family binomial") }
    }

    /// Checks the covariance against the design it will be computed under, before anything is
    /// read (the command line's fit and a run spec's analysis alike).
    /// - Throws: `DisparityError.usage` for a model-based `--vcov` on a design whose variances
    ///   come from replicates, which it would not use, and `--vcov cluster` without clusters
    ///   (every row its own PSU: HC1 by another name, not what was asked).
    public func validate(under design: DesignSpec) throws {
        if covariance != .design, let method = design.varianceMethod.replicateOption {
            throw DisparityError.usage("--vcov \(covariance.rawValue) is model-based and would not use the replicates of \(method): use --vcov design, or drop \(method)")
        }
        if covariance == .cluster, design.clusters.isEmpty {
            throw DisparityError.usage("--vcov cluster needs the design's clusters (--cluster)")
        }
    }
}

/// One coefficient (INTERFACE.md's regression row); nil numbers are aliased or undefined.
public struct CoefficientRow: Sendable, Equatable {
    /// The coefficient's name (INTERFACE.md): `(Intercept)`, `x`, `x[L]` for level L of a factor, `a:b`.
    public var term: String
    /// The coefficient on the link scale, per unit of the term; for a marginal effect, in percentage points.
    public var estimate: Double?
    /// The standard error of `estimate`, in its unit.
    public var standardError: Double?
    /// The t (or z) statistic, estimate over standard error.
    public var statistic: Double?
    /// The two-sided p-value of the statistic: Student t on `RegressionResult.dfResidual`.
    public var pValue: Double?
    /// The lower end of the confidence interval, in the estimate's unit.
    public var confidenceLow: Double?
    /// The upper end of the confidence interval, in the estimate's unit.
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
    /// The tested terms' labels, as given to `--test` (or the one term tested on its own).
    public var terms: String
    /// The numerator df: how many estimable coefficients are tested jointly.
    public var numeratorDF: Int
    /// Denominator df of the F test: the residual df (always above 0).
    public var denominatorDF: Double
    /// The Wald statistic F = β'V⁻¹β/q.
    public var statistic: Double
    /// The p-value of the statistic, a share in 0…1.
    public var pValue: Double
}

/// A fitted regression with its inference.
public struct RegressionResult: Sendable {
    /// The formula as requested.
    public var formula: String
    /// The family the model was fitted with.
    public var family: Family
    /// The covariance type behind every standard error.
    public var covariance: CovarianceType
    /// One row per design-matrix column, in column order (aliased columns included, with nils).
    public var coefficients: [CoefficientRow]
    /// The coefficients' covariance: rank × rank over the estimable coefficients in column order,
    /// row-major, in the coefficients' units squared.
    public var covarianceMatrix: [Double]
    /// The residual df of intervals and tests: design df + 1 − rank for `.design` (R's `svyglm`),
    /// n − rank for the classical and HC types, clusters with a row of weight − 1 for `.cluster`.
    public var dfResidual: Double
    /// The number of rows used in the fit: rows with every model variable and a non-zero weight,
    /// inside the subset (R's `nobs` of a `glm`).
    public var n: Int
    /// The number of estimable (non-aliased) coefficients.
    public var rank: Int
    /// Labels of the aliased coefficients, in column order; empty unless `allowAliased`.
    public var aliased: [String]
    /// Whether IRLS met the tolerance; a fit that reaches the iteration limit throws instead.
    public var converged: Bool
    /// The number of IRLS iterations taken.
    public var iterations: Int
    /// The weighted deviance of the fit (the residual sum of squares for the gaussian family).
    public var deviance: Double
    /// Wald tests: every term with more than one coefficient, then the requested `tests`.
    public var tests: [TermTest]
    /// Average marginal effects in percentage points: one per data column the terms use, or per
    /// non-reference level of a factor (labelled `x[L]`); empty unless requested.
    public var marginalEffects: [CoefficientRow]
    /// Notes on the standard errors (replicates left out, and why); empty when there are none.
    public var notes: [String] = []
}
