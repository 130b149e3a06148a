import Foundation
import XCTest
@testable import StatsEngine

/// The note counting withheld figures names the threshold each was withheld under: a measure's
/// own `min-cell` (200) was reported as the run's (3) on standard error and in the report,
/// while its CSV row said 200.
final class BarometerWithheldNoteTests: XCTestCase {
    private func evaluate(_ measures: [String]) throws -> (BarometerResult, BarometerConfig) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barometer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        var csv = "period,g,y\n"
        for i in 0..<40 { csv += "\(2010 + i % 2),\(i % 8 == 0 || i == 1 || i == 9 ? "a" : "b"),\(i % 7)\n" }
        try csv.write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let yaml = "periods: {column: period, baseline: \"2010\", order: [\"2010\", \"2011\"]}\ngoals:\n"
            + "  - {id: \"1\", label: G, kind: direction, direction: higher, data: d.csv, measures: [\(measures.joined(separator: ", "))]}\n"
        let path = folder.appendingPathComponent("b.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        let config = try BarometerConfig.load(path: path.path)
        return (try BarometerEvaluator(config: config).evaluate(period: "2011"), config)
    }

    func testAMeasuresOwnMinCellIsTheOneNamed() throws {
        let (result, config) = try evaluate(["{id: m, label: L, unit: score points, variable: y, min-cell: 200}"])
        XCTAssertEqual(result.suppressedCount, 5)
        let report = Report.barometer(result, language: .en)
        XCTAssert(report.notes.contains("5 figures withheld: resting on fewer than 200 observations (the min-cell of measure m) (shown as ..)"),
                  "\(report.notes)")
        XCTAssert(report.rendered(as: .csv).contains("rests on fewer than 200 observations"))
        let html = BarometerHTML.render(result, config: config, context: try .unstored(result, config: config), language: .en)
        XCTAssert(html.contains("5 figures withheld: rests on fewer than 200 observations."), "the measure's note")
        XCTAssert(html.contains("title=\"rests on fewer than 200 observations\""), "the marks' reason")
        XCTAssertFalse(html.contains("fewer than 3 observations\""))
        XCTAssert(html.contains("Measures with a threshold of their own: m: 200."))
    }

    /// Figures withheld under the run's threshold and under a measure's own are counted apart.
    func testFiguresWithheldUnderTwoThresholdsAreCountedApart() throws {
        let (result, _) = try evaluate(["{id: m, label: L, unit: score points, variable: y, min-cell: 200}",
                                        "{id: k, label: K, unit: score points, variable: y, group: g, focal: a, reference: b, context: true}"])
        let k = result.goals[0].measures[1].suppressedCount
        XCTAssertGreaterThan(k, 0, "the gap's focal group has 2 rows in 2011")
        let notes = Report.barometer(result, language: .en).notes
        XCTAssert(notes.contains("\(5 + k) figures withheld: \(k) resting on fewer than 3 observations; 5 resting on fewer than 200 observations (the min-cell of measure m) (shown as ..)"),
                  "\(notes)")
    }
}
