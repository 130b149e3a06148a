/// The barometer at one period: every goal's measures with their figures and verdicts.
public struct BarometerResult: Sendable {
    /// The barometer's title, from its configuration.
    public var title: String
    /// The period evaluated.
    public var period: String
    /// The configuration's baseline period, which changes are measured from.
    public var baseline: String
    /// The confidence level of every interval and verdict, a share in 0…1.
    public var level: Double
    /// One per goal of the configuration, in configuration order.
    public var goals: [GoalResult]
    /// Disclosure control's threshold: figures resting on fewer observations are withheld.
    public var minimumCell: Int

    /// How many figures (estimates, changes, breakdown cells) disclosure control withheld.
    public var suppressedCount: Int {
        goals.flatMap(\.measures).reduce(0) { $0 + $1.suppressedCount }
    }

    /// The disclosure threshold `m`'s figures are withheld under: its own `min-cell`, else the run's.
    public func minimumCell(of m: MeasureResult) -> Int { m.measure.minimumCell ?? minimumCell }

    /// The withheld figures' count by the threshold they were withheld under, the run's first
    /// (where any), then the measures' own in increasing order, with the measures of each own one.
    public var suppressedByThreshold: [(minimumCell: Int, count: Int, ownOf: [String])] {
        var out: [Int: (count: Int, ownOf: [String])] = [:]
        for m in goals.flatMap(\.measures) where m.suppressedCount > 0 {
            let below = minimumCell(of: m)
            out[below, default: (0, [])].count += m.suppressedCount
            if m.measure.minimumCell != nil { out[below]!.ownOf.append(m.measure.id) }
        }
        return out.map { (minimumCell: $0.key, count: $0.value.count, ownOf: $0.value.ownOf) }
            .sorted { ($0.ownOf.isEmpty ? 0 : 1, $0.minimumCell) < ($1.ownOf.isEmpty ? 0 : 1, $1.minimumCell) }
    }
}

/// One goal at one period.
public struct GoalResult: Sendable {
    /// The goal as configured.
    public var goal: BarometerConfig.Goal
    /// One per measure of the goal, in configuration order.
    public var measures: [MeasureResult]
}

/// One measure at one period: its figures now, at the baseline and at the previous wave, the
/// changes since both, the rows and weighted population they rest on, and (unless context) the
/// statistical and the official verdict.
public struct MeasureResult: Sendable {
    /// The measure as configured.
    public var measure: BarometerMeasure
    /// The data's wave used as "now": its latest at or before the period evaluated; nil when
    /// the data have no wave yet then (every figure not estimable, with a note).
    public var wave: String?
    /// The data's wave used as the baseline (its latest at or before the baseline period); nil
    /// when the data have none.
    public var baselineWave: String?
    /// The data's wave before `wave`, nil at the first.
    public var previousWave: String?
    /// The figure at `wave`, in the measure's unit.
    public var current: Figure
    /// The figure at `baselineWave`; nil without one.
    public var baseline: Figure?
    /// The figure at `previousWave`; nil at the first wave.
    public var previous: Figure?
    /// Current minus baseline figure, in the measure's unit (percentage points for shares).
    public var changeSinceBaseline: Figure?
    /// Current minus previous figure, in the measure's unit (percentage points for shares).
    public var changeSincePrevious: Figure?
    /// Unweighted rows the current estimate uses (all cells of a gap).
    public var n: Int
    /// The weighted population the current estimate speaks for (Σ weights of its rows); nil for
    /// a representation measure, which speaks for two populations.
    public var population: Double?
    /// From the interval: met, not met or inconclusive (nil for context measures and where
    /// there is nothing to judge yet, as at the baseline).
    public var verdict: Target.Verdict?
    /// The national barometer's style: the rounded figure against the target or the baseline.
    public var official: OfficialVerdict?
    /// For a measure with a `breakdown` column: one row per level of that column, in level order.
    public var breakdown: [BreakdownRow]
    /// What qualifies the figures (a change without a standard error, replicates left out).
    public var notes: [String]
    /// For a breakdown, the fewest observations of the current figure of the rows whose
    /// breakdown column is missing (0 without such rows now): never shown, they are a cell of
    /// the levels' line all the same (`BarometerEvaluator.withholdingComplements`), and the
    /// history keeps it for a report at a stricter `--min-cell`. Nil where every row has a level.
    public var unlistedCell: Int? = nil

    /// Figures withheld by disclosure control, breakdown cells (and their populations) included.
    public var suppressedCount: Int {
        ([current] + [baseline, previous, changeSinceBaseline, changeSincePrevious].compactMap { $0 })
            .filter { $0.suppressed != nil }.count
            + breakdown.reduce(0) { $0 + $1.suppressedCount }
    }

    /// Whether a breakdown figure is withheld for what it would give away (secondary suppression).
    public var withholdsComplements: Bool {
        breakdown.contains { $0.current.revealsWithheld || $0.changeSinceBaseline?.revealsWithheld == true }
    }
}

/// One published figure: the estimate with its inference in the measure's unit, or the reason
/// it is withheld.
public struct Figure: Sendable {
    /// Nil when withheld (see `suppressed`) or not estimable.
    public var value: Inferred?
    /// Why the figure is withheld (disclosure control), nil when shown.
    public var suppressed: String?
    /// The fewest unweighted observations among the cells the figure rests on.
    public var smallestCell: Int
    /// The disclosure threshold (`--min-cell`) the figure was withheld under; nil when shown.
    public var withheldBelow: Int? = nil
    /// Whether the figure is withheld for what it would give away, not for its own cells: with
    /// it, a withheld figure could be worked out (secondary suppression).
    public var revealsWithheld = false
    /// Whether the figure rests on a cell whose rows leave the design 0 degrees of freedom (one
    /// PSU, or one observation): its standard error is R's (0 for that cell's own figure; a
    /// change carries the other wave's error alone), which measures nothing there
    /// (`SurveyDesign.zeroDegreesOfFreedomNote`), so no statistical verdict rests on it.
    public var standardErrorMeasuresNothing = false

    /// The statistical verdict of the figure's interval against `target`: inconclusive where
    /// its standard error measures nothing (`standardErrorMeasuresNothing`); nil without a value.
    func verdict(against target: Target) -> Target.Verdict? {
        value.map { standardErrorMeasuresNothing ? .inconclusive : $0.verdict(against: target) }
    }

    /// A figure that cannot be estimated (its wave has no rows): no value, nothing withheld.
    static let notEstimable = Figure(value: nil, suppressed: nil, smallestCell: 0)

    /// A figure withheld by disclosure control: it rests on fewer than `minimumCell` observations.
    static func withheld(below minimumCell: Int, smallestCell: Int) -> Figure {
        Figure(value: nil, suppressed: "rests on fewer than \(minimumCell) observations", smallestCell: smallestCell, withheldBelow: minimumCell)
    }

    /// A figure withheld by secondary suppression (`DisclosureControl.complementary`): it rests
    /// on `smallestCell` observations, enough, but with it a figure withheld under `minimumCell`
    /// could be worked out.
    static func complementary(below minimumCell: Int, smallestCell: Int) -> Figure {
        Figure(value: nil, suppressed: DisclosureControl(minimumCell: minimumCell).complementaryCause, smallestCell: smallestCell,
               withheldBelow: minimumCell, revealsWithheld: true)
    }
}

/// A level measure broken down by a column: one level's figure now and its change since the
/// baseline.
public struct BreakdownRow: Sendable {
    /// The level of the breakdown column.
    public var level: String
    /// The level's figure at the current wave.
    public var current: Figure
    /// The level's change since the baseline wave; nil without a baseline.
    public var changeSinceBaseline: Figure?
    /// Unweighted rows the level's current estimate uses.
    public var n: Int
    /// The weighted population of the level (Σ weights of its rows); nil when the level's figure
    /// is withheld: it rests on the same rows, and with the other levels' and the measure's
    /// population it would give the withheld figure away.
    public var population: Double?

    /// Figures of the level withheld by disclosure control (its population included).
    public var suppressedCount: Int {
        (current.suppressed != nil ? 1 : 0) + (changeSinceBaseline?.suppressed != nil ? 1 : 0) + (population == nil ? 1 : 0)
    }
}

/// The verdict in the national barometer's style, read off the rounded figure.
public enum OfficialVerdict: String, Sendable {
    /// The rounded figure satisfies the target (or lies in the band).
    case met
    /// The rounded figure misses the target (or lies outside the band).
    case notMet = "not met"
    /// The rounded figure moved the better way since the rounded baseline.
    case improved
    /// The rounded figure equals the rounded baseline.
    case unchanged
    /// The rounded figure moved the worse way since the rounded baseline.
    case worsened
}
