/// A policy target for a measure, such as "at most 5.8 percentage points" (`<= 5.8`) or an
/// equivalence band such as "mirrors the labour force" (`within 0.9..1.1`), and the verdict of a
/// confidence interval against it.
public struct Target: Sendable, Equatable {
    /// How the estimate is compared with the target's value (or band).
    public enum Operator: String, Sendable, CaseIterable {
        /// The estimate at most (`<=`), below (`<`), at least (`>=`) or above (`>`) `value`.
        case atMost = "<=", below = "<", atLeast = ">=", above = ">"
        /// Inside the closed band [value, upper]: an equivalence target.
        case within
    }

    /// The verdict of a confidence interval against the target (`verdict(low:high:)`).
    public enum Verdict: String, Sendable {
        /// The whole confidence interval satisfies the target.
        case met
        /// None of it does.
        case notMet = "not met"
        /// The interval straddles the target.
        case inconclusive
    }

    /// How the estimate is compared with `value`.
    public let comparison: Operator
    /// The bound (for `within`, the band's lower end), in the measure's reported unit.
    public let value: Double
    /// The band's upper end for `within`; nil otherwise.
    public let upper: Double?

    /// A target; `upper` is kept only for `.within`.
    public init(comparison: Operator, value: Double, upper: Double? = nil) {
        self.comparison = comparison
        self.value = value
        self.upper = comparison == .within ? upper : nil
    }

    /// Parses `<= 5.8`, `<5.8`, `>= 0` and the like, or a band `within 0.9..1.1`.
    /// - Throws: `DisparityError.usage` naming the text for anything else.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix(Operator.within.rawValue) {
            let band = trimmed.dropFirst(Operator.within.rawValue.count).components(separatedBy: "..")
            guard band.count == 2, let low = Double(band[0].trimmingCharacters(in: .whitespacesAndNewlines)),
                  let high = Double(band[1].trimmingCharacters(in: .whitespacesAndNewlines)), low.isFinite, high.isFinite, low < high else {
                throw DisparityError.usage("a band target reads \"within LOW..HIGH\" with LOW < HIGH, such as \"within 0.9..1.1\" (got \(quoted: text))")
            }
            self.init(comparison: .within, value: low, upper: high)
            return
        }
        guard let op = Operator.allCases.filter({ $0 != .within }).sorted(by: { $0.rawValue.count > $1.rawValue.count })
                .first(where: { trimmed.hasPrefix($0.rawValue) }),
              let value = Double(trimmed.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespacesAndNewlines)), value.isFinite else {
            throw DisparityError.usage("--target must be an operator (<=, <, >=, >) and a number, such as \"<= 5.8\", or a band \"within 0.9..1.1\" (got \(quoted: text))")
        }
        self.init(comparison: op, value: value)
    }

    /// Whether a value satisfies the target.
    public func isSatisfied(by x: Double) -> Bool {
        switch comparison {
        case .atMost: return x <= value
        case .below: return x < value
        case .atLeast: return x >= value
        case .above: return x > value
        case .within: return x >= value && x <= upper!
        }
    }

    /// The verdict of the interval [low, high]: met where all of it satisfies the target, not
    /// met where none of it does (for a band: the interval lies wholly outside it), otherwise
    /// inconclusive.
    public func verdict(low: Double, high: Double) -> Verdict {
        guard low.isFinite, high.isFinite else { return .inconclusive }
        if comparison == .within {
            if low >= value && high <= upper! { return .met }
            if high < value || low > upper! { return .notMet }
            return .inconclusive
        }
        let (a, b) = (isSatisfied(by: low), isSatisfied(by: high))
        if a && b { return .met }
        if !a && !b { return .notMet }
        return .inconclusive
    }

    /// One-sided p-value of the hypothesis that the target is *not* met, against the
    /// alternative that it is: small values are evidence that the target is met. For a band,
    /// the two one-sided tests' larger p-value (Schuirmann's TOST).
    public func pValue(estimate: Double, standardError se: Double, df: Double?) -> Double? {
        guard se > 0 else { return nil }
        func lowerTail(_ statistic: Double) -> Double? {
            if let df { return df > 0 ? StudentT.cdf(statistic, df: df) : nil }
            return Normal.cdf(statistic)
        }
        switch comparison {
        case .within:
            // H0: θ ≤ low or θ ≥ high; both one-sided tests must reject.
            guard let above = lowerTail(-(estimate - value) / se), let below = lowerTail((estimate - upper!) / se) else { return nil }
            return max(above, below)
        case .atMost, .below:
            // H0 θ ≥ value; evidence for the target is a small z.
            return lowerTail((estimate - value) / se)
        case .atLeast, .above:
            return lowerTail(-(estimate - value) / se)
        }
    }

    /// As written: `<= 5.8`, `within 0.9..1.1`.
    public var description: String {
        comparison == .within ? "within \(NumberText.shortest(value))..\(NumberText.shortest(upper!))"
            : "\(comparison.rawValue) \(NumberText.shortest(value))"
    }
}

extension Target {
    /// The target as JSON fields: `operator`, `value` and `upper` (a band's upper end; null
    /// otherwise), as `gap` and the barometer write it.
    var jsonFields: [(String, JSONValue)] {
        [("operator", .string(comparison.rawValue)), ("value", .number(value)), ("upper", .number(upper))]
    }
}
