import Foundation
import XCTest
@testable import StatsEngine

/// The linear Oaxaca-Blinder and the logistic (Fairlie / Yun) decompositions against a direct
/// computation from separate fits and against the Rao-Wu bootstrap's standard errors.
final class OaxacaBootstrapTests: XCTestCase {
    /// A clustered sample in which the groups differ in their covariate (so the explained part
    /// is well away from zero) and in its return.
    private func decompositionSample() throws -> (Table, SurveyDesign) {
        var rng = SplitMix64(seed: 2026)
        var columns: [[Double]] = Array(repeating: [], count: 6)  // stratum, psu, w, g, x, y
        for h in 0..<10 {
            for p in 0..<8 {
                let effect = rng.normal()
                for _ in 0..<25 {
                    let g = rng.uniform() < 0.4 + 0.1 * effect ? 1.0 : 0.0
                    let x = rng.normal() + g + 0.5 * effect
                    let y = 2 + 1.5 * x + 0.5 * g * x + 3 * g + rng.normal() * 2 + effect
                    for (c, v) in [Double(h), Double(h * 8 + p), 1 + 2 * rng.uniform(), g, x, y].enumerated() { columns[c].append(v) }
                }
            }
        }
        let table = Table(source: "simulated", names: ["stratum", "psu", "w", "g", "x", "y"],
                          columns: columns.map { .numeric(NumericColumn($0)) })
        return (table, try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"]), table: table))
    }

    /// The decomposition's parts equal (x̄_f − x̄_r)'β_r and x̄_f'(β_f − β_r) computed from separate
    /// fits on each group, they add up to the difference in means, and their linearized SEs
    /// agree with the bootstrap's.
    func testOaxacaAgainstDirectComputationAndBootstrap() throws {
        let (table, design) = try decompositionSample()
        let request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x")
        let rows = try GapEstimator(table: table, design: design).estimate(request)
        func value(_ component: String) throws -> GapRow { try XCTUnwrap(rows.first { $0.component == component }, component) }

        // Direct: each group's regression on its own rows, and its weighted covariate means.
        let group = try table.numeric("g")
        func groupFit(_ level: Double) throws -> (beta: [Double], means: [Double], yMean: Double) {
            let x = try DesignMatrix(formula: ModelFormula("y ~ x"), table: table, within: group.map { $0 == level })
            let w = x.rows.map { design.weights[Int($0)] }
            let fit = try LeastSquares.fit(x: x.columns, response: x.response, weights: w)
            let W = w.reduce(0, +)
            let means = (0..<x.columnCount).map { j in (0..<x.rowCount).reduce(0.0) { $0 + w[$1] * x.values[j * x.rowCount + $1] } / W }
            let yMean = (0..<x.rowCount).reduce(0.0) { $0 + w[$1] * x.response[$1] } / W
            return (fit.coefficients, means, yMean)
        }
        let f = try groupFit(1), r = try groupFit(0)
        let explained = zip(zip(f.means, r.means), r.beta).reduce(0.0) { $0 + ($1.0.0 - $1.0.1) * $1.1 }
        let unexplained = zip(f.means, zip(f.beta, r.beta)).reduce(0.0) { $0 + $1.0 * ($1.1.0 - $1.1.1) }
        assertClose(try value("explained").estimate, explained, rel: 1e-9, "explained")
        assertClose(try value("unexplained").estimate, unexplained, rel: 1e-9, "unexplained")
        assertClose(explained + unexplained, f.yMean - r.yMean, rel: 1e-9, "the parts add up to the gap")
        XCTAssertGreaterThan(explained / (try value("explained").standardError), 4, "the test needs a clearly non-zero explained part")

        // Bootstrap: the same decomposition on 400 replicate designs.
        let bootstrap = try RaoWuBootstrap(design: design, replicates: 400, seed: 11)
        let covariance = try bootstrap.covariance { replicate in
            let parts = try GapEstimator(table: table, design: replicate).estimate(request)
            return ["explained", "unexplained"].map { name in parts.first { $0.component == name }!.estimate }
        }.covariance
        // Monte Carlo error of a bootstrap SE from 400 replicates is about 3.5 %; allow 12 %.
        XCTAssertEqual(covariance[0, 0].squareRoot() / (try value("explained").standardError), 1, accuracy: 0.12)
        XCTAssertEqual(covariance[1, 1].squareRoot() / (try value("unexplained").standardError), 1, accuracy: 0.12)
    }

    /// The logistic (Fairlie / Yun) decomposition: its parts add up to the gap in shares, the
    /// explained part equals P̄(X_f, β_r) − P̄(X_r, β_r) from separately fitted logits, and its
    /// SEs agree with the bootstrap's.
    func testLogisticDecompositionAgainstDirectComputationAndBootstrap() throws {
        let (base, design) = try decompositionSample()
        let x = try base.numeric("x"), g = try base.numeric("g")
        var rng = SplitMix64(seed: 5)
        let outcome = (0..<base.rowCount).map { i in rng.uniform() < 1 / (1 + exp(-(-1 + 0.8 * x[i] + 0.7 * g[i]))) ? 1.0 : 0.0 }
        let table = base.adding("b", .numeric(NumericColumn(outcome)))
        var logistic = GapRequest(variable: "b", group: "g", reference: "0", focal: "1", statistic: .proportion, adjust: "x")
        logistic.logit = true
        let request = logistic
        let rows = try GapEstimator(table: table, design: design).estimate(request)
        func value(_ component: String) throws -> GapRow { try XCTUnwrap(rows.first { $0.component == component }, component) }
        let explained = try value("explained"), unexplained = try value("unexplained")
        assertClose(explained.estimate + unexplained.estimate, try value("difference").estimate, rel: 1e-7, "the parts add up to the gap")

        let regression = RegressionEstimator(table: table, design: design)
        func fit(_ level: Double) throws -> [Double] {
            try regression.linearized(ModelFormula("b ~ x"), request: RegressionRequest(formula: "b ~ x", family: .binomial, tolerance: 1e-12),
                                      within: g.map { $0 == level }).fit.coefficients
        }
        let betaR = try fit(0)
        func meanProbability(_ level: Double) -> Double {
            var s = 0.0, w = 0.0
            for i in 0..<table.rowCount where g[i] == level {
                s += design.weights[i] / (1 + exp(-(betaR[0] + betaR[1] * x[i])))
                w += design.weights[i]
            }
            return s / w
        }
        assertClose(explained.estimate, meanProbability(1) - meanProbability(0), rel: 1e-6, "explained")

        let covariance = try RaoWuBootstrap(design: design, replicates: 400, seed: 13).covariance { replicate in
            let parts = try GapEstimator(table: table, design: replicate).estimate(request)
            return ["explained", "unexplained"].map { name in parts.first { $0.component == name }!.estimate }
        }.covariance
        XCTAssertEqual(covariance[0, 0].squareRoot() / explained.standardError, 1, accuracy: 0.12)
        XCTAssertEqual(covariance[1, 1].squareRoot() / unexplained.standardError, 1, accuracy: 0.12)
    }
}
