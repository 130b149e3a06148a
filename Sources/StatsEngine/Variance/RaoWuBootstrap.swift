import Foundation

/// Design-aware bootstrap by Rao and Wu's rescaling (Rao, Wu & Yue 1992): in each stratum with
/// n_h PSUs, n_h − 1 PSUs are drawn with replacement and every row's weight is rescaled by
/// 1 − λ + λ·(n_h/(n_h − 1))·r, with r the number of times its PSU was drawn and
/// λ = √(1 − f_h) carrying the stage-one finite population correction. A stratum with one PSU
/// keeps its weights. The variance of a statistic is the spread of its replicates,
/// Σ(θ*_b − θ̄*)²/(B − 1).
///
/// Each replicate draws from its own generator, seeded by (seed, replicate), so the replicates
/// — and every result — are the same whatever the number of threads that compute them.
public struct RaoWuBootstrap: Sendable {
    /// The design the replicates resample.
    public let design: SurveyDesign
    /// The number of replicates B, in `replicateRange`.
    public let replicates: Int
    /// The random generator's seed: the same seed gives the same replicates on any machine.
    public let seed: UInt64

    /// How many replicates a bootstrap may have.
    public static let replicateRange = 2...100_000

    /// A bootstrap of `replicates` replicates.
    /// - Throws: `DisparityError.usage` when `replicates` is outside `replicateRange`, the design
    ///   has a second-stage fpc (whose variance resampling PSUs leaves out), or a stratum of one
    ///   PSU under `--lonely-psu adjust` or `average` (which resampling cannot apply).
    public init(design: SurveyDesign, replicates: Int, seed: UInt64) throws {
        guard Self.replicateRange.contains(replicates) else {
            throw DisparityError.usage("--bootstrap takes 2 to 100000 replicates (got \(replicates))")
        }
        // Resampling PSUs gives the first stage's variance only: a second-stage fpc, which
        // linearization uses, would be silently left out (R's as.svrepdesign drops it too).
        if design.spec.fpc.count >= 2 {
            throw DisparityError.usage("--bootstrap resamples PSUs and uses the first-stage fpc only, leaving out the second stage's variance: leave the second stage out of --fpc, or use linearization")
        }
        // A stratum of one PSU has nothing to resample: it adds no variance, which is
        // `certainty`; the rules that give it variance (`adjust`, `average`) cannot be applied.
        if [.adjust, .average].contains(design.spec.lonelyPSU), let h = design.psuCount.firstIndex(of: 1) {
            throw DisparityError.usage("--bootstrap cannot apply --lonely-psu \(design.spec.lonelyPSU.rawValue): stratum \(design.strataLabels[h]) has one PSU, which resampling leaves without variance; use --lonely-psu certainty (what it does) or remove, or linearization")
        }
        self.design = design
        self.replicates = replicates
        self.seed = seed
    }

    /// Replicate `b`'s weight for every row: the design's weights before any calibration, resampled.
    public func weights(replicate b: Int) -> [Double] {
        let factor = factors(replicate: b)
        let base = design.calibration?.baseWeights ?? design.weights
        return (0..<design.rowCount).map { base[$0] * factor[Int(design.psu[$0])] }
    }

    /// Replicate `b`'s rescaling factor for every PSU: a row's replicate weight (before any
    /// calibration) is its weight times its PSU's factor.
    func factors(replicate b: Int) -> [Double] {
        // Each replicate's stream starts at a scrambled function of (seed, b): consecutive
        // seeds of SplitMix64 would give overlapping, shifted streams.
        var random = SplitMix64(seed: SplitMix64.scramble(seed ^ SplitMix64.scramble(UInt64(b) &+ 0xD1B5_4A32_D192_ED03)))
        var draws = [Double](repeating: 0, count: design.psuTotal)
        var factor = [Double](repeating: 1, count: design.psuTotal)
        for (h, psus) in psusByStratum.enumerated() {
            let n = psus.count
            guard n > 1 else { continue }
            for _ in 0..<(n - 1) { draws[psus[Int(random.next() % UInt64(n))]] += 1 }
            let f = design.psuPopulation[h].isFinite ? Double(n) / design.psuPopulation[h] : 0
            let lambda = (1 - f).squareRoot()
            for p in psus { factor[p] = 1 - lambda + lambda * Double(n) / Double(n - 1) * draws[p] }
        }
        return factor
    }

    /// Replicate `b`'s weights calibrated as the full sample's were (R's order: replicates
    /// first, then each calibrated); without calibration, `weights(replicate:)`.
    /// - Throws: the calibration's error for this replicate.
    func analysisWeights(replicate b: Int) throws -> [Double] {
        let weights = weights(replicate: b)
        return try design.calibration?.calibrate(weights, what: "\(design.source): bootstrap replicate \(b + 1)") ?? weights
    }

    /// The PSUs of each stratum, in PSU order.
    private var psusByStratum: [[Int]] {
        var psusOf = [[Int]](repeating: [], count: design.strataCount)
        for p in 0..<design.psuTotal { psusOf[Int(design.psuStratum[p])].append(p) }
        return psusOf
    }

    /// The replicates' values from `evaluate`, given the PSU factors of a block of replicates
    /// (per replicate, its factor of every PSU); blocks keep the factors to about `blockBytes`
    /// however many PSUs and replicates there are.
    func factorBlocks(_ evaluate: ([[Double]]) throws -> [[Double]]) rethrows -> [[Double]] {
        let width = max(1, min(replicates, Self.blockBytes / (8 * max(1, design.psuTotal))))
        var values: [[Double]] = []
        values.reserveCapacity(replicates)
        for start in stride(from: 0, to: replicates, by: width) {
            let columns = min(width, replicates - start)
            var block = [[Double]](repeating: [], count: columns)
            block.withUnsafeMutableBufferPointer { slots in
                let shared = UnsafeSendable(slots)
                DispatchQueue.concurrentPerform(iterations: columns) { c in shared.value[c] = factors(replicate: start + c) }
            }
            values += try evaluate(block)
        }
        return values
    }

    /// The memory a block of PSU factors may take.
    static let blockBytes = 64 << 20

    /// The covariance of a vector statistic from its values on every replicate design, computed
    /// on all cores. Replicates on which the statistic cannot be estimated are left out (see
    /// `SurveyDesign.replicateCovariance`); without `estimates`, every value is required.
    public func covariance(estimates: [Double]? = nil, _ statistic: @Sendable (SurveyDesign) throws -> [Double]) throws -> ReplicateCovariance {
        let bootstrap = self
        return combine(try ReplicateEstimates(replicates: replicates, design: design, weights: { try bootstrap.analysisWeights(replicate: $0) },
                                              estimates: estimates, minimum: 2, statistic))
    }

    /// The replicates' spread Σ(θ*_b − θ̄*)(θ*_b − θ̄*)ᵀ/(B − 1), each statistic over the B
    /// replicates that give it (`ReplicateCovariance`).
    func combine(_ evaluated: ReplicateEstimates) -> ReplicateCovariance {
        ReplicateCovariance(values: evaluated.values, rscales: evaluated.values.map { _ in 1 }, scale: nil, centre: nil,
                            replicates: replicates)
    }
}

/// SplitMix64: a small, fast generator whose streams are fixed by their seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.scramble(state)
    }

    /// SplitMix64's output function: a bijective mix of all 64 bits.
    static func scramble(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SurveyDesign {
    /// The same design with another variance method (a run spec's analysis may choose its own).
    public func with(varianceMethod: VarianceMethod) -> SurveyDesign { copy(weights: weights, varianceMethod: varianceMethod, calibration: calibration) }

    /// The same design with other weights (a bootstrap replicate), its variance by linearization
    /// and without calibration (a replicate's weights are calibrated already; only its estimates
    /// are used).
    public func reweighted(_ weights: [Double]) -> SurveyDesign { copy(weights: weights, varianceMethod: .linearization, calibration: nil) }

    /// The same design holding `replicateWeights` (made from it, or transformed).
    func with(replicateWeights: ReplicateWeights) -> SurveyDesign {
        copy(weights: weights, varianceMethod: spec.varianceMethod, calibration: calibration, replicateWeights: replicateWeights)
    }

    private func copy(weights: [Double], varianceMethod: VarianceMethod, calibration: Calibration?,
                      replicateWeights: ReplicateWeights? = nil) -> SurveyDesign {
        var spec = self.spec
        spec.varianceMethod = varianceMethod
        return SurveyDesign(spec: spec, source: source, rowNumbering: rowNumbering, weights: weights, stratum: stratum, strataLabels: strataLabels, psu: psu,
                            psuStratum: psuStratum, psuNames: psuNames, psuCount: psuCount, psuPopulation: psuPopulation,
                            secondStage: secondStage, replicateWeights: replicateWeights ?? self.replicateWeights, calibration: calibration)
    }
}
