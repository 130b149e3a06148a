/// The barometer's own notes on a measure's figures, one builder per kind, in English (every
/// output format: CSV, JSON, the workbook, standard error) and in Danish (the HTML report's
/// default language). The estimators' notes that a measure passes on (replicates left out, a
/// design of 0 degrees of freedom) stay in their English words in either language.
enum MeasureNotes {
    /// A measure whose data have no wave at or before the baseline period.
    static func noBaselineWave(_ baseline: String, in language: ReportLanguage = .en) -> String {
        language == .da ? "data har ingen bølge i eller før basisperioden \(baseline): ingen ændring siden den"
            : "the data have no wave at or before the baseline \(baseline): no change since it"
    }

    /// A representation's benchmark without a wave at or before the population's `wave`.
    static func benchmarkWithoutWave(_ wave: String, benchmark: String, in language: ReportLanguage = .en) -> String {
        language == .da ? "bølge \(wave): benchmarket \(benchmark) har ingen bølge i eller før den: intet tal da, og ingen ændring eller vurdering, der bygger på det"
            : "wave \(wave): the benchmark \(benchmark) has no wave at or before it: no figure then, and no change or verdict resting on it"
    }

    /// A representation whose current figure rests on the benchmark's `wave`, not the period's own.
    static func benchmarkWave(_ wave: String, benchmark: String, in language: ReportLanguage = .en) -> String {
        language == .da ? "benchmarket er bølge \(wave) af \(benchmark)" : "the benchmark is \(benchmark)'s wave \(wave)"
    }

    /// A change since `wave` between figures on overlapping samples (strata in common), whose
    /// covariance a wave-by-wave figure does not estimate (`WaveByWave`).
    static func overlappingChange(since wave: String, in language: ReportLanguage = .en) -> String {
        language == .da ? "ændringen siden \(wave) har ingen standardfejl: de to tal bygger på overlappende stikprøver (fælles strata), hvis kovarians ikke estimeres her"
            : "the change since \(wave) has no standard error: the two figures rest on overlapping samples (strata in common), whose covariance is not estimated here"
    }

    /// A change since `wave` between independent figures of which one has no standard error.
    static func changeOfFigureWithoutStandardError(since wave: String, in language: ReportLanguage = .en) -> String {
        language == .da ? "ændringen siden \(wave) har ingen standardfejl: et af de to tal, den bygger på, har ingen"
            : "the change since \(wave) has no standard error: one of the two figures it rests on has none"
    }

    /// Figures of a measure the design gives no standard error.
    static func figureWithoutStandardError(in language: ReportLanguage = .en) -> String {
        language == .da ? "et tal har ingen standardfejl: designet giver en af dets grupper ingen (R giver NaN), eller en kvantils Woodruff-interval går ud over data (R giver NA), så det har intet interval (højst et endepunkt), og dets statistiske vurdering er uafklaret"
            : "a figure has no standard error: the design gives one of its groups none (R gives NaN), or a quantile's Woodruff interval leaves the data (R gives NA), so it has no interval (at most an end) and its statistical verdict is inconclusive"
    }

    /// A wave in which the measure's subset or a compared group (or breakdown level) has no row
    /// with the variable and a positive weight.
    static func noRows(_ wave: String, in language: ReportLanguage = .en) -> String {
        language == .da ? "bølge \(wave) har ingen rækker i målet (ingen med en værdi og en positiv vægt i dets delmængde eller grupper): intet tal da, og ingen ændring eller vurdering, der bygger på det"
            : "wave \(wave) has no rows of the measure (none with a value and a positive weight in its subset or groups): no figure then, and no change or verdict resting on it"
    }

    /// A note of a wave (an estimator's, on that wave's figure).
    static func ofWave(_ wave: String, _ note: String, in language: ReportLanguage = .en) -> String {
        "\(language == .da ? "bølge" : "wave") \(wave): \(note)"
    }

    /// `note` (English, as a measure carries it) in `language`: a note made here in its words,
    /// found by making each kind with each of `waves` and `benchmarks` (a wave's or a breakdown
    /// level's prefix `by=level: ` kept around it); another note as it is.
    static func translated(_ note: String, to language: ReportLanguage, waves: [String], benchmarks: [String], breakdown: String?) -> String {
        guard language != .en else { return note }
        if let by = breakdown, note.hasPrefix("\(by)="), let colon = note.range(of: ": ") {
            return String(note[..<colon.upperBound]) + translated(String(note[colon.upperBound...]), to: language, waves: waves,
                                                                  benchmarks: benchmarks, breakdown: nil)
        }
        let made: [(ReportLanguage) -> String] = [figureWithoutStandardError(in:)]
            + waves.flatMap { wave in
                [{ noBaselineWave(wave, in: $0) }, { overlappingChange(since: wave, in: $0) },
                 { changeOfFigureWithoutStandardError(since: wave, in: $0) }, { noRows(wave, in: $0) }]
                    + benchmarks.flatMap { file in [{ benchmarkWithoutWave(wave, benchmark: file, in: $0) }, { benchmarkWave(wave, benchmark: file, in: $0) }] }
            }
        if let kind = made.first(where: { $0(.en) == note }) { return kind(language) }
        if let wave = waves.first(where: { note.hasPrefix(ofWave($0, "")) }) {
            return ofWave(wave, translated(String(note.dropFirst(ofWave(wave, "").count)), to: language, waves: waves,
                                           benchmarks: benchmarks, breakdown: nil), in: language)
        }
        return note
    }
}
