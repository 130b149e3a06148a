import Foundation
import XCTest
@testable import StatsEngine

/// Edge cases found by adversarial testing: each must be a clear one-line error (or a sound
/// answer), never a crash, a wrong verdict or a replaced device file.
final class EdgeCaseTests: XCTestCase {
    private func table(_ text: String) throws -> Table { try CSVReader.parse(Array(text.utf8), source: "t.csv") }

    private func assertError(_ body: @autoclosure () throws -> Any, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssert(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), "one line", file: file, line: line)
        }
    }

    /// `--lonely-psu average --adjust-domain-lonely` on a two-stage design: a domain's missing
    /// standard error (R's NaN) is noted with the stage where the average found nothing, as R's
    /// warnings name it (`oracle/lonely_average_stages.R`): stage 1 when every stratum of the
    /// domain's rows is warned of at stage 1, and at stage 2 the first PSU R warns of, with the
    /// count of the others; the estimable domain's SE is R's.
    func testAverageNoteNamesTheStageThatFoundNothing() throws {
        let t = try FixtureFiles.table("lonely_average_stages", in: "survey")
        var spec = DesignSpec(weights: "w", strata: "st", clusters: ["psu", "ssu"], fpc: ["N1", "N2"], lonelyPSU: .average)
        spec.adjustDomainLonely = true
        let design = try SurveyDesign(spec: spec, table: t)
        let rows = try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: .mean, variable: "y", by: ["g"]))
        let expected = try String(contentsOf: FixtureFiles.url("lonely_average_stages_expected", "csv", in: "survey"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.map { $0.group[0].level }, expected.map { $0[0] })
        let g = try t.proportionCategories("g"), st = try t.numeric("st")
        for (row, record) in zip(rows, expected) {
            let level = record[0], warnings = record[3].split(separator: ";").map(String.init)
            assertClose(row.estimate, Double(record[1]), rel: 1e-12, level)
            guard record[2] == "NaN" else {
                assertClose(row.standardError, Double(record[2]), rel: 1e-12, level)
                XCTAssertNil(row.note, level)
                continue
            }
            XCTAssertFalse(row.standardError?.isFinite ?? false, level)
            let note = try XCTUnwrap(row.note, level)
            let strata = Set(st.indices.filter { g.codes[$0] >= 0 && g.levels[Int(g.codes[$0])] == level }.map { Int(st[$0]) })
            XCTAssertEqual(note.contains("has no stratum to average over (each stratum of these rows has one PSU in them)"),
                           strata.allSatisfy { warnings.contains("\($0)@1") }, "\(level): \(note)")
            let stageTwo = warnings.filter { $0.hasSuffix("@2") }.map { $0.dropLast(2).split(separator: ".").map(String.init) }
            if let (stratum, psu) = stageTwo.first.map({ ($0[0], $0[1]) }) {
                let others = stageTwo.count == 1 ? "" : " (and \(stageTwo.count - 1) more PSU\(stageTwo.count > 2 ? "s" : "") alike)"
                XCTAssert(note.contains("nothing to average over within PSU '\(psu)' of stratum '\(stratum)' (stage 2), whose second-stage units of these rows are one\(others)"),
                          "\(level): \(note)")
            } else {
                XCTAssertFalse(note.contains("stage 2"), "\(level): \(note)")
            }
            XCTAssert(note.hasPrefix("no standard error: --lonely-psu average has ") && note.hasSuffix("; R gives NaN"), note)
        }
    }

    /// `--lonely-psu average` with `--adjust-domain-lonely` on a domain whose only stratum has
    /// one PSU in it has nothing to average over: no standard error (R's NaN), with a note, never
    /// a standard error of 0; without the adjustment the stratum's other PSUs count as zeros.
    func testAverageOverNoStratumGivesNoStandardError() throws {
        var text = "st,psu,w,g,y\n"
        for psu in 1...4 { for i in 0..<3 { text += "\(psu <= 2 ? 1 : 2),\(psu),\(1 + i),\(psu == 3 && i < 2 ? "r" : "a"),\(psu * 2 + i)\n" } }
        let t = try table(text)
        for adjust in [true, false] {
            var spec = DesignSpec(weights: "w", strata: "st", clusters: ["psu"], lonelyPSU: .average)
            spec.adjustDomainLonely = adjust
            let design = try SurveyDesign(spec: spec, table: t)
            var request = EstimateRequest(statistic: .total, variable: "y")
            request.subset = try RowFilter(parsing: "g == \"r\"")
            let row = try XCTUnwrap(DescriptiveEstimator(table: t, design: design).estimate(request).first)
            XCTAssertEqual(row.estimate, 6 * 1 + 7 * 2)
            if adjust {
                // Not a number: null in JSON, empty in CSV.
                XCTAssertFalse(row.standardError?.isFinite ?? false)
                XCTAssertFalse(row.confidenceLow?.isFinite ?? false)
                XCTAssert(row.note?.contains("--lonely-psu average has no stratum to average over") == true, "\(String(describing: row.note))")
                // A gap with that group has no standard error either, and no verdict: never the
                // other group's SE as if this one's were 0.
                var gap = GapRequest(variable: "y", group: "g", reference: "a", focal: "r")
                gap.target = try Target(parsing: ">= -100")
                let rows = try GapEstimator(table: t, design: design).estimate(gap)
                let difference = try XCTUnwrap(rows.first { $0.component == "difference" })
                XCTAssertFalse(difference.standardError.isFinite)
                XCTAssertNil(difference.verdict)
                XCTAssert(difference.note?.contains("no standard error") == true, "\(String(describing: difference.note))")
                // Nor can the bootstrap apply the rule: resampling leaves a lonely stratum without variance.
                var boot = spec
                boot.varianceMethod = .bootstrap(replicates: 20, seed: 1)
                let lonelyTable = try table("st,psu,y\n1,1,1\n1,2,2\n2,3,4\n2,3,5\n")
                for rule in [LonelyPSU.adjust, .average] {
                    boot.lonelyPSU = rule
                    boot.weights = nil
                    let bootstrapped = try SurveyDesign(spec: boot, table: lonelyTable)
                    assertError(try DescriptiveEstimator(table: lonelyTable, design: bootstrapped).estimate(EstimateRequest(statistic: .mean, variable: "y")),
                                "--bootstrap cannot apply --lonely-psu \(rule.rawValue): stratum 2 has one PSU")
                }
            } else {
                // Stratum 2's PSU totals 20 and 0 about their mean 10: 2/(2 − 1) · (10² + 10²), and
                // stratum 1 has no rows of the domain (a zero total).
                XCTAssertEqual(try XCTUnwrap(row.standardError), (2.0 * 200).squareRoot(), accuracy: 1e-12)
                XCTAssertNil(row.note)
            }
        }
    }

    /// A design of one PSU has no sampling variance to estimate: `--lonely-psu certainty` gave
    /// its mean a standard error of 0 and a gap verdict "met" on nothing. It is an error naming the
    /// cluster (R's svydesign: "Design has only one primary sampling unit"), in one stratum or
    /// without clusters on one row; replicate weight columns carry their own variance.
    func testADesignOfOnePSUIsAnError() throws {
        let t = try table("psu,w,y,g,r1,r2\n11,1,3,a,1,2\n11,2,5,b,2,1\n11,1,4,a,0,1\n")
        for rule in [LonelyPSU.fail, .certainty, .remove, .adjust, .average] {
            assertError(try SurveyDesign(spec: DesignSpec(weights: "w", clusters: ["psu"], lonelyPSU: rule), table: t),
                        "t.csv, column 'psu': the design has only one primary sampling unit (cluster '11')")
        }
        var nested = DesignSpec(weights: "w", strata: "g", clusters: ["psu"], lonelyPSU: .certainty)
        nested.nest = true
        XCTAssertNoThrow(try SurveyDesign(spec: nested, table: t), "two strata: two PSUs")
        let one = try table("w,y\n2,3\n")
        assertError(try SurveyDesign(spec: DesignSpec(weights: "w"), table: one),
                    "the design has only one primary sampling unit (its one row)")
        var replicates = DesignSpec(weights: "w")
        replicates.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: "r*", type: .jk1))
        XCTAssertNoThrow(try SurveyDesign(spec: replicates, table: t))
    }

    /// `--vcov hc2` and `hc3` divide by 1 − h: a row of leverage 1 (the one row of a factor
    /// level) makes them undefined (R's sandwich: NaN), an error naming the row, never finite
    /// standard errors from 0/0; `hc1` is defined there.
    func testHC2AndHC3AtLeverageOneAreAnErrorNamingTheRow() throws {
        let t = try table("y,x,f,w\n1,1,a,1\n3,2,a,1\n2,3,a,2\n5,4,b,1\n4,5,b,1\n7,2,c,1\n")
        let estimator = RegressionEstimator(table: t, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: t))
        for type in [CovarianceType.hc2, .hc3] {
            assertError(try estimator.fit(RegressionRequest(formula: "y ~ x + f", covariance: type)),
                        "t.csv:7: --vcov \(type.rawValue) is undefined: this row has leverage 1")
        }
        XCTAssertNotNil(try estimator.fit(RegressionRequest(formula: "y ~ x + f", covariance: .hc1)).coefficients[0].standardError)
    }

    /// A model whose rows all have weight 0 says so, not that its terms are linear combinations.
    func testRegressionOnRowsWithoutWeightSaysSo() throws {
        let t = try table("y,x,w\n1,1,0\n3,2,0\n2,3,0\n5,4,1\n4,5,2\n")
        let estimator = RegressionEstimator(table: t, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: t))
        var request = RegressionRequest(formula: "y ~ x", covariance: .classical)
        request.subset = try RowFilter(parsing: "w == 0")
        assertError(try estimator.fit(request), "formula 'y ~ x': the 3 rows of the model all have weight 0")
    }

    /// A quantile gap whose one group has no Woodruff interval (its rows leave 0 design df)
    /// gives that comparison no standard error, with a note, and the other comparisons theirs;
    /// `estimate quantile` says why the group has none.
    func testQuantileGapWithAGroupWithoutAnIntervalKeepsTheOthers() throws {
        var text = "st,psu,g,y\n"
        // Strata of two PSUs; a and b in every PSU, r in PSU 0 alone.
        for i in 0..<60 { text += "\(i % 6 % 3),\(i % 6),\(i % 6 == 0 && i < 12 ? "r" : (i / 6) % 2 == 0 ? "a" : "b"),\(Double((i * 17) % 23))\n" }
        let t = try table(text)
        let design = try SurveyDesign(spec: DesignSpec(strata: "st", clusters: ["psu"]), table: t)
        let rows = try GapEstimator(table: t, design: design).estimate(GapRequest(variable: "y", group: "g", reference: "a", statistic: .quantile))
        XCTAssertTrue(rows.filter { $0.focal == "b" }.allSatisfy { $0.standardError.isFinite && $0.note == nil })
        let r = try XCTUnwrap(rows.first { $0.focal == "r" && $0.component == "difference" })
        XCTAssertFalse(r.standardError.isFinite)
        XCTAssert(r.note?.hasPrefix("no standard error") == true, "\(String(describing: r.note))")
        let alone = try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: .quantile, variable: "y", by: ["g"]))
        XCTAssertEqual(alone.first { $0.group[0].level == "r" }?.note, "no standard error: the design leaves these rows 0 degrees of freedom (R gives NaN)")
    }

    func testQuantileGapOnAGroupWithOnlyZeroWeights() throws {
        var text = "y,g,w\n"
        for i in 1...10 { text += "\(i),a,1\n" }
        text += "11,b,0\n12,b,0\n"
        let t = try table(text)
        let design = try SurveyDesign(spec: DesignSpec(weights: "w"), table: t)
        for stat in [GapStatistic.quantile, .lowerMean, .mean] {
            assertError(try GapEstimator(table: t, design: design).estimate(GapRequest(variable: "y", group: "g", reference: "a", statistic: stat)),
                        "g=b has no rows with a positive weight")
        }
    }

    /// `--by` on a column missing in every row (or columns never present together) would give an
    /// empty table with exit 0; it is an error naming the column, for every statistic and `table`.
    func testByOnAnAllMissingColumnIsAnError() throws {
        let t = try table("x,e,g,h\n1,,a,\n2,,b,\n3,,a,\n4,,,u\n")
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        for stat in [Statistic.mean, .quantile, .proportion] {
            assertError(try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: stat, variable: "x", by: ["e"])),
                        "column 'e': every value is missing, so --by has no domain")
        }
        var cross = CrossTableRequest(row: "g", column: "x")
        cross.by = ["e"]
        assertError(try CrossTableEstimator(table: t, design: design).estimate(cross), "column 'e': every value is missing")
        assertError(try DescriptiveEstimator(table: t, design: design).estimate(EstimateRequest(statistic: .mean, variable: "x", by: ["g", "h"])),
                    "--by g,h: no row has a value in every column")
    }

    /// A numeric column's values compare as numbers in `--subset`, `--reference` and `--focal`:
    /// `1.0` (a pandas export), `0101` (a padded municipality code) and `3e1` name the values 1,
    /// 101 and 30, as in R; the decomposition with `--adjust` takes the same reference.
    func testNumericValuesCompareAsNumbers() throws {
        var text = "y,flag,kom,age,x\n"
        for i in 0..<40 { text += "\(Double(i % 7) + Double(i) / 10),\(i % 2),\(i % 3 == 0 ? 101 : 147),\(i % 4 == 0 ? 30 : 40),\(i % 5)\n" }
        let t = try table(text)
        XCTAssertEqual(try RowFilter(parsing: "flag == 1.0").rows(of: t), try RowFilter(parsing: "flag == 1").rows(of: t))
        XCTAssertEqual(try RowFilter(parsing: "kom != 0101").rows(of: t), try RowFilter(parsing: "kom != 101").rows(of: t))
        XCTAssertEqual(try RowFilter(parsing: "age == 3e1").rows(of: t), try RowFilter(parsing: "age == 30").rows(of: t))
        assertError(try RowFilter(parsing: "flag == 2.0").rows(of: t), "the value '2.0' does not occur")
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        func gap(_ reference: String, _ focal: String) throws -> [Double] {
            var request = GapRequest(variable: "y", group: "kom", reference: reference, focal: focal, statistic: .mean)
            request.adjust = "x"
            return try GapEstimator(table: t, design: design).estimate(request).map(\.estimate)
        }
        XCTAssertEqual(try gap("0101", "147.0"), try gap("101", "147"))
    }

    /// An empty cell of a cross-table is 0 with SE 0, as R's `svymean(~interaction(r, c))` gives,
    /// under any `--min-cell`: there is no one in it to disclose.
    func testEmptyCrossTableCellIsZero() throws {
        let t = try table("r,c,w\na,x,1\na,y,2\nb,x,1\nb,x,3\nc,y,1\nc,x,2\n")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w"), table: t)
        for minimum in [1, 3] {
            var request = CrossTableRequest(row: "r", column: "c")
            request.disclosure = DisclosureControl(minimumCell: minimum)
            let cells = try CrossTableEstimator(table: t, design: design).estimate(request)[0].cells
            let empty = try XCTUnwrap(cells.first { $0.group.map(\.level) == ["b", "y"] })
            XCTAssertEqual(empty.cell.estimate, 0)
            XCTAssertEqual(empty.cell.standardError, 0)
            XCTAssertNil(empty.note)
        }
    }

    /// A domain whose ratio denominator totals zero, or whose weights are all zero, is a row of
    /// nulls with a note (the other domains computed), as a domain without values is; the
    /// whole data so is an error naming the column.
    func testUndefinedDomainsAreNotedRows() throws {
        let t = try table("x,d,g,w\n1,2,a,1\n2,3,a,2\n3,0,b,1\n4,0,b,1\n5,1,c,0\n6,2,c,0\n")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w"), table: t)
        let estimator = DescriptiveEstimator(table: t, design: design)
        let ratios = try estimator.estimate(EstimateRequest(statistic: .ratio, variable: "x", by: ["g"], denominator: "d"))
        XCTAssertEqual(ratios.map(\.note), [nil, "domain g=b has a weighted total of 'd' of zero, so the ratio is undefined",
                                            "domain g=c has no rows with a positive weight"])
        XCTAssertEqual(ratios[0].estimate, (1 + 4) / (2 + 6.0), accuracy: 1e-15)
        // Each noted row counts its rows with values (it said n 0 for two).
        XCTAssertEqual(ratios.map(\.n), [2, 2, 2])
        // Rows with values but no weight: the note says so (a lower mean's said it had no values).
        for stat in [Statistic.mean, .total, .sd, .quantile, .lowerMean] {
            let rows = try estimator.estimate(EstimateRequest(statistic: stat, variable: "x", by: ["g"]))
            XCTAssertEqual(rows[2].note, "domain g=c has no rows with a positive weight", "\(stat)")
            XCTAssertFalse(rows[2].estimate.isFinite)
        }
        let zero = try table("x,w\n1,0\n2,0\n")
        assertError(try DescriptiveEstimator(table: zero, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: zero))
            .estimate(EstimateRequest(statistic: .mean, variable: "x")), "column 'x': the data has no rows with a positive weight")
    }

    /// A proportion's domain whose weights are all zero is one row of nulls with the note the
    /// other statistics give and their n (0), under linearization and replicate weights (whose
    /// one pass then counts the domain as one statistic); the other domains' rows are those of
    /// the same design with the domain's rows in none, and the whole data so is an error naming
    /// the column.
    func testAProportionOfADomainWithoutWeightIsANotedRow() throws {
        // k's shares by g; domain a has weight 0. JK1 replicates: each drops one weighted row.
        let rows: [(k: String, g: String, w: Double)] = [("u", "a", 0), ("v", "a", 0), ("u", "b", 1), ("v", "b", 2), ("u", "b", 1),
                                                         ("u", "c", 3), ("v", "c", 1), ("v", "c", 2)]
        func table(domainA: String) throws -> Table {
            let weighted = rows.indices.filter { rows[$0].w != 0 }
            var text = "k,g,w," + weighted.indices.map { "r\($0 + 1)" }.joined(separator: ",") + "\n"
            for (i, row) in rows.enumerated() {
                let replicates = weighted.map { $0 == i ? 0 : row.w * Double(weighted.count) / Double(weighted.count - 1) }
                text += "\(row.k),\(row.g == "a" ? domainA : row.g),\(row.w)," + replicates.map { "\($0)" }.joined(separator: ",") + "\n"
            }
            return try self.table(text)
        }
        let full = try table(domainA: "a"), weighted = try table(domainA: "")
        let request = EstimateRequest(statistic: .proportion, variable: "k", by: ["g"])
        for method in [VarianceMethod.linearization, .replicateWeights(ReplicateWeightsSpec(columns: "r*", type: .jk1))] {
            let spec = DesignSpec(weights: "w", varianceMethod: method)
            let estimates = try DescriptiveEstimator(table: full, design: try SurveyDesign(spec: spec, table: full)).estimate(request)
            let expected = try DescriptiveEstimator(table: weighted, design: try SurveyDesign(spec: spec, table: weighted)).estimate(request)
            XCTAssertEqual(estimates.count, 1 + expected.count, "\(method): one row for domain a")
            guard let first = estimates.first else { continue }
            XCTAssertEqual(first.group.map(\.level), ["a"])
            XCTAssertEqual(first.note, "domain g=a has no rows with a positive weight", "\(method)")
            XCTAssertEqual(first.n, 2, "\(method): its two rows, of weight 0")
            XCTAssertNil(first.category)
            XCTAssertFalse(first.estimate.isFinite)
            let mean = try DescriptiveEstimator(table: full, design: try SurveyDesign(spec: spec, table: full))
                .estimate(EstimateRequest(statistic: .mean, variable: "w", by: ["g"]))
            XCTAssertEqual(mean[0].n, first.n, "\(method): the n of a mean's row")
            for (row, other) in zip(estimates.dropFirst(), expected) {
                XCTAssertEqual(row.group.map(\.level), other.group.map(\.level))
                XCTAssertEqual(row.category, other.category)
                XCTAssertEqual(row.estimate, other.estimate, accuracy: 1e-15, "\(method)")
                XCTAssertEqual(try XCTUnwrap(row.standardError), try XCTUnwrap(other.standardError), accuracy: 1e-15, "\(method)")
                XCTAssertEqual(row.n, other.n)
                XCTAssertNil(row.note)
            }
        }
        let zero = try self.table("k,w\nu,0\nv,0\n")
        assertError(try DescriptiveEstimator(table: zero, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: zero))
            .estimate(EstimateRequest(statistic: .proportion, variable: "k")), "column 'k': the data has no rows with a positive weight")
    }

    /// A standard deviation of a domain with one observation of positive weight has none: a
    /// row of nulls with a note (R's svyvar gives NaN), beside the other domains' values.
    func testAStandardDeviationOfOneObservationIsANotedRow() throws {
        let table = try self.table("y,g,w\n1,a,1\n2,a,0\n3,b,1\n5,b,2\n4,b,1\n")
        let rows = try DescriptiveEstimator(table: table, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: table))
            .estimate(EstimateRequest(statistic: .sd, variable: "y", by: ["g"]))
        XCTAssertEqual(rows.count, 2)
        XCTAssertFalse(rows[0].estimate.isFinite)
        XCTAssertEqual(rows[0].note, "fewer than two observations: no standard deviation (R's svyvar gives NaN)")
        XCTAssertTrue(rows[1].estimate.isFinite)
        XCTAssertNil(rows[1].note)
    }

    func testFormulaAndIterationLimits() throws {
        assertError(try ModelFormula("y ~ (a + b)^1e19"), "from 1 to 16")
        let t = try table("y,x\n1,2\n2,3\n3,5\n")
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        assertError(try RegressionEstimator(table: t, design: design).fit(RegressionRequest(formula: "y ~ x", maximumIterations: 0)),
                    "--max-iterations must be at least 1")
        assertError(try RaoWuBootstrap(design: design, replicates: 1_000_000_000, seed: 1), "2 to 100000 replicates")
    }

    func testControlCharactersStayOnOneLine() throws {
        let t = try table("y,g\n1,a\n\"x\ny\",b\n")
        assertError(try t.numeric("y"), "found 'x\\ny'")
    }

    func testNonNumbersAreNamedWhereTheyAre() throws {
        for bad in ["nan", "inf", "0x10", "1e400"] {
            let t = try table("y\n1\n2\n\(bad)\n4\n")
            assertError(try t.numeric("y"), "t.csv:4, column 'y': expected a number, found '\(bad)'")
        }
    }

    func testVerdictsNeedAnInterval() {
        let target = Target(comparison: .atMost, value: 1)
        XCTAssertEqual(target.verdict(low: .nan, high: .nan), .inconclusive)
        XCTAssertEqual(target.verdict(low: -.infinity, high: 0), .inconclusive)
    }

    func testBaselineMustDifferFromCurrent() {
        var request = GapRequest(variable: "y", group: "g", reference: "a")
        request.period = Period(column: "wave", baseline: "2024", current: "2024")
        assertError(try request.validate(), "both '2024'")
    }

    func testAllZeroCountOutcome() throws {
        let t = try table("y,x\n0,1\n0,2\n0,3\n0,4\n")
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        assertError(try RegressionEstimator(table: t, design: design).fit(RegressionRequest(formula: "y ~ x", family: .poisson)),
                    "the outcome is 0 in every row")
    }

    /// A logistic outcome that is 1 in every row has no finite estimate either, and is said so
    /// (not blamed on a separating term).
    func testAllOneBinaryOutcome() throws {
        let t = try table("y,x\n1,1\n1,2\n1,3\n1,4\n")
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        assertError(try RegressionEstimator(table: t, design: design).fit(RegressionRequest(formula: "y ~ x", family: .binomial)),
                    "the outcome is 1 in every row")
    }

    /// A gap over a group column whose only level is the reference is an error, not an empty result.
    func testGapWithOnlyTheReferenceLevel() throws {
        let t = try table("y,g\n1,a\n2,a\n3,a\n")
        let design = try SurveyDesign(spec: DesignSpec(), table: t)
        assertError(try GapEstimator(table: t, design: design).estimate(GapRequest(variable: "y", group: "g", reference: "a")),
                    "no group to compare")
    }

    /// Numeric ids of 2^53 or more (17-digit person numbers) are not all distinct as doubles:
    /// two PSUs read as one number would merge silently, so ids that large are refused where
    /// they are coded as categories (design ids, domains, groups), naming the line. Just below
    /// 2^53 they are coded as before.
    func testIdsBeyondTwoToThe53AreRefused() throws {
        let t = try table("s,psu,y\n1,12345678901234567,2\n1,12345678901234568,3\n2,3,4\n2,4,5\n")
        assertError(try SurveyDesign(spec: DesignSpec(strata: "s", clusters: ["psu"]), table: t), "t.csv:2, column 'psu': a value of 2^53 = 9007199254740992 or more in size (read as 12345678901234568)")
        assertError(try DescriptiveEstimator(table: t, design: SurveyDesign(spec: DesignSpec(), table: t))
            .estimate(EstimateRequest(statistic: .mean, variable: "y", by: ["psu"])), "column 'psu'")
        let below = try table("s,psu,y\n1,9007199254740991,2\n1,9007199254740990,3\n2,3,4\n2,4,5\n")
        let design = try SurveyDesign(spec: DesignSpec(strata: "s", clusters: ["psu"]), table: below)
        XCTAssertEqual(design.psuTotal, 4)
        // Ids below 2^53 are labelled as written (16 digits, no ".0").
        let rows = try DescriptiveEstimator(table: below, design: design).estimate(EstimateRequest(statistic: .mean, variable: "y", by: ["psu"]))
        XCTAssertEqual(Set(rows.flatMap { $0.group.map(\.level) }), ["9007199254740990", "9007199254740991", "3", "4"])
        // A large continuous value elsewhere in a column does not stop a subset comparing numbers.
        let large = try table("x,y\n1,2\n1.8e16,3\n1,4\n")
        let kept = try RowFilter(parsing: "x == 1").rows(of: large)
        XCTAssertEqual(kept, [true, false, true])
    }

    func testRunSpecRejectsUnknownAnalysisKeys() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("s.yaml")
        try "data: d.csv\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: y, weights: w}\n".write(to: spec, atomically: true, encoding: .utf8)
        assertError(try RunSpec.load(path: spec.path), "'weights' is not an option of estimate")
    }

    /// Writing to a device (here /dev/null) writes through it and leaves it a device.
    func testOutputToADeviceKeepsTheDevice() throws {
        try AtomicFile.write("x", to: "/dev/null")
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a character device")
    }

    /// An output path that is a symbolic link replaces the file the link names and keeps the
    /// link; a link to a missing file makes that file; the process's streams (/dev/stdout, a
    /// link into /proc) are written through their descriptor, never replaced by a file.
    func testOutputThroughALinkWritesItsTarget() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("real"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("real/target.csv").path, link = folder.appendingPathComponent("link.csv").path
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("real/target.csv", link), 0)
        try AtomicFile.write("new", to: link)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real/target.csv", "still a link")
        let dangling = folder.appendingPathComponent("dangling.csv").path
        XCTAssertEqual(symlink("real/missing.csv", dangling), 0)
        try AtomicFile.write("made", to: dangling)
        XCTAssertEqual(try String(contentsOfFile: folder.appendingPathComponent("real/missing.csv").path, encoding: .utf8), "made")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: dangling), "real/missing.csv")
        // /dev/stdout through the descriptor: the link stays a link.
        try AtomicFile.write("", to: "/dev/stdout")
        var info = stat()
        XCTAssertEqual(lstat("/dev/stdout", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFLNK, "/dev/stdout is still a link")
    }
}

/// Term tests and scales: an untestable automatic term test is left out with a note rather
/// than failing the fit (a requested one fails), and percentage points are only for shares and
/// rates.
final class TermTestAndScaleTests: XCTestCase {
    func testAutomaticTermTestWithoutResidualDFIsLeftOutWithANote() throws {
        var text = "y,g\n"
        for i in 0..<12 { text += "\(Double(i % 5) + Double(i) / 10),\(i % 6)\n" }
        let t = try CSVReader.parse(Array(text.utf8), source: "t.csv")
        // Six clusters, one stratum: 5 design df, fewer than the 5 coefficients of factor(g) need.
        let design = try SurveyDesign(spec: DesignSpec(clusters: ["g"]), table: t)
        let result = try RegressionEstimator(table: t, design: design).fit(RegressionRequest(formula: "y ~ factor(g)"))
        XCTAssertEqual(result.coefficients.count, 6)
        XCTAssertTrue(result.tests.isEmpty)
        XCTAssertEqual(result.notes, ["no Wald test of 'factor(g)': the design's 5 degrees of freedom leave none beyond the model's 6 coefficients",
                                      "the model's 6 coefficients leave the design's degrees of freedom none (residual df 0): their covariance is singular, standard errors near 0 measure nothing, and nothing is tested; fit fewer terms or use a design with more PSUs"])
        XCTAssertThrowsError(try RegressionEstimator(table: t, design: design)
            .fit(RegressionRequest(formula: "y ~ factor(g)", tests: ["factor(g)"]))) {
            XCTAssert("\($0)".contains("--test 'factor(g)': cannot be tested: the design's 5 degrees of freedom leave none beyond the model's 6 coefficients"), "\($0)")
        }
    }

    /// A fit whose subset selects no row says so, and one whose subset's rows all miss a
    /// variable says that, not merely that no row has the model's variables.
    func testEmptySubsetIsNamed() throws {
        let t = try CSVReader.parse(Array("y,x,z\n1,2,a\n0,3,b\n1,,c\n".utf8), source: "t.csv")
        let estimator = RegressionEstimator(table: t, design: try SurveyDesign(spec: DesignSpec(), table: t))
        var request = RegressionRequest(formula: "y ~ x")
        request.subset = try RowFilter(parsing: "x > 10")
        XCTAssertThrowsError(try estimator.fit(request)) { XCTAssert("\($0)".contains("subset 'x > 10' keeps no row of the data's 3"), "\($0)") }
        request.subset = try RowFilter(parsing: "z == c")
        XCTAssertThrowsError(try estimator.fit(request)) {
            XCTAssert("\($0)".contains("'y ~ x': no row of the subset has every variable of the model"), "\($0)")
        }
    }

    /// A covariance that Cholesky factorises only through rounding (two coefficients whose
    /// correlation is 1 to 1e-13: a replicate covariance of fewer replicates than coefficients)
    /// gives no test, where it gave a statistic of rounding noise (F near 1e14, p = 0).
    func testNearlySingularTermCovarianceIsNotTested() throws {
        var text = "y,g\n"
        for i in 0..<30 { text += "\(Double(i % 7)),\(i % 3)\n" }
        let t = try CSVReader.parse(Array(text.utf8), source: "t.csv")
        let x = try DesignMatrix(formula: ModelFormula("y ~ factor(g)"), table: t)
        let nearlySingular: [Double] = [1, 0, 0, 0, 1, 1, 0, 1, 1 + 1e-13]
        let tests = TermTests(design: x, kept: [0, 1, 2], coefficients: [1, 0.5, 0.7], covariance: nearlySingular, df: 20)
        let (run, notes) = try tests.run(requested: [])
        XCTAssertTrue(run.isEmpty)
        XCTAssertEqual(notes, ["no Wald test of 'factor(g)': its coefficients' covariance is singular"])
        XCTAssertThrowsError(try tests.run(requested: ["factor(g)"]))
        // A well-conditioned covariance is tested: F = β'V⁻¹β/2 on (2, 20).
        let regular = TermTests(design: x, kept: [0, 1, 2], coefficients: [1, 0.5, 0.7], covariance: [1, 0, 0, 0, 1, 0.5, 0, 0.5, 1], df: 20)
        let f = try XCTUnwrap(regular.run(requested: []).tests.first)
        XCTAssertEqual(f.statistic, (0.25 + 0.49 - 0.35) / 0.75 / 2, accuracy: 1e-14)
        XCTAssertEqual(f.denominatorDF, 20)
    }

    func testPercentagePointsOnlyForSharesAndRates() {
        var request = GapRequest(variable: "y", group: "g", reference: "a", statistic: .mean, scale: 100)
        XCTAssertThrowsError(try request.validate()) { XCTAssert("\($0)".contains("--scale pp")) }
        request.statistic = .proportion
        XCTAssertNoThrow(try request.validate())
    }
}
