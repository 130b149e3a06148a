import XCTest
@testable import StatsEngine

/// The sd's n/(n − 1) against R survey 4.1.1 (`oracle/replicate_sd.R`) on data with rows of
/// weight 0 and missing values, in different counts in every domain: on replicate designs R's
/// `svyvar.svyrep.design` counts the rows with a value (weight 0 included), in the estimate and
/// in each replicate's variance; on a design without replicates `svyvar.survey.design` counts the
/// rows of non-zero weight (missing values included). Each for the whole data, by domain (R's
/// `svyby`, whose replicate domains drop the other rows) and on a `--subset`; replicate weights
/// given (JK1, with `--mse`, bootstrap) and made (`--make-replicates jk1`), and linearization;
/// `--bootstrap`'s estimates too. Estimates and standard errors to 1e-9 relative.
final class ReplicateSdOracleTests: XCTestCase {
    /// Each oracle case's design options.
    private static let designs: [String: [String]] = [
        "jk1": ["--replicate-weights", "repw*", "--replicate-type", "jk1"],
        "jk1_mse": ["--replicate-weights", "repw*", "--replicate-type", "jk1", "--mse"],
        "boot": ["--replicate-weights", "bootw*", "--replicate-type", "bootstrap"],
        "made_jk1": ["--cluster", "psu", "--make-replicates", "jk1"],
        "linearization": ["--cluster", "psu"],
    ]

    func testSdMatchesRSvyvarWithRowsOfWeightZeroAndMissingValues() throws {
        let table = try FixtureFiles.table("sd_counts", in: "replicate")
        let records = try OracleFixture.bundledRecords("sd_counts_expected", in: "Fixtures/replicate",
                                                       columns: ["case", "group", "n", "estimate", "std_error"])
        XCTAssertEqual(records.count, 25)
        let y = try table.numeric("y"), w = try table.numeric("w"), d = try table.categorical("d"), k = try table.numeric("k")
        let (order, cases) = OracleFixture.cases(records)
        XCTAssertEqual(order.count, Self.designs.count * 3)
        for id in order {
            let parts = id.split(separator: "/").map(String.init)
            let design = try SurveyDesign(spec: DesignOptions.parse(["--weights", "w"] + Self.designs[parts[0]]!).spec(), table: table)
            var request = EstimateRequest(statistic: .sd, variable: "y", by: parts[1] == "by_d" ? ["d"] : [])
            if parts[1] == "subset_k0" { request.subset = try RowFilter(parsing: "k == 0") }
            let rows = try DescriptiveEstimator(table: table, design: design).estimate(request)
            let expected = cases[id]!
            XCTAssertEqual(rows.map { $0.group.first?.level ?? "" }, expected.map { $0["group"] }, id)
            if parts[0] == "jk1" {
                // `--bootstrap` (Rao-Wu, R's as.svrepdesign) counts as a replicate design: its
                // estimates are R's (its draws are its own, so not its standard errors).
                let bootstrap = try SurveyDesign(spec: DesignOptions.parse(["--weights", "w", "--cluster", "psu", "--bootstrap", "20"]).spec(),
                                                 table: table)
                let estimates = try DescriptiveEstimator(table: table, design: bootstrap).estimate(request).map(\.estimate)
                for (estimate, oracle) in zip(estimates, expected) { assertClose(estimate, Double(oracle["estimate"]), rel: 1e-9, "\(id) --bootstrap") }
            }
            for (row, oracle) in zip(rows, expected) {
                let place = "\(id) \(oracle["group"])"
                assertClose(row.estimate, Double(oracle["estimate"]), rel: 1e-9, place)
                assertClose(row.standardError, Double(oracle["std_error"]), rel: 1e-9, place)
                // The two counts differ in every case, so a rule that took the other would fail:
                // R's n is the rows with a value (replicates) or of non-zero weight (linearization).
                let rowsOfCase = (0..<table.rowCount).filter { r in
                    (oracle["group"].isEmpty || d.levels[Int(d.codes[r])] == oracle["group"]) && (parts[1] != "subset_k0" || k[r] == 0)
                }
                let withValue = rowsOfCase.filter { !y[$0].isNaN }.count, weighted = rowsOfCase.filter { w[$0] != 0 }.count
                XCTAssertNotEqual(withValue, weighted, place)
                XCTAssertEqual(Int(oracle["n"]), parts[0] == "linearization" ? weighted : withValue, place)
            }
        }
    }
}
