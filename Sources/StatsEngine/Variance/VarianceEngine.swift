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

    /// The most values the per-stratum sums of squares of a design whose rows are its PSUs may
    /// take together (strata × k², 32 MB): beyond it the totals go by unit, a stratum at a time.
    static let rowMomentsLimit = 1 << 22

    /// The covariance from the influence values' totals by sampling unit; where a sum of
    /// squares of them goes beyond a double, the same sums of the values in units of a power of
    /// two per statistic (`InfluenceBlocks.rescaled`), the same bits times the scales where both
    /// are finite.
    private func totalled(_ influence: InfluenceBlocks, scope: Scope) throws -> Covariance {
        let covariance = try unscaledTotalled(influence, scope: scope)
        guard covariance.values.contains(where: { !$0.isFinite }), let rescaled = influence.rescaled() else { return covariance }
        return Covariance(size: influence.width, values: try unscaledTotalled(rescaled.blocks, scope: scope).values, scales: rescaled.scales)
    }

    /// The covariance from the influence values' totals by sampling unit, in their own units.
    private func unscaledTotalled(_ influence: InfluenceBlocks, scope: Scope) throws -> Covariance {
        let k = influence.width
        let largest = max(k, influence.blockWidth)
        let stageOne = design.rowsArePSUs && design.strataCount * largest * largest <= Self.rowMomentsLimit
            && !Self.repeats(influence.rows, among: design.rowCount)
            ? rowMoments(influence, scope)
            : Self.moments(psuTotals(influence, scope), width: k)
        var result = try combineStrata(
            stageOne, width: k,
            sampled: { design.psuCount[$0] }, population: { design.psuPopulation[$0] },
            label: { "stratum '\(design.strataLabels[$0])'" }, stage: 1)
        if design.usesSecondStage, let second = design.secondStage {
            let stageTwo = Self.moments(unitTotals(influence, second, scope), width: k)
            for (p, units) in stageTwo {
                let h = Int(design.psuStratum[p])
                let weight = Double(design.psuCount[h]) / design.psuPopulation[h]
                guard weight > 0 else { continue }
                let within = try combineStrata(
                    [(p, units)], width: k,
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

    /// Whether a row occurs more than once in `rows` (of `count` table rows): the statistics of
    /// two cells joined, each with its rows (`JointEstimates`), where a row in both is one unit
    /// whose totals are its values summed, as `groupedTotals` sums them. Rows in ascending
    /// order (a domain's, asked once per domain) are read without marking the table's rows.
    private static func repeats(_ rows: [Int32], among count: Int) -> Bool {
        if zip(rows, rows.dropFirst()).allSatisfy({ $0 < $1 }) { return false }
        var seen = [Bool](repeating: false, count: count)
        for r in rows {
            if seen[Int(r)] { return true }
            seen[Int(r)] = true
        }
        return false
    }

    /// The moments of each group's unit totals (`groupedTotals`), group by group.
    private static func moments(_ grouped: (groups: [(Int, [Int])], totals: [Double]), width k: Int) -> [(Int, UnitMoments)] {
        var gathered = [Double]()
        return grouped.groups.map { group, slots in
            // The group's totals, column-major (a unit's k totals are a row).
            let c = slots.count
            gathered.removeAll(keepingCapacity: true)
            gathered.append(contentsOf: repeatElement(0, count: c * k))
            for (i, s) in slots.enumerated() { for j in 0..<k { gathered[j * c + i] = grouped.totals[s * k + j] } }
            var moments = UnitMoments(width: k)
            gathered.withUnsafeMutableBufferPointer { moments.add($0.baseAddress!, units: c) }
            return (group, moments)
        }
    }

    /// The moments of each stratum's PSU totals on a design whose rows are its PSUs (no
    /// clusters) where no row repeats: a PSU's total is its row's influence value, so the
    /// blocks' values go to their strata as they come, without totalling them by unit (a
    /// million units' totals for a million rows). Blocks given as a product are taken as they
    /// come and each stratum's moments multiplied by the factor at the end. Strata present in
    /// order, each with its units of the scope.
    private func rowMoments(_ influence: InfluenceBlocks, _ scope: Scope) -> [(Int, UnitMoments)] {
        let k = influence.blockWidth, strata = design.strataCount
        var moments = (0..<strata).map { _ in UnitMoments(width: k) }
        if case .rows(let present) = scope {
            // The rows in scope that no influence value falls in: units with zero totals.
            var marked = [Bool](repeating: false, count: design.rowCount)
            for r in influence.rows { marked[Int(r)] = true }
            var zeros = [Int](repeating: 0, count: strata)
            for r in present where !marked[Int(r)] {
                marked[Int(r)] = true
                zeros[Int(design.stratum[Int(r)])] += 1
            }
            for h in 0..<strata { moments[h].addZeros(units: zeros[h]) }
        }
        // Scratch: the block's rows by stratum, one stratum's values of the block (column-major),
        // each stratum's bucket in the block (−1: none yet), the buckets' strata and bounds.
        var order = [Int32](), stratumOfRow = [Int32](), gathered = [Double]()
        var bucketOf = [Int32](repeating: -1, count: strata), bucketStratum = [Int](), bounds = [Int]()
        influence.forEachBlock { block, part in
            let m = block.count
            guard m > 0 else { return }
            // Its rows by stratum (buckets in order of first appearance), in row order within each.
            stratumOfRow.removeAll(keepingCapacity: true)
            bucketStratum.removeAll(keepingCapacity: true)
            bounds.removeAll(keepingCapacity: true)
            for position in block {
                let h = design.stratum[Int(influence.rows[position])]
                stratumOfRow.append(h)
                if bucketOf[Int(h)] < 0 {
                    bucketOf[Int(h)] = Int32(bucketStratum.count)
                    bucketStratum.append(Int(h))
                    bounds.append(0)
                }
                bounds[Int(bucketOf[Int(h)])] += 1
            }
            var next = 0
            for b in bounds.indices { (bounds[b], next) = (next, next + bounds[b]) }
            bounds.append(m)
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: repeatElement(0, count: m))
            var fill = bounds
            for i in 0..<m {
                let b = Int(bucketOf[Int(stratumOfRow[i])])
                order[fill[b]] = Int32(i)
                fill[b] += 1
            }
            for h in bucketStratum { bucketOf[h] = -1 }
            // Each stratum's rows gathered column-major and added to its moments.
            if gathered.count < m * k { gathered = [Double](repeating: 0, count: m * k) }
            let (across, along) = influence.columnMajor ? (m, 1) : (1, k)  // strides of a column, a row
            order.withUnsafeBufferPointer { order in
                gathered.withUnsafeMutableBufferPointer { gathered in
                    for (b, h) in bucketStratum.enumerated() {
                        let first = bounds[b], c = bounds[b + 1] - first, to = gathered.baseAddress!
                        for j in 0..<k {
                            for t in 0..<c { to[j * c + t] = part[j * across + Int(order[first + t]) * along] }
                        }
                        moments[h].add(to, units: c)
                    }
                }
            }
        }
        return (0..<strata).filter { moments[$0].count > 0 }.map { h in
            (h, influence.factor.map { moments[h].transformed(by: $0, width: influence.width) } ?? moments[h])
        }
    }

    /// R's `onestage`: the sum over strata of each stratum's `onestrat` contribution, rescaled
    /// for strata that the `average` rule leaves out.
    private func combineStrata(_ groups: [(Int, UnitMoments)], width k: Int,
                               sampled: (Int) -> Int, population: (Int) -> Double,
                               label: (Int) -> String, stage: Int) throws -> [Double] {
        var sum = [Double](repeating: 0, count: k * k)
        var included = 0
        for (h, units) in groups {
            if let part = try oneStratum(units, width: k, sampled: sampled(h),
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
    func oneStratum(_ units: UnitMoments, width k: Int, sampled n: Int,
                    population: Double, label: @autoclosure () -> String, stage: Int) throws -> [Double]? {
        let f = Self.samplingComplement(sampled: n, population: population)
        if f < Self.censusTolerance { return [Double](repeating: 0, count: k * k) }
        let present = units.count
        let rule = design.spec.lonelyPSU
        let domainLonely = design.spec.adjustDomainLonely
        if n == 1, rule == .fail {
            let unit = stage == 1 ? "PSU" : "second-stage unit"
            throw DisparityError.analysis("\(design.source): \(label()) has only one \(unit) at stage \(stage); choose --lonely-psu remove, certainty, adjust or average")
        }
        if averageLeavesOut(sampled: n, present: present, population: population) { return nil }
        // The centre: the stratum's total over all n units sampled (absent ones count as 0)
        // divided by n; the present units' sums of squares about it are those about their own
        // mean plus present · (their mean − centre)², the absent units' n − present · centre².
        let centre = rule != .adjust || present > 1 || (n > 1 && !domainLonely)
        let mean = units.mean.map { centre ? $0 * Double(present) / Double(n) : 0 }
        let shift = zip(units.mean, mean).map { $0 - $1 }
        let scale = n > 1 ? f * Double(n) / Double(n - 1) : f
        let absent = Double(n - present)
        var out = units.squares
        for b in 0..<k {
            for a in 0...b {
                let sum = out[a + b * k] + Double(present) * shift[a] * shift[b] + absent * mean[a] * mean[b]
                out[a + b * k] = sum * scale
                out[b + a * k] = sum * scale
            }
        }
        return out
    }
    /// Whether the `average` rule leaves a stratum (at stage 2, a PSU's second-stage units) out
    /// of `onestage`'s sum: one unit sampled, or (`--adjust-domain-lonely`) one of the `present`
    /// units in the domain among several sampled; never a stratum sampled completely.
    private func averageLeavesOut(sampled n: Int, present: Int, population: Double) -> Bool {
        design.spec.lonelyPSU == .average
            && Self.samplingComplement(sampled: n, population: population) >= Self.censusTolerance
            && (n == 1 || (present == 1 && design.spec.adjustDomainLonely))
    }

    /// Why `--lonely-psu average` finds nothing to average over for statistics on `rows` (a
    /// domain's rows used), which leaves their variance not a number as R's (0 · nstrat/0):
    /// at stage 1 every stratum of the rows left out (`averageLeavesOut`), at stage 2 (where it
    /// counts) a PSU of the rows whose second-stage units are all left out, named with its
    /// stratum and the count of PSUs alike; both where both do. Nil where each stage finds
    /// something to average over.
    public func nothingToAverage(rows: [Int32]) -> String? {
        guard design.spec.lonelyPSU == .average, !rows.isEmpty else { return nil }
        var reasons: [String] = []
        var psusOfStratum: [Int32: Set<Int32>] = [:]
        for r in rows { psusOfStratum[design.stratum[Int(r)], default: []].insert(design.psu[Int(r)]) }
        if psusOfStratum.allSatisfy({ h, psus in
            averageLeavesOut(sampled: design.psuCount[Int(h)], present: psus.count, population: design.psuPopulation[Int(h)])
        }) {
            reasons.append("no stratum to average over (each stratum of these rows has one PSU in them)")
        }
        if design.usesSecondStage, let second = design.secondStage {
            var unitsOfPSU: [Int32: Set<Int32>] = [:]
            for r in rows { unitsOfPSU[design.psu[Int(r)], default: []].insert(second.unit[Int(r)]) }
            let lonely = unitsOfPSU.keys.sorted().filter { p in
                let h = Int(design.psuStratum[Int(p)])
                return Double(design.psuCount[h]) / design.psuPopulation[h] > 0
                    && averageLeavesOut(sampled: second.unitCount[Int(p)], present: unitsOfPSU[p]!.count, population: second.unitPopulation[Int(p)])
            }
            if let p = lonely.first.map(Int.init) {
                let why = second.unitCount[p] == 1 ? "which has one second-stage unit" : "whose second-stage units of these rows are one"
                let others = lonely.count > 1 ? " (and \(lonely.count - 1) more PSU\(lonely.count > 2 ? "s" : "") alike)" : ""
                reasons.append("nothing to average over within PSU '\(design.psuLabel(p))' of stratum '\(design.strataLabels[Int(design.psuStratum[p])])' (stage 2), \(why)\(others)")
            }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: ", and ")
    }
}
