/// A policy target for a measure, such as "at most 5.8 percentage points" (`<= 5.8`), and the
/// verdict of a confidence interval against it.
public struct Target: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case atMost = "<=", below = "<", atLeast = ">=", above = ">"
    }

    public enum Verdict: String, Sendable {
        /// The whole confidence interval satisfies the target.
        case met
        /// None of it does.
        case notMet = "not met"
        /// The interval straddles the target.
        case inconclusive
    }

    public let comparison: Operator
    public let value: Double

    public init(comparison: Operator, value: Double) {
        self.comparison = comparison
        self.value = value
    }

    /// Parses `<= 5.8`, `<5.8`, `>= 0` and the like.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let op = Operator.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count }).first(where: { trimmed.hasPrefix($0.rawValue) }),
              let value = Double(trimmed.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw DisparityError.usage("--target must be an operator (<=, <, >=, >) and a number, such as \"<= 5.8\" (got '\(text)')")
        }
        self.init(comparison: op, value: value)
    }

    public func isSatisfied(by x: Double) -> Bool {
        switch comparison {
        case .atMost: return x <= value
        case .below: return x < value
        case .atLeast: return x >= value
        case .above: return x > value
        }
    }

    /// The verdict of the interval [low, high].
    public func verdict(low: Double, high: Double) -> Verdict {
        guard low.isFinite, high.isFinite else { return .inconclusive }
        let (a, b) = (isSatisfied(by: low), isSatisfied(by: high))
        if a && b { return .met }
        if !a && !b { return .notMet }
        return .inconclusive
    }

    /// One-sided p-value of the hypothesis that the target is *not* met, against the
    /// alternative that it is: small values are evidence that the target is met.
    public func pValue(estimate: Double, standardError se: Double, df: Double?) -> Double? {
        guard se > 0 else { return nil }
        let z = (estimate - value) / se
        // For "at most": H0 θ ≥ value; evidence for the target is a small z.
        let upper = comparison == .atMost || comparison == .below
        let statistic = upper ? z : -z
        if let df { return df > 0 ? StudentT.cdf(statistic, df: df) : nil }
        return Normal.cdf(statistic)
    }

    public var description: String { "\(comparison.rawValue) \(NumberText.shortest(value))" }
}
