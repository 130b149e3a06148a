import XCTest
@testable import StatsEngine

/// A logistic model of a share in [0, 1] (Papke & Wooldridge's fractional logit), survey-weighted
/// with strata and PSUs, against R's `svyglm(family = quasibinomial)` at convergence
/// (`oracle/fractional_logit.R`, which wrote the data and the expected values).
final class FractionalResponseTests: XCTestCase {
    func testSharesAgainstSvyglmQuasibinomial() throws {
        let table = try FixtureFiles.table("data", in: "fractional")
        let expected = try FixtureFiles.table("expected", in: "fractional")
        let design = try SurveyDesign(spec: DesignSpec(weights: "weight", strata: "stratum", clusters: ["psu"]), table: table)
        let result = try RegressionEstimator(table: table, design: design)
            .fit(RegressionRequest(formula: "share ~ x + factor(g)", family: .binomial))
        let terms = try expected.categorical("term")
        let (estimates, errors) = (try expected.numeric("estimate"), try expected.numeric("std_error"))
        XCTAssertEqual(result.coefficients.map(\.term), terms.codes.map { terms.levels[Int($0)] })
        for (k, row) in result.coefficients.enumerated() {
            assertClose(row.estimate!, estimates[k], rel: 1e-9, row.term)
            assertClose(row.standardError!, errors[k], rel: 1e-9, row.term)
        }
    }

    /// Separation with shares: a direction separates only when every share strictly between 0
    /// and 1 sits on its hyperplane (its likelihood then stays as it is along it).
    func testSharesBetweenZeroAndOneSitAtTheThreshold() throws {
        func direction(_ y: [Double]) throws -> [Double]? {
            let table = Table(source: "t", names: ["x", "y"], columns: [[-2, -1, 0, 1, 2], y].map { .numeric(NumericColumn($0)) })
            let x = try DesignMatrix(formula: ModelFormula("y ~ x"), table: table)
            return SeparationCheck(family: .binomial, design: x, weights: [Double](repeating: 1, count: 5),
                                   mean: [Double](repeating: 0.5, count: 5)).separatingColumn(y: x.response)
        }
        XCTAssertNotNil(try direction([0, 0, 0.5, 1, 1]), "the share at the threshold")
        XCTAssertNil(try direction([0, 0.5, 0, 1, 1]), "a share off the threshold")
    }

    /// A binomial response outside [0, 1] is an error naming the line.
    func testResponseOutsideTheUnitIntervalIsRefused() throws {
        let table = try CSVReader.parse(Array("y,x\n0.5,1\n1.5,2\n0,3\n1,4\n".utf8), source: "t.csv")
        let design = try SurveyDesign(spec: DesignSpec(), table: table)
        XCTAssertThrowsError(try RegressionEstimator(table: table, design: design).fit(RegressionRequest(formula: "y ~ x", family: .binomial))) {
            XCTAssert("\($0)".contains("t.csv:3, column 'y': a binomial response must lie between 0 and 1"), "\($0)")
        }
    }
}
