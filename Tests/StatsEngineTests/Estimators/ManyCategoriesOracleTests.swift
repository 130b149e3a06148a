import Foundation
import XCTest
@testable import StatsEngine

/// Proportions of a factor of 251 levels, more than the joint covariance takes
/// (`DescriptiveEstimator.jointShareLimit`), against R survey 4.1.1's `svymean(~code)`
/// (`oracle/many_categories.R`): each share's variance from its own rows
/// (`VarianceEngine.shareVariances`) on strata and clusters, fpcs with a stratum sampled
/// completely, rows as PSUs, a lonely PSU adjusted and averaged, overall and by domain; and
/// category by category on a post-stratified design. Shares and standard errors to 1e-9 relative.
/// (Its speed, 20,000 levels on 200,000 rows: `bench/many-categories.sh`.)
final class ManyCategoriesOracleTests: XCTestCase {
    private let folder = "Fixtures/categories"

    func testSharesAndStandardErrorsMatchRSvymean() throws {
        guard let url = Bundle.module.url(forResource: "expected", withExtension: "csv", subdirectory: folder),
              let totals = Bundle.module.url(forResource: "totals", withExtension: "csv", subdirectory: folder) else {
            throw OracleFailure("\(folder)/expected.csv or totals.csv is missing")
        }
        let records = try OracleFixture.records(String(contentsOf: url, encoding: .utf8),
                                                columns: ["case", "design", "by", "group", "category", "estimate", "se"],
                                                file: "categories/expected.csv")
        var tables: [String: Table] = [:]
        let table = try OracleFixture.table("codes", in: folder, cache: &tables)
        let (order, cases) = OracleFixture.cases(records)
        var mismatches: [String] = [], checked = 0
        for id in order {
            let expected = cases[id]!, first = expected[0]
            let clusters = ["--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest", "--lonely-psu", "adjust"]
            let arguments: [String] = switch first["design"] {
            case "clusters": clusters
            case "fpc": clusters + ["--fpc", "N"]
            case "rows": ["--weights", "w", "--strata", "stratum", "--lonely-psu", "adjust"]
            case "average": ["--weights", "w", "--strata", "stratum", "--cluster", "psu", "--nest", "--lonely-psu", "average"]
            default: clusters + ["--poststratify", "region", "--totals", totals.path]
            }
            let design = try SurveyDesign(spec: DesignOptions.parse(arguments).spec(), table: table)
            let request = EstimateRequest(statistic: .proportion, variable: "code", by: first["by"].isEmpty ? [] : [first["by"]])
            let rows = try DescriptiveEstimator(table: table, design: design).estimate(request)
            XCTAssertEqual(Set(rows.compactMap(\.category)), Set(expected.map { $0["category"] }), id)
            XCTAssertGreaterThan(Set(expected.map { $0["category"] }).count, DescriptiveEstimator.jointShareLimit, id)
            for row in expected {
                let place = "\(id) [\(row["group"]) \(row["category"])]"
                let found = rows.filter { ($0.group.first?.level ?? "") == row["group"] && $0.category == row["category"] }
                guard found.count == 1 else {
                    mismatches.append("\(place): \(found.count) rows")
                    continue
                }
                for (name, ours, wanted) in [("share", found[0].estimate, Double(row["estimate"])!),
                                             ("se", found[0].standardError ?? .nan, Double(row["se"])!)]
                where !(abs(ours - wanted) <= 1e-9 * abs(wanted) || (wanted == 0 && abs(ours) < 1e-15)) {
                    mismatches.append("\(place): \(name) R \(wanted), ours \(ours)")
                }
                checked += 1
            }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) disagreements with R:\n" + mismatches.prefix(20).joined(separator: "\n"))
        XCTAssertEqual(checked, records.count)
        XCTAssertEqual(Set(order.map { $0.split(separator: "/")[0] }), ["clusters", "fpc", "rows", "average", "poststratified"])
    }
}
