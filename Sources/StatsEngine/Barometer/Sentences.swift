import Foundation

/// The language of the barometer's words: Danish (its readers') or English.
public enum ReportLanguage: String, Sendable, CaseIterable {
    /// Danish or English.
    case da, en

    /// A number as this language writes it, to `decimals` places (Danish: decimal comma, a minus sign).
    public func number(_ x: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", x)
        return self == .da ? text.replacingOccurrences(of: ".", with: ",").replacingOccurrences(of: "-", with: "−") : text
    }

    /// A target in words: "højst 5,8 procentpoint", "between 0.9 and 1.1".
    public func target(_ target: Target, unit: MeasureUnit) -> String {
        let d = max(unit.decimals, Self.decimals(of: target.value), target.upper.map(Self.decimals) ?? 0)
        let value = number(target.value, decimals: d) + self.unit(unit)
        switch (self, target.comparison) {
        case (.da, .atMost): return "højst \(value)"
        case (.da, .below): return "under \(value)"
        case (.da, .atLeast): return "mindst \(value)"
        case (.da, .above): return "over \(value)"
        case (.da, .within): return "mellem \(number(target.value, decimals: d)) og \(number(target.upper!, decimals: d))\(self.unit(unit))"
        case (.en, .atMost): return "at most \(value)"
        case (.en, .below): return "below \(value)"
        case (.en, .atLeast): return "at least \(value)"
        case (.en, .above): return "above \(value)"
        case (.en, .within): return "between \(number(target.value, decimals: d)) and \(number(target.upper!, decimals: d))\(self.unit(unit))"
        }
    }

    /// Decimals a target was written with (5.8: 1).
    static func decimals(of x: Double) -> Int {
        (0...6).first { abs(x * pow(10, Double($0)) - (x * pow(10, Double($0))).rounded()) < 1e-9 } ?? 6
    }

    /// The unit after a number.
    public func unit(_ unit: MeasureUnit) -> String {
        switch (self, unit) {
        case (.da, .scorePoints): return " point"
        case (.da, .percentagePoints): return " procentpoint"
        case (.da, .indexPoints): return " indekspoint"
        case (.en, .scorePoints): return " points"
        case (.en, .percentagePoints): return " pp"
        case (.en, .indexPoints): return " index points"
        case (_, .percent): return " %"
        case (_, .index): return ""
        }
    }
}

extension MeasureResult {
    /// One plain sentence for the think tank: the figure now with its interval, the change
    /// since the baseline, and what the statistical verdict says, in `language`.
    public func sentence(_ goal: BarometerConfig.Goal, level: Double, language: ReportLanguage) -> String {
        let da = language == .da
        let decimals = measure.unit.decimals + 1
        func figure(_ f: Figure?, change: Bool = false) -> String? {
            guard let f else { return nil }
            // A change in a percentage is in percentage points.
            let unit = change && measure.unit == .percent ? MeasureUnit.percentagePoints : measure.unit
            guard let v = f.value else {
                guard let below = f.withheldBelow else { return da ? "ikke beregnelig" : "not estimable" }
                return da ? "ikke offentliggjort (færre end \(below) observationer)" : "withheld (fewer than \(below) observations)"
            }
            var text = language.number(v.estimate, decimals: decimals) + language.unit(unit)
            if let low = v.low, let high = v.high {
                let percent = language.number(level * 100, decimals: 0)
                text += da ? " (\(percent) %-KI \(language.number(low, decimals: decimals)) til \(language.number(high, decimals: decimals)))"
                    : " (\(percent) % CI \(language.number(low, decimals: decimals)) to \(language.number(high, decimals: decimals)))"
            }
            return text
        }
        // Data that have no wave yet at the period: nothing to say but that.
        guard let wave else {
            let text = "\(measure.label): " + (da ? "endnu ingen data." : "no data yet.")
            return text + (measure.context ? (da ? " (Baggrund.)" : " (Context.)") : (da ? " Endnu ingen vurdering." : " No verdict yet."))
        }
        var text = "\(measure.label): \(figure(current)!) \(da ? "i" : "in") \(wave)"
        if let change = changeSinceBaseline, let baselineWave, let shown = figure(change, change: true) {
            if let value = change.value {
                let signed = value.estimate >= 0 ? "+" + shown : shown
                text += da ? ", en ændring på \(signed) siden \(baselineWave)" : ", a change of \(signed) since \(baselineWave)"
            } else {
                text += da ? "; ændringen siden \(baselineWave): \(shown)" : "; the change since \(baselineWave): \(shown)"
            }
        }
        text += "."
        guard !measure.context else { return text + (da ? " (Baggrund.)" : " (Context.)") }
        let baseline = baselineWave ?? goal.id
        let target = goal.target.map { language.target($0, unit: measure.unit) } ?? ""
        switch (goal.kind, verdict) {
        case (_, nil):
            return text + (da ? " Endnu ingen vurdering." : " No verdict yet.")
        case (.direction, .met?):
            return text + (da ? " Der er en statistisk sikker forbedring siden \(baseline)." : " It has improved since \(baseline), beyond sampling error.")
        case (.direction, .notMet?):
            return text + (da ? " Der er en statistisk sikker forværring siden \(baseline)." : " It has worsened since \(baseline), beyond sampling error.")
        case (.direction, .inconclusive?):
            return text + (da ? " Ændringen kan ikke skelnes fra ingen ændring." : " The change cannot be told from no change.")
        case (_, .met?):
            return text + (da ? " Målet, \(target), er nået." : " The target, \(target), is met.")
        case (_, .notMet?):
            return text + (da ? " Målet, \(target), er ikke nået." : " The target, \(target), is not met.")
        case (_, .inconclusive?):
            return text + (da ? " Det kan endnu ikke afgøres, om målet, \(target), er nået."
                : " The data cannot yet tell whether the target, \(target), is met.")
        }
    }
}
