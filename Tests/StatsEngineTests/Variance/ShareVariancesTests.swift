import XCTest
@testable import StatsEngine

/// The shares' variances category by category in time for their own rows
/// (`VarianceEngine.shareVariances`) equal the variance engine's on each category's influence
/// values, (w/W)(1[c = j] − p_j) on every row used: strata with PSUs of many rows and of one,
/// fpcs (a stratum sampled completely), every lonely-PSU rule (`--adjust-domain-lonely` too), a
/// domain's rows, rows of weight 0, rows present outside the shares (a cross-table's row
/// shares), categories in one PSU, in most PSUs, in every row of a stratum and in none, and many
/// categories at once. The R oracle of the same path, through
/// `estimate proportion` with more categories than the joint covariance takes, is
/// `Estimators/ManyCategoriesOracleTests`.
final class ShareVariancesTests: XCTestCase {
    /// 400 rows in 6 strata: stratum 5 has one PSU (a lonely one); PSUs of 1 to 9 rows; a
    /// category per row that is rare, common, or stratum-bound; every 17th row weight 0.
    private func table(categories k: Int) -> Table {
        let n = 400
        let stratum = (0..<n).map { (r: Int) -> Int in r < 380 ? r % 5 : 5 }
        let psu = (0..<n).map { (r: Int) -> Int in r < 380 ? (r / 5) % (3 + r % 5) + 100 * (r % 5) : 999 }
        let weight = (0..<n).map { (r: Int) -> Double in r % 17 == 0 ? 0 : 1 + Double((r * 7_919) % 13) / 3 }
        let category = (0..<n).map { r -> Int in
            if r % 3 == 0 { return 0 }                    // common everywhere
            if stratum[r] == 2, r % 2 == 0 { return 1 }   // in one stratum only
            return 2 + (r * 31) % (k - 3)                  // spread over the rest; the last level has no rows
        }
        let census = Double(Set((0..<380).filter { $0 % 5 == 3 }.map { psu[$0] }).count)
        let population = (0..<n).map { (r: Int) -> Double in stratum[r] == 3 ? census : 1e4 }
        return Table(source: "shares.csv", names: ["h", "psu", "w", "c", "N", "M"], columns: [
            .numeric(NumericColumn(stratum.map(Double.init))),
            .numeric(NumericColumn(psu.map(Double.init))),
            .numeric(NumericColumn(weight)),
            .categorical(CategoricalColumn(codes: category.map(Int32.init), levels: (0..<k).map { "c\($0)" })),
            .numeric(NumericColumn(population)),
            .numeric(NumericColumn([Double](repeating: 1e5, count: n))),
        ])
    }

    /// The variance engine's variance of each share from its own influence values (0 on the
    /// rows of code −1).
    private func categoryByCategory(_ engine: VarianceEngine, rows: [Int32], codes: [Int32], k: Int) throws -> [Double] {
        let w = engine.design.weights
        let W = rows.reduce(0) { $0 + (codes[Int($1)] >= 0 ? w[Int($1)] : 0) }
        return try (0..<k).map { j in
            let p = rows.reduce(0) { $0 + (codes[Int($1)] == j ? w[Int($1)] : 0) } / W
            let values = rows.map { r in codes[Int(r)] < 0 ? 0 : w[Int(r)] / W * ((codes[Int(r)] == j ? 1 : 0) - p) }
            return try engine.covariance(Influence(rows: rows, width: 1, values: values))[0, 0]
        }
    }

    private func check(_ spec: DesignSpec, rows: (Int) -> Bool = { _ in true }, outside: (Int) -> Bool = { _ in false },
                       categories k: Int = 90, file: StaticString = #filePath, line: UInt = #line) throws {
        let table = table(categories: k)
        let design = try SurveyDesign(spec: spec, table: table)
        let engine = VarianceEngine(design: design)
        guard case .categorical(let factor) = table.columns[3] else { return XCTFail("no factor") }
        let used = (0..<Int32(table.rowCount)).filter { rows(Int($0)) }
        let codes = factor.codes.enumerated().map { outside($0.offset) ? -1 : $0.element }
        let w = design.weights
        let W = used.reduce(0) { $0 + (codes[Int($1)] >= 0 ? w[Int($1)] : 0) }
        let shares = (0..<k).map { j in used.reduce(0) { $0 + (codes[Int($1)] == j ? w[Int($1)] : 0) } / W }
        let sparse = try XCTUnwrap(try engine.shareVariances(rows: used, codes: used.map { codes[Int($0)] }, count: k, shares: shares, weight: W),
                                   file: file, line: line)
        let dense = try categoryByCategory(engine, rows: used, codes: codes, k: k)
        XCTAssertEqual(sparse.count, k, file: file, line: line)
        for j in 0..<k {
            if dense[j].isNaN {
                XCTAssertTrue(sparse[j].isNaN, "category \(j): \(sparse[j]) where the engine has NaN", file: file, line: line)
            } else {
                XCTAssertEqual(sparse[j], dense[j], accuracy: 1e-12 * max(dense[j], 1e-300), "category \(j)", file: file, line: line)
            }
        }
        // The categories are not all alike: some variances 0 (the level without rows), others not.
        XCTAssertEqual(dense[k - 1], 0, file: file, line: line)
        XCTAssertGreaterThan(dense[0], 0, file: file, line: line)
    }

    func testStrataAndClustersUnderEveryLonelyPSURule() throws {
        for rule in [LonelyPSU.remove, .certainty, .adjust, .average] {
            try check(DesignSpec(weights: "w", strata: "h", clusters: ["psu"], nest: true, lonelyPSU: rule))
        }
    }

    func testADomainWithLonelyPSUsOfItsOwn() throws {
        // A domain that reaches one PSU of some strata.
        let inDomain: (Int) -> Bool = { r in r % 5 != 1 || r < 40 }
        for rule in [LonelyPSU.remove, .adjust, .average] {
            for adjust in [false, true] {
                try check(DesignSpec(weights: "w", strata: "h", clusters: ["psu"], nest: true, lonelyPSU: rule, adjustDomainLonely: adjust),
                          rows: inDomain)
            }
        }
    }

    /// A cross-table's row shares: the rows of other row levels are present (their PSUs count)
    /// with influence 0, code −1 here; a stratum of such rows only, too.
    func testRowsPresentOutsideTheShares() throws {
        for rule in [LonelyPSU.remove, .adjust, .average] {
            try check(DesignSpec(weights: "w", strata: "h", clusters: ["psu"], nest: true, lonelyPSU: rule),
                      outside: { r in r % 4 == 1 || (r % 5 == 4 && r < 380) })
        }
    }

    func testFinitePopulationCorrectionsAndACensusStratum() throws {
        try check(DesignSpec(weights: "w", strata: "h", clusters: ["psu"], fpc: ["N"], nest: true, lonelyPSU: .adjust))
    }

    func testRowsAsPSUsWithAndWithoutStrata() throws {
        try check(DesignSpec(weights: "w", strata: "h", lonelyPSU: .remove))
        try check(DesignSpec(weights: "w"))
        try check(DesignSpec(weights: "w", clusters: ["psu"]), categories: 2_000)
    }

    func testALonelyPSUUnderFailIsNamedAsTheEngineNamesIt() throws {
        let table = table(categories: 70)
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "h", clusters: ["psu"], nest: true), table: table)
        guard case .categorical(let factor) = table.columns[3] else { return XCTFail("no factor") }
        let rows = (0..<Int32(table.rowCount)).map { $0 }
        XCTAssertThrowsError(try VarianceEngine(design: design).shareVariances(rows: rows, codes: factor.codes, count: 70,
                                                                               shares: [Double](repeating: 0, count: 70), weight: 1)) {
            XCTAssertEqual(($0 as? DisparityError)?.description.contains("stratum '5' has only one PSU at stage 1"), true, "\($0)")
        }
    }

    func testATwoStageDesignTakesTheEngine() throws {
        let table = table(categories: 70)
        guard case .categorical(let factor) = table.columns[3] else { return XCTFail("no factor") }
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", clusters: ["psu", "c"], fpc: ["M", "M"]), table: table)
        XCTAssertTrue(design.usesSecondStage)
        XCTAssertNil(try VarianceEngine(design: design).shareVariances(rows: [0, 1], codes: Array(factor.codes.prefix(2)), count: 70, shares: [], weight: 1))
    }
}
