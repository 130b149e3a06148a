import XCTest
@testable import StatsEngine

/// The formula parser and expander are bounded and linear: deep nesting is a one-line usage
/// error (not a stack overflow), long arithmetic chains cost linear time, and models whose
/// expansion or design matrix would be huge are refused before anything is built.
final class FormulaBoundsTests: XCTestCase {
    private func sample(rows: Int = 200) throws -> (Table, SurveyDesign) {
        var rng = SplitMix64(seed: 31)
        var x1: [Double] = [], y: [Double] = [], f: [Double] = []
        for i in 0..<rows {
            let x = rng.normal()
            x1.append(x)
            f.append(Double(i % 7))
            y.append(1 + 0.5 * x + rng.normal())
        }
        let table = Table(source: "simulated", names: ["score", "x1", "f"],
                          columns: [.numeric(NumericColumn(y)), .numeric(NumericColumn(x1)), .numeric(NumericColumn(f))])
        return (table, try SurveyDesign(spec: DesignSpec(), table: table))
    }

    private func usageMessage(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as DisparityError where error.kind == .usage { return error.message } catch { return "\(error)" }
        return nil
    }

    /// 30,000 nested parentheses (the crash case), in a formula and inside I(), fail at once
    /// with the position of the first parenthesis beyond the bound.
    func testDeepNestingIsAUsageErrorNamingThePosition() {
        let depth = 30_000
        let open = String(repeating: "(", count: depth), close = String(repeating: ")", count: depth)
        let start = Date()
        for formula in ["score ~ \(open)x1\(close)", "score ~ I(\(open)x1\(close))", "score ~ I(\(String(repeating: "-", count: depth))x1)",
                        "score ~ I(x1\(String(repeating: "^x1", count: depth)))"] {
            let message = usageMessage { _ = try ModelFormula(formula) }
            XCTAssertNotNil(message, formula.prefix(20) + "…")
            XCTAssertTrue(message?.contains("nested more than \(FormulaParser.maximumNesting) levels deep (at character") ?? false, message ?? "")
            XCTAssertFalse(message?.contains("\n") ?? true)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        // At the bound the formula still parses.
        let atBound = FormulaParser.maximumNesting - 1
        XCTAssertNoThrow(try ModelFormula("score ~ \(String(repeating: "(", count: atBound))x1\(String(repeating: ")", count: atBound))"))
    }

    func testTooManyOperatorsIsAUsageError() {
        let formula = "score ~ I(x1" + String(repeating: "+x1", count: FormulaParser.maximumOperators + 1) + ")"
        let message = usageMessage { _ = try ModelFormula(formula) }
        XCTAssertTrue(message?.contains("more than \(FormulaParser.maximumOperators) operators (at character") ?? false, message ?? "")
    }

    /// A sum of k copies of x1 inside I() is k·x1: the same coefficients as I(k*x1), and a
    /// 31-term and a 500-term sum (exponential time before: hours) fit in a second, on a loaded
    /// machine within five.
    func testLongArithmeticSumsFitInLinearTime() throws {
        let (table, design) = try sample()
        let estimator = RegressionEstimator(table: table, design: design)
        for k in [31, 500] {
            let sum = "score ~ I(x1" + String(repeating: "+x1", count: k - 1) + ")"
            let start = Date()
            let long = try estimator.fit(RegressionRequest(formula: sum))
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, "\(k) terms (exponential time: hours)")
            let product = try estimator.fit(RegressionRequest(formula: "score ~ I(\(k)*x1)"))
            for (a, b) in zip(long.coefficients, product.coefficients) {
                assertClose(a.estimate!, b.estimate!, rel: 1e-12, "\(k) terms: \(a.term)")
                assertClose(a.standardError!, b.standardError!, rel: 1e-10, "\(k) terms: SE of \(a.term)")
            }
        }
    }

    /// Powers of long sums are counted before they are expanded: 40 variables to the 16th power
    /// would be about 10¹¹ terms.
    func testCombinatorialExpansionIsRefusedBeforeItIsBuilt() {
        let variables = (1...40).map { "x\($0)" }.joined(separator: " + ")
        let start = Date()
        let message = usageMessage { _ = try ModelFormula("y ~ (\(variables))^16") }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertTrue(message?.contains("the model would have") ?? false, message ?? "")
        XCTAssertTrue(message?.contains("terms (at most \(ModelFormula.maximumTerms))") ?? false, message ?? "")
        // (a+b+c)^2 still expands as R does: three main effects and three two-way interactions.
        XCTAssertEqual(try ModelFormula("y ~ (a + b + c)^2").terms.map(\.label), ["a", "b", "c", "a:b", "a:c", "b:c"])
    }

    /// A factor with more levels than half its rows (a number taken as a factor, say) is refused
    /// at once, naming it, instead of a fit whose work grows with the square of its levels.
    func testFactorWithAboutOneRowALevelIsRefused() throws {
        let rows = 5000
        let x = (0..<rows).map { Double($0) / 7 }
        let table = Table(source: "levels", names: ["y", "x"],
                          columns: [.numeric(NumericColumn((0..<rows).map { Double($0 % 2) })), .numeric(NumericColumn(x))])
        let start = Date()
        XCTAssertThrowsError(try DesignMatrix(formula: ModelFormula("y ~ factor(x)"), table: table)) { error in
            XCTAssertTrue("\(error)".contains("factor 'x' has 5000 levels among 5000 rows"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        // Fifty rows a level are fine.
        let grouped = Table(source: "levels", names: ["y", "g"],
                            columns: [.numeric(NumericColumn((0..<rows).map { Double($0 % 2) })), .numeric(NumericColumn((0..<rows).map { Double($0 % 100) }))])
        XCTAssertNoThrow(try DesignMatrix(formula: ModelFormula("y ~ factor(g)"), table: grouped))
    }

    /// An interaction of wide factors is refused from its column count, before allocation.
    func testHugeDesignMatrixIsRefusedBeforeAllocation() throws {
        let rows = 20_000
        let a = (0..<rows).map { Double($0 % 5000) }, b = (0..<rows).map { Double(($0 / 7) % 4000) }
        let table = Table(source: "wide", names: ["y", "a", "b"],
                          columns: [.numeric(NumericColumn((0..<rows).map { Double($0 % 3) })), .numeric(NumericColumn(a)), .numeric(NumericColumn(b))])
        let start = Date()
        XCTAssertThrowsError(try DesignMatrix(formula: ModelFormula("y ~ factor(a):factor(b)"), table: table)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("the model would have") && text.contains("columns for 20000 rows and need") && text.contains("GB"), text)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }
}
