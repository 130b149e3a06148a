import Foundation
import XCTest
@testable import StatsEngine

/// The composite (safety) index: rebuilt from its items it equals the index the data generator
/// wrote (an independent computation in Python), with the same design-based SE as its mean.
final class CompositeIndexTests: XCTestCase {
    func testIndexEqualsTheGeneratorsIndex() throws {
        let table = try CSVReader.read(path: CoverageTests.datasets.appendingPathComponent("resident_survey.csv").path)
        let design = try SurveyDesign(spec: DesignSpec(weights: "weight", strata: "stratum", clusters: ["psu", "id"],
                                                       fpc: ["blocks_in_district", "residents_in_block"]), table: table)
        let estimator = DescriptiveEstimator(table: table, design: design)
        var request = EstimateRequest(statistic: .index, variable: "safe_day,safe_night,safe_home", by: ["period", "deprived_area"])
        request.index = try CompositeIndex(items: ["safe_day", "safe_night", "safe_home"], low: 1, high: 5)
        let index = try estimator.estimate(request)
        let precomputed = try estimator.estimate(EstimateRequest(statistic: .mean, variable: "safety_index", by: ["period", "deprived_area"]))
        XCTAssertEqual(index.count, 10, "five waves (periods) by deprived area")
        for (a, b) in zip(index, precomputed) {
            XCTAssertEqual(a.group.map(\.level), b.group.map(\.level))
            // The generator wrote its index to 4 decimals: each row within 5e-5 of the exact value.
            XCTAssertEqual(a.estimate, b.estimate, accuracy: 5e-5, "index at \(a.group.map(\.level))")
            XCTAssertEqual(try XCTUnwrap(a.standardError), try XCTUnwrap(b.standardError), accuracy: 5e-5, "SE at \(a.group.map(\.level))")
            XCTAssertEqual(a.n, b.n)
        }
    }

    func testWeightsAndRange() throws {
        let table = try CSVReader.parse(Array("a,b\n1,5\n3,3\n5,\n".utf8), source: "t.csv")
        let equal = try CompositeIndex(items: ["a", "b"], low: 1, high: 5).values(in: table)
        XCTAssertEqual(equal[0], 50)
        XCTAssertEqual(equal[1], 50)
        XCTAssertTrue(equal[2].isNaN, "a missing item leaves the row without an index")
        XCTAssertEqual(try CompositeIndex(items: ["a", "b"], weights: [3, 1], low: 1, high: 5).values(in: table)[0], 25)
        XCTAssertThrowsError(try CompositeIndex(items: ["a", "b"], low: 1, high: 4).values(in: table)) {
            XCTAssert("\($0)".contains("t.csv:2, column 'b'"))
        }
        XCTAssertThrowsError(try CompositeIndex(items: ["a"], weights: [1, 2], low: 1, high: 5))
        XCTAssertThrowsError(try CompositeIndex(items: ["a"], low: 5, high: 1))
    }
}
