import Foundation
import GRDB
import XCTest
@testable import StatsEngine

/// The history keeps the fingerprint of each measure's definition with its figures
/// (`MeasureDefinition`): a measure whose definition changed (a share, then a mean of another
/// variable, under the same id) had its earlier figures drawn among the new ones in the report's
/// trend with no word. Now they are left out of the trend with a note naming the measure and the
/// periods (in the report and on standard error); a change that leaves the figures as they are
/// (a label, a unit's wording, the order of keys) keeps them.
final class BarometerHistoryDefinitionTests: XCTestCase {
    private static func data() -> String {
        var lines = ["period,stratum,psu,w,p,y"]
        var i = 0
        for period in ["2010", "2011", "2012"] {
            for stratum in 1...2 {
                for psu in 1...4 {
                    for _ in 0..<3 {
                        i += 1
                        lines.append("\(period),\(stratum),\(period)-\(stratum)-\(psu),\(1 + Double(i % 4) / 3),\(i % 3 == 0 ? 1 : 0),\(40 + (i * 13) % 29)")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func yaml(_ measures: [String]) -> String {
        "periods: {column: period, baseline: \"2010\", order: [\"2010\", \"2011\", \"2012\"]}\ngoals:\n"
            + "  - {id: \"1\", label: G, kind: direction, direction: higher, data: d.csv, design: {weights: w, strata: stratum, cluster: psu},\n"
            + "     measures: [\(measures.joined(separator: ", "))]}\n"
    }

    private func load(_ folder: URL, _ yaml: String) throws -> BarometerConfig {
        let path = folder.appendingPathComponent("b.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return try BarometerConfig.load(path: path.path)
    }

    /// A database that is not a history (another program's tables, or a table named `runs` of
    /// its own) is refused before anything is written: its bytes unchanged, no migrations' table
    /// added. A new file and an earlier history open as before.
    func testADatabaseThatIsNotAHistoryIsRefusedUntouched() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, sql) in [("other.sqlite", "CREATE TABLE foo(x); INSERT INTO foo VALUES (1);"), ("runs.sqlite", "CREATE TABLE runs(a);")] {
            let path = folder.appendingPathComponent(name).path
            try DatabaseQueue(path: path).write { try $0.execute(sql: sql) }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try BarometerHistory(path: path)) {
                XCTAssert("\($0)".contains("\(name): not a barometer history: its tables ('\(name == "other.sqlite" ? "foo" : "runs")') are another database's"), "\($0)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, name)
        }
        let fresh = folder.appendingPathComponent("new.sqlite").path
        XCTAssertNoThrow(try BarometerHistory(path: fresh))
        XCTAssertNoThrow(try BarometerHistory(path: fresh), "an earlier history reopens")
    }

    func testFiguresOfAnotherDefinitionAreLeftOutOfTheTrendWithANote() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barometer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.data().write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let historyPath = folder.appendingPathComponent("h.sqlite").path
        let history = try BarometerHistory(path: historyPath)

        // The first definition: m1 a mean of y, m2 a share of p; stored at 2010 and 2011.
        let first = try load(folder, Self.yaml(["{id: m1, label: mean y, unit: score points, variable: y}",
                                                "{id: m2, label: share p, unit: '%', stat: proportion, variable: p, scale: pp}"]))
        for period in ["2010", "2011"] {
            try history.store(try BarometerEvaluator(config: first, minimumCell: 1).evaluate(period: period), config: first)
        }
        // Then m2 becomes a mean of y; m1 is relabelled and its keys reordered (the same figures).
        let second = try load(folder, Self.yaml(["{variable: y, id: m1, unit: score points, label: mean of y}",
                                                 "{id: m2, label: mean y, unit: score points, stat: mean, variable: y}"]))
        XCTAssertEqual(first.goals[0].measures[0].definition, second.goals[0].measures[0].definition)
        XCTAssertNotEqual(first.goals[0].measures[1].definition, second.goals[0].measures[1].definition)
        let result = try BarometerEvaluator(config: second, minimumCell: 1).evaluate(period: "2012")
        try history.store(result, config: second)

        let context = try BarometerHTML.Context.stored(in: history, config: second, minimumCell: 1)
        XCTAssertEqual(context.trends["m1"]?.map(\.period), ["2010", "2011", "2012"], "the same definition: every period")
        XCTAssertEqual(context.trends["m2"]?.map(\.period), ["2012"], "only the current definition's figures")
        XCTAssertEqual(context.otherDefinitions, ["m2": ["2010", "2011"]])
        XCTAssertEqual(context.unrecordedDefinitions, [:])
        let note = "measure m2: the history's figures for 2010, 2011 were made under another definition of the measure (its configuration has changed since): left out of the trend; run those periods again with --history to replace them"
        XCTAssertEqual(context.notes(second), [note])
        let html = BarometerHTML.render(result, config: second, context: context, language: .en)
        XCTAssert(html.contains("were made under another definition of the measure"), "the report says so beside the trend")
        // The old definition's share of p (about 33) is drawn nowhere among the means (40 and up).
        let old = try XCTUnwrap(try history.trend(goal: "1", measure: "m2", in: second.schedule).first?.estimate)
        XCTAssertLessThan(old, 40)
        XCTAssertFalse(html.contains(ReportLanguage.en.number(old, decimals: 1)), "the old definition's figure is not in the report")

        // Running those periods again under the current definition replaces them: no note.
        for period in ["2010", "2011"] {
            try history.store(try BarometerEvaluator(config: second, minimumCell: 1).evaluate(period: period), config: second)
        }
        let rerun = try BarometerHTML.Context.stored(in: history, config: second, minimumCell: 1)
        XCTAssertEqual(rerun.trends["m2"]?.map(\.period), ["2010", "2011", "2012"])
        XCTAssertEqual(rerun.notes(second), [])
    }

    /// The confidence level is part of a definition (the stored intervals are at it); the goal's
    /// design, which the measures inherit, too.
    func testTheLevelAndTheInheritedDesignArePartOfTheDefinition() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barometer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let measure = "{id: m1, label: mean y, unit: score points, variable: y}"
        let base = try load(folder, Self.yaml([measure])).goals[0].measures[0].definition
        let level = try load(folder, "level: 0.9\n" + Self.yaml([measure])).goals[0].measures[0].definition
        let design = try load(folder, Self.yaml([measure]).replacingOccurrences(of: "cluster: psu", with: "cluster: stratum"))
            .goals[0].measures[0].definition
        let own = try load(folder, Self.yaml(["{id: m1, label: mean y, unit: score points, variable: y, design: {weights: w}}"]))
            .goals[0].measures[0].definition
        XCTAssertEqual(Set([base, level, design, own]).count, 4)
    }
}
