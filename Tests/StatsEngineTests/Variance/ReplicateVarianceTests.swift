import XCTest
@testable import StatsEngine

/// The variance method as a property of the design: with `--bootstrap` every command's
/// standard errors are the replicate spread of its own estimates (the same numbers as the
/// bootstrap computed by hand), and a replicate in which a cell is empty is left out as R's
/// `svrVar` leaves out replicates with NA estimates, with a note.
final class ReplicateVarianceTests: XCTestCase {
    private static let replicates = 60, seed: UInt64 = 9

    private func designs(_ table: Table, _ spec: DesignSpec) throws -> (linear: SurveyDesign, boot: SurveyDesign) {
        var boot = spec
        boot.varianceMethod = .bootstrap(replicates: Self.replicates, seed: Self.seed)
        return (try SurveyDesign(spec: spec, table: table), try SurveyDesign(spec: boot, table: table))
    }

    private func byHand(_ design: SurveyDesign, _ statistic: @Sendable (SurveyDesign) throws -> [Double]) throws -> Covariance {
        try RaoWuBootstrap(design: design, replicates: Self.replicates, seed: Self.seed).covariance(statistic).covariance
    }

    func testEstimateAndGapUseTheDesignsBootstrap() throws {
        let table = try FixtureFiles.table("nested", in: "svyglm")
        let spec = DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true)
        let (linear, boot) = try designs(table, spec)
        let request = EstimateRequest(statistic: .mean, variable: "y", by: ["region"])
        let rows = try DescriptiveEstimator(table: table, design: boot).estimate(request)
        let linearized = try DescriptiveEstimator(table: table, design: linear).estimate(request)
        let covariance = try byHand(linear) { d in try DescriptiveEstimator(table: table, design: d).estimate(request).map(\.estimate) }
        for (i, row) in rows.enumerated() {
            XCTAssertEqual(row.standardError!, covariance[i, i].squareRoot(), accuracy: 1e-12)
            // The design effect is the replicate variance over the same simple random sample's
            // variance as linearization's (every weight is positive, so the same n).
            let ratio = row.standardError! / linearized[i].standardError!
            XCTAssertEqual(row.designEffect!, linearized[i].designEffect! * ratio * ratio, accuracy: 1e-12 * row.designEffect!)
            XCTAssertEqual(row.confidenceHigh! - row.estimate, 1.959963984540054 * row.standardError!, accuracy: 1e-9)
        }

        let gap = GapRequest(variable: "y", group: "region", reference: rows[0].group[0].level, target: try Target(parsing: "<= 100"))
        let gaps = try GapEstimator(table: table, design: boot).estimate(gap)
        let gapCovariance = try byHand(linear) { d in try GapEstimator(table: table, design: d).estimate(gap).map(\.estimate) }
        for (i, row) in gaps.enumerated() {
            XCTAssertEqual(row.standardError, gapCovariance[i, i].squareRoot(), accuracy: 1e-12, row.component)
        }
        XCTAssertNotNil(gaps.first { $0.component == "difference" }?.verdict)
    }

    /// Means, totals, proportions and ratios take every replicate in one pass over the rows
    /// (`RatiosOfTotals`); their standard errors equal re-estimating on each replicate design.
    func testOnePassReplicatesEqualReestimation() throws {
        let table = try FixtureFiles.table("nested", in: "svyglm")
        let (linear, boot) = try designs(table, DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true))
        var ratio = EstimateRequest(statistic: .ratio, variable: "y", by: ["region"])
        ratio.denominator = "x"
        let requests = [EstimateRequest(statistic: .mean, variable: "y", by: ["region", "bin"]),
                        EstimateRequest(statistic: .total, variable: "x"),
                        EstimateRequest(statistic: .proportion, variable: "cat", by: ["region"]), ratio]
        for request in requests {
            let rows = try DescriptiveEstimator(table: table, design: boot).estimate(request)
            let covariance = try byHand(linear) { d in try DescriptiveEstimator(table: table, design: d).estimate(request).map(\.estimate) }
            for (i, row) in rows.enumerated() {
                let expected = covariance[i, i].squareRoot()
                XCTAssertEqual(row.standardError!, expected, accuracy: 1e-12 * expected, "\(request.statistic) row \(i)")
            }
        }
        // Gaps: every region against the first, a proportion between two periods (bin as the
        // period) and a ratio, both in percentage points (`--scale pp`: each replicate's rows in
        // the unit of the full sample's, the ratio rows unitless); each row follows from its
        // replicate's cells.
        var proportion = GapRequest(variable: "num", group: "region", reference: "Nord", statistic: .proportion)
        proportion.period = Period(column: "bin", baseline: "0", current: "1")
        proportion.scale = 100
        var ratioGap = GapRequest(variable: "y", group: "region", reference: "Nord", statistic: .ratio)
        ratioGap.denominator = "x"
        ratioGap.scale = 100
        for gap in [GapRequest(variable: "y", group: "region", reference: "Nord"), proportion, ratioGap] {
            let rows = try GapEstimator(table: table, design: boot).estimate(gap)
            let covariance = try byHand(linear) { d in try GapEstimator(table: table, design: d).estimate(gap).map(\.estimate) }
            XCTAssertGreaterThanOrEqual(rows.count, 8)
            for (i, row) in rows.enumerated() {
                let expected = covariance[i, i].squareRoot()
                XCTAssertEqual(row.standardError, expected, accuracy: 1e-12 * expected, "\(gap.statistic) \(row.focal) \(row.component)")
            }
        }
    }

    func testRegressionAndRepresentationUseTheDesignsBootstrap() throws {
        let table = try FixtureFiles.table("nested", in: "svyglm")
        let (linear, boot) = try designs(table, DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], nest: true))
        let request = RegressionRequest(formula: "y ~ x + z")
        let fit = try RegressionEstimator(table: table, design: boot).fit(request)
        let covariance = try byHand(linear) { d in
            try RegressionEstimator(table: table, design: d).fit(request).coefficients.map { $0.estimate! }
        }
        for (i, row) in fit.coefficients.enumerated() {
            XCTAssertEqual(row.standardError!, covariance[i, i].squareRoot(), accuracy: 1e-9 * covariance[i, i].squareRoot(), row.term)
        }

        // Representation: staff and benchmark are independent samples, each with its own method.
        let staff = RepresentationSource(table: table, design: linear, census: true)
        let representation = RepresentationRequest(column: "region", focal: "Nord")
        let rows = try RepresentationEstimator(population: staff, benchmark: RepresentationSource(table: table, design: boot, census: false))
            .estimate(representation)
        let benchmark = try byHand(linear) { d in
            try RepresentationEstimator(population: staff, benchmark: RepresentationSource(table: table, design: d, census: false))
                .estimate(representation).map(\.estimate)
        }
        // The benchmark's share carries the replicate variance; the index's follows from it by
        // the delta method, as with linearization.
        let share = try XCTUnwrap(rows.firstIndex { $0.component == "benchmark" })
        XCTAssertEqual(rows[share].standardError, benchmark[share, share].squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(rows[0].standardError, 0, "the staff is a census")
    }

    /// A domain with few PSUs is empty in some replicates: those replicates are left out of its
    /// variance (R's svrVar with na.omit, svyby a domain at a time), and its row says how many;
    /// the other domain keeps every replicate.
    func testReplicatesInWhichACellIsEmptyAreLeftOutWithANote() throws {
        var csv = "stratum,psu,g,y\n"
        for p in 1...6 { for i in 0..<3 { csv += "1,\(p),\(p == 1 ? "rare" : "common"),\(p * 3 + i)\n" } }
        let table = try CSVReader.parse(Array(csv.utf8), source: "small.csv")
        var spec = DesignSpec(strata: "stratum", clusters: ["psu"])
        spec.varianceMethod = .bootstrap(replicates: 200, seed: 3)
        let design = try SurveyDesign(spec: spec, table: table)
        let rows = try DescriptiveEstimator(table: table, design: design).estimate(EstimateRequest(statistic: .mean, variable: "y", by: ["g"]))
        XCTAssertEqual(rows.count, 2)
        let rare = try XCTUnwrap(rows.first { $0.group[0].level == "rare" })
        XCTAssertNil(try XCTUnwrap(rows.first { $0.group[0].level == "common" }).note)
        let note = try XCTUnwrap(rare.note)
        XCTAssertTrue(note.contains("replicates gave no estimate"), note)
        let common = try XCTUnwrap(rows.first { $0.group[0].level == "common" }?.standardError)
        XCTAssertTrue(common > 0 && common.isFinite, "\(common)")
        // The rare domain is one PSU, whose rows every replicate that draws it scales alike.
        XCTAssertLessThan(try XCTUnwrap(rare.standardError), 1e-12 * rare.estimate)
        XCTAssertTrue(note.hasSuffix(SurveyDesign.zeroDegreesOfFreedomNote), "a 0 that measures nothing, flagged: \(note)")
        let dropped = Int(note.split(separator: " ")[0])!
        // With 5 of 6 PSUs drawn per replicate, PSU 1 is missed with probability (5/6)^5 ≈ 0.40.
        XCTAssertEqual(Double(dropped) / 200, 0.40, accuracy: 0.12)
    }

    /// A regression's replicates that separate the outcome, or leave a coefficient not
    /// estimable, are left out, and the output says how many and why: the standard errors
    /// then leave out the most unstable replicates, where R's svyglm keeps their diverging
    /// coefficients.
    func testRegressionReplicatesThatSeparateAreLeftOutWithANote() throws {
        // A rare group in PSUs 1 and 2, whose only y = 1 rows are in PSU 1: a replicate that
        // draws PSU 2 but not PSU 1 separates the group; one that draws neither leaves its
        // coefficient not estimable.
        var csv = "stratum,psu,rare,x,y\n"
        for p in 1...6 {
            for i in 0..<20 {
                let rare = p <= 2 && i < 5
                let y = rare ? (p == 1 && i < 2 ? 1 : 0) : (i * 7 + p) % 3 == 0 ? 1 : 0
                csv += "1,\(p),\(rare ? 1 : 0),\(Double((i * 13 + p * 5) % 11) / 11),\(y)\n"
            }
        }
        let table = try CSVReader.parse(Array(csv.utf8), source: "rare.csv")
        var spec = DesignSpec(strata: "stratum", clusters: ["psu"])
        spec.varianceMethod = .bootstrap(replicates: 100, seed: 5)
        let design = try SurveyDesign(spec: spec, table: table)
        let result = try RegressionEstimator(table: table, design: design)
            .fit(RegressionRequest(formula: "y ~ x + rare", family: .binomial))
        let note = try XCTUnwrap(result.notes.first, "the left-out replicates must be announced")
        XCTAssertTrue(note.contains("separate the outcome") && note.contains("may understate"), note)
        XCTAssertTrue(result.coefficients.allSatisfy { $0.standardError.map { $0 > 0 && $0.isFinite } ?? false })
        let report = Report.regression(result, design: design)
        XCTAssertEqual(report.tabular.columns.last, "note")
        XCTAssertEqual(report.notes, result.notes)
        // Without failing replicates there is no note.
        let plain = try RegressionEstimator(table: table, design: design).fit(RegressionRequest(formula: "y ~ x", family: .binomial))
        XCTAssertEqual(plain.notes, [])
        XCTAssertFalse(Report.regression(plain, design: design).tabular.columns.contains("note"))
    }

    /// A replicate that separates a small cell is left out whatever coefficient its deviance
    /// test stopped at: a 2-row cell of y = 1 among 2,000 rows stops near 12, before its means
    /// reach their bound, and was kept with that coefficient as if estimated; the check now
    /// tests the column of any coefficient whose effect reaches `SeparationCheck.largeEffect`.
    func testRegressionReplicateSeparatingASmallCellIsLeftOut() throws {
        var rng = SplitMix64(seed: 53)
        var csv = "x,cell,y,w,r1,r2,r3,r4,r5,r6\n"
        for i in 0..<2_000 {
            let x = rng.normal(), rare = i < 4
            let y = rare ? (i < 2 ? 1 : 0) : rng.uniform() < 1 / (1 + exp(-0.3 * x)) ? 1 : 0
            // Replicates 4 to 6 leave out the rare cell's y = 0 rows: it separates there.
            let replicates = (1...6).map { r in r > 3 && rare && y == 0 ? 0 : Double(1 + rng.next() % 2) }
            csv += "\(x),\(rare ? "b" : "a"),\(y),1," + replicates.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        let table = try CSVReader.parse(Array(csv.utf8), source: "small-cell.csv")
        var spec = DesignSpec(weights: "w")
        spec.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: "r*", type: .bootstrap))
        let result = try RegressionEstimator(table: table, design: try SurveyDesign(spec: spec, table: table))
            .fit(RegressionRequest(formula: "y ~ x + factor(cell)", family: .binomial))
        let note = try XCTUnwrap(result.notes.first, "the separating replicates must be announced")
        XCTAssertTrue(note.hasPrefix("3 of 6 replicates") && note.contains("3 separate the outcome"), note)
    }

    /// A replicate that gives every row of the model weight 0 has no refit: it is left out
    /// (R's `svyglm` stops with an error, "NAs in V(mu)"), and the note names the cause (it was
    /// counted as a refit that did not converge).
    func testRegressionReplicateWithoutWeightIsLeftOut() throws {
        var rng = SplitMix64(seed: 43)
        var csv = "x,y,w,r1,r2,r3,r4,r5\n"
        for _ in 0..<400 {
            let x = rng.normal(), y = rng.uniform() < 1 / (1 + exp(-x)) ? 1 : 0
            let r = (0..<4).map { _ in rng.next() % 3 }
            csv += "\(x),\(y),1,\(r[0]),\(r[1]),0,\(r[2]),\(r[3])\n"
        }
        let table = try CSVReader.parse(Array(csv.utf8), source: "weightless.csv")
        func fit(_ pattern: String) throws -> RegressionResult {
            var spec = DesignSpec(weights: "w")
            spec.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: pattern, type: .bootstrap))
            return try RegressionEstimator(table: table, design: try SurveyDesign(spec: spec, table: table))
                .fit(RegressionRequest(formula: "y ~ x", family: .binomial))
        }
        let result = try fit("r*")
        let note = try XCTUnwrap(result.notes.first, "the left-out replicate must be announced")
        XCTAssertTrue(note.hasPrefix("1 of 5 replicates") && note.contains("1 give every row of the model weight 0")
                      && note.contains("R's svyglm stops with an error there"), note)
        XCTAssertTrue(result.coefficients.allSatisfy { $0.standardError.map { $0 > 0 && $0.isFinite } ?? false })
    }

    /// A regression's residual df on replicate weights is R's `degf` of the design before the
    /// rows with missing values are left out (`svyglm.svyrep.design` takes it so), minus the
    /// coefficients plus 1: with x missing on every row of one PSU of a JK1 design of 10 PSUs,
    /// the replicate weights' rank over all rows is 10 (over the model's rows 9), so the df is
    /// 10 − 1 + 1 − 2 = 8 (R's); under `--subset` the rank over the subset's rows, missing
    /// values included.
    func testRegressionReplicateDegreesOfFreedomCountRowsWithMissingValues() throws {
        var rng = SplitMix64(seed: 47)
        let psus = 10
        var csv = "psu,x,y,w" + (1...psus).map { ",r\($0)" }.joined() + "\n"
        for p in 1...psus {
            for _ in 0..<30 {
                let x = rng.normal(), y = rng.uniform() < 1 / (1 + exp(-x)) ? 1 : 0
                let replicates = (1...psus).map { j in j == p ? "0" : "\(Double(psus) / Double(psus - 1))" }
                csv += "\(p),\(p == 1 ? "" : "\(x)"),\(y),1," + replicates.joined(separator: ",") + "\n"
            }
        }
        let table = try CSVReader.parse(Array(csv.utf8), source: "jk1.csv")
        var spec = DesignSpec(weights: "w")
        spec.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: "r*", type: .jk1))
        let design = try SurveyDesign(spec: spec, table: table)
        let estimator = RegressionEstimator(table: table, design: design)
        let result = try estimator.fit(RegressionRequest(formula: "y ~ x", family: .binomial))
        XCTAssertEqual(result.dfResidual, 8, "R's degf before the missing rows are left out")
        // A subset of PSUs 1 to 6 (PSU 1 all missing): rank 6 over its rows (over the model's
        // rows, PSUs 2 to 6, 5), so 6 − 1 + 1 − 2 = 4.
        var request = RegressionRequest(formula: "y ~ x", family: .binomial)
        request.subset = try RowFilter(parsing: "psu <= 6")
        XCTAssertEqual(try estimator.fit(request).dfResidual, 4)
    }

    /// Representation's replicates in which the benchmark has no row at a level of the
    /// standardising characteristic are left out, and the note of every row resting on the
    /// benchmark says so (not the staff's own share's); a barometer figure carries its waves' notes.
    func testRepresentationReplicatesLeftOutAreAnnounced() throws {
        // The benchmark's level "rare" lies in one PSU of six: a replicate that misses it has no
        // group share there.
        var csv = "stratum,psu,group,level\n"
        for p in 1...6 { for i in 0..<8 { csv += "1,\(p),\(i % 3 == 0 ? "focal" : "other"),\(p == 1 ? "rare" : "common")\n" } }
        let table = try CSVReader.parse(Array(csv.utf8), source: "benchmark.csv")
        var spec = DesignSpec(strata: "stratum", clusters: ["psu"])
        spec.varianceMethod = .bootstrap(replicates: 50, seed: 11)
        let benchmark = RepresentationSource(table: table, design: try SurveyDesign(spec: spec, table: table), census: false)
        let staff = RepresentationSource(table: table, design: try SurveyDesign(spec: DesignSpec(), table: table), census: true)
        let request = RepresentationRequest(column: "group", focal: "focal", standardise: "level")
        let rows = try RepresentationEstimator(population: staff, benchmark: benchmark).estimate(request)
        XCTAssertEqual(rows.first?.component, "share")
        XCTAssertNil(rows.first?.note, "the staff's census share rests on no replicate")
        let note = try XCTUnwrap(rows[1].note, "the left-out replicates must be announced")
        XCTAssertTrue(note.hasPrefix("benchmark: ") && note.contains("replicates gave no estimate"), note)
        XCTAssertTrue(rows.dropFirst().allSatisfy { $0.note == note })
        let report = Report.representation(rows, request: request)
        XCTAssertEqual(report.tabular.columns.last, "note")
        XCTAssertTrue(report.notes.contains { $0.contains(note) }, "\(report.notes)")

        let figure = try WaveByWave(waves: .init(current: "2014", baseline: "2010", previous: nil), minimumCell: 1, level: 0.95) { wave in
            WaveByWave.AtWave(value: Inferred(estimate: 1, standardError: 0.1, df: nil, low: nil, high: nil), smallestCell: 10,
                              strata: [[]], notes: wave == "2010" ? [note] : [])
        }
        XCTAssertEqual(figure.notes, ["wave 2010: \(note)"])
    }

    /// A replicate design's one-pass statistics skip the linearization's standard errors only
    /// where the variance engine cannot fail: a stratum with one PSU under `--lonely-psu fail`
    /// still fails the mean on replicate weights and on made replicates alike, while under
    /// `remove` the mean gets its replicate standard error.
    func testLonelyPSUStillFailsReplicateMeans() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lonely-replicates-\(UUID().uuidString).csv")
        try "stratum,psu,w,y,r1,r2,r3\n1,1,1,2,2,0,1\n1,2,1,4,0,2,1\n2,3,2,5,2,2,4\n2,3,2,7,2,2,0\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let table = try CSVReader.read(path: file.path)
        let request = EstimateRequest(statistic: .mean, variable: "y")
        let methods: [VarianceMethod] = [.replicateWeights(ReplicateWeightsSpec(columns: "r*", type: .bootstrap)),
                                         .madeReplicates(MakeReplicatesSpec(kind: .bootstrap, replicates: 20, seed: 1))]
        for method in methods {
            for rule in [LonelyPSU.fail, .remove] {
                let spec = DesignSpec(weights: "w", strata: "stratum", clusters: ["psu"], lonelyPSU: rule, varianceMethod: method)
                let design = try SurveyDesign(spec: spec, table: table)
                XCTAssertEqual(VarianceEngine(design: design).mayFail, rule == .fail, "\(method) \(rule)")
                let estimator = DescriptiveEstimator(table: table, design: design)
                if rule == .fail {
                    XCTAssertThrowsError(try estimator.estimate(request), "\(method)") { error in
                        XCTAssert("\(error)".contains("has only one PSU"), "\(error)")
                    }
                } else {
                    let row = try XCTUnwrap(estimator.estimate(request).first)
                    XCTAssertEqual(row.estimate, 5, accuracy: 1e-12)
                    XCTAssertGreaterThan(try XCTUnwrap(row.standardError, "\(method)"), 0)
                }
            }
        }
    }
}
