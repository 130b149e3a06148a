import Foundation
import XCTest
@testable import StatsEngine

/// Waves a measure has no figure for, which stopped the whole barometer (exit 1, every goal
/// lost): a wave in which the statistic is undefined (a ratio whose denominator's weighted total
/// is zero), and data with no wave yet at the period evaluated (a register that starts after the
/// baseline). The figures resting on such a wave are not estimable, with a note naming the
/// measure and the wave; the other figures and measures are reported as usual.
final class BarometerUnavailableWaveTests: XCTestCase {
    /// Three yearly waves of 2 strata × 4 PSUs × 3 rows, p a 0/1 count over `den`, y a score; in
    /// `zeroIn` den and p are 0 on every row (or on group a's rows only, with `groupOnly`).
    private static func data(zeroIn wave: String? = nil, groupOnly: Bool = false, waves: [String] = ["2010", "2011", "2012"]) -> String {
        var lines = ["period,stratum,psu,w,g,y,p,den"]
        var i = 0
        for period in waves {
            for stratum in 1...2 {
                for psu in 1...4 {
                    for row in 0..<3 {
                        i += 1
                        let g = (psu + row) % 2 == 0 ? "a" : "b"
                        let zero = period == wave && (!groupOnly || g == "a")
                        let den = zero ? 0 : 1 + (i * 7) % 3
                        let p = zero ? 0 : (i * 5) % 4 == 0 ? 0 : min(den, 1 + (i % 2))
                        let y = 40 + Double((i * 37) % 23) + Double(period.prefix(4))! - 2010
                        lines.append("\(period),\(stratum),\(period)-\(stratum)-\(psu),\(1 + Double(i % 5) / 4),\(g),\(y),\(p),\(den)")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func config(_ goals: [(data: String, measures: [String])], order: [String] = ["2010", "2011", "2012"]) -> String {
        "periods: {column: period, baseline: \"\(order[0])\", order: [\(order.map { "\"\($0)\"" }.joined(separator: ", "))]}\ngoals:\n"
            + goals.enumerated().map { i, goal in
                "  - id: \"\(i + 1)\"\n    label: G\(i + 1)\n    kind: direction\n    direction: higher\n    data: \(goal.data)\n"
                    + "    design: {weights: w, strata: stratum, cluster: psu}\n    measures:\n"
                    + goal.measures.map { "      - \($0)\n" }.joined()
            }.joined()
    }

    private func load(_ files: [String: String], _ yaml: String) throws -> BarometerConfig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barometer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let path = folder.appendingPathComponent("b.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return try BarometerConfig.load(path: path.path)
    }

    private static let ratio = "{id: r1, label: ratio, unit: pp, stat: ratio, variable: p, denominator: den, scale: pp}"
    private static let ratioGap = "{id: r2, label: ratio gap, unit: pp, stat: ratio, variable: p, denominator: den, scale: pp, group: g, focal: a, reference: b, context: true}"
    private static let mean = "{id: m1, label: mean, unit: score points, variable: y}"
    private static let median = "{id: q1, label: median, unit: score points, stat: quantile, variable: y, q: 0.5}"

    /// A ratio whose denominator's weighted total is zero in the previous wave (2011): at 2012
    /// its figure, baseline and change since the baseline are reported (the same estimates as
    /// without that wave's rows) with a verdict, the previous wave's figure and the change since
    /// it are not estimable (not withheld), with a note naming the cell; the ratio gap whose
    /// focal group's denominator is zero then, likewise; the mean and the median, whose
    /// statistics are defined in every wave, as usual. At 2011 itself the ratio has no figure
    /// and no verdict. `estimate ratio --by period` gives that wave a row of nulls with its note.
    func testARatioOverAZeroDenominatorInOneWaveIsNotEstimableThere() throws {
        let yaml = Self.config([("d.csv", [Self.ratio, Self.mean, Self.median]), ("g.csv", [Self.mean, Self.ratioGap].map { $0.replacingOccurrences(of: "m1", with: "m2") })])
        let config = try load(["d.csv": Self.data(zeroIn: "2011"), "g.csv": Self.data(zeroIn: "2011", groupOnly: true)], yaml)
        let result = try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: "2012")
        let r1 = result.goals[0].measures[0]
        XCTAssertEqual(r1.previousWave, "2011")
        XCTAssertNotNil(r1.current.value)
        XCTAssertNotNil(r1.baseline?.value)
        XCTAssertNotNil(r1.changeSinceBaseline?.value?.standardError)
        XCTAssertNotNil(r1.verdict, "the verdict rests on the baseline and now, both estimable")
        XCTAssertNil(r1.previous?.value)
        XCTAssertNil(r1.previous?.suppressed, "not estimable, not withheld")
        XCTAssertNil(r1.changeSincePrevious?.value)
        let note = "period=2011: the weighted total of 'den' is zero, so the ratio is undefined: no figure then, and no change or verdict resting on it"
        XCTAssertEqual(r1.notes, [note])
        // The estimates are those of the data without the undefined wave.
        let without = Self.data(zeroIn: "2011").split(separator: "\n").filter { !$0.hasPrefix("2011") }.joined(separator: "\n") + "\n"
        let reference = try BarometerEvaluator(config: load(["d.csv": without, "g.csv": Self.data()], yaml), minimumCell: 1)
            .evaluate(period: "2012").goals[0].measures[0]
        assertClose(r1.current.value?.estimate, reference.current.value?.estimate, rel: 1e-14)
        assertClose(r1.changeSinceBaseline?.value?.estimate, reference.changeSinceBaseline?.value?.estimate, rel: 1e-14)
        for m in result.goals[0].measures.dropFirst() {
            XCTAssertNotNil(m.previous?.value, m.measure.id)
            XCTAssertNotNil(m.changeSincePrevious?.value, m.measure.id)
            XCTAssertEqual(m.notes, [], m.measure.id)
        }
        let r2 = result.goals[1].measures[1]
        XCTAssertNotNil(r2.current.value)
        XCTAssertNotNil(r2.changeSinceBaseline?.value)
        XCTAssertNil(r2.changeSincePrevious?.value)
        XCTAssertEqual(r2.notes, ["g=a, period=2011: the weighted total of 'den' is zero, so the ratio is undefined: no figure then, and no change or verdict resting on it"])
        XCTAssertNotNil(result.goals[1].measures[0].changeSincePrevious?.value)
        let report = Report.barometer(result, language: .en)
        XCTAssert(report.notes.contains("measure r1: \(note)"), "\(report.notes)")
        XCTAssertFalse(report.rendered(as: .json).contains("NaN"))

        // At the undefined wave itself: no figure, no verdict, the other measures as usual.
        let then = try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: "2011")
        XCTAssertNil(then.goals[0].measures[0].current.value)
        XCTAssertNil(then.goals[0].measures[0].verdict)
        XCTAssertNil(then.goals[0].measures[0].changeSinceBaseline?.value)
        XCTAssertNotNil(then.goals[0].measures[1].verdict)
        XCTAssertNotNil(then.goals[0].measures[2].current.value)

        // On bootstrap replicates too (the replicates' figures of the wave are left out alike).
        let boot = try BarometerEvaluator(config: config.withVarianceMethod(.bootstrap(replicates: 20, seed: 1)), minimumCell: 1)
            .evaluate(period: "2012").goals[0].measures[0]
        XCTAssertNotNil(boot.changeSinceBaseline?.value?.standardError)
        XCTAssertNil(boot.changeSincePrevious?.value)
    }

    /// A measure whose data start after the baseline (a register from 2012 on a yearly schedule
    /// from 2010; the review's half-year one, from 2011H2, alike): at a period before its first
    /// wave it has no figure (not withheld), no wave, no verdict and a note naming its first wave,
    /// and the other measure is reported as usual; once its data have a wave, its figure with the
    /// note that there is no baseline wave. `--every-period --history` stores every period, the
    /// late measure from its first wave on.
    func testAMeasureWhoseDataHaveNoWaveYetIsNotAvailable() throws {
        let order = ["2010H1", "2010H2", "2011H1", "2011H2", "2012H1", "2012H2"]
        let all = Self.data(waves: order), late = Self.data(waves: ["2011H2", "2012H1", "2012H2"])
        var yaml = Self.config([("d.csv", [Self.mean]), ("late.csv", [Self.mean.replacingOccurrences(of: "m1", with: "m2")])], order: order)
        yaml = yaml.replacingOccurrences(of: "baseline: \"2010H1\"", with: "baseline: \"2010H2\"")
        let config = try load(["d.csv": all, "late.csv": late], yaml)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path
        defer { BarometerHistory.remove(at: path) }
        let history = try BarometerHistory(path: path)
        for period in order {
            let result = try BarometerEvaluator(config: config).evaluate(period: period)
            let (m1, m2) = (result.goals[0].measures[0], result.goals[1].measures[0])
            XCTAssertNotNil(m1.current.value, period)
            XCTAssertEqual(m1.wave, period)
            if ["2010H1", "2010H2", "2011H1"].contains(period) {
                XCTAssertNil(m2.wave, period)
                XCTAssertNil(m2.current.value, period)
                XCTAssertNil(m2.current.suppressed, "\(period): not available, not withheld")
                XCTAssertNil(m2.verdict, period)
                XCTAssertEqual(m2.n, 0)
                XCTAssertEqual(m2.notes, ["the data have no wave at or before \(period) (the first is 2011H2): no figure yet"], period)
                XCTAssertEqual(m2.sentence(result.goals[1].goal, level: 0.95, language: .en), "mean: no data yet. No verdict yet.")
                let json = Report.barometer(result, language: .en).rendered(as: .json)
                XCTAssertFalse(json.contains("NaN"))
                XCTAssert(json.contains("\"wave\": null"), json)
                XCTAssertFalse(Report.barometer(result, language: .en).rendered(as: .csv).isEmpty)
                XCTAssertFalse(BarometerHTML.render(result, config: config, context: try .unstored(result, config: config)).isEmpty)
            } else {
                XCTAssertNotNil(m2.current.value, period)
                XCTAssert(m2.notes.contains("the data have no wave at or before the baseline 2010H2: no change since it"), "\(m2.notes)")
            }
            try history.store(result, config: config)
        }
        XCTAssertEqual(try history.runs(in: config.schedule).map(\.period), order)
        XCTAssertEqual(try history.trend(goal: "2", measure: "m2", in: config.schedule).map(\.period), ["2011H2", "2012H1", "2012H2"])
        XCTAssertEqual(try history.trend(goal: "1", measure: "m1", in: config.schedule).map(\.period), order)
    }
}
