/// Options that apply to some statistics only (`--q` to quantiles, `--denominator` to ratios):
/// one given for another statistic would be silently ignored, so it is refused instead.
enum StatisticOptions {
    /// Refuses the first of `options` that is given but does not apply to `statistic`.
    /// - Parameters:
    ///   - options: each option's name, whether it was given, and the statistics it applies to.
    ///   - statistic: the statistic requested.
    ///   - spelling: how a statistic is written in the message (`--stat quantile` for `gap`).
    /// - Throws: `DisparityError.usage` naming the option, the statistics it applies to and the
    ///   one requested ("--q applies only to quantile or lower-mean (got mean)").
    static func refuseUnused<S: RawRepresentable>(_ options: [(name: String, given: Bool, statistics: [S])], for statistic: S,
                                                  spelling: (String) -> String = { $0 }) throws where S.RawValue == String, S: Equatable {
        guard let unused = options.first(where: { $0.given && !$0.statistics.contains(statistic) }) else { return }
        let applies = unused.statistics.map(\.rawValue).joined(separator: " or ")
        throw DisparityError.usage("\(unused.name) applies only to \(spelling(applies)) (got \(spelling(statistic.rawValue)))")
    }
}
