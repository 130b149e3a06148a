/// The checks every request's probabilities share.
enum ProbabilityOptions {
    /// `--q` and `--level` must lie strictly between 0 and 1 (`validate(level:degreesOfFreedom:)`).
    /// - Throws: `DisparityError.usage` naming the option and the value.
    static func validate(q: Double, level: Double, degreesOfFreedom: DegreesOfFreedom = .normal) throws {
        guard q > 0, q < 1 else { throw DisparityError.usage("--q must lie strictly between 0 and 1 (got \(q))") }
        try validate(level: level, degreesOfFreedom: degreesOfFreedom)
    }

    /// `--level` must lie strictly between 0 and 1 and give its intervals a finite critical
    /// value: the normal's, and Student t's on the df of `--df N` (a level so near 1 that
    /// 1 − (1 − level)/2 rounds to 1, or a t on a tiny df, would leave every interval null).
    /// Under the design's df the value is finite whenever the normal's is (those df are at least 1).
    /// - Throws: `DisparityError.usage` naming `--level` (and `--df`) and the value.
    static func validate(level: Double, degreesOfFreedom: DegreesOfFreedom = .normal) throws {
        if let problem = problem(level: level, degreesOfFreedom: degreesOfFreedom) { throw DisparityError.usage("--level \(problem)") }
    }

    /// Why `level` is not a usable confidence level (the words after the option's name), nil
    /// when it is one: `validate(level:degreesOfFreedom:)`'s checks, shared with the barometer's
    /// `level` key.
    static func problem(level: Double, degreesOfFreedom: DegreesOfFreedom = .normal) -> String? {
        guard level > 0, level < 1 else { return "must lie strictly between 0 and 1 (got \(level))" }
        guard Intervals.critical(level: level, df: nil)?.isFinite == true else {
            return "\(level) is too close to 1: the normal quantile at 1 − (1 − level)/2 that its intervals need is not finite (the largest level that has one is 0.9999999999999998)"
        }
        if case .fixed(let df) = degreesOfFreedom, Intervals.critical(level: level, df: df)?.isFinite != true {
            return "\(level) with --df \(df): Student t's quantile on \(df) df at 1 − (1 − level)/2, which its intervals need, is not finite (give a larger --df or a smaller --level)"
        }
        return nil
    }
}
