import XCTest
@testable import StatsEngine

/// Replicates in which a domain or a table cell has no rows are left out of the variances of the
/// statistics they cannot give, and of no other (R's `svyby` estimates each domain on its own,
/// its `svrVar` leaving out the replicates with NA estimates): checked against R survey on a
/// JK1 design whose domain "r" and table level "Z" each lie in one PSU
/// (`oracle/replicate_empty_domain.R`).
final class ReplicateEmptyDomainOracleTests: XCTestCase {
    private struct Expected {
        let estimate: Double, standardError: Double?, ndf: Double?, ddf: Double?, pValue: Double?
    }

    private func fixture() throws -> (table: Table, design: SurveyDesign, expected: [String: Expected]) {
        let table = try FixtureFiles.table("empty_domain", in: "replicate")
        var spec = DesignSpec(weights: "w")
        spec.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: "repw*", type: .jk1))
        let lines = try String(contentsOf: FixtureFiles.url("empty_domain_expected", "csv", in: "replicate"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        var expected: [String: Expected] = [:]
        for line in lines {
            // The key holds commas: the five numbers are the last fields.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let numbers = fields.suffix(5).map { Double($0) }
            expected[fields.dropLast(5).joined(separator: ",")] = Expected(estimate: numbers[0]!, standardError: numbers[1],
                                                                           ndf: numbers[2], ddf: numbers[3], pValue: numbers[4])
        }
        XCTAssertEqual(expected.count, 38)
        return (table, try SurveyDesign(spec: spec, table: table), expected)
    }

    /// Each domain's mean has R's standard error, its own replicates' spread: the rare domain
    /// leaves out the replicate without it (and says so), the others keep all twelve, and a
    /// domain's standard error is the same estimated alone.
    func testDomainMeansLeaveOutOnlyTheirOwnEmptyReplicates() throws {
        let (table, design, expected) = try fixture()
        let estimator = DescriptiveEstimator(table: table, design: design)
        let rows = try estimator.estimate(EstimateRequest(statistic: .mean, variable: "y", by: ["g"]))
        XCTAssertEqual(rows.count, 4)
        for row in rows {
            let level = row.group[0].level, oracle = try XCTUnwrap(expected["by_mean,g=\(level)"])
            assertClose(row.estimate, oracle.estimate, rel: 1e-12, "mean \(level)")
            // Domain r lies in one PSU: its SE is 0 but for rounding.
            assertClose(row.standardError, oracle.standardError, rel: 1e-10, floor: 1e-3, "SE \(level)")
            if level == "r" {
                XCTAssert(row.note?.hasPrefix("1 of 12 replicates gave no estimate") == true, "\(String(describing: row.note))")
                // That 0 measures nothing, and says so.
                XCTAssert(row.note?.hasSuffix(SurveyDesign.zeroDegreesOfFreedomNote) == true, "\(String(describing: row.note))")
            } else {
                XCTAssertNil(row.note, level)
            }
        }
        var alone = EstimateRequest(statistic: .mean, variable: "y")
        alone.subset = try RowFilter(parsing: "g == \"c\"")
        let c = try XCTUnwrap(rows.first { $0.group[0].level == "c" })
        assertClose(try estimator.estimate(alone)[0].standardError, c.standardError, rel: 1e-12, "domain c alone")
    }

    /// A domain's quantile leaves out of its share's replicate variance the replicates without
    /// the domain's rows, and says so, as its mean does (it said nothing).
    func testDomainQuantilesSayWhichReplicatesTheyLeaveOut() throws {
        let (table, design, _) = try fixture()
        let rows = try DescriptiveEstimator(table: table, design: design).estimate(EstimateRequest(statistic: .quantile, variable: "y", by: ["g"]))
        XCTAssertEqual(rows.count, 4)
        for row in rows {
            if row.group[0].level == "r" {
                XCTAssert(row.note?.hasPrefix("1 of 12 replicates gave no estimate") == true, "\(String(describing: row.note))")
            } else {
                XCTAssertNil(row.note, row.group[0].level)
            }
        }
    }

    /// The contrast of two domains has the standard error of R's `svycontrast` on those two
    /// domains, whether or not the rare domain is compared in the same call.
    func testGapOfTwoDomainsDoesNotDependOnTheOtherDomains() throws {
        let (table, design, expected) = try fixture()
        let oracle = try XCTUnwrap(expected["contrast_c_a"])
        let estimator = GapEstimator(table: table, design: design)
        for focal in [nil, "c"] {
            let rows = try estimator.estimate(GapRequest(variable: "y", group: "g", reference: "a", focal: focal))
            let difference = try XCTUnwrap(rows.first { $0.focal == "c" && $0.component == "difference" })
            assertClose(difference.estimate, oracle.estimate, rel: 1e-12, "difference, focal \(focal ?? "all")")
            assertClose(difference.standardError, oracle.standardError, rel: 1e-10, "SE, focal \(focal ?? "all")")
            XCTAssertNil(difference.note)
        }
    }

    /// The same for gaps whose replicates are estimated comparison by comparison (quantiles)
    /// or from cells (proportions): the reference's rows have one standard error in every
    /// comparison, and a comparison's rows do not depend on whether the rare group is compared
    /// in the same call.
    func testGapsOnReplicatesDoNotDependOnTheRareGroup() throws {
        let (table, design, _) = try fixture()
        let estimator = GapEstimator(table: table, design: design)
        for statistic in [GapStatistic.quantile, .proportion] {
            var all = GapRequest(variable: statistic == .proportion ? "bin" : "y", group: "g", reference: "a", statistic: statistic)
            all.category = statistic == .proportion ? "1" : nil
            var alone = all
            alone.focal = "c"
            let rows = try estimator.estimate(all), only = try estimator.estimate(alone)
            let references = Set(rows.filter { $0.component == "reference" }.map(\.standardError))
            XCTAssertEqual(references.count, 1, "\(statistic): the reference's SE in every comparison \(references)")
            for component in ["focal", "difference", "ratio"] {
                let both = try XCTUnwrap(rows.first { $0.focal == "c" && $0.component == component })
                let one = try XCTUnwrap(only.first { $0.component == component })
                XCTAssertEqual(both.standardError, one.standardError, accuracy: 1e-12 * one.standardError, "\(statistic) \(component)")
            }
            XCTAssertNotNil(rows.first { $0.focal == "r" && $0.component == "focal" }?.note, "\(statistic)")
        }
    }

    /// A table's cell shares and row shares keep every replicate (a cell with no rows in a
    /// replicate is a share of 0 there); only the share within the level missing from a replicate
    /// leaves it out, and its cells' notes name that share.
    func testCrossTableLeavesOutAReplicateOnlyFromTheShareItCannotGive() throws {
        let (table, design, expected) = try fixture()
        let tables = try CrossTableEstimator(table: table, design: design).estimate(CrossTableRequest(row: "bin", column: "reg"))
        XCTAssertEqual(tables.count, 1)
        var checked = 0
        for cell in tables[0].cells {
            let key = "bin=\(cell.group[0].level),reg=\(cell.group[1].level)"
            for (name, value) in [("cell", cell.cell), ("row_share", cell.rowShare), ("column_share", cell.columnShare)] {
                let oracle = try XCTUnwrap(expected["\(name),\(key)"], "\(name),\(key)")
                assertClose(value.estimate, oracle.estimate, rel: 1e-12, "\(name) \(key)")
                // The column shares of Z (one PSU) have SE 0 but for rounding.
                assertClose(value.standardError, oracle.standardError, rel: 1e-10, floor: 1e-3, "SE \(name) \(key)")
                checked += 1
            }
            if cell.group[1].level == "Z" {
                XCTAssert(cell.note?.hasPrefix("column share: 1 of 12 replicates gave no estimate") == true, "\(String(describing: cell.note))")
            } else {
                XCTAssertNil(cell.note, key)
            }
        }
        XCTAssertEqual(checked, 30)
    }

    /// The tests of independence on the replicate design: the Rao-Scott F on the cell shares'
    /// replicate covariance, the Wald tests on the contrasts' covariance by the delta method on
    /// the replicate totals (R's `svychisq`), not the contrasts re-estimated on each replicate.
    func testCrossTableTestsOnReplicatesAreRs() throws {
        let (table, design, expected) = try fixture()
        for statistic in [IndependenceTest.f, .wald, .adjWald] {
            var request = CrossTableRequest(row: "bin", column: "reg")
            request.test = statistic
            let test = try XCTUnwrap(try CrossTableEstimator(table: table, design: design).estimate(request)[0].test)
            let oracle = try XCTUnwrap(expected["chisq_\(statistic.rawValue)"])
            assertClose(test.statistic, oracle.estimate, rel: 1e-10, "\(statistic)")
            assertClose(test.ndf, oracle.ndf, rel: 1e-10, "\(statistic) ndf")
            assertClose(test.ddf, oracle.ddf, rel: 1e-10, "\(statistic) ddf")
            assertClose(test.pValue, oracle.pValue, rel: 1e-9, "\(statistic) p")
        }
    }

    // MARK: a group in one PSU (oracle/replicate_one_psu_group.R)

    /// The periods 2010 and 2011 lie in ten PSUs each, 2012 in one (0 df): the JK1 replicate that
    /// leaves out its PSU (and the 16 of 40 bootstrap replicates that do not draw it) give 2012
    /// no rows. R's figures, by replicate type and name.
    private func onePSUGroup() throws -> (table: Table, designs: [(type: String, design: SurveyDesign)], expected: [String: OracleRecord]) {
        let table = try FixtureFiles.table("one_psu_group", in: "replicate")
        let records = try OracleFixture.bundledRecords("one_psu_group_expected", in: "Fixtures/replicate",
                                                       columns: ["type", "figure", "estimate", "std_error", "conf_low", "conf_high", "df"])
        XCTAssertEqual(records.count, 12)
        let designs = try [("jk1", "jkw*", ReplicateType.jk1), ("bootstrap", "bsw*", .bootstrap)].map { name, columns, type in
            var spec = DesignSpec(weights: "w")
            spec.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: columns, type: type))
            return (name, try SurveyDesign(spec: spec, table: table))
        }
        return (table, designs, Dictionary(uniqueKeysWithValues: records.map { ("\($0["type"]) \($0["figure"])", $0) }))
    }

    /// A reference group's own lower mean (and quantile) has one standard error whichever group
    /// it is compared with: R's, re-estimated on every replicate of its own rows (svyby; svrVar),
    /// `estimate`'s on its rows alone, without a note. A replicate that gave the focal group no
    /// rows left the whole comparison without a value there, the reference's own row included:
    /// the 2010 lower mean's bootstrap SE was 1.55152 beside 2012 (16 of 40 replicates left out,
    /// with their note) against 1.72192 beside 2011 and R's 1.72192. The difference with 2012
    /// keeps R's spread over the replicates that give 2012.
    func testAReferenceGroupsOwnRowKeepsEveryReplicateWhateverItIsComparedWith() throws {
        let (table, designs, expected) = try onePSUGroup()
        for (type, design) in designs {
            for statistic in [GapStatistic.lowerMean, .quantile] {
                let name = statistic == .lowerMean ? "lowermean" : "quantile"
                var alone = EstimateRequest(statistic: statistic == .lowerMean ? .lowerMean : .quantile, variable: "y")
                alone.q = 0.25
                alone.subset = try RowFilter(parsing: "period == 2010")
                let own = try XCTUnwrap(DescriptiveEstimator(table: table, design: design).estimate(alone).first)
                let oracle = try XCTUnwrap(expected["\(type) \(name) 2010"])
                assertClose(own.standardError, Double(oracle["std_error"]), rel: 1e-9, "\(type) \(name) 2010 alone")
                for focal in ["2011", "2012", nil] {
                    let what = "\(type) \(name) reference 2010, focal \(focal ?? "all")"
                    let rows = try GapEstimator(table: table, design: design)
                        .estimate(GapRequest(variable: "y", group: "period", reference: "2010", focal: focal, statistic: statistic, q: 0.25))
                    for reference in rows.filter({ $0.component == "reference" }) {
                        XCTAssertEqual(reference.estimate, own.estimate, what)
                        assertClose(reference.standardError, Double(oracle["std_error"]), rel: 1e-9, what)
                        XCTAssertNil(reference.note, what)
                    }
                    guard focal != "2011" else { continue }
                    let difference = try XCTUnwrap(rows.first { $0.focal == "2012" && $0.component == "difference" }, what)
                    let change = try XCTUnwrap(expected["\(type) \(name) 2012-2010"])
                    assertClose(difference.estimate, Double(change["estimate"]), rel: 1e-12, "\(what) difference")
                    assertClose(difference.standardError, Double(change["std_error"]), rel: 1e-9, "\(what) difference SE")
                }
            }
        }
    }

    /// Each note of a quantile gap on replicate weights sits on the row it is true of: the focal
    /// group in one PSU (a replicate without its rows, no Woodruff interval on 0 df) has
    /// `estimate quantile`'s notes for its rows, the reference (every replicate, R's interval)
    /// none. The replicate note was on the reference row and missing from the focal row, whose
    /// note blamed "--lonely-psu average" or a quantile without Woodruff's interval alike.
    func testAQuantileGapsNotesAreOnTheRowsTheyAreTrueOf() throws {
        let (table, designs, expected) = try onePSUGroup()
        for (type, design) in designs {
            let rows = try GapEstimator(table: table, design: design)
                .estimate(GapRequest(variable: "y", group: "period", reference: "2010", focal: "2012", statistic: .quantile, q: 0.25))
            for (wave, component) in [("2012", "focal"), ("2010", "reference")] {
                let row = try XCTUnwrap(rows.first { $0.component == component })
                var alone = EstimateRequest(statistic: .quantile, variable: "y")
                alone.q = 0.25
                alone.subset = try RowFilter(parsing: "period == \(wave)")
                let own = try XCTUnwrap(DescriptiveEstimator(table: table, design: design).estimate(alone).first)
                XCTAssertEqual(row.note, own.note, "\(type) \(component)")
                let oracle = try XCTUnwrap(expected["\(type) quantile \(wave)"])
                assertClose(row.standardError.isFinite ? row.standardError : nil, Double(oracle["std_error"]), rel: 1e-9, "\(type) \(component) SE")
                XCTAssertEqual(row.df, Double(oracle["df"]), "\(type) \(component) df")
            }
            let focal = try XCTUnwrap(rows.first { $0.component == "focal" }?.note)
            XCTAssert(focal.hasPrefix(type == "jk1" ? "1 of 21 replicates gave no estimate" : "16 of 40 replicates gave no estimate"), focal)
            XCTAssert(focal.hasSuffix("no standard error: the design leaves these rows 0 degrees of freedom (R gives NaN)"), focal)
            XCTAssertFalse(focal.contains("lonely-psu"), focal)
        }
    }
}
