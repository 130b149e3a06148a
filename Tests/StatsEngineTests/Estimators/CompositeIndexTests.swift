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

    /// Weights count by their proportions at any scale (1e308 each: their sum overflowed and the
    /// index read 0); a range wider than a double is refused; an index on a range of 1e200,
    /// whose values are near 1e-198, has the standard error its scale gives (the variance's
    /// squares underflowed to a standard error of 0, shown as exact).
    func testExtremeWeightsAndRanges() throws {
        let table = try CSVReader.parse(Array("a,b,c,w\n1,5,2,1\n3,3,4,2\n5,2,1,1\n2,4,5,3\n".utf8), source: "t.csv")
        XCTAssertEqual(try CompositeIndex(items: ["a", "b", "c"], weights: [1e308, 1e308, 0], low: 1, high: 9).values(in: table),
                       try CompositeIndex(items: ["a", "b", "c"], weights: [1, 1, 0], low: 1, high: 9).values(in: table))
        XCTAssertThrowsError(try CompositeIndex(items: ["a"], low: -1e308, high: 1e308)) {
            XCTAssert("\($0)".contains("--item-range -1e+308,1e+308 spans more than the largest double") || "\($0)".contains("spans more than the largest double"), "\($0)")
        }
        func row(_ high: Double) throws -> EstimateRow {
            var request = EstimateRequest(statistic: .index, variable: "a,b,c")
            request.index = try CompositeIndex(items: ["a", "b", "c"], low: 1, high: high)
            let design = try SurveyDesign(spec: DesignSpec(weights: "w"), table: table)
            return try XCTUnwrap(DescriptiveEstimator(table: table, design: design).estimate(request).first)
        }
        let (near, far) = (try row(9), try row(1e200))
        let ratio = (1e200 - 1) / 8
        XCTAssertEqual(far.estimate * ratio, near.estimate, accuracy: 1e-12 * near.estimate)
        XCTAssertEqual(try XCTUnwrap(far.standardError) * ratio, try XCTUnwrap(near.standardError), accuracy: 1e-9 * near.standardError!)
    }
}
