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
    /// - Throws: `DisparityError.usage` when `replicates` is outside `replicateRange`.
    public init(design: SurveyDesign, replicates: Int, seed: UInt64) throws {
        guard Self.replicateRange.contains(replicates) else {
            throw DisparityError.usage("--bootstrap takes 2 to 100000 replicates (got \(replicates))")
        }
        self.design = design
        self.replicates = replicates
        self.seed = seed
    }

    /// Replicate `b`'s weight for every row: the design's weights before any calibration, resampled.
    public func weights(replicate b: Int) -> [Double] {
        // Each replicate's stream starts at a scrambled function of (seed, b): consecutive
        // seeds of SplitMix64 would give overlapping, shifted streams.
        var random = SplitMix64(seed: SplitMix64.scramble(seed ^ SplitMix64.scramble(UInt64(b) &+ 0xD1B5_4A32_D192_ED03)))
        var draws = [Double](repeating: 0, count: design.psuTotal)
        var psusOf = [[Int]](repeating: [], count: design.strataCount)
        for p in 0..<design.psuTotal { psusOf[Int(design.psuStratum[p])].append(p) }
        var factor = [Double](repeating: 1, count: design.psuTotal)
        for h in 0..<design.strataCount {
            let psus = psusOf[h]
            let n = psus.count
            guard n > 1 else { continue }
            for _ in 0..<(n - 1) { draws[psus[Int(random.next() % UInt64(n))]] += 1 }
            let f = design.psuPopulation[h].isFinite ? Double(n) / design.psuPopulation[h] : 0
            let lambda = (1 - f).squareRoot()
            for p in psus { factor[p] = 1 - lambda + lambda * Double(n) / Double(n - 1) * draws[p] }
        }
        let base = design.calibration?.baseWeights ?? design.weights
        return (0..<design.rowCount).map { base[$0] * factor[Int(design.psu[$0])] }
    }

    /// Replicate `b`'s weights calibrated as the full sample's were (R's order: replicates
    /// first, then each calibrated); without calibration, `weights(replicate:)`.
    /// - Throws: the calibration's error for this replicate.
    func analysisWeights(replicate b: Int) throws -> [Double] {
        let weights = weights(replicate: b)
        return try design.calibration?.calibrate(weights, what: "\(design.source): bootstrap replicate \(b + 1)") ?? weights
    }

    /// The covariance of a vector statistic from its values on every replicate design, computed
    /// on all cores. Replicates on which the statistic cannot be estimated are left out (see
    /// `SurveyDesign.replicateCovariance`); without `estimates`, every value is required.
    public func covariance(estimates: [Double]? = nil, _ statistic: @Sendable (SurveyDesign) throws -> [Double]) throws -> ReplicateCovariance {
        let bootstrap = self
        let evaluated = try ReplicateEstimates(replicates: replicates, design: design, weights: { try bootstrap.analysisWeights(replicate: $0) },
                                               estimates: estimates, minimum: 2, statistic)
        let values = evaluated.values
        let k = values[0].count
        let used = Double(values.count)
        var mean = [Double](repeating: 0, count: k)
        for v in values { for j in 0..<k { mean[j] += v[j] / used } }
        var out = [Double](repeating: 0, count: k * k)
        for v in values {
            for a in 0..<k { for c in 0..<k { out[a * k + c] += (v[a] - mean[a]) * (v[c] - mean[c]) / (used - 1) } }
        }
        return ReplicateCovariance(covariance: Covariance(size: k, values: out), replicates: values.count,
                                   dropped: replicates - values.count)
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

    private func copy(weights: [Double], varianceMethod: VarianceMethod, calibration: Calibration?) -> SurveyDesign {
        var spec = self.spec
        spec.varianceMethod = varianceMethod
        return SurveyDesign(spec: spec, source: source, weights: weights, stratum: stratum, strataLabels: strataLabels, psu: psu,
                            psuStratum: psuStratum, psuNames: psuNames, psuCount: psuCount, psuPopulation: psuPopulation,
                            secondStage: secondStage, replicateWeights: replicateWeights, calibration: calibration)
    }
}
