import XCTest
@testable import StatsEngine

/// The lower-mean's linearized standard error, checked against the truth of a simulation: many
/// stratified two-stage cluster samples from one fixed finite population. The average estimated
/// SE must match the Monte Carlo SD of the estimates within Monte Carlo error, and intervals
/// must cover the population value at the nominal rate.
final class LowerMeanSimulationTests: XCTestCase {
    func testStandardErrorMatchesSamplingDistribution() throws {
        var rng = SplitMix64(seed: 20261125)
        let strata = 8, psusPerStratum = 40, unitsPerPSU = 30, sampledPSUs = 10
        // Population: PSU effects make the clustering matter; a skewed outcome makes the lower
        // quarter's mean depend on its quantile.
        var population: [(stratum: Int, psu: Int, y: Double)] = []
        for h in 0..<strata {
            for p in 0..<psusPerStratum {
                let effect = 6 * rng.normal()
                for _ in 0..<unitsPerPSU {
                    population.append((h, h * psusPerStratum + p, 50 + 4 * Double(h) + effect + 10 * rng.exponential()))
                }
            }
        }
        let q = 0.25
        let truth = Self.populationLowerMean(population.map(\.y), q: q)

        var estimates: [Double] = [], errors: [Double] = []
        var covered = 0
        let replications = 400
        for _ in 0..<replications {
            var chosenPSUs = Set<Int>()
            for h in 0..<strata {
                var ids = Array(0..<psusPerStratum)
                for i in 0..<sampledPSUs { ids.swapAt(i, i + Int(rng.next() % UInt64(psusPerStratum - i))) }
                for i in 0..<sampledPSUs { chosenPSUs.insert(h * psusPerStratum + ids[i]) }
            }
            let sample = population.filter { chosenPSUs.contains($0.psu) }
            let table = Table(source: "simulation", names: ["stratum", "psu", "w", "fpc", "y"], columns: [
                .numeric(NumericColumn(sample.map { Double($0.stratum) })),
                .numeric(NumericColumn(sample.map { Double($0.psu) })),
                .numeric(NumericColumn(sample.map { _ in Double(psusPerStratum) / Double(sampledPSUs) })),
                .numeric(NumericColumn(sample.map { _ in Double(psusPerStratum) })),
                .numeric(NumericColumn(sample.map(\.y))),
            ])
            let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], fpc: ["fpc"]), table: table)
            let row = try DescriptiveEstimator(table: table, design: design)
                .estimate(EstimateRequest(statistic: .lowerMean, variable: "y", q: q))[0]
            estimates.append(row.estimate)
            errors.append(row.standardError!)
            if row.confidenceLow! <= truth, truth <= row.confidenceHigh! { covered += 1 }
        }
        let meanEstimate = estimates.reduce(0, +) / Double(replications)
        let empiricalSD = (estimates.map { ($0 - meanEstimate) * ($0 - meanEstimate) }.reduce(0, +) / Double(replications - 1)).squareRoot()
        let rms = (errors.map { $0 * $0 }.reduce(0, +) / Double(replications)).squareRoot()
        // The SD of an SD estimated from 400 draws is about 1/sqrt(2*400) = 3.5 %; allow 4 of those.
        XCTAssertEqual(rms / empiricalSD, 1, accuracy: 0.14, "RMS SE \(rms) vs Monte Carlo SD \(empiricalSD)")
        // Coverage of 95 % intervals: binomial SD over 400 draws is 1.1 %; allow 3.5 SDs.
        XCTAssertEqual(Double(covered) / Double(replications), 0.95, accuracy: 0.04)
        XCTAssertEqual(meanEstimate, truth, accuracy: 4 * empiricalSD / Double(replications).squareRoot() + 0.02 * empiricalSD)
    }

    /// The population's mean of the values at or below its q-quantile (R's "math" rule).
    static func populationLowerMean(_ y: [Double], q: Double) -> Double {
        let sorted = y.sorted()
        let cut = sorted[Int((q * Double(sorted.count)).rounded(.up)) - 1]
        let lower = sorted.filter { $0 <= cut }
        return lower.reduce(0, +) / Double(lower.count)
    }
}

/// Draws for simulations in tests, from the engine's seedable generator.
extension SplitMix64 {
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func normal() -> Double {
        (-2 * log(uniform() + 1e-300)).squareRoot() * cos(2 * .pi * uniform())
    }

    mutating func exponential() -> Double { -log(1 - uniform()) }
}
