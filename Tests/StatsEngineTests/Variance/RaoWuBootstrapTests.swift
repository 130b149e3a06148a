import Foundation
import XCTest
@testable import StatsEngine

/// The Rao-Wu bootstrap: replicates depend only on the seed and their index (the same on any
/// thread count), neighbouring replicates are independent, and for a mean the bootstrap SE
/// agrees with linearization.
final class RaoWuBootstrapTests: XCTestCase {
    private func fixture() throws -> (Table, SurveyDesign) {
        let table = try FixtureFiles.table("nested", in: "svyglm")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true), table: table)
        return (table, design)
    }

    func testReplicatesDependOnlyOnSeedAndIndex() throws {
        let (_, design) = try fixture()
        let a = try RaoWuBootstrap(design: design, replicates: 50, seed: 7)
        let b = try RaoWuBootstrap(design: design, replicates: 50, seed: 7)
        XCTAssertEqual(a.weights(replicate: 3), b.weights(replicate: 3))
        XCTAssertNotEqual(a.weights(replicate: 3), a.weights(replicate: 4))
        XCTAssertNotEqual(a.weights(replicate: 3), try RaoWuBootstrap(design: design, replicates: 50, seed: 8).weights(replicate: 3))
        // Within a stratum the rescaled weights keep their total in expectation; each replicate
        // keeps every row's weight non-negative.
        XCTAssertTrue(a.weights(replicate: 0).allSatisfy { $0 >= 0 })
        let mean: @Sendable (SurveyDesign) throws -> [Double] = { d in
            let y = try FixtureFiles.table("nested", in: "svyglm").numeric("y")
            let rows = (0..<y.count).filter { !y[$0].isNaN }.map { Int32($0) }
            return [Linearization.mean(y, d.weights, rows: rows).estimate]
        }
        XCTAssertEqual(try a.covariance(mean).covariance.values, try b.covariance(mean).covariance.values, "the same on any run, threads or not")
    }

    /// Replicates must be independent draws: neighbouring replicates' rescaling factors are
    /// uncorrelated (streams seeded one step apart would overlap and make them strongly so).
    func testNeighbouringReplicatesAreUncorrelated() throws {
        let (_, design) = try fixture()
        let bootstrap = try RaoWuBootstrap(design: design, replicates: 200, seed: 7)
        var total = 0.0
        for b in 0..<100 {
            let u = zip(bootstrap.weights(replicate: b), design.weights).map { $0 / $1 }
            let v = zip(bootstrap.weights(replicate: b + 1), design.weights).map { $0 / $1 }
            let mu = u.reduce(0, +) / Double(u.count), mv = v.reduce(0, +) / Double(v.count)
            var suv = 0.0, suu = 0.0, svv = 0.0
            for i in u.indices { suv += (u[i] - mu) * (v[i] - mv); suu += (u[i] - mu) * (u[i] - mu); svv += (v[i] - mv) * (v[i] - mv) }
            total += suv / (suu * svv).squareRoot()
        }
        XCTAssertEqual(total / 100, 0, accuracy: 0.05, "mean correlation of neighbouring replicates")
    }

    /// For a mean the Rao-Wu bootstrap with n_h − 1 draws is unbiased for the linearization
    /// variance: with 2000 replicates the two SEs agree within Monte Carlo error (about 1.6 %).
    func testBootstrapAgreesWithLinearizationForAMean() throws {
        let (table, design) = try fixture()
        let y = try table.numeric("y")
        let rows = (0..<y.count).filter { !y[$0].isNaN }.map { Int32($0) }
        let linear = Linearization.mean(y, design.weights, rows: rows)
        let se = try VarianceEngine(design: design).covariance(Influence(rows: rows, width: 1, values: linear.values))[0, 0].squareRoot()
        let boot = try RaoWuBootstrap(design: design, replicates: 2000, seed: 1)
            .covariance { [Linearization.mean(y, $0.weights, rows: rows).estimate] }.covariance[0, 0].squareRoot()
        XCTAssertEqual(boot / se, 1, accuracy: 0.07)
    }
}
