import Foundation
import XCTest
@testable import StatsEngine

/// Representation against the population's hand-computed values (datasets/truth.json, computed
/// by datasets/make_datasets.py from the population files), and its standard errors against
/// independent paths.
final class RepresentationTests: XCTestCase {
    private func table(_ name: String) throws -> Table {
        try CSVReader.read(path: CoverageTests.datasets.appendingPathComponent(name).path)
    }

    func testCensusAgainstHandComputation() throws {
        let staffTable = try table("municipal_staff.csv"), labour = try table("population_labour.csv")
        let staff = RepresentationSource(table: staffTable, design: try SurveyDesign(spec: DesignSpec(), table: staffTable), census: true)
        let benchmark = RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(), table: labour), census: true)
        let truthData = try Data(contentsOf: CoverageTests.datasets.appendingPathComponent("truth.json"))
        let details = (try JSONSerialization.jsonObject(with: truthData) as? [String: Any])?["details"] as? [String: Any]
        let periods = try XCTUnwrap(details?["representation"] as? [String: [String: Any]])
        // The staff register's snapshot at a period against the labour force of its year.
        for (period, year) in [("2010", "2010"), ("2014H2", "2014")] {
            let truth = try XCTUnwrap(periods[period])
            let benchmarkShare = try XCTUnwrap(truth["benchmark_minority_share"] as? Double)
            for (key, subset) in [("managers", "role == manager"), ("staff", "role == staff"), ("all_employees", nil)] {
                let expected = try XCTUnwrap(truth[key] as? [String: Double], key)
                let rows = try RepresentationEstimator(population: staff, benchmark: benchmark).estimate(RepresentationRequest(
                    column: "origin", focal: "minority", subset: try RowFilter(parsing: "period == \(period)" + (subset.map { " & \($0)" } ?? "")),
                    benchmarkSubset: try RowFilter(parsing: "status_\(year) != outside"), standardise: "education"))
                func value(_ c: String) -> Double { rows.first { $0.component == c }!.estimate }
                let share = expected["minority_share"]!, expectedShare = expected["expected_share"]!
                assertClose(value("share"), 100 * share, rel: 1e-12, "\(period) \(key) share")
                assertClose(value("difference"), 100 * (share - benchmarkShare), rel: 1e-9, "\(period) \(key) difference")
                assertClose(value("index"), expected["index"]!, rel: 1e-12, "\(period) \(key) index")
                assertClose(value("expected"), 100 * expectedShare, rel: 1e-12, "\(period) \(key) expected")
                assertClose(value("standardised difference"), 100 * (share - expectedShare), rel: 1e-9, "\(period) \(key) std difference")
                assertClose(value("standardised index"), expected["standardised_index"]!, rel: 1e-12, "\(period) \(key) std index")
                XCTAssertTrue(rows.allSatisfy { $0.standardError == 0 }, "a census on both sides has no sampling error")
            }
        }
    }

    /// With a sampled benchmark, the benchmark share's SE is that of the proportion `estimate`
    /// reports, and the standardised expected share's SE agrees with a Rao-Wu bootstrap.
    func testSampledBenchmarkStandardErrors() throws {
        let staffTable = try table("municipal_staff.csv"), labour = try table("labour_force.csv")
        let spec = DesignSpec(weights: "weight", strata: "district", clusters: ["psu"])
        let labourDesign = try SurveyDesign(spec: spec, table: labour)
        let staff = RepresentationSource(table: staffTable, design: try SurveyDesign(spec: DesignSpec(), table: staffTable), census: true)
        let request = RepresentationRequest(column: "origin", focal: "minority", subset: try RowFilter(parsing: "role == manager"),
                                            benchmarkSubset: try RowFilter(parsing: "in_labour_force == 1"), standardise: "education")
        let rows = try RepresentationEstimator(population: staff, benchmark: RepresentationSource(table: labour, design: labourDesign, census: false))
            .estimate(request)
        func row(_ c: String) -> RepresentationRow { rows.first { $0.component == c }! }

        let proportion = try DescriptiveEstimator(table: labour, design: labourDesign)
            .estimate(EstimateRequest(statistic: .proportion, variable: "origin", by: ["in_labour_force"]))
            .first { $0.group.first?.level == "1" && $0.category == "minority" }!
        assertClose(row("benchmark").standardError, 100 * proportion.standardError!, rel: 1e-10, "benchmark SE")

        let bootstrap = try RaoWuBootstrap(design: labourDesign, replicates: 500, seed: 3).covariance { replicate in
            let r = try RepresentationEstimator(population: staff, benchmark: RepresentationSource(table: labour, design: replicate, census: false))
                .estimate(request)
            return [r.first { $0.component == "expected" }!.estimate]
        }.covariance
        // Monte Carlo error of a bootstrap SE from 500 replicates is about 3 %; allow 12 %.
        XCTAssertEqual(bootstrap[0, 0].squareRoot() / row("expected").standardError, 1, accuracy: 0.12)
    }
}
