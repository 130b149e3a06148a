import Foundation

extension BarometerEvaluator {
    /// A judged measure's two verdicts. Statistical: a target or band goal judges the current
    /// interval against the target; a direction goal judges the change since the baseline
    /// against zero (met: the whole interval lies on the better side); inconclusive where the
    /// judged figure's standard error measures nothing (0 design df). Official: the same
    /// question asked of the figures rounded as published (`MeasureUnit.decimals`), as the
    /// national barometer reads them. Both are nil where the figures are withheld or there is
    /// nothing to judge yet (at the baseline).
    static func verdicts(_ goal: BarometerConfig.Goal, _ r: MeasureResult) -> (Target.Verdict?, OfficialVerdict?) {
        let rounded = r.measure.unit.published
        switch goal.kind {
        case .target, .band:
            guard let target = goal.target, let current = r.current.value else { return (nil, nil) }
            return (r.current.verdict(against: target), target.isSatisfied(by: rounded(current.estimate)) ? .met : .notMet)
        case .direction:
            guard let direction = goal.direction, let change = r.changeSinceBaseline, change.value != nil,
                  let now = r.current.value, let then = r.baseline?.value else { return (nil, nil) }
            let better = Target(comparison: direction == .higher ? .above : .below, value: 0)
            let step = rounded(now.estimate) - rounded(then.estimate)
            let official: OfficialVerdict = step == 0 ? .unchanged : better.isSatisfied(by: step) ? .improved : .worsened
            return (change.verdict(against: better), official)
        }
    }
}

extension MeasureUnit {
    /// `x` rounded as the figure is published: to `decimals` places, halves away from zero.
    public func published(_ x: Double) -> Double {
        let scale = pow(10, Double(decimals))
        return (x * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}
