/// The one variance routine: turns influence values into a covariance matrix for any design by
/// Taylor linearization, totalling them by PSU within strata with the with-replacement
/// approximation at the first stage, the finite population correction, and the second stage
/// where both stages' fpcs are given. It reproduces R survey's `svyrecvar` (`onestrat`,
/// `onestage`, `multistage`), lonely-PSU rules included, in one pass over the rows plus work
/// proportional to the PSUs they touch.
public struct VarianceEngine: Sendable {
    /// The design whose strata, PSUs and fpcs the influence values are totalled over.
    public let design: SurveyDesign

    /// The tolerance below which a sampling fraction's complement counts as zero: a stratum
    /// sampled completely contributes no variance (R's `onestrat`, `f < 0.0000001`).
    static let censusTolerance = 1e-7

    /// Which sampling units count as present: the strata and PSUs whose totals enter the sums.
    public enum Scope: Sendable {
        /// The units the influence rows touch: a domain's own subset design, as
        /// `svymean(~y, subset(design, domain))` (and `svyby`'s standard errors).
        case domain
        /// The units of these rows, zero totals where no influence value falls: the design that
        /// R's `svyby(..., covmat = TRUE)` totals the joint influence functions over, so that
        /// every entry of a joint covariance is the same whichever other cells are estimated.
        case rows([Int32])
    }

    /// An engine on `design`.
    public init(design: SurveyDesign) { self.design = design }

    /// Whether a covariance can fail: under `--lonely-psu fail`, a stratum with one PSU (or,
    /// where the second stage counts, a PSU with one second-stage unit) that is not sampled
    /// completely. When it cannot, every covariance is computed without an error, so a caller
    /// whose variances come from elsewhere (a replicate design) loses nothing by skipping them.
    public var mayFail: Bool {
        guard design.spec.lonelyPSU == .fail else { return false }
        func lonely(_ n: Int, _ population: Double) -> Bool {
            n == 1 && Self.samplingComplement(sampled: n, population: population) >= Self.censusTolerance
        }
        if zip(design.psuCount, design.psuPopulation).contains(where: lonely) { return true }
        guard design.usesSecondStage, let second = design.secondStage else { return false }
        return zip(second.unitCount, second.unitPopulation).contains(where: lonely)
    }

    /// 1 − n/N, the finite population correction (1 without a population size).
    private static func samplingComplement(sampled n: Int, population: Double) -> Double {
        population.isFinite ? (population - Double(n)) / population : 1
    }

    /// Covariance of the statistics whose influence values are given: a `width` × `width`
    /// matrix in the statistics' units squared. On a calibrated design the influence values are
    /// first replaced by the residuals of the calibration regression (R's `svyrecvar` with
    /// `postStrata`), on every row of the design.
    /// - Throws: `DisparityError.analysis` naming the stratum (or PSU) with a single PSU (or
    ///   second-stage unit) under `--lonely-psu fail`.
    public func covariance(_ influence: Influence, scope: Scope = .domain) throws -> Covariance {
        try totalled(InfluenceBlocks(design.calibration?.residuals(of: influence) ?? influence), scope: scope)
    }

    /// Covariance of the statistics whose influence values are produced block by block
    /// (`InfluenceBlocks`), never held for all rows at once: the same totals, in the same order,
    /// as `covariance(_:scope:)` on the values the blocks produce. On a calibrated design the
    /// blocks are gathered first, since the calibration residuals need every row at once.
    public func covariance(_ influence: InfluenceBlocks, scope: Scope = .domain) throws -> Covariance {
        guard design.calibration == nil else { return try covariance(influence.held(), scope: scope) }
        return try totalled(influence, scope: scope)
    }

    /// The covariance from the influence values' totals by sampling unit.
    private func totalled(_ influence: InfluenceBlocks, scope: Scope) throws -> Covariance {
        let k = influence.width
        let stageOne = psuTotals(influence, scope)
        var result = try combineStrata(
            groups: stageOne.groups, totals: stageOne.totals, width: k,
            sampled: { design.psuCount[$0] }, population: { design.psuPopulation[$0] },
            label: { "stratum '\(design.strataLabels[$0])'" }, stage: 1)
        if design.usesSecondStage, let second = design.secondStage {
            let stageTwo = unitTotals(influence, second, scope)
            for (p, units) in stageTwo.groups {
                let h = Int(design.psuStratum[p])
                let weight = Double(design.psuCount[h]) / design.psuPopulation[h]
                guard weight > 0 else { continue }
                let within = try combineStrata(
                    groups: [(p, units)], totals: stageTwo.totals, width: k,
                    sampled: { second.unitCount[$0] }, population: { second.unitPopulation[$0] },
                    label: { "PSU '\(design.psuLabel($0))'" }, stage: 2)
                for i in 0..<(k * k) { result[i] += weight * within[i] }
            }
        }
        return Covariance(size: k, values: result)
    }

    /// Totals of the influence values by PSU, grouped by stratum: (stratum, [slot]) pairs and a
    /// slot-major table of totals.
    private func psuTotals(_ influence: InfluenceBlocks, _ scope: Scope) -> (groups: [(Int, [Int])], totals: [Double]) {
        groupedTotals(influence, scope, unitOfRow: design.psu, unitCount: design.psuTotal, parentCount: design.strataCount) { Int(design.psuStratum[$0]) }
    }

    /// Totals by second-stage unit, grouped by PSU.
    private func unitTotals(_ influence: InfluenceBlocks, _ second: SurveyDesign.SecondStage, _ scope: Scope) -> (groups: [(Int, [Int])], totals: [Double]) {
        groupedTotals(influence, scope, unitOfRow: second.unit, unitCount: second.unitPSU.count, parentCount: design.psuTotal) { Int(second.unitPSU[$0]) }
    }

    /// Sums influence values into one slot per sampling unit touched, and lists the slots of
    /// each parent (stratum or PSU) in order of first appearance. Blocks given as a product are
    /// totalled as they come and the totals multiplied by the factor.
    private func groupedTotals(_ influence: InfluenceBlocks, _ scope: Scope, unitOfRow: [Int32], unitCount: Int, parentCount: Int,
                               parent: (Int) -> Int) -> (groups: [(Int, [Int])], totals: [Double]) {
        let k = influence.blockWidth
        var slotOfUnit = [Int32](repeating: -1, count: unitCount)
        var units: [Int] = []
        var totals: [Double] = []
        if case .rows(let present) = scope {
            for row in present where slotOfUnit[Int(unitOfRow[Int(row)])] < 0 {
                let u = Int(unitOfRow[Int(row)])
                slotOfUnit[u] = Int32(units.count)
                units.append(u)
            }
            totals = [Double](repeating: 0, count: units.count * k)
        }
        influence.forEachBlock { block, values in
            // The block's slots first (new units get theirs), then its values added in row order.
            let slots = block.map { position -> Int32 in
                let u = Int(unitOfRow[Int(influence.rows[position])])
                if slotOfUnit[u] < 0 {
                    slotOfUnit[u] = Int32(units.count)
                    units.append(u)
                }
                return slotOfUnit[u]
            }
            if totals.count < units.count * k { totals.append(contentsOf: repeatElement(0, count: units.count * k - totals.count)) }
            guard k > 0 else { return }
            totals.withUnsafeMutableBufferPointer { totals in
                if influence.columnMajor {
                    Self.addColumnMajor(values.baseAddress!, slots: slots, width: k, into: totals.baseAddress!)
                } else {
                    for (i, slot) in slots.enumerated() {
                        let target = totals.baseAddress! + Int(slot) * k, source = values.baseAddress! + i * k
                        for j in 0..<k { target[j] += source[j] }
                    }
                }
            }
        }
        if let factor = influence.factor {
            totals = totals.withUnsafeBufferPointer {
                InfluenceBlocks.product($0, rows: units.count, inner: k, factor: factor, width: influence.width)
            }
        }
        var groupIndex = [Int32](repeating: -1, count: parentCount)
        var groups: [(Int, [Int])] = []
        for (slot, u) in units.enumerated() {
            let g = parent(u)
            if groupIndex[g] >= 0 { groups[Int(groupIndex[g])].1.append(slot) } else {
                groupIndex[g] = Int32(groups.count)
                groups.append((g, [slot]))
            }
        }
        return (groups, totals)
    }

    /// Adds a column-major block (`width` columns of `slots.count` values) to the row-major
    /// `totals` of the slots its rows belong to. A run of rows in one slot (rows come grouped by
    /// sampling unit) is summed in registers, four columns at a time, and stored once: the same
    /// additions in the same order as adding each value to the total in memory, without each
    /// addition waiting on the store before it.
    private static func addColumnMajor(_ values: UnsafePointer<Double>, slots: [Int32], width k: Int,
                                       into totals: UnsafeMutablePointer<Double>) {
        let m = slots.count
        slots.withUnsafeBufferPointer { slots in
            var j = 0
            while j + 4 <= k {
                let column = values + j * m
                var i = 0
                while i < m {
                    let slot = slots[i], target = totals + Int(slot) * k + j
                    var sum = SIMD4(target[0], target[1], target[2], target[3])
                    repeat {
                        sum += SIMD4(column[i], column[m + i], column[2 * m + i], column[3 * m + i])
                        i += 1
                    } while i < m && slots[i] == slot
                    for lane in 0..<4 { target[lane] = sum[lane] }
                }
                j += 4
            }
            while j < k {
                let column = values + j * m
                var i = 0
                while i < m {
                    let slot = slots[i], target = totals + Int(slot) * k + j
                    var sum = target.pointee
                    repeat {
                        sum += column[i]
                        i += 1
                    } while i < m && slots[i] == slot
                    target.pointee = sum
                }
                j += 1
            }
        }
    }

    /// R's `onestage`: the sum over strata of each stratum's `onestrat` contribution, rescaled
    /// for strata that the `average` rule leaves out.
    private func combineStrata(groups: [(Int, [Int])], totals: [Double], width k: Int,
                               sampled: (Int) -> Int, population: (Int) -> Double,
                               label: (Int) -> String, stage: Int) throws -> [Double] {
        var sum = [Double](repeating: 0, count: k * k)
        var included = 0
        for (h, slots) in groups {
            if let part = try oneStratum(slots: slots, totals: totals, width: k, sampled: sampled(h),
                                         population: population(h), label: label(h), stage: stage) {
                for i in 0..<(k * k) { sum[i] += part[i] }
                included += 1
            }
        }
        guard included < groups.count else { return sum }
        // No stratum left to average over: the variance cannot be estimated (R: 0 · nstrat/0, NaN).
        let scale = included == 0 ? .nan : Double(groups.count) / Double(included)
        return sum.map { $0 * scale }
    }

    /// R's `onestrat`: the scaled sum of squares of the unit totals about their mean, where units
    /// of the stratum that the domain does not touch count as zero totals. Nil means "left out"
    /// (the `average` rule).
    private func oneStratum(slots: [Int], totals: [Double], width k: Int, sampled n: Int,
                            population: Double, label: String, stage: Int) throws -> [Double]? {
        let f = Self.samplingComplement(sampled: n, population: population)
        if f < Self.censusTolerance { return [Double](repeating: 0, count: k * k) }
        let present = slots.count
        let rule = design.spec.lonelyPSU
        let domainLonely = design.spec.adjustDomainLonely
        if n == 1 {
            switch rule {
            case .fail:
                let unit = stage == 1 ? "PSU" : "second-stage unit"
                throw DisparityError.analysis("\(design.source): \(label) has only one \(unit) at stage \(stage); choose --lonely-psu remove, certainty, adjust or average")
            case .average: return nil
            case .remove, .certainty, .adjust: break
            }
        }
        if present == 1, n > 1, domainLonely, rule == .average { return nil }
        let centre = rule != .adjust || present > 1 || (n > 1 && !domainLonely)
        var mean = [Double](repeating: 0, count: k)
        if centre {
            for s in slots { for j in 0..<k { mean[j] += totals[s * k + j] } }
            for j in 0..<k { mean[j] /= Double(n) }
        }
        let scale = n > 1 ? f * Double(n) / Double(n - 1) : f
        var out = [Double](repeating: 0, count: k * k)
        var deviation = [Double](repeating: 0, count: k)
        for s in slots {
            for j in 0..<k { deviation[j] = totals[s * k + j] - mean[j] }
            for a in 0..<k { for b in a..<k { out[a * k + b] += deviation[a] * deviation[b] } }
        }
        let absent = Double(n - present)
        if absent > 0 {
            for a in 0..<k { for b in a..<k { out[a * k + b] += absent * mean[a] * mean[b] } }
        }
        for a in 0..<k {
            for b in a..<k {
                out[a * k + b] *= scale
                out[b * k + a] = out[a * k + b]
            }
        }
        return out
    }
}
