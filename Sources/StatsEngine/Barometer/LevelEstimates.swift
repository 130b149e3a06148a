/// A level goal's estimates (no groups compared): the statistic on the goal's rows, and with a
/// period the baseline wave's and the change since it, with their variances from one joint
/// covariance (the waves may share PSUs, as a panel does).
struct LevelEstimates {
    /// [current] or [current, baseline, change], in the statistic's own unit.
    let estimates: [Double]
    let variances: [Double]
    /// Rows used in the current estimate.
    let n: Int

    init(goal: BarometerConfig.Goal, request: GapRequest, table: Table, design: SurveyDesign) throws {
        let estimator = GapEstimator(table: table, design: design)
        let domain = try goal.subset?.rows(of: table)
        let all = (0..<table.rowCount).compactMap { domain?[$0] != false ? Int32($0) : nil }
        let linearize = try estimator.linearizer(for: request)
        var cells: [Linearized]
        if let period = goal.period {
            let waves = try PeriodCells(table: table, period: period)
            cells = [try linearize(waves.current(all), "\(period.column)=\(period.current)"),
                     try linearize(waves.baseline(all), "\(period.column)=\(period.baseline)")]
        } else {
            cells = [try linearize(all, goal.subset.map { "the subset \($0.text)" } ?? "the data")]
        }
        let joint = try JointEstimates(cells, engine: VarianceEngine(design: design), scope: try estimator.scope(request, domain: domain))
        let parts = cells.count == 2 ? [joint.contrast([1, 0]), joint.contrast([0, 1]), joint.contrast([1, -1])] : [joint.contrast([1])]
        estimates = parts.map(\.estimate)
        variances = parts.map(\.variance)
        n = joint.rowCounts[0]
    }
}
