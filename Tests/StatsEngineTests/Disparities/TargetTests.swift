import XCTest
@testable import StatsEngine

/// Targets and their verdicts: one-sided targets and equivalence bands ("mirrors the labour
/// force": `within 0.9..1.1`), with the one-sided and TOST p-values in closed form.
final class TargetTests: XCTestCase {
    func testOneSidedTargets() throws {
        let target = try Target(parsing: "<= 5.8")
        XCTAssertEqual(target.verdict(low: 4, high: 5.5), .met)
        XCTAssertEqual(target.verdict(low: 6, high: 9), .notMet)
        XCTAssertEqual(target.verdict(low: 5, high: 6), .inconclusive)
        XCTAssertEqual(target.verdict(low: .nan, high: 1), .inconclusive)
        // P(Z ≤ (5 − 5.8)/0.4) = Φ(−2)
        XCTAssertEqual(target.pValue(estimate: 5, standardError: 0.4, df: nil)!, 0.022750131948179195, accuracy: 1e-15)
        XCTAssertEqual(try Target(parsing: ">=0.9").pValue(estimate: 1.3, standardError: 0.2, df: nil)!, 0.022750131948179195, accuracy: 1e-15)
    }

    func testEquivalenceBand() throws {
        let band = try Target(parsing: "within 0.9..1.1")
        XCTAssertEqual(band.comparison, .within)
        XCTAssertEqual(band.description, "within 0.9..1.1")
        XCTAssertEqual(band.verdict(low: 0.95, high: 1.05), .met, "the whole interval inside")
        XCTAssertEqual(band.verdict(low: 0.4, high: 0.6), .notMet, "wholly below")
        XCTAssertEqual(band.verdict(low: 1.2, high: 1.4), .notMet, "wholly above")
        XCTAssertEqual(band.verdict(low: 0.85, high: 0.95), .inconclusive, "straddles the lower end")
        XCTAssertEqual(band.verdict(low: 0.8, high: 1.2), .inconclusive, "covers the whole band")
        XCTAssertTrue(band.isSatisfied(by: 1.1))
        XCTAssertFalse(band.isSatisfied(by: 1.1000001))
        // TOST: max(Φ(−(1.02 − 0.9)/0.04), Φ((1.02 − 1.1)/0.04)) = max(Φ(−3), Φ(−2)) = Φ(−2)
        XCTAssertEqual(band.pValue(estimate: 1.02, standardError: 0.04, df: nil)!, 0.022750131948179195, accuracy: 1e-15)
        // With t: P(T₁₀ ≤ −2) = 0.036694017385370196 (scipy.stats.t.cdf(-2, 10))
        XCTAssertEqual(band.pValue(estimate: 1.02, standardError: 0.04, df: 10)!, 0.036694017385370196, accuracy: 1e-13)
    }

    func testMalformedTargetsAreUsageErrors() {
        for text in ["within 1.1..0.9", "within 0.9", "within a..b", "== 3", "<= x", "within 0.9..inf"] {
            XCTAssertThrowsError(try Target(parsing: text), text) { error in
                XCTAssertEqual((error as? DisparityError)?.kind, .usage, text)
            }
        }
    }

    func testTargetParsingAndVerdicts() throws {
        let t = try Target(parsing: "<= 5.8")
        XCTAssertEqual(t, Target(comparison: .atMost, value: 5.8))
        XCTAssertEqual(try Target(parsing: ">=0").comparison, .atLeast)
        XCTAssertEqual(try Target(parsing: " < -1.5 ").value, -1.5)
        XCTAssertEqual(t.verdict(low: 3, high: 5.8), .met)
        XCTAssertEqual(t.verdict(low: 5.9, high: 8), .notMet)
        XCTAssertEqual(t.verdict(low: 4, high: 7), .inconclusive)
        XCTAssertEqual(try Target(parsing: "> 0").verdict(low: -1, high: 2), .inconclusive)
        for bad in ["5.8", "=< 5.8", "<= five", "", "<="] {
            XCTAssertThrowsError(try Target(parsing: bad), bad) { XCTAssert("\($0)".contains("--target")) }
        }
    }

    /// The one-sided p-value that the target is met: normal tail of (estimate − target)/SE.
    func testTargetPValue() throws {
        let t = try Target(parsing: "<= 5.8")
        XCTAssertEqual(t.pValue(estimate: 5.8, standardError: 1, df: nil)!, 0.5, accuracy: 1e-15)
        XCTAssertEqual(t.pValue(estimate: 5.8 - 1.959963984540054, standardError: 1, df: nil)!, 0.025, accuracy: 1e-12)
        XCTAssertEqual(try Target(parsing: ">= 0").pValue(estimate: 1.959963984540054, standardError: 1, df: nil)!, 0.025, accuracy: 1e-12)
    }
}
