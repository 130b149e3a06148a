import Foundation
import XCTest
@testable import StatsEngine

/// The barometer on the bundled data, and bad configurations.
final class BarometerTests: XCTestCase {
    func testBundledBarometerAgainstThePopulationTruth() throws {
        let yaml = CoverageTests.datasets.appendingPathComponent("barometer.yaml").path
        let config = try BarometerConfig.load(path: yaml)
        XCTAssertEqual(config.goals.count, 7)
        XCTAssertTrue(config.goals[0].label.contains("løftes"), "UTF-8 labels")
        let results = try BarometerEvaluator(config: config).evaluate()
        let truthData = try Data(contentsOf: CoverageTests.datasets.appendingPathComponent("truth.json"))
        let truth = try XCTUnwrap((try JSONSerialization.jsonObject(with: truthData) as? [String: Any])?["goals"] as? [String: [String: Any]])
        for r in results {
            let t = try XCTUnwrap(truth[r.goal.id], "goal \(r.goal.id)")
            let current = try XCTUnwrap(t["current"] as? Double)
            XCTAssertFalse(r.sentence.isEmpty)
            if r.goal.representation == nil, r.goal.data == "pupils.csv" || r.goal.data == "municipal_staff.csv" {
                // Censuses: the estimate is the population value itself.
                assertClose(r.current.value, current, rel: 1e-9, "goal \(r.goal.id)")
            } else {
                // Samples: within four standard errors of the truth.
                XCTAssertLessThan(abs(r.current.value - current), 4 * r.current.standardError, "goal \(r.goal.id)")
            }
            if let baseline = t["baseline"] as? Double, r.goal.data == "pupils.csv" {
                assertClose(r.baseline?.value, baseline, rel: 1e-9, "goal \(r.goal.id) baseline")
            }
        }
        // Goal 3: managers' education-standardised representation index (about 0.46) is far below
        // its target of 0.9; the labour-force benchmark is a sample, so it has a standard error.
        let representation = try XCTUnwrap(results.first { $0.goal.id == "3" })
        XCTAssertEqual(representation.verdict, .notMet)
        XCTAssertGreaterThan(representation.current.standardError, 0)
        let json = Report.barometer(results, config: config).json.serialized()
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((parsed?["goals"] as? [[String: Any]])?.count, 7)
        XCTAssertTrue((parsed?["goals"] as? [[String: Any]])?.allSatisfy { $0["verdict"] != nil } ?? false)
    }

    private func load(_ yaml: String) throws -> BarometerConfig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barometer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "g,y\na,1\nb,2\na,3\nb,4\n".write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("b.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return try BarometerConfig.load(path: path.path)
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
        assertFails("goals:\n  - {id: x1, label: Test, data: d.csv, stat: mean, variable: income}\n", evaluate: true,
                    mentions: ["goal x1", "'income'", "no such column"])
    }

    func testMalformedConfigurations() {
        assertFails("goals: [", mentions: ["not valid YAML"])
        assertFails("title: nothing\n", mentions: ["no goals"])
        assertFails("goals:\n  - {label: Test, stat: mean, variable: y}\n", mentions: ["goal 1", "'data' is missing"])
        assertFails("goals:\n  - {label: T, data: d.csv, stat: median, variable: y}\n", mentions: ["stat 'median'"])
        assertFails("goals:\n  - {label: T, data: d.csv, variable: y, target: 'about 3'}\n", mentions: ["--target"])
        assertFails("goals:\n  - {label: T, data: d.csv, variable: y, group: g}\n", mentions: ["'group' needs 'reference'"])
        assertFails("goals:\n  - {label: T, data: d.csv, variable: g, focal: a, measure: representation}\n", mentions: ["needs 'benchmark'"])
        assertFails("goals:\n  - {label: T, data: d.csv, variable: g, focal: a, measure: representation, benchmark: {data: d.csv}, report: 'standardised index'}\n",
                    mentions: ["report 'standardised index'"])
        assertFails("goals:\n  - {label: T, data: d.csv, variable: y, measure: survey}\n", mentions: ["measure 'survey'"])
    }
}
