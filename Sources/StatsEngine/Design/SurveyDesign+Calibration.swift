import Foundation

extension SurveyDesign {
    /// The design with its weights calibrated to the population totals of `spec` (R's
    /// `calibrate`, `postStratify`, `rake`): the full sample's weights and, on a replicate
    /// design, every replicate's, each to the same totals (R's `calibrate.svyrep.design`). The
    /// Rao-Wu bootstrap calibrates its replicates as it draws them. Strata and PSUs stay as they
    /// are; so do the degrees of freedom (R's `degf`), except that R recomputes a replicate
    /// design's from the calibrated replicates after unbounded linear calibration.
    /// - Throws: `PopulationTotals`' and `CalibrationModel`'s errors; `DisparityError.analysis`
    ///   when there are more constraints than PSUs, and `Calibration`'s errors for the full
    ///   sample or any replicate.
    public func calibrated(_ spec: CalibrationSpec, table: Table) throws -> SurveyDesign {
        let totals = try PopulationTotals(path: spec.totals)
        let model = try CalibrationModel(spec, table: table, totals: totals)
        guard model.names.count <= psuTotal else {
            throw DisparityError.analysis("\(source): \(model.names.count) calibration constraints but only \(psuTotal) PSUs; the calibrated variance would be degenerate (R refuses it)")
        }
        var calibration = try Calibration(spec, model: model, weights: weights, source: source)
        if let r = replicateWeights, spec.function != .linear || spec.bounds != nil {
            calibration.replicateDegreesOfFreedom = r.degreesOfFreedom()
        }
        let calibratedWeights = zip(calibration.g, weights).map(*)
        var replicates = replicateWeights
        if let r = replicateWeights { replicates = try r.calibrated(calibration, source: source) }
        return SurveyDesign(spec: self.spec, source: source, rowNumbering: rowNumbering, weights: calibratedWeights, stratum: stratum, strataLabels: strataLabels,
                            psu: psu, psuStratum: psuStratum, psuNames: psuNames, psuCount: psuCount, psuPopulation: psuPopulation,
                            secondStage: secondStage, replicateWeights: replicates, calibration: calibration)
    }
}

extension ReplicateWeights {
    /// The replicates with each replicate's weights calibrated by `calibration` (on all cores).
    /// - Throws: the first replicate's calibration error.
    func calibrated(_ calibration: Calibration, source: String) throws -> ReplicateWeights {
        let r = count
        var columns = [Result<[Double], Error>?](repeating: nil, count: r)
        columns.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: r) { j in
                shared.value[j] = Result { try calibration.calibrate(weights(replicate: j), what: "\(source): replicate '\(self.columns[j])'") }
            }
        }
        let values = try columns.map { try $0!.get() }
        return ReplicateWeights(columns: self.columns, type: type, rho: rho, scale: scale, rscales: rscales, mse: mse, values: values,
                                made: made)
    }
}
