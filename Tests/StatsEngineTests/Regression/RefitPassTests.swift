import XCTest
@testable import StatsEngine

/// The replicate refits' passes (`IRLSPass.refitPass`, `means`) and the vector forms of the
/// families (`Family.means`, `unitDeviances`, `workingResponses`, `workingWeights`) against the
/// scalar formulas, row by row.
final class RefitPassTests: XCTestCase {
    /// glibc's vector exp and log give each value within a few ulp of libm's, also in a last
    /// partial vector, with R's bounds on a logistic mean.
    func testVectorMeansAndDeviancesMatchTheScalarForms() {
        var rng = SplitMix64(seed: 31)
        let count = 1_003  // not a multiple of the vector width: the padded tail is checked too
        let cases: [(Family, [Double], ClosedRange<Double>)] = [
            (.binomial, [0, 1, 0.3], -40...40),
            (.binomial, [0, 1], -40...40),  // 0/1 only: no pass for shares
            (.poisson, [0, 1, 3, 7.5], -5...5),
            (.gaussian, [-1.5, 2], -3...3),
        ]
        for (family, responses, range) in cases {
            let eta = (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * rng.uniform() }
            let y = (0..<count).map { i in responses[i % responses.count] }
            var mean = [Double](repeating: .nan, count: count), unit = [Double](repeating: .nan, count: count)
            mean.withUnsafeMutableBufferPointer { family.means(eta, count: count, into: $0.baseAddress!) }
            unit.withUnsafeMutableBufferPointer { family.unitDeviances(y, mean: mean, count: count, into: $0.baseAddress!) }
            for i in 0..<count {
                assertClose(mean[i], family.mean(eta[i]), rel: 1e-15, floor: 1e-300, "\(family) mean at η = \(eta[i])")
                // A Poisson deviance near y = μ is a difference of nearly equal terms: its error is
                // a few ulp of the terms (about y), not of the difference.
                assertClose(unit[i], family.deviance(y[i], mean[i]), rel: 1e-14, floor: 0.1 * (1 + abs(y[i])),
                            "\(family) deviance at y = \(y[i]), η = \(eta[i])")
            }
        }
    }

    /// The working values of a block four rows at a time equal the scalar functions' bit for
    /// bit: dμ/dη and z, then ω and ω·z (or √ω and √ω·z), with means at the logistic bounds
    /// (dμ/dη bounded, ω divided), rows without weight (0 and 0, also where the mean is
    /// infinite) and a last partial vector.
    func testWorkingValuesMatchTheScalarFormsBitForBit() {
        var rng = SplitMix64(seed: 41)
        let count = 1_001
        for family in [Family.binomial, .poisson, .gaussian] {
            let eta = (0..<count).map { i in i % 50 == 0 ? (i % 100 == 0 ? 40.0 : -40.0) : 8 * rng.uniform() - 4 }
            var mean = eta.map(family.mean)
            let y = (0..<count).map { i in family == .poisson ? Double(i % 4) : Double(i % 2) }
            let w = (0..<count).map { i in i % 7 == 0 ? 0 : rng.uniform() }
            if family == .poisson { mean[7] = .infinity }  // a row without weight: no effect
            var d = [Double](repeating: .nan, count: count), z = d, omega = d, rhs = d, root = d, rootRhs = d
            d.withUnsafeMutableBufferPointer { d in
                z.withUnsafeMutableBufferPointer { z in
                    family.workingResponses(y, mean: mean, eta: eta, count: count, derivative: d.baseAddress!, z: z.baseAddress!)
                }
            }
            omega.withUnsafeMutableBufferPointer { omega in
                rhs.withUnsafeMutableBufferPointer { rhs in
                    family.workingWeights(w, mean: mean, derivative: d, z: z, count: count, root: false,
                                          omega: omega.baseAddress!, rhs: rhs.baseAddress!)
                }
            }
            root.withUnsafeMutableBufferPointer { root in
                rootRhs.withUnsafeMutableBufferPointer { rootRhs in
                    family.workingWeights(w, mean: mean, derivative: d, z: z, count: count, root: true,
                                          omega: root.baseAddress!, rhs: rootRhs.baseAddress!)
                }
            }
            var bounded = 0
            for i in 0..<count {
                let derivative = family.meanDerivative(mean[i]), response = eta[i] + (y[i] - mean[i]) / derivative
                let working = family.workingWeight(w[i], mean: mean[i], derivative: derivative)
                if family == .binomial, derivative != mean[i] * (1 - mean[i]) { bounded += 1 }
                if i != 7 || family != .poisson {
                    XCTAssertEqual(d[i].bitPattern, derivative.bitPattern, "\(family) dμ/dη row \(i)")
                    XCTAssertEqual(z[i].bitPattern, response.bitPattern, "\(family) z row \(i)")
                }
                let expected = w[i] != 0 ? (working, working * response, working.squareRoot(), working.squareRoot() * response) : (0, 0, 0, 0)
                XCTAssertEqual(omega[i].bitPattern, expected.0.bitPattern, "\(family) ω row \(i)")
                XCTAssertEqual(rhs[i].bitPattern, expected.1.bitPattern, "\(family) ω·z row \(i)")
                XCTAssertEqual(root[i].bitPattern, expected.2.bitPattern, "\(family) √ω row \(i)")
                XCTAssertEqual(rootRhs[i].bitPattern, expected.3.bitPattern, "\(family) √ω·z row \(i)")
            }
            if family == .binomial { XCTAssertGreaterThanOrEqual(bounded, 10, "rows at the lower bound, where dμ/dη is ε") }
        }
    }

    /// Each fit's deviance, X'ΩX, X'Ωz and means from the shared passes equal the sums formed
    /// row by row at its own coefficients, also for fits sharing a predictor and rows without
    /// weight: a logistic model of a 0/1 outcome and of shares, and a Poisson model of counts.
    func testRefitPassesMatchTheRowByRowSums() throws {
        try checkRefitPasses(.binomial) { p, _ in p < 0.1 ? 0.25 : p < 0.5 ? 1 : 0 }
        try checkRefitPasses(.poisson) { p, u in Double(Int(4 * p * u)) }
    }

    /// The same with rows in cells (`ModelCells`) where columns share a monomial and others
    /// are 0: a 0/1 number and a factor, each with interactions with numbers, and a factor of
    /// more levels than there may be cells.
    func testRefitPassesInCellsMatchTheRowByRowSums() throws {
        let formula = "y ~ d * a + factor(g) * b + factor(h)"
        try checkRefitPasses(.binomial, formula: formula) { p, _ in p < 0.5 ? 1 : 0 }
        try checkRefitPasses(.poisson, formula: formula) { p, u in Double(Int(4 * p * u)) }
    }

    /// A gaussian pass (linear refits, from the full-sample estimate) forms each fit's X'WX and
    /// X'W(y − Xβ) at its coefficients: the right-hand side of its step from there, the
    /// residuals formed in the pass; rows without weight add nothing.
    func testGaussianRefitPassFormsTheResidualsProjections() throws {
        var rng = SplitMix64(seed: 41)
        let n = 5_000
        let a = (0..<n).map { _ in rng.normal() }, b = (0..<n).map { _ in rng.uniform() }
        let g = (0..<n).map { _ in Double(rng.next() % 3) }, d = (0..<n).map { _ in Double(rng.next() % 2) }
        let y = (0..<n).map { i in 100 + 2 * a[i] - b[i] + g[i] + rng.normal() }
        let table = Table(source: "simulated", names: ["a", "b", "g", "d", "y"], columns: [a, b, g, d, y].map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula("y ~ d * a + factor(g) + b"), table: table)
        let p = x.columnCount, matrix = x.columns.matrix()
        let beta = (0..<p).map { j in j == 0 ? 99.5 : 0.3 - 0.1 * Double(j) }
        let weights = (0..<2).map { _ in (0..<n).map { _ in rng.next() % 3 == 0 ? 0 : rng.uniform() } }
        let sums = IRLSPass(family: .gaussian, x: x.columns, response: x.response, cells: x.refitCells)
            .refitPass(betas: [beta, beta], weights: weights.map(ScaledWeights.init), forming: [true, true])
        let residuals: [Double] = (0..<n).map { i in y[i] - (0..<p).reduce(0.0) { $0 + matrix[$1 * n + i] * beta[$1] } }
        for (k, w) in weights.enumerated() {
            let system = try XCTUnwrap(sums[k].normalEquations)
            let expected = BlockedProducts.gram(x.columns, weights: w, vector: residuals)
            for (i, (value, reference)) in zip(system.gram + system.product, expected.gram + expected.product).enumerated() {
                assertClose(value, reference, rel: 1e-11, floor: 1e-9, "fit \(k) entry \(i)")
            }
        }
    }

    /// A row without weight adds nothing even where its mean overflows (a diverging refit):
    /// the deviance and the normal equations stay those of the weighted rows.
    func testRowsWithoutWeightAddNothingWhereTheirMeanOverflows() throws {
        let n = 2_000
        var a = (0..<n).map { Double($0 % 7) / 7 }
        a[3] = 1_000  // η = 1000 at the start: exp overflows
        let y = (0..<n).map { Double($0 % 3) }
        let table = Table(source: "simulated", names: ["a", "y"], columns: [a, y].map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula("y ~ a"), table: table)
        let pass = IRLSPass(family: .poisson, x: x.columns, response: x.response)
        let beta = [0.1, 1.0]
        var weights = [Double](repeating: 1, count: n)
        weights[3] = 0
        let sums = pass.refitPass(betas: [beta], weights: [ScaledWeights(weights)], forming: [true])[0]
        let (deviance, system) = (sums.deviance, try XCTUnwrap(sums.normalEquations))
        var expected = 0.0
        for i in 0..<n where weights[i] != 0 { expected += Family.poisson.deviance(y[i], Family.poisson.mean(0.1 + a[i])) }
        assertClose(deviance, expected, rel: 1e-13, "deviance")
        XCTAssert((system.gram + system.product).allSatisfy(\.isFinite), "normal equations \(system)")
    }

    /// The deviance pass counts each fit's rows with weight whose mean is at its bound, as the
    /// separation check counts them in the fit's means; a pass that forms a fit's normal
    /// equations (the fit is expected to go on) leaves them uncounted.
    func testPinnedRowsAreCountedAsTheSeparationCheckCounts() throws {
        let n = 3_001  // not a multiple of four: the scalar tail counts too
        // Rows far out on a steep predictor: probabilities numerically 0 or 1.
        let a: [Double] = (0..<n).map { i -> Double in
            guard i % 10 == 0 else { return Double(i % 7) / 7 }
            return i % 20 == 0 ? 60 : -60
        }
        let y: [Double] = (0..<n).map { i -> Double in
            guard i % 10 == 0 else { return Double(i % 2) }
            return i % 20 == 0 ? 1 : 0
        }
        let table = Table(source: "simulated", names: ["a", "y"], columns: [a, y].map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula("y ~ a"), table: table)
        let pass = IRLSPass(family: .binomial, x: x.columns, response: x.response)
        let betas = [[0.0, 1.0], [0.0, 0.1]]
        let weights: [[Double]] = [(0..<n).map { $0 % 30 == 0 ? 0.0 : 1.0 }, [Double](repeating: 1, count: n)]
        let scaled = weights.map(ScaledWeights.init)
        let counted: [Int] = try pass.refitPass(betas: betas, weights: scaled, forming: [false, false]).map { try XCTUnwrap($0.pinnedRows) }
        XCTAssertEqual(pass.refitPass(betas: betas, weights: scaled, forming: [true, false]).map { $0.pinnedRows == nil }, [true, false])
        let means = pass.means(betas: betas, weights: scaled)
        for k in betas.indices {
            let w = weights[k], mean = means[k]
            let expected = (0..<n).filter { i in w[i] > 0 && min(mean[i], 1 - mean[i]) < SeparationCheck.pinnedTolerance }.count
            XCTAssertEqual(counted[k], expected, "fit \(k)")
            XCTAssertEqual(SeparationCheck.readsMeans(step: nil, pinnedRows: counted[k], columnMagnitudes: nil), expected > 0, "fit \(k)")
        }
        XCTAssertEqual(counted, [n / 10 - n / 30, 0], "the first fit's weighted rows at ±60 are pinned, the second's at ±6 not")
    }

    private func checkRefitPasses(_ family: Family, formula: String = "y ~ a * b + factor(g)",
                                  outcome: (_ probability: Double, _ uniform: Double) -> Double,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = SplitMix64(seed: 37)
        let n = 5_000  // several blocks, and a last partial block
        let a = (0..<n).map { _ in rng.normal() }, b = (0..<n).map { _ in rng.uniform() }
        let g = (0..<n).map { _ in Double(rng.next() % 3) }
        let y = (0..<n).map { i in outcome(rng.uniform(), 1 + a[i] * a[i]) }
        let d = (0..<n).map { _ in Double(rng.next() % 2) }, h = (0..<n).map { _ in Double(rng.next() % 40) }
        let table = Table(source: "simulated", names: ["a", "b", "g", "y", "d", "h"],
                          columns: [a, b, g, y, d, h].map { .numeric(NumericColumn($0)) })
        let x = try DesignMatrix(formula: ModelFormula(formula), table: table)
        let p = x.columnCount, matrix = x.columns.matrix()
        let pass = IRLSPass(family: family, x: x.columns, response: x.response)
        let base = (0..<p).map { j in 0.3 - 0.1 * Double(j) }
        // Two fits at the same coefficients (one shared predictor), one elsewhere; a third of
        // the rows without weight in each. The weights as given; a longer column read at the
        // model's rows (reversed) over a divisor; a column over a divisor.
        let betas = [base, base, base.map { $0 * 0.5 + 0.05 }]
        let columns = [n, n + 17, n].map { length in (0..<length).map { _ in rng.next() % 3 == 0 ? 0 : rng.uniform() } }
        let scaled = [ScaledWeights(columns[0]),
                      ScaledWeights(column: columns[1], rows: (0..<Int32(n)).reversed().map { $0 + 17 }, divisor: 3.7),
                      ScaledWeights(column: columns[2], rows: nil, divisor: 0.013)]
        let weights = scaled.map { $0.materialized() }
        XCTAssertEqual(weights[1][0].bitPattern, (columns[1][n + 16] / 3.7).bitPattern, file: file, line: line)
        let sums = pass.refitPass(betas: betas, weights: scaled, forming: [true, true, true])
        let systems = try sums.map { try XCTUnwrap($0.normalEquations) }
        let means = pass.means(betas: betas, weights: scaled)
        // The weights read as stored, the sums divided by the divisor once, give the sums of the
        // weights divided row by row to rounding.
        let stored = pass.refitPass(betas: betas, weights: weights.map(ScaledWeights.init), forming: [true, true, true])
        for k in betas.indices {
            assertClose(stored[k].deviance, sums[k].deviance, rel: 1e-14, "\(family) fit \(k)", file: file, line: line)
            assertClose(stored[k].roundingScale, sums[k].roundingScale, rel: 1e-14, "\(family) fit \(k)", file: file, line: line)
            for (i, (a, b)) in zip(stored[k].normalEquations!.gram + stored[k].normalEquations!.product,
                                   systems[k].gram + systems[k].product).enumerated() {
                assertClose(a, b, rel: 1e-13, floor: 1e-300, "\(family) fit \(k) entry \(i), weights stored", file: file, line: line)
            }
        }
        // Without some fits' deviances: NaN for those, the others' bit for bit, and every fit's
        // normal equations, largest |η| and rounding scale as with them.
        let unmeasured = pass.refitPass(betas: betas, weights: scaled, forming: [true, true, true], deviances: [false, true, false])
        for k in betas.indices {
            XCTAssertEqual(unmeasured[k].deviance.isNaN, k != 1, "\(family) fit \(k)", file: file, line: line)
            if k == 1 { XCTAssertEqual(unmeasured[k].deviance.bitPattern, sums[k].deviance.bitPattern, file: file, line: line) }
            XCTAssertEqual(unmeasured[k].largestPredictor.bitPattern, sums[k].largestPredictor.bitPattern, file: file, line: line)
            XCTAssertEqual(unmeasured[k].roundingScale.bitPattern, sums[k].roundingScale.bitPattern, file: file, line: line)
            XCTAssertEqual(unmeasured[k].normalEquations!.gram, systems[k].gram, "\(family) fit \(k)", file: file, line: line)
            XCTAssertEqual(unmeasured[k].normalEquations!.product, systems[k].product, "\(family) fit \(k)", file: file, line: line)
        }
        // Fits all at one predictor, all forming (a first pass): their X'ΩX from ω-scaled products
        // and the weights themselves, the same sums to rounding.
        let first = pass.refitPass(betas: [base, base], weights: Array(scaled.prefix(2)), forming: [true, true])
        for k in 0..<2 {
            let system = try XCTUnwrap(first[k].normalEquations)
            assertClose(first[k].deviance, sums[k].deviance, rel: 1e-13, "\(family) fit \(k) deviance at one predictor", file: file, line: line)
            for (i, (a, b)) in zip(system.gram + system.product, systems[k].gram + systems[k].product).enumerated() {
                assertClose(a, b, rel: 1e-13, floor: 1e-300, "\(family) fit \(k) entry \(i) at one predictor", file: file, line: line)
            }
        }
        // Weights whose total is known: a logistic fit's rounding scale from it (its Σwᵢ to
        // rounding; a Poisson fit's is summed all the same), everything else bit for bit.
        let totalled = scaled.map { w in
            ScaledWeights(column: w.column, rows: w.rows, divisor: w.divisor, total: w.materialized().reduce(0, +) * w.divisor)
        }
        let fromTotals = pass.refitPass(betas: betas, weights: totalled, forming: [true, true, true])
        for k in betas.indices {
            XCTAssertEqual(fromTotals[k].deviance.bitPattern, sums[k].deviance.bitPattern, file: file, line: line)
            XCTAssertEqual(fromTotals[k].normalEquations!.gram, systems[k].gram, "\(family) fit \(k)", file: file, line: line)
            if family == .binomial {
                assertClose(fromTotals[k].roundingScale, sums[k].roundingScale, rel: 1e-13, "\(family) fit \(k)", file: file, line: line)
                XCTAssertEqual(fromTotals[k].roundingScale, totalled[k].total! / totalled[k].divisor, file: file, line: line)
            } else {
                XCTAssertEqual(fromTotals[k].roundingScale.bitPattern, sums[k].roundingScale.bitPattern, file: file, line: line)
            }
        }
        // Without some fits' normal equations: none for those, the same deviances bit for bit,
        // and their pinned rows counted (the same whichever other fits form theirs).
        let counted = pass.refitPass(betas: betas, weights: scaled, forming: [false, false, false]).map(\.pinnedRows)
        for forming in [[false, false, false], [true, false, true], [false, true, false]] {
            let partial = pass.refitPass(betas: betas, weights: scaled, forming: forming)
            for k in betas.indices {
                XCTAssertEqual(partial[k].deviance.bitPattern, sums[k].deviance.bitPattern, "\(family) fit \(k) deviance, forming \(forming)",
                               file: file, line: line)
                XCTAssertEqual(partial[k].pinnedRows, forming[k] ? nil : counted[k], file: file, line: line)
                XCTAssertEqual(partial[k].normalEquations != nil, forming[k], "\(family) fit \(k), forming \(forming)", file: file, line: line)
                // The normal equations to rounding: BLAS's product may order a column's sums
                // by how many columns it multiplies (OpenBLAS on AMD Zen does).
                if let system = partial[k].normalEquations {
                    for (i, (a, b)) in zip(system.gram + system.product, systems[k].gram + systems[k].product).enumerated() {
                        assertClose(a, b, rel: 1e-13, floor: 1e-300, "\(family) fit \(k) entry \(i), forming \(forming)", file: file, line: line)
                    }
                }
            }
        }
        for k in betas.indices {
            let w = weights[k]
            let eta: [Double] = (0..<n).map { i in (0..<p).reduce(0.0) { $0 + matrix[$1 * n + i] * betas[k][$1] } }
            let mu: [Double] = eta.map(family.mean)
            var deviance = 0.0
            for i in 0..<n where w[i] != 0 { deviance += w[i] * family.deviance(y[i], mu[i]) }
            assertClose(sums[k].deviance, deviance, rel: 1e-13, "\(family) fit \(k) deviance", file: file, line: line)
            // dμ/dη and the variance: μ(1 − μ) for the logit link, μ for the log link.
            let derivative: [Double] = mu.map { family == .binomial ? $0 * (1 - $0) : $0 }
            let omega: [Double] = (0..<n).map { i in w[i] * derivative[i] }
            let z: [Double] = (0..<n).map { (i: Int) -> Double in eta[i] + (y[i] - mu[i]) / derivative[i] }
            let expected = BlockedProducts.gram(x.columns, weights: omega, vector: z)
            for i in 0..<(p * p) {
                assertClose(systems[k].gram[i], expected.gram[i], rel: 1e-12, floor: 1e-9, "\(family) fit \(k) X'ΩX[\(i)]", file: file, line: line)
            }
            for j in 0..<p {
                assertClose(systems[k].product[j], expected.product[j], rel: 1e-12, floor: 1e-9, "\(family) fit \(k) X'Ωz[\(j)]", file: file, line: line)
            }
            for i in 0..<n {
                if w[i] == 0 { XCTAssert(means[k][i].isNaN, "\(family) fit \(k) row \(i): a row without weight has no mean", file: file, line: line) } else {
                    assertClose(means[k][i], mu[i], rel: 1e-14, "\(family) fit \(k) mean \(i)", file: file, line: line)
                }
            }
        }
    }
}
