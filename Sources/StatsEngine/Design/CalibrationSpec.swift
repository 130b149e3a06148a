/// The distance function of calibration (R survey's `calfun`): how the g-weights g = w/d depend
/// on the linear predictor u = xᵀλ of the calibration model, g = 1 + F(u).
public enum CalibrationFunction: String, Sendable, CaseIterable {
    /// Chi-squared distance, g = 1 + u (truncated to the bounds): R's `cal.linear`, GREG.
    case linear
    /// Multiplicative (raking ratio), g = exp(u) (truncated to the bounds): R's `cal.raking`.
    case raking
    /// Logit, g between the bounds L < 1 < U, which it needs: R's `cal.logit`.
    case logit
}

/// Calibration of the design's weights to population totals, as the user asks for it: R's
/// `calibrate`, `postStratify` or (fully converged) `rake`. Resolved by
/// `SurveyDesign.calibrated(_:table:)` after the design is built.
public struct CalibrationSpec: Sendable, Equatable {
    /// What the weights are calibrated on.
    public enum Model: Sendable, Equatable {
        /// `--calibrate "~ x1 + x2"`: the model matrix of a one-sided formula (R's `calibrate`).
        case formula(String)
        /// `--poststratify COL`: one weight factor per level of a column (R's `postStratify`).
        case poststratify(String)
        /// `--rake "COL1,COL2"`: the margins of several columns, raked to convergence (R's
        /// `calibrate(..., calfun = "raking")` on the margins).
        case rake([String])
    }

    /// The calibration model.
    public var model: Model
    /// The population totals file (CSV `variable,level,total`).
    public var totals: String
    /// The distance function: `linear` for `formula` unless given, `linear` for post-stratification
    /// (whose solution it is), `raking` for `rake`.
    public var function: CalibrationFunction
    /// Bounds (L, U) on the g-weights, L < 1 < U (R's `bounds`); nil is unbounded.
    public var bounds: ClosedRange<Double>?
    /// A column whose levels are calibrated separately, each to the same totals (a barometer's
    /// waves): the model's columns interacted with the level's indicator. Nil: the whole sample.
    public var within: String?

    /// A calibration; `logit` needs `bounds`.
    public init(model: Model, totals: String, function: CalibrationFunction = .linear, bounds: ClosedRange<Double>? = nil) {
        self.model = model
        self.totals = totals
        self.function = function
        self.bounds = bounds
    }

    /// The model as a one-sided formula: `--calibrate`'s own, `~ factor(COL) - 1` for
    /// post-stratification, the sum of the columns' factors for raking.
    /// - Throws: `DisparityError.usage` for a formula that does not parse.
    func formula() throws -> ModelFormula {
        switch model {
        case .formula(let text): return try ModelFormula(rightHandSide: text)
        case .poststratify(let column): return try ModelFormula(rightHandSide: "~ factor(\(column)) - 1")
        case .rake(let columns): return try ModelFormula(rightHandSide: "~ " + columns.map { "factor(\($0))" }.joined(separator: " + "))
        }
    }

    /// The method as outputs name it: `calibrate`, `poststratify` or `rake`.
    public var methodName: String {
        switch model {
        case .formula: return "calibrate"
        case .poststratify: return "poststratify"
        case .rake: return "rake"
        }
    }
}

extension BarometerConfig {
    /// Every measure's calibration totals file (resolved), each once: inputs no output may replace.
    public var totalsFiles: [String] {
        var seen = Set<String>()
        return goals.flatMap(\.measures).flatMap(\.design.inputFiles).filter { seen.insert($0).inserted }
    }

    /// The configuration with every measure's calibration totals file resolved against the
    /// configuration's folder, as its data files are, and each wave (period) calibrated to the
    /// totals on its own: the waves are samples of the population at different times.
    func resolvingTotals() -> BarometerConfig {
        var copy = self
        for g in copy.goals.indices {
            for m in copy.goals[g].measures.indices {
                if let totals = copy.goals[g].measures[m].design.calibration?.totals {
                    copy.goals[g].measures[m].design.calibration?.totals = path(of: totals)
                    copy.goals[g].measures[m].design.calibration?.within = schedule.column
                }
            }
        }
        return copy
    }
}

extension DesignSpec {
    /// The files the design reads besides the data: its calibration totals (none from standard
    /// input), which no output may replace.
    public var inputFiles: [String] {
        guard let totals = calibration?.totals, totals != "-" else { return [] }
        return [totals]
    }

    /// Refuses `--totals -` beside another input read from standard input (`--data -`, a
    /// benchmark's): both would read it, and it can be read once (the second read found it
    /// empty, "the file is empty").
    /// - Throws: `DisparityError.usage` naming both.
    public func refuseTotalsFromStandardInput(beside inputs: [(option: String, path: String)]) throws {
        guard calibration?.totals == "-", let other = inputs.first(where: { $0.path == "-" }) else { return }
        throw DisparityError.usage("\(other.option) - and --totals - would both read standard input, which can be read once: name a file for one")
    }
}
