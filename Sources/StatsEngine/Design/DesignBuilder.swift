import Foundation

/// Resolving a `DesignSpec` against a table, with the checks R's `svydesign` makes (and a few it
/// does not), each failing with the file, line and column at fault.
extension SurveyDesign {
    /// How far below the sampled count a population size from fractions may fall by rounding
    /// (a fraction n/N written to 15 digits) before it is an error.
    static let populationRounding = 1e-12

    /// Resolves `spec` against `table`: per-row weights (from `--weights`, else N_h/n_h with an
    /// fpc as R's `svydesign`, else 1), stratum and PSU codes, counts and population sizes.
    /// - Throws: `DisparityError.data` naming the file, line and column for a missing stratum or
    ///   PSU id, a missing, negative or subnormal (below 2.2e-308) weight, a missing or non-positive fpc, an fpc that differs
    ///   within a stratum (or PSU), a population smaller than the sample, a PSU id in two strata
    ///   without `--nest`, a design of one PSU (R's "Design has only one primary sampling unit"),
    ///   or weights summing beyond the largest double; `.usage` when `--fpc`
    ///   names two stages but `--cluster` one; `ReplicateWeights`'s errors for replicate weight
    ///   columns; and `calibrated`'s errors.
    public init(spec: DesignSpec, table: Table) throws {
        let n = table.rowCount
        let source = table.source

        @Sendable func identifiers(_ name: String, role: String) throws -> CategoricalColumn {
            let column = try table.categorical(name)
            if let row = column.codes.firstIndex(where: { $0 < 0 }) {
                throw table.rowError(row, column: name, "missing \(role) identifier")
            }
            return column
        }

        // The stratum and PSU ids are coded at once, one column per core: coding a column of
        // numbers reads it three times, between the parse and every analysis. Errors are raised
        // in the order below, strata first.
        let roles = [(spec.strata, "stratum"), (spec.clusters.first, "cluster")]
        var coded = [Result<CategoricalColumn, Error>?](repeating: nil, count: roles.count)
        coded.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: roles.count) { k in
                shared.value[k] = roles[k].0.map { name in Result { try identifiers(name, role: roles[k].1) } }
            }
        }

        // Strata.
        var stratum = [Int32](repeating: 0, count: n)
        var strataLabels = ["1"]
        if let column = try coded[0]?.get() {
            stratum = column.codes
            strataLabels = column.levels
        }

        // Primary sampling units.
        var psu = [Int32](repeating: 0, count: n)
        var psuStratum: [Int32] = []
        var psuLabels: [String]? = []
        if let name = spec.clusters.first, let column = try coded[1]?.get() {
            if spec.nest {
                var index: [Int64: Int32] = [:]
                let width = Int64(column.levels.count)
                for r in 0..<n {
                    let key = Int64(stratum[r]) * width + Int64(column.codes[r])
                    if let p = index[key] { psu[r] = p; continue }
                    let p = Int32(psuStratum.count)
                    index[key] = p
                    psu[r] = p
                    psuStratum.append(stratum[r])
                    psuLabels!.append("\(strataLabels[Int(stratum[r])])/\(column.levels[Int(column.codes[r])])")
                }
            } else {
                psu = column.codes
                psuLabels = column.levels
                psuStratum = [Int32](repeating: -1, count: column.levels.count)
                for r in 0..<n {
                    let p = Int(psu[r])
                    if psuStratum[p] < 0 { psuStratum[p] = stratum[r]; continue }
                    if psuStratum[p] != stratum[r] {
                        throw table.rowError(r, column: name,
                            "cluster '\(psuLabels![p])' lies in strata '\(strataLabels[Int(psuStratum[p])])' and '\(strataLabels[Int(stratum[r])])'; use --nest if cluster ids repeat across strata")
                    }
                }
            }
        } else {
            psu = (0..<n).map { Int32($0) }
            psuStratum = stratum
            psuLabels = nil
        }
        // A design of one PSU (one cluster, or one row without clusters) has no sampling variance
        // to estimate, where the lonely-PSU options would give a standard error of 0 or rounding
        // noise: R's svydesign refuses it ("Design has only one primary sampling unit"; nested
        // in strata it goes on, to that 0), and so does this, nested or not. Replicate weight
        // columns carry their own variance.
        var givenReplicates = false
        if case .replicateWeights = spec.varianceMethod { givenReplicates = true }
        if psuStratum.count == 1, !givenReplicates {
            let place = spec.clusters.first.map { "cluster '\(psuLabels?[0] ?? $0)'" } ?? "its one row"
            throw DisparityError.data(file: source, column: spec.clusters.first,
                                      "the design has only one primary sampling unit (\(place)), so no standard error can be estimated")
        }
        var psuCount = [Int](repeating: 0, count: strataLabels.count)
        for h in psuStratum { psuCount[Int(h)] += 1 }

        // Finite population correction, stage one: constant within each stratum.
        var psuPopulation = [Double](repeating: .infinity, count: strataLabels.count)
        if let name = spec.fpc.first {
            let values = try Self.positiveNumbers(table, name)
            let fractions = values.allSatisfy { $0 <= 1 }
            var seen = [Double?](repeating: nil, count: strataLabels.count)
            for r in 0..<n {
                let h = Int(stratum[r])
                if let v = seen[h], v != values[r] {
                    throw table.rowError(r, column: name, "the fpc differs within stratum '\(strataLabels[h])' (\(v) and \(values[r]))")
                }
                seen[h] = values[r]
            }
            for h in 0..<strataLabels.count {
                guard let v = seen[h] else { continue }
                let population = fractions ? Double(psuCount[h]) / v : v
                if population < Double(psuCount[h]) * (1 - Self.populationRounding) {
                    throw DisparityError.data(file: source, column: name, "stratum '\(strataLabels[h])' has \(psuCount[h]) sampled PSUs but a population of \(NumberFormat.label(population))")
                }
                psuPopulation[h] = population
            }
        }

        // Second stage: units nested in PSUs.
        var secondStage: SecondStage? = nil
        if spec.clusters.count >= 2 {
            let name = spec.clusters[1]
            let column = try identifiers(name, role: "second-stage unit")
            var index: [Int64: Int32] = [:]
            let width = Int64(column.levels.count)
            var unit = [Int32](repeating: 0, count: n)
            var unitPSU: [Int32] = []
            for r in 0..<n {
                let key = Int64(psu[r]) * width + Int64(column.codes[r])
                if let u = index[key] { unit[r] = u; continue }
                let u = Int32(unitPSU.count)
                index[key] = u
                unit[r] = u
                unitPSU.append(psu[r])
            }
            var unitCount = [Int](repeating: 0, count: psuStratum.count)
            for p in unitPSU { unitCount[Int(p)] += 1 }
            var unitPopulation = [Double](repeating: .infinity, count: psuStratum.count)
            if spec.fpc.count >= 2 {
                let fpcName = spec.fpc[1]
                let values = try Self.positiveNumbers(table, fpcName)
                let fractions = values.allSatisfy { $0 <= 1 }
                var seen = [Double?](repeating: nil, count: psuStratum.count)
                for r in 0..<n {
                    let p = Int(psu[r])
                    if let v = seen[p], v != values[r] {
                        throw table.rowError(r, column: fpcName, "the second-stage fpc differs within PSU '\(psuLabels?[p] ?? table.rowNumbering.name(ofRow: p))'")
                    }
                    seen[p] = values[r]
                }
                for p in 0..<psuStratum.count {
                    let population = fractions ? Double(unitCount[p]) / seen[p]! : seen[p]!
                    if population < Double(unitCount[p]) * (1 - Self.populationRounding) {
                        throw DisparityError.data(file: source, column: fpcName, "PSU '\(psuLabels?[p] ?? table.rowNumbering.name(ofRow: p))' has \(unitCount[p]) sampled units but a population of \(NumberFormat.label(population))")
                    }
                    unitPopulation[p] = population
                }
            }
            secondStage = SecondStage(unit: unit, unitPSU: unitPSU, unitCount: unitCount, unitPopulation: unitPopulation)
        } else if spec.fpc.count >= 2 {
            throw DisparityError.usage("--fpc names two stages but --cluster names one")
        }

        // Weights: given, or implied by the fpc as R does, or one.
        var weights: [Double]
        if let name = spec.weights {
            weights = try table.numeric(name)
            for r in 0..<n where !(weights[r] >= 0) || weights[r].isSubnormal {
                // A subnormal weight (below 2.2e-308) holds a few bits: sums and fits on it are
                // rounding noise, and a model's inverse of them beyond a double.
                throw table.rowError(r, column: name, weights[r].isNaN ? "missing weight" : weights[r] < 0 ? "negative weight \(weights[r])"
                                     : "weight \(weights[r]) is below \(Double.leastNormalMagnitude), the least a double holds to full precision: rescale the weights")
            }
        } else if spec.fpc.isEmpty {
            weights = [Double](repeating: 1, count: n)
        } else {
            weights = (0..<n).map { r in
                let p = Int(psu[r])
                let h = Int(psuStratum[p])
                var w = psuPopulation[h] / Double(psuCount[h])
                if let s = secondStage, s.unitPopulation[p].isFinite {
                    w *= s.unitPopulation[p] / Double(s.unitCount[p])
                }
                return w
            }
        }
        // Weights whose sum is beyond a double's range would make every statistic Inf or NaN;
        // below it, no domain's or subset's sum of them (each ≥ 0) can overflow.
        guard weights.reduce(0, +).isFinite else {
            throw DisparityError.data(file: source, column: spec.weights ?? spec.fpc[0], spec.weights != nil
                ? "the weights sum beyond \(DisparityError.largestDouble); rescale them"
                : "the weights it implies (population over sample size) sum beyond \(DisparityError.largestDouble)")
        }

        // Replicate weights: their columns resolved and read.
        var replicateWeights: ReplicateWeights? = nil
        if case .replicateWeights(let replicates) = spec.varianceMethod {
            replicateWeights = try ReplicateWeights(spec: replicates, table: table, weights: spec.weights)
        }

        self.init(spec: spec, source: source, rowNumbering: table.rowNumbering, weights: weights, stratum: stratum, strataLabels: strataLabels,
                  psu: psu, psuStratum: psuStratum, psuNames: psuLabels, psuCount: psuCount,
                  psuPopulation: psuPopulation, secondStage: secondStage, replicateWeights: replicateWeights)
        // Made replicates: from the resolved linearization design (R's as.svrepdesign).
        if case .madeReplicates(let making) = spec.varianceMethod {
            self = self.with(replicateWeights: try ReplicateWeights(making: making, design: self))
        }
        if let calibration = spec.calibration { self = try calibrated(calibration, table: table) }
    }

    /// A numeric design column whose every value is present and positive.
    private static func positiveNumbers(_ table: Table, _ name: String) throws -> [Double] {
        let values = try table.numeric(name)
        if let r = values.firstIndex(where: { !($0 > 0) }) {
            throw table.rowError(r, column: name, values[r].isNaN ? "missing fpc" : "the fpc must be positive (found \(values[r]))")
        }
        return values
    }
}
