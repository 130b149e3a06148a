import Foundation

/// A goal's result: the current estimate (a level, or a gap between groups), the baseline and
/// the change where the goal has a period, the verdict and one plain sentence.
public struct GoalResult: Sendable {
    public struct Estimate: Sendable {
        public var value: Double
        public var standardError: Double
        public var low: Double?
        public var high: Double?
    }

    public var goal: BarometerConfig.Goal
    public var current: Estimate
    public var baseline: Estimate?
    public var change: Estimate?
    public var verdict: Target.Verdict?
    public var sentence: String
    public var n: Int
}

/// Evaluates every goal of a barometer configuration with the engine's estimators: a level
/// through the cell machinery, a gap through `GapEstimator`; each data file read once.
public struct BarometerEvaluator {
    public let config: BarometerConfig

    public init(config: BarometerConfig) { self.config = config }

    public func evaluate() throws -> [GoalResult] {
        struct Source: Hashable { var path: String; var options: CSVOptions }
        var tables: [Source: Table] = [:]
        return try config.goals.map { goal in
            do {
                func table(_ name: String) throws -> Table {
                    let source = Source(path: config.folder.appendingPathComponent(name).path, options: goal.csv)
                    if tables[source] == nil { tables[source] = try CSVReader.read(path: source.path, options: source.options) }
                    return tables[source]!
                }
                if let representation = goal.representation {
                    return try evaluate(goal, representation, staff: table(goal.data), benchmark: table(representation.benchmarkData))
                }
                return try evaluate(goal, table: table(goal.data))
            } catch let error as DisparityError {
                throw DisparityError(error.kind, "goal \(goal.id) (\(goal.label)): \(error.message)")
            }
        }
    }

    private func evaluate(_ goal: BarometerConfig.Goal, table: Table) throws -> GoalResult {
        let design = try SurveyDesign(spec: goal.design, table: table)
        let request = goal.request
        var result: GoalResult
        if goal.group != nil {
            guard goal.focal != nil else { throw DisparityError.usage("a gap goal needs 'focal'") }
            let rows = try GapEstimator(table: table, design: design).estimate(request)
            func pick(_ name: String) -> GoalResult.Estimate? {
                rows.first { $0.component == name }.map {
                    GoalResult.Estimate(value: $0.estimate, standardError: $0.standardError, low: $0.confidenceLow, high: $0.confidenceHigh)
                }
            }
            result = GoalResult(goal: goal, current: pick("difference")!, baseline: pick("baseline difference"),
                                change: pick("change difference"), verdict: nil, sentence: "",
                                n: rows.first { $0.component == "difference" }!.n)
        } else {
            let level = try LevelEstimates(goal: goal, request: request, table: table, design: design)
            var variances = level.variances
            if let replicated = try design.replicateCovariance(estimates: level.estimates, { replicate in
                try LevelEstimates(goal: goal, request: request, table: table, design: replicate).estimates
            }) {
                variances = level.estimates.indices.map { replicated.covariance[$0, $0] }
            }
            let estimates = zip(level.estimates, variances).map { e, v in
                let inferred = Inferred.wald(e, variance: v, df: nil, level: config.level).scaled(by: goal.scale)
                return GoalResult.Estimate(value: inferred.estimate, standardError: inferred.standardError ?? .nan,
                                           low: inferred.low, high: inferred.high)
            }
            result = GoalResult(goal: goal, current: estimates[0], baseline: estimates.count == 3 ? estimates[1] : nil,
                                change: estimates.count == 3 ? estimates[2] : nil, verdict: nil, sentence: "", n: level.n)
        }
        result.verdict = Self.verdict(goal, current: result.current, change: result.change)
        result.sentence = Self.sentence(goal, result)
        return result
    }

    /// A representation goal: the group's share of the staff against the benchmark's.
    private func evaluate(_ goal: BarometerConfig.Goal, _ r: BarometerConfig.RepresentationGoal, staff: Table, benchmark: Table) throws -> GoalResult {
        guard goal.period == nil else { throw DisparityError.usage("a representation goal has no period") }
        let estimator = RepresentationEstimator(
            staff: RepresentationSource(table: staff, design: try SurveyDesign(spec: goal.design, table: staff), census: r.staffCensus),
            benchmark: RepresentationSource(table: benchmark, design: try SurveyDesign(spec: r.benchmarkDesign, table: benchmark),
                                            census: r.benchmarkCensus))
        let rows = try estimator.estimate(r.request)
        let row = rows.first { $0.component == r.component }!
        var result = GoalResult(goal: goal, current: GoalResult.Estimate(value: row.estimate, standardError: row.standardError,
                                                                          low: row.confidenceLow, high: row.confidenceHigh),
                                baseline: nil, change: nil, verdict: nil, sentence: "", n: staff.rowCount)
        result.verdict = Self.verdict(goal, current: result.current, change: nil)
        result.sentence = Self.sentence(goal, result)
        return result
    }

    /// Against the target where there is one; otherwise whether the change since the baseline
    /// went the better way (met), the worse way (not met) or cannot be told from zero.
    static func verdict(_ goal: BarometerConfig.Goal, current: GoalResult.Estimate, change: GoalResult.Estimate?) -> Target.Verdict? {
        if let target = goal.target, let low = current.low, let high = current.high { return target.verdict(low: low, high: high) }
        guard let change, let higher = goal.higherIsBetter, let low = change.low, let high = change.high else { return nil }
        return Target(comparison: higher ? .above : .below, value: 0).verdict(low: low, high: high)
    }

    /// One plain sentence for the think tank.
    static func sentence(_ goal: BarometerConfig.Goal, _ r: GoalResult) -> String {
        let unit = goal.scale == 100 ? " pp" : ""
        func number(_ v: Double) -> String {
            guard v.isFinite else { return "not available" }
            return String(format: abs(v) >= 100 ? "%.0f" : abs(v) < 10 ? "%.2f" : "%.1f", v)
        }
        func interval(_ e: GoalResult.Estimate) -> String {
            guard let low = e.low, let high = e.high, low.isFinite, high.isFinite else { return "" }
            return " (95 % CI \(number(low)) to \(number(high)))"
        }
        let what = goal.representation.map { "The \($0.component) of \(goal.focal!) representation" }
            ?? (goal.group != nil ? "The gap (\(goal.focal!) minus \(goal.reference!))" : "The estimate")
        var text = "\(what) is \(number(r.current.value))\(unit)\(interval(r.current))"
        if let change = r.change, let period = goal.period {
            text += ", a change of \(change.value >= 0 ? "+" : "")\(number(change.value))\(unit)\(interval(change)) since \(period.baseline)"
        }
        switch r.verdict {
        case .met?:
            text += goal.target != nil ? "; the target \(goal.target!.description)\(unit) is met." : "; it has improved."
        case .notMet?:
            text += goal.target != nil ? "; the target \(goal.target!.description)\(unit) is not met." : "; it has worsened."
        case .inconclusive?:
            text += goal.target != nil ? "; the data cannot yet tell whether the target \(goal.target!.description)\(unit) is met."
                : "; the change cannot be told from no change."
        case nil:
            text += "."
        }
        return text
    }
}
