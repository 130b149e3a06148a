import XCTest
@testable import StatsEngine

/// A mean, share or ratio of rows in one PSU (or of one row) has a standard error of 0 by
/// construction, the PSU's influence values summing to 0 (and replicates scaling its rows
/// alike), which R's svymean/svyby report as if it were a precision: `estimate`, `gap` and
/// `table` show R's 0 with a note saying it measures nothing, and a gap's difference with such a
/// group has no verdict; the other domains, and a domain total (its other PSUs count as zeros),
/// have no note.
final class ZeroDegreesOfFreedomTests: XCTestCase {
    /// Four PSUs; domain b lies in PSU 3 alone (two rows), domain a in the other three.
    private let csv = """
        psu,w,y,g,k
        1,1,3,a,u
        1,2,5,a,v
        2,1,4,a,u
        2,3,6,a,v
        3,2,4,b,u
        3,1,7,b,v
        4,1,5,a,u
        4,2,2,a,v

        """

    private func design(_ method: VarianceMethod = .linearization) throws -> (Table, SurveyDesign) {
        let table = try CSVReader.parse(Array(csv.utf8), source: "one-psu.csv")
        var spec = DesignSpec(weights: "w", clusters: ["psu"])
        spec.varianceMethod = method
        return (table, try SurveyDesign(spec: spec, table: table))
    }

    func testADomainInOnePSUHasItsZeroStandardErrorFlagged() throws {
        for method in [VarianceMethod.linearization, .madeReplicates(MakeReplicatesSpec(kind: .jk1))] {
            let (table, design) = try design(method)
            let estimator = DescriptiveEstimator(table: table, design: design)
            for statistic in [Statistic.mean, .proportion] {
                let variable = statistic == .mean ? "y" : "k"
                let rows = try estimator.estimate(EstimateRequest(statistic: statistic, variable: variable, by: ["g"]))
                for row in rows {
                    if row.group[0].level == "b" {
                        XCTAssertLessThan(try XCTUnwrap(row.standardError), 1e-15, "R's 0, up to rounding: \(method) \(statistic)")
                        XCTAssert(row.note?.hasSuffix(SurveyDesign.zeroDegreesOfFreedomNote) == true, "\(String(describing: row.note))")
                    } else {
                        XCTAssertGreaterThan(try XCTUnwrap(row.standardError), 1e-3, "\(method) \(statistic)")
                        XCTAssertNil(row.note)
                    }
                }
                XCTAssertEqual(rows.first { $0.group[0].level == "b" }?.estimate, statistic == .mean ? 5 : 2.0 / 3)
            }
        }
        // Its total keeps its standard error: PSU totals (0, 0, 15, 0) about their mean,
        // 4/3 · 0.75 · 15² = 15².
        let (table, design) = try design()
        var total = EstimateRequest(statistic: .total, variable: "y")
        total.subset = try RowFilter(parsing: "g == \"b\"")
        let row = try XCTUnwrap(DescriptiveEstimator(table: table, design: design).estimate(total).first)
        XCTAssertEqual(row.estimate, 15)
        XCTAssertEqual(try XCTUnwrap(row.standardError), 15, accuracy: 1e-12)
        XCTAssertNil(row.note)
    }

    func testAGapWithAGroupInOnePSUHasNoVerdict() throws {
        for method in [VarianceMethod.linearization, .madeReplicates(MakeReplicatesSpec(kind: .jk1))] {
            let (table, design) = try design(method)
            var request = GapRequest(variable: "y", group: "g", reference: "a", focal: "b")
            request.target = try Target(parsing: ">= -5")
            let rows = try GapEstimator(table: table, design: design).estimate(request)
            let reference = try XCTUnwrap(rows.first { $0.component == "reference" })
            XCTAssertGreaterThan(reference.standardError, 0)
            XCTAssertNil(reference.note)
            for component in ["focal", "difference", "ratio"] {
                let row = try XCTUnwrap(rows.first { $0.component == component })
                // R's svycontrast: the difference carries the reference's error alone (under
                // JK1 over the replicates that keep the focal group).
                if component == "focal" { XCTAssertEqual(row.standardError, 0, accuracy: 1e-15) }
                if component == "difference", method == .linearization { XCTAssertEqual(row.standardError, reference.standardError, accuracy: 1e-12) }
                XCTAssertNil(row.verdict, "\(method) \(component): a verdict on the reference's error alone")
                XCTAssert(row.note?.hasSuffix(SurveyDesign.zeroDegreesOfFreedomNote) == true, "\(String(describing: row.note))")
            }
        }
    }

    /// Every statistic of a gap, on replicates too: a quantile's or lower mean's difference with
    /// a group in one PSU carries the reference's replicate spread alone and has no verdict,
    /// with the note, as a mean's. A quantile's was judged (the 0-df rule asked for an own
    /// standard error of about 0, where the group's own quantile row has none: no Woodruff
    /// interval on 0 df) and noted nothing.
    func testAGapOfAnyStatisticWithAGroupInOnePSUOnReplicatesHasNoVerdict() throws {
        for method in [VarianceMethod.madeReplicates(MakeReplicatesSpec(kind: .jk1)),
                       .madeReplicates(MakeReplicatesSpec(kind: .bootstrap, replicates: 30, seed: 3))] {
            let (table, design) = try design(method)
            for statistic in [GapStatistic.mean, .lowerMean, .quantile] {
                var request = GapRequest(variable: "y", group: "g", reference: "a", focal: "b", statistic: statistic, q: 0.5)
                request.target = try Target(parsing: ">= -100")
                let rows = try GapEstimator(table: table, design: design).estimate(request)
                for component in ["difference", "ratio"] {
                    let row = try XCTUnwrap(rows.first { $0.component == component })
                    XCTAssert(row.standardError.isFinite, "\(method) \(statistic) \(component): the reference's spread alone")
                    XCTAssertNil(row.verdict, "\(method) \(statistic) \(component): a verdict on the reference's error alone")
                    XCTAssertNil(row.targetPValue, "\(method) \(statistic) \(component)")
                    XCTAssert(row.note?.hasSuffix(SurveyDesign.zeroDegreesOfFreedomNote) == true, "\(method) \(statistic) \(component): \(String(describing: row.note))")
                }
            }
        }
    }

    func testATableOfRowsInOnePSUHasItsZeroStandardErrorsFlagged() throws {
        let (table, design) = try design()
        var request = CrossTableRequest(row: "g", column: "k")
        request.subset = try RowFilter(parsing: "psu == 3")
        let result = try XCTUnwrap(CrossTableEstimator(table: table, design: design).estimate(request).first)
        for cell in result.cells where cell.n > 0 {
            XCTAssertLessThan(try XCTUnwrap(cell.cell.standardError), 1e-15, "R's rounding noise about 0")
            XCTAssertEqual(cell.note, SurveyDesign.zeroDegreesOfFreedomNote)
        }
        XCTAssertNil(result.test)
        // The whole sample's table keeps its standard errors.
        request.subset = nil
        let whole = try XCTUnwrap(CrossTableEstimator(table: table, design: design).estimate(request).first)
        XCTAssert(whole.cells.allSatisfy { ($0.n == 0 || $0.cell.standardError ?? 0 > 0) && $0.note == nil })
    }
}
