/// Which reference distribution confidence intervals use, and the one degrees-of-freedom policy
/// of the engine (docs/statistics.md, "Degrees of freedom").
///
/// The policy: a statistic's design df is R's `degf` of the rows it is computed on, that is the
/// PSUs minus the strata among the rows of its domain (after `--subset`) that have every
/// analysed variable and a non-zero weight — R's `degf(subset(design, domain & !is.na(y)))`.
/// A contrast of several cells (a gap, a change) counts the rows of all its cells. The same
/// rows give the same df whatever the statistic or the command.
public enum DegreesOfFreedom: Sendable, Equatable {
    /// Each statistic's R default: normal for means, totals, ratios and gaps in them; the design
    /// df for quantiles (`svyquantile`) and for logit and Korn-Graubard proportions (`svyciprop`).
    case automatic
    /// The standard normal (R's `confint` default).
    case normal
    /// Student t with the design df of the rows used (the policy above).
    case design
    /// Student t with the given df.
    case fixed(Double)

    /// Parses `auto`, `normal` (or `inf`), `design` or a positive number.
    /// - Throws: `DisparityError.usage` for anything else.
    public init(parsing text: String) throws {
        switch text {
        case "auto": self = .automatic
        case "normal", "inf", "Inf": self = .normal
        case "design": self = .design
        default:
            guard let v = Double(text), v > 0, v.isFinite else {
                throw DisparityError.usage("--df must be auto, design, normal or a positive number (got \(quoted: text))")
            }
            self = .fixed(v)
        }
    }

    /// The df an interval uses (nil: the normal). `designByDefault` says what `.automatic` means
    /// for the statistic (true: the design df, false: the normal); `designDF` gives the design df
    /// of the rows used and is evaluated only when needed.
    public func resolved(designByDefault: Bool, designDF: () -> Int) -> Double? {
        switch self {
        case .automatic: return designByDefault ? Double(designDF()) : nil
        case .normal: return nil
        case .design: return Double(designDF())
        case .fixed(let v): return v
        }
    }
}
