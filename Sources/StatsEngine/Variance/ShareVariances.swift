/// The variances of a factor's shares taken category by category without the k × k covariance
/// or a pass over every row per category: what a proportion of a variable with very many
/// categories needs (a share of each of 20,000 postcodes, say).
///
/// Category j's influence value on row r is (w_r/W)(1[c_r = j] − p_j), so its total on PSU u is
/// a_uj − p_j·b_u, with a_uj the PSU's weight in the category and b_u its whole weight, both
/// over W. The b_u and each stratum's moments of them are formed once; a category then costs
/// the PSUs it has rows in: a stratum it has no rows in contributes p_j² times the stratum's
/// contribution for b (R's `onestrat` is homogeneous of degree 2 in the totals), and where it
/// has rows, the sums of squares about the mean are those of the −p_j·b_u plus the change on its
/// own PSUs, or (where its PSUs are half the stratum's or more) taken over the stratum's PSUs
/// directly. The numbers are R survey's `svyrecvar` on each category's influence values
/// (`svymean(~factor, design)`), as the variance engine gives them, lonely-PSU rules and fpcs
/// included, to rounding.
extension VarianceEngine {
    /// The variance of each of the `k` shares p_j = Σ w·1[c = j] / W over the rows of `rows`
    /// with a category (`codes[i]` in 0..<k for `rows[i]`), W their weight, in the domain scope of `rows`
    /// (`Scope.domain`: their PSUs are present; rows of code −1 count there with influence 0, as
    /// a cross-table's row shares' other rows): k variances in shares squared. Nil on a calibrated design (whose
    /// residuals need every row per category) or one whose second stage counts: there the
    /// caller takes each category's influence values through `covariance(_:scope:)`.
    /// `codes` runs parallel to `rows` (one code per row given), so a call costs its rows, not the table's.
    /// - Throws: `DisparityError.analysis` naming a stratum with one PSU under `--lonely-psu fail`.
    func shareVariances(rows: [Int32], codes: [Int32], count k: Int, shares p: [Double], weight W: Double) throws -> [Double]? {
        guard design.calibration == nil, !design.usesSecondStage else { return nil }
        let w = design.weights
        // The PSUs present (slots, by first appearance), each one's weight b over W, and the
        // strata present with their slots.
        var slotOfPSU = [Int32](repeating: -1, count: design.psuTotal)
        var b: [Double] = [], stratumOfSlot: [Int32] = []
        let slotOfRow = rows.enumerated().map { i, r -> Int32 in
            let u = Int(design.psu[Int(r)])
            if slotOfPSU[u] < 0 {
                slotOfPSU[u] = Int32(b.count)
                b.append(0)
                stratumOfSlot.append(design.stratum[Int(r)])
            }
            if codes[i] >= 0 { b[Int(slotOfPSU[u])] += w[Int(r)] / W }
            return slotOfPSU[u]
        }
        var slotsOfStratum = [[Int32]](repeating: [], count: design.strataCount)
        for (slot, h) in stratumOfSlot.enumerated() { slotsOfStratum[Int(h)].append(Int32(slot)) }
        let strata = slotsOfStratum.indices.filter { !slotsOfStratum[$0].isEmpty }

        // Each stratum's moments of −b_u and its contribution at p = 1 (nil: left out by the
        // `average` rule, which leaves out the same strata for every category).
        var meanB = [Double](repeating: 0, count: design.strataCount)
        var base = [Double?](repeating: nil, count: design.strataCount)
        var included = 0
        for h in strata {
            let slots = slotsOfStratum[h]
            let mean = slots.reduce(0) { $0 + b[Int($1)] } / Double(slots.count)
            let squares = slots.reduce(0) { $0 + (b[Int($1)] - mean) * (b[Int($1)] - mean) }
            meanB[h] = mean
            base[h] = try contribution(of: h, units: slots.count, mean: -mean, squares: squares)
            if base[h] != nil { included += 1 }
        }
        // Nothing left to average over: R's 0 · nstrat/0.
        let averaging = included == strata.count ? 1 : included == 0 ? .nan : Double(strata.count) / Double(included)
        let allBase = strata.reduce(0) { $0 + (base[$1] ?? 0) }

        // The rows by category (a counting sort, row order kept within each).
        var start = [Int](repeating: 0, count: k + 1)
        for c in codes where c >= 0 { start[Int(c) + 1] += 1 }
        for j in 0..<k { start[j + 1] += start[j] }
        var byCategory = [Int32](repeating: 0, count: start[k]), fill = start
        for (i, code) in codes.enumerated() where code >= 0 {
            let c = Int(code)
            byCategory[fill[c]] = Int32(i)
            fill[c] += 1
        }

        // Per category: a_u on its PSUs (scratch by slot, reset after), its PSUs by stratum.
        var a = [Double](repeating: 0, count: b.count), categoryOfSlot = [Int](repeating: -1, count: b.count)
        var touchedOfStratum = [[Int32]](repeating: [], count: design.strataCount), touchedStrata: [Int] = []
        var variances = [Double](repeating: 0, count: k)
        for j in 0..<k {
            for position in start[j]..<start[j + 1] {
                let i = Int(byCategory[position])
                let slot = slotOfRow[i]
                if categoryOfSlot[Int(slot)] != j {
                    categoryOfSlot[Int(slot)] = j
                    let h = Int(stratumOfSlot[Int(slot)])
                    if touchedOfStratum[h].isEmpty { touchedStrata.append(h) }
                    touchedOfStratum[h].append(slot)
                }
                a[Int(slot)] += w[Int(rows[i])] / W
            }
            let pj = p[j]
            var sum = 0.0
            for h in touchedStrata {
                let own = touchedOfStratum[h], all = slotsOfStratum[h], n = Double(all.count)
                let mean = (own.reduce(0) { $0 + a[Int($1)] } - pj * meanB[h] * n) / n
                var squares: Double
                if 2 * own.count >= all.count {
                    squares = all.reduce(0) { s, u in let d = a[Int(u)] - pj * b[Int(u)] - mean; return s + d * d }
                } else {
                    // The −p·b_u's squares about the mean, plus the change on the category's PSUs:
                    // (T − m)² − (T₀ − m)² = a(a − 2p·b − 2m).
                    let spread = all.reduce(0) { $0 + (b[Int($1)] - meanB[h]) * (b[Int($1)] - meanB[h]) }
                    let offset = -pj * meanB[h] - mean
                    squares = pj * pj * spread + n * offset * offset
                    for u in own { squares += a[Int(u)] * (a[Int(u)] - 2 * pj * b[Int(u)] - 2 * mean) }
                }
                sum += try contribution(of: h, units: all.count, mean: mean, squares: max(squares, 0)) ?? 0
            }
            // The strata without the category's rows: p² times their contributions at p = 1,
            // summed directly where the category's strata are half or more of them.
            if 2 * touchedStrata.count >= strata.count {
                for h in strata where touchedOfStratum[h].isEmpty { sum += pj * pj * (base[h] ?? 0) }
            } else {
                sum += pj * pj * max(allBase - touchedStrata.reduce(0) { $0 + (base[$1] ?? 0) }, 0)
            }
            variances[j] = sum * averaging
            for h in touchedStrata {
                for slot in touchedOfStratum[h] { a[Int(slot)] = 0 }
                touchedOfStratum[h].removeAll(keepingCapacity: true)
            }
            touchedStrata.removeAll(keepingCapacity: true)
        }
        return variances
    }

    /// Stratum `h`'s contribution (R's `onestrat`) from its `units` present PSUs' totals of one
    /// statistic with this mean and sum of squares about it; nil where the `average` rule
    /// leaves the stratum out.
    private func contribution(of h: Int, units: Int, mean: Double, squares: Double) throws -> Double? {
        try oneStratum(UnitMoments(count: units, mean: [mean], squares: [squares]), width: 1,
                       sampled: design.psuCount[h], population: design.psuPopulation[h],
                       label: "stratum '\(design.strataLabels[h])'", stage: 1)?[0]
    }
}
