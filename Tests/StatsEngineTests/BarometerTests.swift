import Foundation
import XCTest
@testable import StatsEngine

/// The barometer on the bundled data, and bad configurations.
final class BarometerTests: XCTestCase {
    func testBundledBarometerAgainstThePopulationTruth() throws {
        let yaml = CoverageTests.datasets.appendingPathComponent("barometer.yaml").path
        let config = try BarometerConfig.load(path: yaml)
        XCTAssertEqual(config.goals.count, 7)
        XCTAssertTrue(config.goals[5].label.contains("føle"), "UTF-8 labels")
        let result = try BarometerEvaluator(config: config).evaluate()
        let truthData = try Data(contentsOf: CoverageTests.datasets.appendingPathComponent("truth.json"))
        let truth = try XCTUnwrap((try JSONSerialization.jsonObject(with: truthData) as? [String: Any])?["goals"] as? [String: [String: Any]])
        for goal in result.goals {
            let measures = try XCTUnwrap(truth[goal.goal.id]?["measures"] as? [String: [String: Double]], "goal \(goal.goal.id)")
            for m in goal.measures {
                let value = try XCTUnwrap(m.current.value, m.measure.id)
                let current = try XCTUnwrap(measures[m.measure.id]?[m.wave], "\(m.measure.id) at \(m.wave)")
                XCTAssertFalse(m.sentence(goal.goal, level: result.level, language: .da).isEmpty)
                if let se = value.standardError, se > 0 {
                    // Samples: within four standard errors of the truth.
                    XCTAssertLessThan(abs(value.estimate - current), 4 * se, m.measure.id)
                } else {
                    // Censuses: the estimate is the population value itself.
                    assertClose(value.estimate, current, rel: 1e-9, m.measure.id)
                }
            }
        }
        // Goal 3: managers' education-standardised representation index is far below its band
        // 0.9..1.1; the labour-force benchmark is a sample, so it has a standard error.
        let managers = try XCTUnwrap(result.goals.first { $0.goal.id == "3" }?.measures.first { $0.measure.id == "3b" })
        XCTAssertEqual(managers.verdict, .notMet)
        XCTAssertGreaterThan(managers.current.value?.standardError ?? 0, 0)
        let json = Report.barometer(result).json.serialized()
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((parsed?["goals"] as? [[String: Any]])?.count, 7)
        XCTAssertTrue((parsed?["goals"] as? [[String: Any]])?.allSatisfy { $0["verdict"] != nil } ?? false)
    }

    /// `yaml`'s goals under a one-period schedule, beside a small data file `d.csv`.
    private func load(_ yaml: String) throws -> BarometerConfig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barometer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        try "period,g,y\n2010,a,1\n2010,b,2\n2010,a,3\n2010,b,4\n".write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("b.yaml")
        try ("periods: {column: period, baseline: \"2010\", order: [\"2010\"]}\n" + yaml).write(to: path, atomically: true, encoding: .utf8)
        return try BarometerConfig.load(path: path.path)
    }

    /// A configuration of one direction goal (id `id`) with one measure of these keys.
    private func goal(_ measure: String, id: String = "1", data: String = "data: d.csv, ") -> String {
        "goals:\n  - {id: \"\(id)\", label: Test, kind: direction, direction: higher, \(data)measures: [{label: M, unit: score points, \(measure)}]}\n"
    }

    private func assertFails(_ yaml: String, evaluate: Bool = false, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try { let c = try load(yaml); if evaluate { _ = try BarometerEvaluator(config: c).evaluate() } }(),
                             file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"), "one line: \(message)", file: file, line: line)
            for m in mentions { XCTAssert(message.contains(m), "'\(message)' lacks '\(m)'", file: file, line: line) }
        }
    }

    func testGoalNamingAMissingColumn() {
        assertFails(goal("stat: mean, variable: income", id: "x1"), evaluate: true, mentions: ["goal x1", "'income'", "no such column"])
    }

    func testMalformedConfigurations() {
        assertFails("goals: [", mentions: ["not valid YAML"])
        assertFails("title: nothing\n", mentions: ["no goals"])
        assertFails(goal("stat: mean, variable: y", data: ""), mentions: ["goal 1", "'data' is missing"])
        assertFails(goal("stat: median, variable: y"), mentions: ["stat 'median'"])
        assertFails("goals:\n  - {label: T, kind: target, target: 'about 3', data: d.csv, measures: [{label: M, unit: score points, variable: y}]}\n",
                    mentions: ["about 3"])
        assertFails(goal("variable: y, group: g"), mentions: ["measure 1a", "'reference' is missing"])
        assertFails(goal("variable: g, focal: a, measure: representation"), mentions: ["needs 'benchmark'"])
        assertFails(goal("variable: g, focal: a, measure: representation, benchmark: {data: d.csv}, report: 'standardised index'"),
                    mentions: ["report 'standardised index'"])
        assertFails(goal("variable: y, measure: survey"), mentions: ["measure 'survey'"])
    }
}
