/// Figures estimated wave by wave, without a joint covariance across waves: a part of a
/// decomposition, a representation index. A change then has a standard error only where the
/// two waves are independent samples — their rows share no stratum of the design (each wave
/// drawn on its own, as the bundled surveys are) — and otherwise only its estimate, with a note.
struct WaveByWave {
    /// One wave's figure, the fewest observations among its cells, the strata its rows occupy
    /// in each design it rests on (empty for a census, which has no sampling variance), the
    /// notes on its standard error (replicates left out), and whether that standard error
    /// measures nothing (a group whose rows leave the design 0 degrees of freedom:
    /// `Figure.standardErrorMeasuresNothing`, of the figure and the changes resting on it).
    struct AtWave {
        var value: Inferred
        var smallestCell: Int
        var strata: [Set<Int32>]
        var notes: [String] = []
        var standardErrorMeasuresNothing = false
    }

    var current: Figure
    var baseline: Figure?
    var previous: Figure?
    var changeSinceBaseline: Figure?
    var changeSincePrevious: Figure?
    var notes: [String] = []

    /// - Parameter estimate: a wave's figure; nil where the wave has no rows of the measure
    ///   (its figure and the changes from it are then not estimable, with a note).
    init(waves: WaveContrasts.Waves, minimumCell: Int, level: Double, estimate: (String) throws -> AtWave?) throws {
        let now = try estimate(waves.current)
        func figure(_ at: AtWave?) -> Figure {
            guard let at else { return Figure.notEstimable }
            guard at.smallestCell >= minimumCell else { return Figure.withheld(below: minimumCell, smallestCell: at.smallestCell) }
            var figure = Figure(value: at.value, suppressed: nil, smallestCell: at.smallestCell)
            figure.standardErrorMeasuresNothing = at.standardErrorMeasuresNothing
            return figure
        }
        var notes: [String] = []
        func change(to then: AtWave?, _ wave: String) -> Figure {
            guard let now, let then else { return Figure.notEstimable }
            let smallest = min(now.smallestCell, then.smallestCell)
            guard smallest >= minimumCell else {
                return Figure.withheld(below: minimumCell, smallestCell: smallest)
            }
            let estimate = now.value.estimate - then.value.estimate
            let independent = zip(now.strata, then.strata).allSatisfy { $0.isDisjoint(with: $1) }
            var figure: Figure
            if independent, let a = now.value.standardError, let b = then.value.standardError {
                figure = Figure(value: Inferred.wald(estimate, variance: a * a + b * b, df: nil, level: level), suppressed: nil,
                                smallestCell: smallest)
            } else {
                notes.append(independent ? MeasureNotes.changeOfFigureWithoutStandardError(since: wave) : MeasureNotes.overlappingChange(since: wave))
                figure = Figure(value: Inferred(estimate: estimate, standardError: nil, df: nil, low: nil, high: nil),
                                suppressed: nil, smallestCell: smallest)
            }
            figure.standardErrorMeasuresNothing = now.standardErrorMeasuresNothing || then.standardErrorMeasuresNothing
            return figure
        }
        // A wave's own notes, or the note that it has no rows.
        func waveNotes(_ at: AtWave?, _ wave: String) -> [String] {
            at.map { $0.notes.map { MeasureNotes.ofWave(wave, $0) } } ?? [MeasureNotes.noRows(wave)]
        }
        current = figure(now)
        notes += waveNotes(now, waves.current)
        if let wave = waves.baseline {
            let then = try estimate(wave)
            (baseline, changeSinceBaseline) = (figure(then), change(to: then, wave))
            notes += waveNotes(then, wave)
        }
        if let wave = waves.previous {
            let then = try estimate(wave)
            (previous, changeSincePrevious) = (figure(then), change(to: then, wave))
            notes += waveNotes(then, wave)
        }
        // The previous wave may be the baseline: each note once.
        var seen = Set<String>()
        self.notes = notes.filter { seen.insert($0).inserted }
    }
}
