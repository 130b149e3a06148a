import XCTest
@testable import StatsEngine

/// NIST StRD univariate sets (and the NumAcc-like cases certified in 60-digit arithmetic):
/// mean and standard deviation to at least 13 correct digits on every set.
final class NISTUnivariateTests: XCTestCase {
    func testMeanAndStandardDeviationReachThirteenDigits() throws {
        let certified = try XCTUnwrap(FixtureFiles.json("univariate_certified", in: "nist") as? [String: [String: String]])
        XCTAssertEqual(certified.count, 13)
        for (name, values) in certified.sorted(by: { $0.key < $1.key }) {
            let table = try FixtureFiles.table(name, in: "nist")
            let design = try SurveyDesign(spec: DesignSpec(), table: table)
            let estimator = DescriptiveEstimator(table: table, design: design)
            let mean = try estimator.estimate(EstimateRequest(statistic: .mean, variable: "y"))[0].estimate
            let sd = try estimator.estimate(EstimateRequest(statistic: .sd, variable: "y"))[0].estimate
            let meanLRE = logRelativeError(mean, certified: Double(values["mean"]!)!)
            let sdLRE = logRelativeError(sd, certified: Double(values["sd"]!)!)
            XCTAssertGreaterThanOrEqual(meanLRE, 13, "\(name) mean \(mean)")
            XCTAssertGreaterThanOrEqual(sdLRE, 13, "\(name) sd \(sd)")
        }
    }
}
