import XCTest
@testable import StatsEngine

/// NIST StRD linear regression (and the 60-digit-certified cases of the same kind): every
/// coefficient and standard error to at least 9 correct digits (LRE ≥ 9), Filip and Wampler5
/// included. Standard errors are the classical ones NIST certifies (σ̂²(X'X)⁻¹, n − p df).
final class NISTRegressionTests: XCTestCase {
    struct Certified: Decodable {
        let formula: String
        let coefficients: [String]
        let std_errors: [String]
    }

    func testCertifiedLeastSquares() throws {
        let url = try FixtureFiles.url("certified", "json", in: "nist-regression")
        let sets = try JSONDecoder().decode([String: Certified].self, from: Data(contentsOf: url))
        XCTAssertEqual(sets.count, 18)
        var report: [String] = []
        for (name, certified) in sets.sorted(by: { $0.key < $1.key }) {
            let table = try FixtureFiles.table(name, in: "nist-regression")
            let design = try SurveyDesign(spec: DesignSpec(), table: table)
            let result = try RegressionEstimator(table: table, design: design)
                .fit(RegressionRequest(formula: certified.formula, covariance: .classical))
            XCTAssertEqual(result.coefficients.count, certified.coefficients.count, name)
            XCTAssertTrue(result.aliased.isEmpty, "\(name): nothing is aliased")
            var worst = 15.0
            for (row, (b, se)) in zip(result.coefficients, zip(certified.coefficients, certified.std_errors)) {
                let coefficientLRE = logRelativeError(row.estimate ?? .nan, certified: Double(b)!)
                let errorLRE = logRelativeError(row.standardError ?? .nan, certified: Double(se)!)
                worst = min(worst, coefficientLRE, errorLRE)
                XCTAssertGreaterThanOrEqual(coefficientLRE, 9, "\(name) \(row.term) coefficient \(row.estimate ?? .nan) vs \(b)")
                XCTAssertGreaterThanOrEqual(errorLRE, 9, "\(name) \(row.term) SE \(row.standardError ?? .nan) vs \(se)")
            }
            report.append("\(name) \(String(format: "%.1f", worst))")
        }
        print("NIST regression, worst LRE per set: " + report.joined(separator: ", "))
    }
}
