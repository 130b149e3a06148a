/// The checks every request's probabilities share.
enum ProbabilityOptions {
    /// `--q` and `--level` must lie strictly between 0 and 1.
    /// - Throws: `DisparityError.usage` naming the option and the value.
    static func validate(q: Double, level: Double) throws {
        guard q > 0, q < 1 else { throw DisparityError.usage("--q must lie strictly between 0 and 1 (got \(q))") }
        guard level > 0, level < 1 else { throw DisparityError.usage("--level must lie strictly between 0 and 1 (got \(level))") }
    }
}
