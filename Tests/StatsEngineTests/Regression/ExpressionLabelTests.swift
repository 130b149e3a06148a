import XCTest
@testable import StatsEngine

/// A numeric expression's term name (`I(...)`, `log(...)`) keeps the parentheses its structure
/// needs: `I((x+1)*2)` was named `I(x + 1*2)`, `I((-x)^2)` and `I(-x^2)` both `I(-x^2)` (with
/// estimates of opposite sign), so a model's terms could share a name. Each name, read back as
/// a formula, is the same expression.
final class ExpressionLabelTests: XCTestCase {
    private func label(_ rhs: String) throws -> String {
        let formula = try ModelFormula("y ~ \(rhs)")
        XCTAssertEqual(formula.terms.count, 1, rhs)
        return formula.terms[0].label
    }

    func testLabelsKeepTheNeededParentheses() throws {
        let expected = [
            "I((x+1)*2)": "I((x + 1)*2)", "I(x+1*2)": "I(x + 1*2)", "I(x/(x+1))": "I(x/(x + 1))", "I(x/x+1)": "I(x/x + 1)",
            "I((-x)^2)": "I((-x)^2)", "I(-x^2)": "I(-x^2)", "I(x-(z-1))": "I(x - (z - 1))", "I(x-z-1)": "I(x - z - 1)",
            "I(x^z^2)": "I(x^z^2)", "I((x^z)^2)": "I((x^z)^2)", "I(x^(z+1))": "I(x^(z + 1))", "log(x+1)": "log(x + 1)",
            "I(-(x+1))": "I(-(x + 1))", "I(x*(z*2))": "I(x*(z*2))", "I(x*z*2)": "I(x*z*2)", "I(x^2)": "I(x^2)",
            "I((-1)^x)": "I((-1)^x)", "I(2^-x)": "I(2^(-x))",
        ]
        for (written, name) in expected {
            XCTAssertEqual(try label(written), name, written)
            // The name, read back, is the same expression.
            let again = try ModelFormula("y ~ \(name)")
            XCTAssertEqual(again.terms, try ModelFormula("y ~ \(written)").terms, "\(written) → \(name)")
        }
        let two = try ModelFormula("y ~ I((x+1)^2) + I(x+1^2)")
        XCTAssertEqual(Set(two.terms.map(\.label)).count, 2, "\(two.terms.map(\.label))")
    }
}
