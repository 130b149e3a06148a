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
        let truth = try XCTUnwrap((try JSONSerialization.jsonObject(with: truthData) as? [String: Any])?["representation"] as? [String: Any])
        for (key, subset) in [("managers", "role == manager"), ("staff", "role == staff"), ("all_employees", nil)] {
            let expected = try XCTUnwrap(truth[key] as? [String: Double], key)
            let rows = try RepresentationEstimator(population: staff, benchmark: benchmark).estimate(RepresentationRequest(
                column: "origin", focal: "minority", subset: try subset.map(RowFilter.init(parsing:)),
                benchmarkSubset: try RowFilter(parsing: "status != outside"), standardise: "education"))
            func value(_ c: String) -> Double { rows.first { $0.component == c }!.estimate }
            assertClose(value("share"), 100 * expected["minority_share"]!, rel: 1e-12, "\(key) share")
            assertClose(value("difference"), expected["difference_pp"]!, rel: 1e-12, "\(key) difference")
            assertClose(value("index"), expected["ratio"]!, rel: 1e-12, "\(key) index")
            assertClose(value("expected"), 100 * expected["education_standardised_expected_share"]!, rel: 1e-12, "\(key) expected")
            assertClose(value("standardised difference"), expected["difference_from_expected_pp"]!, rel: 1e-12, "\(key) std difference")
            assertClose(value("standardised index"), expected["ratio_to_expected"]!, rel: 1e-12, "\(key) std index")
            XCTAssertTrue(rows.allSatisfy { $0.standardError == 0 }, "a census on both sides has no sampling error")
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
