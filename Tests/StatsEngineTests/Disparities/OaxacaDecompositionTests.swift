import XCTest
@testable import StatsEngine

/// Oaxaca-Blinder variants against closed forms from separate weighted least-squares fits
/// (point estimates to 1e-10) and their linearized SEs against the Rao-Wu bootstrap: pooled
/// (Neumark / Oaxaca-Ransom with a group indicator) and threefold decompositions, a factor
/// level absent from one group (Stata `oaxaca`'s convention: the missing coefficient counts as
/// 0 where the group's mean of the level, 0, multiplies it), and Yun's (2005) normalisation of
/// categorical covariates.
final class OaxacaDecompositionTests: XCTestCase {
    /// A clustered sample: groups g = 0 (reference) and 1 (focal) differing in a numeric
    /// covariate x and a three-level factor e (levels a, b, c) and in their returns. With
    /// `focalLacks`, focal rows never have that level of e.
    private func sample(focalLacks: String? = nil, seed: UInt64 = 2026) throws -> (Table, SurveyDesign) {
        var rng = SplitMix64(seed: seed)
        var numbers: [[Double]] = Array(repeating: [], count: 5)  // stratum, psu, w, g, x
        var e: [String] = [], y: [Double] = []
        let effects: [String: (Double, Double)] = ["a": (0, 0), "b": (2, 3), "c": (5, 1)]  // (reference, focal) returns
        for h in 0..<10 {
            for p in 0..<8 {
                let cluster = rng.normal()
                for _ in 0..<25 {
                    let g = rng.uniform() < 0.4 + 0.1 * cluster ? 1.0 : 0.0
                    let x = rng.normal() + g + 0.5 * cluster
                    let u = rng.uniform()
                    var level = u < (g == 1 ? 0.5 : 0.3) ? "a" : u < 0.75 ? "b" : "c"
                    if g == 1, level == focalLacks { level = "a" }
                    let effect = g == 1 ? effects[level]!.1 : effects[level]!.0
                    for (c, v) in [Double(h), Double(h * 8 + p), 1 + 2 * rng.uniform(), g, x].enumerated() { numbers[c].append(v) }
                    e.append(level)
                    y.append(2 + 1.5 * x + 0.5 * g * x + 3 * g + effect + rng.normal() * 2 + cluster)
                }
            }
        }
        let table = Table(source: "simulated", names: ["stratum", "psu", "w", "g", "x", "e", "y"],
                          columns: numbers.map { .numeric(NumericColumn($0)) } + [.categorical(CategoricalColumn(labels: e)), .numeric(NumericColumn(y))])
        return (table, try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"]), table: table))
    }

    /// One group's weighted least-squares fit on its own rows, its weighted column means and
    /// the weighted mean of y: the closed-form ingredients. Columns follow `names` (a column
    /// the group lacks gets coefficient 0 and mean 0).
    private struct GroupFit { var beta: [Double]; var means: [Double]; var yMean: Double }

    private func groupFit(_ table: Table, _ design: SurveyDesign, formula: String, rows within: [Bool], names: [String]) throws -> GroupFit {
        let x = try DesignMatrix(formula: ModelFormula(formula), table: table, within: within)
        let w = x.rows.map { design.weights[Int($0)] }
        let fit = try LeastSquares.fit(x: x.columns, response: x.response, weights: w)
        let W = w.reduce(0, +)
        var beta = [Double](repeating: 0, count: names.count), means = beta
        for (j, name) in x.names.enumerated() {
            let at = names.firstIndex(of: name)!
            beta[at] = fit.coefficients[j]
            means[at] = (0..<x.rowCount).reduce(0.0) { $0 + w[$1] * x.values[j * x.rowCount + $1] } / W
        }
        return GroupFit(beta: beta, means: means, yMean: (0..<x.rowCount).reduce(0.0) { $0 + w[$1] * x.response[$1] } / W)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    private func minus(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }

    private func rows(_ table: Table, _ design: SurveyDesign, _ request: GapRequest) throws -> [String: GapRow] {
        Dictionary(uniqueKeysWithValues: try GapEstimator(table: table, design: design).estimate(request).map { ($0.component, $0) })
    }

    /// Linearized SEs of `components` against 400 Rao-Wu replicates (Monte Carlo error of a
    /// bootstrap SE from 400 replicates is about 3.5 %; allow 12 %, as the other bootstrap tests).
    private func assertBootstrapAgrees(_ table: Table, _ design: SurveyDesign, _ request: GapRequest, _ components: [String],
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        let linear = try rows(table, design, request)
        let covariance = try RaoWuBootstrap(design: design, replicates: 400, seed: 17).covariance { replicate in
            let parts = try GapEstimator(table: table, design: replicate).estimate(request)
            return components.map { name in parts.first { $0.component == name }!.estimate }
        }.covariance
        for (i, name) in components.enumerated() {
            XCTAssertEqual(covariance[i, i].squareRoot() / linear[name]!.standardError, 1, accuracy: 0.12, name, file: file, line: line)
        }
    }

    private let names = ["(Intercept)", "x", "e[b]", "e[c]"]

    /// Pooled: β* from one regression on both groups with a focal indicator; explained
    /// (x̄_f − x̄_r)'β*, unexplained x̄_f'(β_f − β*) + x̄_r'(β* − β_r).
    /// Rows missing a covariate are left out of the decomposition's regressions, and of the
    /// gap it decomposes: the focal, reference and difference rows are on the regressions' rows,
    /// so that the parts add up to the difference (Stata's `oaxaca` takes one estimation sample),
    /// twofold, threefold and for the logit decomposition alike.
    func testPartsAddUpToTheDifferenceWhenCovariatesAreMissing() throws {
        var csv = "stratum,psu,w,g,x,b,y\n"
        for i in 0..<240 {
            let g = i % 3 == 0 ? 1 : 0, x = Double((i * 37) % 23) / 4
            let missing = i % 11 == 0 ? "" : "\(x)"   // x missing in 22 rows, y present in all
            csv += "\(i % 4),\(i % 24),\(1 + Double(i % 5) / 2),\(g),\(missing),\((i * 7) % 10 < 4 + g ? 1 : 0),\(1 + x + 2 * Double(g) + Double((i * 13) % 7) / 3)\n"
        }
        let table = try CSVReader.parse(Array(csv.utf8), source: "missing.csv")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"]), table: table)
        var requests = [GapRequest(variable: "y", group: "g", reference: "0"), GapRequest(variable: "y", group: "g", reference: "0"),
                        GapRequest(variable: "b", group: "g", reference: "0", statistic: .proportion)]
        for k in requests.indices { requests[k].adjust = "x" }
        requests[1].threefold = true
        requests[2].logit = true
        for request in requests {
            let r = try rows(table, design, request)
            let difference = try XCTUnwrap(r["difference"]), explained = try XCTUnwrap(r["explained"]), unexplained = try XCTUnwrap(r["unexplained"])
            // Exact for the linear fits; the logit's to its fit's convergence (its score equations).
            XCTAssertEqual(explained.estimate + unexplained.estimate, difference.estimate, accuracy: 1e-9 * abs(difference.estimate))
            XCTAssertEqual(difference.n, 240 - 22)
            XCTAssertEqual(explained.n, difference.n)
        }
        // The difference is that of the groups' weighted means over the rows with x.
        let y = try table.numeric("y"), x = try table.numeric("x"), g = try table.numeric("g"), w = design.weights
        func mean(_ group: Double) -> Double {
            let rows = y.indices.filter { g[$0] == group && !x[$0].isNaN }
            return rows.reduce(0.0) { $0 + w[$1] * y[$1] } / rows.reduce(0.0) { $0 + w[$1] }
        }
        XCTAssertEqual(try XCTUnwrap(rows(table, design, requests[0])["difference"]).estimate, mean(1) - mean(0), accuracy: 1e-12)
    }

    /// A decomposition of a wave whose focal group lies in one PSU (0 design degrees of freedom):
    /// that group's means and coefficients have influence values summing to 0 in the PSU, so the
    /// parts' standard errors leave its sampling error out, as the group's own row and the
    /// difference do. Every part (twofold, pooled, threefold, the detail, the logit's) says so
    /// with the group rows' note, and none carries a verdict; with `--period` only the wave whose
    /// group so lies (the baseline here, 2021: focal rows in PSU 3 alone; in 2023 in three PSUs).
    /// (The parts had neither note nor flag: a standard error of the reference group alone.)
    func testPartsOfAGroupInOnePSUAreFlagged() throws {
        var csv = "psu,w,g,x,b,y,wave\n"
        for i in 0..<96 {
            let wave = i < 48 ? "2021" : "2023", g = i % 4 == 0 ? 1 : 0
            let psu = g == 1 && wave == "2021" ? 3 : g == 1 ? 1 + (i / 4) % 3 : 1 + i % 6
            let x = Double((i * 37) % 23) / 4
            csv += "\(psu),\(1 + Double(i % 5) / 2),\(g),\(x),\((i * 7) % 10 < 4 + g ? 1 : 0),\(1 + x + 2 * Double(g) + Double((i * 13) % 7) / 3),\(wave)\n"
        }
        let table = try CSVReader.parse(Array(csv.utf8), source: "one-psu.csv")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", clusters: ["psu"]), table: table)
        let note = SurveyDesign.zeroDegreesOfFreedomNote
        var twofold = GapRequest(variable: "y", group: "g", reference: "0", focal: "1")
        (twofold.adjust, twofold.subset, twofold.target) = ("x", try RowFilter(parsing: "wave == 2021"), try Target(parsing: "<= 10"))
        var pooled = twofold, threefold = twofold, logit = twofold
        pooled.pooled = true
        threefold.threefold = true
        (logit.variable, logit.statistic, logit.logit) = ("b", .proportion, true)
        for request in [twofold, pooled, threefold, logit] {
            let rows = try GapEstimator(table: table, design: design).estimate(request)
            XCTAssertEqual(try XCTUnwrap(rows.first { $0.component == "focal" }).note, note, "the group's own row")
            let parts = rows.filter { !["focal", "reference", "difference", "ratio"].contains($0.component) }
            XCTAssertGreaterThanOrEqual(parts.count, request.threefold ? 6 : 2)
            for part in parts {
                XCTAssertEqual(part.note, note, "\(request.pooled ? "pooled " : "")\(request.threefold ? "threefold " : "")\(part.component)")
                XCTAssertNil(part.verdict)
                XCTAssertNil(part.targetPValue)
                XCTAssert(part.standardErrorMeasuresNothing, "flagged: \(part.component)")
                XCTAssert(part.estimate.isFinite && part.standardError.isFinite, "R's figures kept: \(part.component)")
            }
        }
        // With a period: the baseline wave's parts are flagged, the current wave's are not.
        var period = GapRequest(variable: "y", group: "g", reference: "0", focal: "1")
        (period.adjust, period.period) = ("x", Period(column: "wave", baseline: "2021", current: "2023"))
        let rows = try GapEstimator(table: table, design: design).estimate(period)
        for part in ["explained", "unexplained", "explained[x]", "unexplained[(Intercept)]", "unexplained[x]"] {
            XCTAssertNil(try XCTUnwrap(rows.first { $0.component == part }).note, part)
            XCTAssertFalse(try XCTUnwrap(rows.first { $0.component == part }).standardErrorMeasuresNothing, part)
            XCTAssertEqual(try XCTUnwrap(rows.first { $0.component == "baseline " + part }).note, note, "baseline " + part)
        }
    }

    /// A decomposition whose groups' linear models fit essentially perfectly (y = 1e6 + 3x in
    /// every row, strata, clusters and weights as the reviewer's `gap --adjust`): the parts'
    /// standard errors are rounding errors (`RegressionEstimator.fitsEssentiallyPerfectly`,
    /// `regress`'s test), so every part carries `regress`'s note naming the groups, the flag, and
    /// no verdict, twofold, pooled and threefold alike, and on bootstrap replicates too; a
    /// perfect fit in the focal group alone names that group; noisy data none. (The parts had
    /// neither: `unexplained,4.2e-12,2.78e-12` with a t of 1.5.)
    func testPartsOfAnEssentiallyPerfectFitAreFlagged() throws {
        func csv(focalNoise: Bool, referenceNoise: Bool) -> String {
            var text = "st,psu,w,g,x,y\n"
            for i in 0..<80 {
                let g = i % 2 == 0 ? "a" : "b", x = Double((i * 37) % 23) / 4
                let noisy = g == "a" ? referenceNoise : focalNoise
                text += "\(i % 4),\(i % 4)-\(i % 5),\(1 + Double(i % 7) / 3),\(g),\(x),\(1e6 + 3 * x + (noisy ? Double((i * 13) % 7) / 3 : 0))\n"
            }
            return text
        }
        func parts(_ csv: String, _ request: GapRequest, bootstrap: Bool = false) throws -> [GapRow] {
            let table = try CSVReader.parse(Array(csv.utf8), source: "pf.csv")
            var spec = DesignSpec(weights: "w", strata: "st", clusters: ["psu"])
            if bootstrap { spec.varianceMethod = .bootstrap(replicates: 50, seed: 1) }
            let rows = try GapEstimator(table: table, design: try SurveyDesign(spec: spec, table: table)).estimate(request)
            return rows.filter { !["focal", "reference", "difference", "ratio"].contains($0.component) }
        }
        var twofold = GapRequest(variable: "y", group: "g", reference: "a", focal: "b", adjust: "x")
        twofold.target = try Target(parsing: "<= 10")
        var pooled = twofold, threefold = twofold
        pooled.pooled = true
        threefold.threefold = true
        let both = RegressionEstimator.essentiallyPerfectFitNote(of: "the linear models of group b (focal) and group a (reference)")
        for (request, bootstrap) in [(twofold, false), (pooled, false), (threefold, false), (twofold, true)] {
            let found = try parts(csv(focalNoise: false, referenceNoise: false), request, bootstrap: bootstrap)
            XCTAssertGreaterThanOrEqual(found.count, request.threefold ? 6 : 2)
            for part in found {
                let what = "\(request.pooled ? "pooled " : "")\(request.threefold ? "threefold " : "")\(bootstrap ? "bootstrap " : "")\(part.component)"
                XCTAssert(part.note?.contains(both) == true, "\(what): \(part.note ?? "no note")")
                XCTAssert(part.standardErrorMeasuresNothing, what)
                XCTAssertNil(part.verdict, what)
                XCTAssertNil(part.targetPValue, what)
            }
        }
        let focalOnly = RegressionEstimator.essentiallyPerfectFitNote(of: "the linear model of group b (focal)")
        for part in try parts(csv(focalNoise: false, referenceNoise: true), twofold) {
            XCTAssertEqual(part.note, focalOnly, part.component)
        }
        for part in try parts(csv(focalNoise: true, referenceNoise: true), twofold) {
            XCTAssertNil(part.note, part.component)
            XCTAssertFalse(part.standardErrorMeasuresNothing, part.component)
        }
    }

    /// A group without a row at a factor's base level cannot tell the factor's other levels from
    /// the intercept: the error names the level and the group (not a dummy to drop).
    func testGroupLackingTheBaseLevelIsNamed() throws {
        var csv = "psu,w,g,x,e,y\n"
        for i in 0..<120 {
            let g = i % 2, level = ["a", "b", "c"][g == 1 ? 1 + i % 4 / 2 : i % 3]
            csv += "\(i % 12),1,\(g),\(Double(i % 7)),\(level),\(Double(i % 5) + Double(g))\n"
        }
        let table = try CSVReader.parse(Array(csv.utf8), source: "base.csv")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", clusters: ["psu"]), table: table)
        var request = GapRequest(variable: "y", group: "g", reference: "0")
        request.adjust = "x + factor(e)"
        XCTAssertThrowsError(try GapEstimator(table: table, design: design).estimate(request)) { error in
            XCTAssert("\(error)".contains("group 1 (focal): e=a, the factor's base level, has no rows in this group"), "\(error)")
        }
    }

    func testPooledAgainstClosedFormAndBootstrap() throws {
        let (table, design) = try sample()
        let g = try table.numeric("g")
        let f = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 1 }, names: names)
        let r = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 0 }, names: names)
        let pooled = try groupFit(table, design, formula: "y ~ x + e + g", rows: g.map { _ in true }, names: names + ["g"])
        let star = Array(pooled.beta.prefix(names.count))
        let request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x + e", pooled: true)
        let got = try rows(table, design, request)
        let explained = dot(minus(f.means, r.means), star)
        let unexplained = dot(f.means, minus(f.beta, star)) + dot(r.means, minus(star, r.beta))
        assertClose(got["explained"]!.estimate, explained, rel: 1e-10, "explained")
        assertClose(got["unexplained"]!.estimate, unexplained, rel: 1e-10, "unexplained")
        assertClose(explained + unexplained, f.yMean - r.yMean, rel: 1e-10, "the parts add up to the gap")
        // Per term: x alone, e over its two coded levels.
        assertClose(got["explained[x]"]!.estimate, (f.means[1] - r.means[1]) * star[1], rel: 1e-10)
        var unexplainedE = 0.0
        for j in 2...3 {
            let focalPart: Double = f.means[j] * (f.beta[j] - star[j])
            let referencePart: Double = r.means[j] * (star[j] - r.beta[j])
            unexplainedE += focalPart + referencePart
        }
        assertClose(got["unexplained[e]"]!.estimate, unexplainedE, rel: 1e-10)
        try assertBootstrapAgrees(table, design, request, ["explained", "unexplained"])
    }

    /// Threefold: endowments (x̄_f − x̄_r)'β_r, coefficients x̄_r'(β_f − β_r), interaction
    /// (x̄_f − x̄_r)'(β_f − β_r), summing to the gap.
    func testThreefoldAgainstClosedFormAndBootstrap() throws {
        let (table, design) = try sample()
        let g = try table.numeric("g")
        let f = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 1 }, names: names)
        let r = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 0 }, names: names)
        let request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x + e", threefold: true)
        let got = try rows(table, design, request)
        let d = minus(f.means, r.means), b = minus(f.beta, r.beta)
        assertClose(got["endowments"]!.estimate, dot(d, r.beta), rel: 1e-10, "endowments")
        assertClose(got["coefficients"]!.estimate, dot(r.means, b), rel: 1e-10, "coefficients")
        assertClose(got["interaction"]!.estimate, dot(d, b), rel: 1e-10, "interaction")
        assertClose(dot(d, r.beta) + dot(r.means, b) + dot(d, b), f.yMean - r.yMean, rel: 1e-10, "the parts add up to the gap")
        try assertBootstrapAgrees(table, design, request, ["endowments", "coefficients", "interaction"])
    }

    /// The reported case (wages.csv: edu = 3 only in the reference group): the values of
    /// expected.md, computed there with R's lm on each group (edu3 = 0 for the focal group).
    func testLevelAbsentFromFocalMatchesR() throws {
        let table = try FixtureFiles.table("wages", in: "oaxaca")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"]), table: table)
        let request = GapRequest(variable: "wage", group: "origin", reference: "majority", focal: "minority", adjust: "exper + factor(edu)")
        let got = try rows(table, design, request)
        XCTAssertEqual(got["difference"]!.estimate, -10.34890, accuracy: 5e-6)
        XCTAssertEqual(got["explained"]!.estimate, -2.939379, accuracy: 5e-7)
        XCTAssertEqual(got["unexplained"]!.estimate, -7.409524, accuracy: 5e-7)
    }

    /// A level the focal group lacks: the closed form with β_f = 0 for it, and SEs against the
    /// bootstrap (the missing coefficient contributes nothing).
    func testLevelAbsentFromFocalAgainstClosedFormAndBootstrap() throws {
        let (table, design) = try sample(focalLacks: "c")
        let g = try table.numeric("g")
        let f = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 1 }, names: names)
        let r = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 0 }, names: names)
        XCTAssertEqual(f.means[3], 0, "the focal group has no e = c")
        let request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x + e")
        let got = try rows(table, design, request)
        assertClose(got["explained"]!.estimate, dot(minus(f.means, r.means), r.beta), rel: 1e-10, "explained")
        assertClose(got["unexplained"]!.estimate, dot(f.means, minus(f.beta, r.beta)), rel: 1e-10, "unexplained")
        try assertBootstrapAgrees(table, design, request, ["explained", "unexplained", "explained[e]", "unexplained[e]"])
        // Pooled coefficients exist for every level: also defined.
        XCTAssertNoThrow(try rows(table, design, GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x + e", pooled: true)))
    }

    /// Where the decomposition needs a coefficient that does not exist, one line names the
    /// level, the group and an option `gap` has.
    func testLevelAbsentWhereItsCoefficientIsNeededNamesGroupAndLevel() throws {
        let table = try FixtureFiles.table("wages", in: "oaxaca")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"]), table: table)
        func message(_ request: GapRequest) -> String {
            do { _ = try GapEstimator(table: table, design: design).estimate(request) } catch { return "\(error)" }
            return "no error"
        }
        let swapped = message(GapRequest(variable: "wage", group: "origin", reference: "minority", focal: "majority", adjust: "exper + factor(edu)"))
        XCTAssertTrue(swapped.hasPrefix("edu=3 has no rows in group minority (the reference group)"), swapped)
        XCTAssertTrue(swapped.contains("--subset \"edu != 3\""), swapped)
        XCTAssertFalse(swapped.contains("--allow-aliased"), swapped)
        let threefold = message(GapRequest(variable: "wage", group: "origin", reference: "majority", focal: "minority",
                                           adjust: "exper + factor(edu)", threefold: true))
        XCTAssertTrue(threefold.hasPrefix("edu=3 has no rows in group minority (the focal group)"), threefold)
        // Normalised, a missing coefficient would enter the factor's mean and bring back the omitted level.
        var normalized = GapRequest(variable: "wage", group: "origin", reference: "majority", focal: "minority", adjust: "exper + factor(edu)")
        normalized.normalize = true
        XCTAssertTrue(message(normalized).hasPrefix("edu=3 has no rows in group minority (the focal group), but --normalize"), message(normalized))
        // The suggested option works: without edu = 3 the decomposition is formed.
        var subset = GapRequest(variable: "wage", group: "origin", reference: "minority", focal: "majority", adjust: "exper + factor(edu)")
        subset.subset = try RowFilter(parsing: "edu != 3")
        XCTAssertNoThrow(try GapEstimator(table: table, design: design).estimate(subset))
    }

    /// Yun's normalisation by hand: each factor's coefficients as deviations from their mean over
    /// all K levels (the omitted one's 0 included), the intercept plus that mean, and the
    /// omitted level's share as a column of its own.
    func testNormalizedDetailAgainstYunsFormulas() throws {
        let (table, design) = try sample()
        let g = try table.numeric("g")
        let f = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 1 }, names: names)
        let r = try groupFit(table, design, formula: "y ~ x + e", rows: g.map { $0 == 0 }, names: names)
        func normalized(_ fit: GroupFit) -> (intercept: Double, levels: [Double], shares: [Double]) {
            let levels = [0, fit.beta[2], fit.beta[3]], mean = levels.reduce(0, +) / 3
            return (fit.beta[0] + mean, levels.map { $0 - mean }, [1 - fit.means[2] - fit.means[3], fit.means[2], fit.means[3]])
        }
        let nf = normalized(f), nr = normalized(r)
        var request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x + e")
        let plain = try rows(table, design, request)
        request.normalize = true
        let got = try rows(table, design, request)
        assertClose(got["explained[e]"]!.estimate, dot(minus(nf.shares, nr.shares), nr.levels), rel: 1e-10, "explained[e]")
        assertClose(got["unexplained[e]"]!.estimate, dot(nf.shares, minus(nf.levels, nr.levels)), rel: 1e-10, "unexplained[e]")
        assertClose(got["unexplained[(Intercept)]"]!.estimate, nf.intercept - nr.intercept, rel: 1e-10, "unexplained[(Intercept)]")
        for total in ["explained", "unexplained"] {
            assertClose(got[total]!.estimate, plain[total]!.estimate, rel: 1e-12, "\(total): the same total")
            assertClose(got[total]!.standardError, plain[total]!.standardError, rel: 1e-9, "\(total): the same SE")
        }
        try assertBootstrapAgrees(table, design, request, ["unexplained[e]", "unexplained[(Intercept)]"])
    }

    /// Normalised, the detail does not depend on which level is omitted: relabelling e so that
    /// each level in turn sorts first gives the same detail and SEs (the plain unexplained detail
    /// changes with the omitted level).
    func testNormalizedDetailIsIndependentOfTheOmittedLevel() throws {
        let (base, design) = try sample()
        let e = try base.categorical("e")
        func relabelled(_ first: String) -> Table {
            let labels = e.codes.map { e.levels[Int($0)] == first ? "0\(first)" : e.levels[Int($0)] }
            return base.adding("e2", .categorical(CategoricalColumn(labels: labels)))
        }
        func detail(_ table: Table, normalize: Bool) throws -> [String: GapRow] {
            var request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x + e2")
            request.normalize = normalize
            return try rows(table, design, request)
        }
        let reference = try detail(relabelled("a"), normalize: true)
        for first in ["b", "c"] {
            let other = try detail(relabelled(first), normalize: true)
            for name in ["explained[e2]", "unexplained[e2]", "unexplained[(Intercept)]", "unexplained[x]", "explained", "unexplained"] {
                assertClose(other[name]!.estimate, reference[name]!.estimate, rel: 1e-9, "\(name) with \(first) omitted")
                assertClose(other[name]!.standardError, reference[name]!.standardError, rel: 1e-8, "SE of \(name) with \(first) omitted")
            }
            let plain = try detail(relabelled(first), normalize: false), plainA = try detail(relabelled("a"), normalize: false)
            XCTAssertGreaterThan(abs(plain["unexplained[e2]"]!.estimate - plainA["unexplained[e2]"]!.estimate), 0.1, "the plain detail depends on the omitted level")
        }
    }

    func testNormalizeRefusesAFactorInAnInteraction() {
        let request = { () throws -> Void in
            let (table, design) = try self.sample()
            var r = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x * e")
            r.normalize = true
            _ = try GapEstimator(table: table, design: design).estimate(r)
        }
        XCTAssertThrowsError(try request()) { XCTAssertTrue("\($0)".contains("--normalize needs every factor as a main effect only"), "\($0)") }
    }

    /// Without a factor among the covariates there is nothing to normalise: refused, not ignored.
    func testNormalizeRefusesCovariatesWithoutAFactor() throws {
        let (table, design) = try sample()
        var request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x")
        request.normalize = true
        XCTAssertThrowsError(try GapEstimator(table: table, design: design).estimate(request)) {
            XCTAssertTrue("\($0)".contains("--normalize normalises the factor covariates of --adjust (Yun 2005)"), "\($0)")
        }
    }
}
