import Foundation

/// How replicate weights are made from a linearization design: R's `as.svrepdesign` `type`.
public enum ReplicateMaking: String, Sendable, CaseIterable {
    /// Delete-one-PSU jackknife of an unstratified design (R's `jk1weights`).
    case jk1
    /// Stratified delete-one-PSU jackknife (R's `jknweights`).
    case jkn
    /// Balanced repeated replication on R's Hadamard matrices (R's `brrweights`); exactly two
    /// PSUs per stratum.
    case brr
    /// R's `bootweights`: n_h PSUs drawn with replacement in each stratum (without replacement
    /// from n_h copies spread over N_h with an fpc).
    case bootstrap
    /// R's `subbootweights`: n_h − 1 PSUs drawn with replacement, weights scaled by n_h/(n_h − 1).
    case subbootstrap

    /// Whether the replicates are random (and take `--replicates` and `--seed`).
    public var isRandom: Bool { self == .bootstrap || self == .subbootstrap }
}

/// Replicate weights to make from the design (`--make-replicates`), as the user asks for them.
public struct MakeReplicatesSpec: Sendable, Equatable {
    /// The construction.
    public var kind: ReplicateMaking
    /// The number of replicates of a bootstrap kind (R's default 50); nil for the others.
    public var replicates: Int?
    /// The seed of a bootstrap kind; nil for the others.
    public var seed: UInt64?
    /// Deviations about the full-sample estimate (R's `mse = TRUE`).
    public var mse: Bool

    /// R's `as.svrepdesign` default number of bootstrap replicates.
    public static let defaultReplicates = 50

    /// A request; `replicates` and `seed` only for the bootstrap kinds.
    public init(kind: ReplicateMaking, replicates: Int? = nil, seed: UInt64? = nil, mse: Bool = false) {
        self.kind = kind
        self.replicates = replicates
        self.seed = seed
        self.mse = mse
    }

    /// How the output names the construction: "made from the design by jkn", with the seed of
    /// a random one.
    public var description: String {
        "made from the design by \(kind.rawValue)" + (seed.map { ", seed \($0)" } ?? "")
    }
}

extension ReplicateWeights {
    /// Replicate weights made from `design` exactly as R's `as.svrepdesign(design, type, compress
    /// = FALSE)` makes them (the bootstrap kinds with this engine's generator): each replicate is
    /// the sampling weight times a PSU's factor, named `repw1…repwR`, with R's scale and rscales.
    ///
    /// PSUs and strata are taken in R's order: the order of their first row, except BRR, whose
    /// strata are paired in the order of their labels as text (R's `order()` of the character
    /// strata, C collation) and then by first row.
    /// - Throws: `DisparityError.usage` for a construction the design does not allow (JK1 with
    ///   strata; JKn or BRR without; BRR with a stratum not of exactly two PSUs; BRR or
    ///   subbootstrap with an fpc, or any with a second-stage fpc, which R drops; a stratum
    ///   with one PSU under `--lonely-psu fail` for JKn, or under subbootstrap; every stratum
    ///   sampled completely).
    init(making spec: MakeReplicatesSpec, design: SurveyDesign) throws {
        let kind = spec.kind
        let hasStrata = design.spec.strata != nil
        let hasFPC = design.psuPopulation.contains { $0.isFinite }
        if kind == .jk1, hasStrata { throw DisparityError.usage("--make-replicates jk1 needs an unstratified design (R: 'Can't use JK1 for a stratified design'); use jkn") }
        if kind == .jkn || kind == .brr, !hasStrata {
            throw DisparityError.usage("--make-replicates \(kind.rawValue) needs --strata (R: 'Must use JK1 or bootstrap for an unstratified design')")
        }
        if design.spec.fpc.count >= 2 {
            throw DisparityError.usage("--make-replicates uses the first-stage fpc only; R drops the second stage's ('Finite population corrections after first stage have been dropped'): leave it out of --fpc")
        }
        if hasFPC, kind == .brr || kind == .subbootstrap {
            throw DisparityError.usage("--make-replicates \(kind.rawValue) cannot use --fpc (R drops it): leave out --fpc or use jk1, jkn or bootstrap")
        }
        let layout = PSULayout(design)
        let factors: PSUFactors
        switch kind {
        case .jk1: factors = try layout.jackknife1()
        case .jkn: factors = try layout.jackknifeN(lonely: design.spec.lonelyPSU)
        case .brr: factors = try layout.balancedRepeated()
        case .bootstrap, .subbootstrap:
            let count = spec.replicates ?? MakeReplicatesSpec.defaultReplicates
            guard RaoWuBootstrap.replicateRange.contains(count) else {
                throw DisparityError.usage("--replicates takes \(RaoWuBootstrap.replicateRange.lowerBound) to \(RaoWuBootstrap.replicateRange.upperBound) (got \(count))")
            }
            factors = try layout.bootstrap(replicates: count, seed: spec.seed ?? 1, subsample: kind == .subbootstrap)
        }
        let r = factors.scales.count
        // Replicate j's weights, the weights times their PSUs' factors, one replicate per core.
        var values = [[Double]](repeating: [], count: r)
        values.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: r) { j in
                shared.value[j] = zip(design.psu, design.weights).map { p, w in w * factors.values[Int(p) * r + j] }
            }
        }
        let type: ReplicateType = switch kind {
        case .jk1: .jk1
        case .jkn: .jkn
        case .brr: .brr
        case .bootstrap, .subbootstrap: .bootstrap
        }
        self.init(columns: (1...r).map { "repw\($0)" }, type: type, rho: nil, scale: factors.scale, rscales: factors.scales,
                  mse: spec.mse, values: values, made: spec)
    }
}

/// Per-PSU replicate factors: `values[p * R + j]` multiplies PSU p's weights in replicate j.
private struct PSUFactors {
    var values: [Double]
    var scale: Double
    var scales: [Double]
}

/// The design's PSUs grouped as R's replicate constructions see them.
private struct PSULayout {
    let design: SurveyDesign
    /// Strata in order of their first row, each with its PSUs in order of their first row.
    let strata: [(stratum: Int, psus: [Int])]
    /// PSUs in order of their first row.
    let psus: [Int]

    init(_ design: SurveyDesign) {
        self.design = design
        var seenPSU = [Bool](repeating: false, count: design.psuTotal)
        var position = [Int](repeating: -1, count: design.strataCount)
        var strata: [(stratum: Int, psus: [Int])] = []
        var psus: [Int] = []
        for i in 0..<design.rowCount {
            let p = Int(design.psu[i])
            guard !seenPSU[p] else { continue }
            seenPSU[p] = true
            psus.append(p)
            let h = Int(design.psuStratum[p])
            if position[h] < 0 { position[h] = strata.count; strata.append((h, [])) }
            strata[position[h]].psus.append(p)
        }
        self.strata = strata
        self.psus = psus
    }

    /// R's `(N − n)/N` of stratum h: 1 without an fpc.
    func correction(_ h: Int) -> Double {
        let N = design.psuPopulation[h]
        return N.isFinite ? (N - Double(design.psuCount[h])) / N : 1
    }

    /// R's `jk1weights`: replicate j drops PSU j and scales the others by n/(n − 1); scale
    /// (1 − f)(n − 1)/n.
    func jackknife1() throws -> PSUFactors {
        let n = psus.count
        let fpc = correction(0)
        guard fpc > 0 else { throw DisparityError.usage("--make-replicates jk1: every PSU of the population is sampled, so there is no sampling variance (R: no replicates)") }
        guard n >= 2 else { throw DisparityError.usage("--make-replicates jk1 needs at least two PSUs") }
        var values = [Double](repeating: Double(n) / Double(n - 1), count: design.psuTotal * n)
        for (j, p) in psus.enumerated() { values[p * n + j] = 0 }
        return PSUFactors(values: values, scale: fpc * Double(n - 1) / Double(n), scales: [Double](repeating: 1, count: n))
    }

    /// R's `jknweights`: strata in order, a replicate per PSU dropping it and scaling its
    /// stratum's others by n_h/(n_h − 1), rscale (1 − f_h)(n_h − 1)/n_h; none for a stratum
    /// sampled completely; a stratum with one PSU as `lonely` says (R's `survey.lonely.psu`).
    func jackknifeN(lonely: LonelyPSU) throws -> PSUFactors {
        var columns: [(drop: Int?, stratum: Int, factor: Double, rscale: Double)] = []
        for (h, members) in strata {
            let fpc = correction(h)
            guard fpc > 0 else { continue }
            let n = members.count
            if n == 1 {
                switch lonely {
                case .fail:
                    throw DisparityError.data(file: design.source, column: design.spec.strata,
                                              "stratum '\(design.strataLabels[h])' has only one PSU (R: 'Stratum has only one PSU'); see --lonely-psu")
                case .remove, .certainty, .average:
                    continue
                case .adjust:
                    let k = Double(strata.count)
                    columns.append((nil, h, k / (k - 1), (k - 1) / k))
                    continue
                }
            }
            for p in members { columns.append((p, h, Double(n) / Double(n - 1), fpc * Double(n - 1) / Double(n))) }
        }
        guard !columns.isEmpty else { throw DisparityError.usage("--make-replicates jkn: every stratum is sampled completely, so there is no sampling variance") }
        let r = columns.count
        var values = [Double](repeating: 1, count: design.psuTotal * r)
        for (j, column) in columns.enumerated() {
            if let drop = column.drop {
                for p in strata.first(where: { $0.stratum == column.stratum })!.psus { values[p * r + j] = p == drop ? 0 : column.factor }
            } else {
                // R's "adjust": the lonely stratum's PSU out, every other PSU scaled by H/(H − 1).
                for p in 0..<design.psuTotal { values[p * r + j] = Int(design.psuStratum[p]) == column.stratum ? 0 : column.factor }
            }
        }
        let scale = lonely == .average && r < psus.count ? Double(psus.count) / Double(r) : 1
        return PSUFactors(values: values, scale: scale, scales: columns.map(\.rscale))
    }

    /// R's `brrweights` (default `small = "fail"`, two PSUs per stratum): stratum k (in R's
    /// order) follows row k + 1 of R's Hadamard matrix; where it is 0 the first PSU of the pair
    /// is dropped and the second doubled, where 1 the other way round. Scale 1/R.
    func balancedRepeated() throws -> PSUFactors {
        if let bad = strata.first(where: { $0.psus.count != 2 }) {
            throw DisparityError.data(file: design.source, column: design.spec.strata,
                                      "--make-replicates brr needs exactly 2 PSUs in every stratum; stratum '\(design.strataLabels[bad.stratum])' has \(bad.psus.count)")
        }
        // R orders the strata as text (C collation), stable in order of first row.
        let ordered = strata.enumerated().sorted { a, b in
            let (la, lb) = (design.strataLabels[a.element.stratum], design.strataLabels[b.element.stratum])
            return la == lb ? a.offset < b.offset : Array(la.unicodeScalars.map(\.value)).lexicographicallyPrecedes(lb.unicodeScalars.map(\.value))
        }.map(\.element)
        let hadamard = try HadamardMatrix(strata: ordered.count)
        let r = hadamard.order
        var values = [Double](repeating: 0, count: design.psuTotal * r)
        for (k, pair) in ordered.enumerated() {
            for j in 0..<r {
                let kept = hadamard[k + 1, j] == 0 ? pair.psus[1] : pair.psus[0]
                values[kept * r + j] = 2
            }
        }
        return PSUFactors(values: values, scale: 1 / Double(r), scales: [Double](repeating: 1, count: r))
    }

    /// R's `bootweights` (`subsample` false): each replicate draws n_h PSUs with replacement in
    /// each stratum (with an fpc: n_h without replacement from ⌊N_h⌋ units, unit u standing for
    /// PSU u mod n_h), a PSU's factor its count; scale h/((h − 1)(B − 1)), h the harmonic mean
    /// of the n_h. R's `subbootweights` (`subsample`): n_h − 1 draws with replacement, factor
    /// count·n_h/(n_h − 1), scale 1/(B − 1). Replicate b draws from its own generator seeded by
    /// (seed, b), so the replicates do not depend on the number of threads.
    func bootstrap(replicates: Int, seed: UInt64, subsample: Bool) throws -> PSUFactors {
        if subsample, let lonely = strata.first(where: { $0.psus.count < 2 }) {
            throw DisparityError.data(file: design.source, column: design.spec.strata,
                                      "--make-replicates subbootstrap needs at least 2 PSUs in every stratum; stratum '\(design.strataLabels[lonely.stratum])' has 1")
        }
        let harmonic = Double(strata.count) / strata.reduce(0) { $0 + 1 / Double($1.psus.count) }
        let scale = subsample ? 1 / Double(replicates - 1) : harmonic / ((harmonic - 1) * Double(replicates - 1))
        guard scale.isFinite else { throw DisparityError.usage("--make-replicates bootstrap: every stratum has one PSU, so there is no variance to estimate") }
        let r = replicates
        var values = [Double](repeating: 0, count: design.psuTotal * r)
        for b in 0..<r {
            var random = SplitMix64(seed: SplitMix64.scramble(seed ^ SplitMix64.scramble(UInt64(b) &+ 0x6A09_E667_F3BC_C908)))
            for (h, members) in strata {
                let n = members.count
                if subsample {
                    for _ in 0..<(n - 1) { values[members[Int(random.next() % UInt64(n))] * r + b] += 1 }
                    for p in members { values[p * r + b] *= Double(n) / Double(n - 1) }
                } else if design.psuPopulation[h].isFinite {
                    // n draws without replacement from floor(N_h) units (a partial Fisher-Yates).
                    // The permutation is kept sparse: only the positions swapped are stored.
                    let population = Int(design.psuPopulation[h].rounded(.down))
                    var moved: [Int: Int] = [:]
                    for k in 0..<n {
                        let pick = k + Int(random.next() % UInt64(population - k))
                        let unit = moved[pick] ?? pick
                        moved[pick] = moved[k] ?? k
                        values[members[unit % n] * r + b] += 1
                    }
                } else {
                    for _ in 0..<n { values[members[Int(random.next() % UInt64(n))] * r + b] += 1 }
                }
            }
        }
        return PSUFactors(values: values, scale: scale, scales: [Double](repeating: 1, count: r))
    }
}
