import Foundation
import XCTest
@testable import StatsEngine

/// The barometer on the bundled data over every period against the population's truth
/// (datasets/truth.json), its history, disclosure control, verdicts and configuration errors.
final class BarometerTests: XCTestCase {
    private static let configPath = CoverageTests.datasets.appendingPathComponent("barometer.yaml").path

    private func truth() throws -> [String: Any] {
        let data = try Data(contentsOf: CoverageTests.datasets.appendingPathComponent("truth.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// At every period each measure uses its data's latest wave; census figures equal the truth
    /// exactly, sample figures (and breakdown cells) lie within four standard errors of it.
    func testEveryPeriodAgainstThePopulationTruth() throws {
        let config = try BarometerConfig.load(path: Self.configPath)
        XCTAssertEqual(config.goals.count, 7)
        XCTAssertEqual(config.schedule.order.count, 9)
        let truth = try truth()
        let goals = try XCTUnwrap(truth["goals"] as? [String: [String: Any]])
        let census = ["pupils.csv", "municipal_staff.csv"]
        var compared = 0
        for period in config.schedule.order {
            let result = try BarometerEvaluator(config: config).evaluate(period: period)
            XCTAssertEqual(result.period, period)
            for goal in result.goals {
                let measures = try XCTUnwrap(goals[goal.goal.id]?["measures"] as? [String: [String: Double]], "goal \(goal.goal.id)")
                for m in goal.measures {
                    let waves = try XCTUnwrap(measures[m.measure.id], "measure \(m.measure.id)")
                    XCTAssertEqual(m.wave, config.schedule.latest(atOrBefore: period, among: Set(waves.keys)), "\(m.measure.id) at \(period)")
                    let expected = try XCTUnwrap(waves[try XCTUnwrap(m.wave)])
                    let value = try XCTUnwrap(m.current.value, "\(m.measure.id) at \(period)")
                    // A representation measure's benchmark is a sample even where its population is a census.
                    let isCensus = census.contains(m.measure.data) && !m.measure.kind.isRepresentation
                    if isCensus {
                        assertClose(value.estimate, expected, rel: 1e-9, "\(m.measure.id) at \(period): a census equals the truth")
                    } else {
                        let se = try XCTUnwrap(value.standardError)
                        XCTAssertLessThan(abs(value.estimate - expected), 4 * se, "\(m.measure.id) at \(period): \(value.estimate) vs truth \(expected)")
                    }
                    compared += 1
                    if let baseline = m.baseline?.value, let base = waves[config.schedule.baseline], isCensus {
                        assertClose(baseline.estimate, base, rel: 1e-9, "\(m.measure.id) baseline")
                    }
                }
            }
            // Goal 5's breakdown by marked area.
            let areas = try XCTUnwrap((goals["5"]?["by"] as? [String: [String: [String: Double]]])?["area"])
            let safety = try XCTUnwrap(result.goals.first { $0.goal.id == "5" }?.measures.first)
            XCTAssertEqual(Set(safety.breakdown.map(\.level)), Set(areas.keys))
            for row in safety.breakdown {
                let expected = try XCTUnwrap(areas[row.level]?[try XCTUnwrap(safety.wave)])
                let value = try XCTUnwrap(row.current.value)
                XCTAssertLessThan(abs(value.estimate - expected), 4 * value.standardError!, "area \(row.level) at \(period)")
            }
        }
        XCTAssertGreaterThan(compared, 100)
    }

    /// Verdicts at the last period: the managers' representation index (about 0.69) lies wholly
    /// outside the band 0.9..1.1 (not met); the JSON carries every goal with its verdict.
    func testVerdictsAndOutputs() throws {
        let config = try BarometerConfig.load(path: Self.configPath)
        let result = try BarometerEvaluator(config: config).evaluate()
        let managers = try XCTUnwrap(result.goals.first { $0.goal.id == "3" }?.measures.first { $0.measure.id == "3b" })
        XCTAssertEqual(managers.verdict, .notMet)
        XCTAssertEqual(managers.official, .notMet)
        let pupils = try XCTUnwrap(result.goals.first { $0.goal.id == "1" }?.measures.first)
        XCTAssertEqual(pupils.verdict, .met, "the weakest quarter has risen by about 20 points, far beyond its SE")
        XCTAssertEqual(pupils.official, .improved)
        XCTAssertTrue(result.goals.flatMap(\.measures).filter(\.measure.context).allSatisfy { $0.verdict == nil && $0.official == nil })
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(Report.barometer(result).json.serialized().utf8)) as? [String: Any])
        let goals = try XCTUnwrap(json["goals"] as? [[String: Any]])
        XCTAssertEqual(goals.count, 7)
        XCTAssertTrue(goals.allSatisfy { $0.keys.contains("verdict") })
        let english = Report.barometer(result, language: .en).rendered(as: .csv)
        XCTAssertTrue(english.contains("The target, between 0.90 and 1.10, is not met."), english)
        let danish = Report.barometer(result).rendered(as: .csv)
        XCTAssertTrue(danish.contains("Målet, mellem 0,90 og 1,10, er ikke nået."))
    }

    /// The history keeps every period: a repeated period replaces its run, and a store that fails
    /// halfway (a duplicated figure breaks the primary key after earlier rows were written)
    /// leaves the file exactly as it was.
    func testHistoryKeepsEveryPeriodThroughARepeatedAndAFailedRun() throws {
        let config = try BarometerConfig.load(path: Self.configPath)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let history = try BarometerHistory(path: path)
        let periods = ["2010", "2011H1", "2011H2"]
        var results: [String: BarometerResult] = [:]
        for period in periods {
            results[period] = try BarometerEvaluator(config: config).evaluate(period: period)
            try history.store(results[period]!, config: config, time: Date(timeIntervalSince1970: 0))
        }
        try history.store(results["2011H1"]!, config: config, time: Date(timeIntervalSince1970: 86_400))
        var runs = try history.runs(in: config.schedule)
        XCTAssertEqual(runs.map(\.period), periods, "one run per period, in time order")
        XCTAssertEqual(runs[1].time, "1970-01-02T00:00:00Z", "the repeated period replaced its run")
        XCTAssertEqual(runs[0].version, Release.version)
        XCTAssertEqual(runs[0].dataSHA256.keys.sorted(), ["labour_force.csv", "municipal_staff.csv", "pupils.csv", "resident_survey.csv"])
        let trend = try history.trend(goal: "1", measure: "1a", in: config.schedule)
        XCTAssertEqual(trend.map(\.period), periods)
        XCTAssertEqual(trend[2].wave, "2011H1", "pupils have no 2011H2 wave: the period reports the latest")
        let stored = try XCTUnwrap(trend.last?.estimate)
        assertClose(stored, results["2011H2"]!.goals[0].measures[0].current.value?.estimate, rel: 0, "stored exactly")

        var broken = try BarometerEvaluator(config: config).evaluate(period: "2012H1")
        broken.goals[1].measures.append(broken.goals[1].measures[0])
        XCTAssertThrowsError(try history.store(broken, config: config)) { error in
            XCTAssertTrue("\(error)".contains("unchanged"), "\(error)")
        }
        runs = try history.runs(in: config.schedule)
        XCTAssertEqual(runs.map(\.period), periods, "the failed period left nothing behind")
        XCTAssertEqual(try history.trend(goal: "1", measure: "1a", in: config.schedule).count, 3)
    }

    /// Disclosure control, counted by hand: with a minimum cell of 3, the breakdown level with two
    /// rows and the gap whose focal group has two rows are withheld; nothing else is.
    func testDisclosureControlWithholdsExactlyTheSmallCells() throws {
        let csv = """
        period,area,g,y
        2010,north,a,1
        2010,north,a,2
        2010,north,b,3
        2010,south,a,4
        2010,south,b,5
        2010,south,b,6
        2010,west,b,7
        2010,west,b,8
        2011,north,a,2
        2011,north,a,3
        2011,north,b,5
        2011,south,b,6
        2011,south,b,7
        2011,south,a,8
        2011,west,b,9
        2011,west,b,9
        2011,west,b,1

        """
        let config = try load(csv, Self.oneGoal(["{id: m1, label: level, unit: score points, variable: y, by: area}",
                                                 "{id: m2, label: gap, unit: score points, variable: y, group: g, focal: a, reference: b}"]))
        let result = try BarometerEvaluator(config: config, minimumCell: 3).evaluate()
        let level = result.goals[0].measures[0], gap = result.goals[0].measures[1]
        XCTAssertNotNil(level.current.value)
        // Breakdown cells (2011, 2010): north 3, 3; south 3, 3; west 3, 2 → west's change withheld,
        // and north's (2010's run withholds north with west: secondary suppression).
        let west = try XCTUnwrap(level.breakdown.first { $0.level == "west" })
        XCTAssertNotNil(west.current.value)
        XCTAssertNil(west.changeSinceBaseline?.value)
        XCTAssertEqual(west.changeSinceBaseline?.suppressed, "rests on fewer than 3 observations")
        XCTAssertEqual(level.breakdown.filter { $0.current.suppressed != nil || $0.changeSinceBaseline?.suppressed != nil }.map(\.level), ["north", "west"])
        // The gap's cells: a has 3 rows in 2010 and 3 in 2011, b 5 and 5 → shown; at 4 all are withheld.
        XCTAssertNotNil(gap.current.value)
        XCTAssertEqual(result.suppressedCount, 2)
        let strict = try BarometerEvaluator(config: config, minimumCell: 4).evaluate()
        XCTAssertNil(strict.goals[0].measures[1].current.value)
        XCTAssertNil(strict.goals[0].measures[1].verdict, "no verdict on a withheld figure")
        // The sentences name the threshold the figure was withheld under, in either language.
        let withheld = strict.goals[0].measures[1]
        XCTAssert(withheld.sentence(strict.goals[0].goal, level: 0.95, language: .da).contains("ikke offentliggjort (færre end 4 observationer)"))
        XCTAssert(withheld.sentence(strict.goals[0].goal, level: 0.95, language: .en).contains("withheld (fewer than 4 observations)"))
        let report = Report.barometer(strict)
        XCTAssertTrue(report.rendered(as: .table, width: 120).contains(".."))
        XCTAssertTrue(report.notes.contains { $0.contains("withheld") })
        let json = report.rendered(as: .json)
        XCTAssertTrue(json.contains("\"suppressed\": \"rests on fewer than 4 observations\""), json)
        XCTAssertFalse(json.contains("NaN"))
    }

    /// A breakdown level withheld alone could be worked out from what was published: the
    /// measure's figure × its population less every other level's figure × population, over the
    /// level's own population (goal 5 at --min-cell 30 gave Valby's 75.35 so). Now each wave's
    /// levels are a line whose total is the measure: where one level alone is withheld, the shown
    /// one of the fewest rows is withheld too (secondary suppression), a withheld level's
    /// population with its figure, and a level's change since the baseline wherever its figure
    /// is withheld now or in the baseline wave's run. Counted by hand (rows per level, min-cell 3):
    /// 2010 a 6, b 2, c 3, d 5 → b, and c with it; 2011 a 5, b 3, c 4, d 2 → d, and b with it;
    /// so in 2011 only a's change is shown. No withheld figure can be worked out from the rest.
    func testAWithheldBreakdownLevelCannotBeWorkedOutFromTheOthers() throws {
        let config = try fourLevelsInTwoWaves()
        let evaluator = BarometerEvaluator(config: config, minimumCell: 3)
        let then = try evaluator.evaluate(period: "2010").goals[0].measures[0]
        let result = try evaluator.evaluate(period: "2011")
        let now = result.goals[0].measures[0]
        func withheld(_ m: MeasureResult) -> [String] { m.breakdown.filter { $0.current.suppressed != nil }.map(\.level) }
        XCTAssertEqual(withheld(then), ["b", "c"])
        XCTAssertEqual(withheld(now), ["b", "d"])
        let cause = DisclosureControl(minimumCell: 3).complementaryCause
        let level = Dictionary(uniqueKeysWithValues: now.breakdown.map { ($0.level, $0) })
        XCTAssertEqual(level["b"]?.current.suppressed, cause)
        XCTAssertEqual(level["b"]?.current.revealsWithheld, true)
        XCTAssertEqual(level["d"]?.current.suppressed, "rests on fewer than 3 observations")
        XCTAssertEqual(level["c"]?.changeSinceBaseline?.suppressed, cause, "c is withheld in 2010's run")
        XCTAssertNotNil(level["a"]?.changeSinceBaseline?.value)
        for m in [then, now] {
            // The line of a wave: withheld levels none or two or more, their populations withheld
            // with them (the measure's population less the others' would give a lone one away).
            XCTAssertNotEqual(withheld(m).count, 1)
            for row in m.breakdown { XCTAssertEqual(row.population == nil, row.current.suppressed != nil, "\(m.wave) \(row.level)") }
            XCTAssertNotNil(m.current.value)
            XCTAssertNotNil(m.population)
        }
        // A change shown only where the figure is shown in both runs (or one would be the other ∓ the change).
        for row in now.breakdown where row.changeSinceBaseline?.value != nil {
            XCTAssertFalse(withheld(now).contains(row.level) || withheld(then).contains(row.level), row.level)
        }
        XCTAssertEqual(result.suppressedCount, 7, "b and d: estimate, change, population; c's change; the measure's none")
        // The CSV names each withheld figure with its own reason; the note says why.
        let rows = Report.barometer(result, language: .en).rendered(as: .csv).split(separator: "\n")
        XCTAssert(rows.contains { $0.contains(",b,2011,") && $0.contains("\"estimate, population: \(cause); change: rests on fewer than 3 observations\"") }, "\(rows)")
        XCTAssert(Report.barometer(result).notes.contains("7 figures withheld: resting on fewer than 3 observations, or with which such a figure could be worked out (secondary suppression) (shown as ..)"))
        // The report's breakdown table withholds the populations too, each with its reason.
        let html = BarometerHTML.render(result, config: config, context: try .unstored(result, config: config), language: .en)
        XCTAssert(html.contains("<td class=\"num\">3</td><td class=\"num\"><span class=\"withheld\" title=\"\(cause)\">..</span></td>"), "b's population")
        XCTAssert(html.contains("<b>m1</b>: b now, b change, b population, c change, d now, d change, d population"))
        // With nothing withheld, every level is shown: the withholding above is disclosure control's alone.
        XCTAssertEqual(withheld(try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: "2011").goals[0].measures[0]), [])
    }

    /// Rows whose breakdown column is missing belong to no level, but to the measure: with one
    /// such row among levels of enough rows, the measure's figure and population less the levels'
    /// gave that row's value and weight exactly (a review's 66.97 over 1.939), nothing withheld.
    /// Now they are a cell of each wave's line: too few, and the level of the fewest rows is
    /// withheld with them (its change too); enough, and nothing is withheld.
    func testRowsWithoutABreakdownLevelAreACellOfTheLine() throws {
        let cause = DisclosureControl(minimumCell: 3).complementaryCause
        let leaking = try BarometerEvaluator(config: threeLevelsAndRowsWithoutOne(unlisted: 1), minimumCell: 3).evaluate(period: "2011").goals[0].measures[0]
        XCTAssertEqual(leaking.breakdown.map(\.level), ["a", "b", "c"], "no row for the rows without a level")
        XCTAssertEqual(leaking.breakdown.filter { $0.current.suppressed != nil }.map(\.level), ["b"])
        let b = try XCTUnwrap(leaking.breakdown.first { $0.level == "b" })
        XCTAssertEqual(b.current.suppressed, cause)
        XCTAssertNil(b.population)
        XCTAssertEqual(b.changeSinceBaseline?.suppressed, cause)
        XCTAssertNotNil(leaking.current.value)
        let enough = try BarometerEvaluator(config: threeLevelsAndRowsWithoutOne(unlisted: 3), minimumCell: 3).evaluate(period: "2011").goals[0].measures[0]
        XCTAssertEqual(enough.breakdown.filter { $0.current.suppressed != nil || $0.changeSinceBaseline?.suppressed != nil }.map(\.level), [])
    }

    /// One goal's mean of y by area in waves 2010 and 2011, the levels' rows (a, b, c) 6, 4, 5 in
    /// each, and in 2011 `unlisted` rows whose area is missing.
    private func threeLevelsAndRowsWithoutOne(unlisted: Int) throws -> BarometerConfig {
        var csv = "period,area,w,y\n", i = 0
        for wave in ["2010", "2011"] {
            for (level, n) in [("a", 6), ("b", 4), ("c", 5)] + (wave == "2011" ? [("", unlisted)] : []) {
                for _ in 0..<n {
                    i += 1
                    csv += "\(wave),\(level),\(1 + i % 3),\((i * 7) % 11)\n"
                }
            }
        }
        return try load(csv, Self.oneGoal(["{id: m1, label: level, unit: score points, variable: y, by: area}"], design: "{weights: w}"))
    }

    /// A history stored at a looser `--min-cell` keeps the cell of the rows without a level, so
    /// that a trend read at a stricter one withholds their cover as a run at it would: 2 such
    /// rows in 2011, shown at 1, are too few at 3, and b (4 rows, the fewest) is withheld with
    /// them (before, nothing: the measure less a and c gave b and the 2 rows' figure together
    /// at 1, their own at 3 once b was shown).
    func testAHistoryAtAStricterMinCellCountsTheRowsWithoutALevel() throws {
        let config = try threeLevelsAndRowsWithoutOne(unlisted: 2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path
        defer { BarometerHistory.remove(at: path) }
        let history = try BarometerHistory(path: path)
        for period in ["2010", "2011"] {
            let result = try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: period)
            XCTAssertEqual(result.suppressedCount, 0)
            try history.store(result, config: config)
        }
        func shown(_ level: String, at minimumCell: Int) throws -> [String] {
            try history.trend(goal: "1", measure: "m1", level: level, in: config.schedule, minimumCell: minimumCell)
                .filter { $0.estimate != nil }.map(\.period)
        }
        XCTAssertEqual(try shown("b", at: 1), ["2010", "2011"])
        XCTAssertEqual(try shown("b", at: 3), ["2010"], "withheld in 2011 with the 2 rows without a level")
        XCTAssertEqual(try shown("a", at: 3), ["2010", "2011"])
        XCTAssertEqual(try shown("c", at: 3), ["2010", "2011"])
        // As a run at 3 withholds it.
        let run = try BarometerEvaluator(config: config, minimumCell: 3).evaluate(period: "2011").goals[0].measures[0]
        XCTAssertEqual(run.breakdown.filter { $0.current.suppressed != nil }.map(\.level), ["b"])
    }

    /// The history keeps each figure's own disclosure apart from its change's, and its smallest
    /// cell: a figure shown with a withheld change is stored as shown, and a report at a
    /// stricter `--min-cell` withholds the stored figures that rest on fewer observations.
    func testHistoryKeepsWhatDisclosureControlNeeds() throws {
        let csv = "period,area,y\n" + ["2010,north,1", "2010,north,2", "2010,north,3", "2010,west,7", "2010,west,8",
                                         "2011,north,2", "2011,north,3", "2011,north,5", "2011,west,9", "2011,west,9", "2011,west,1"]
            .joined(separator: "\n") + "\n"
        let config = try load(csv, Self.oneGoal(["{id: m1, label: level, unit: score points, variable: y, by: area}"]))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path
        defer { BarometerHistory.remove(at: path) }
        let history = try BarometerHistory(path: path)
        try history.store(try BarometerEvaluator(config: config, minimumCell: 3).evaluate(period: "2011"), config: config)
        // West in 2011 rests on 3 rows (shown), its change on 2010's 2 (withheld).
        let west = try XCTUnwrap(history.trend(goal: "1", measure: "m1", level: "west", in: config.schedule).first)
        XCTAssertNil(west.suppressed, "a withheld change does not withhold its figure")
        XCTAssertEqual(west.estimate ?? .nan, 19.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(west.smallestCell, 3)
        XCTAssertEqual(west.disclosed(minimumCell: 3), west)
        let strict = west.disclosed(minimumCell: 4)
        XCTAssertNil(strict.estimate)
        XCTAssertNil(strict.low)
        XCTAssertEqual(strict.suppressed, "rests on fewer than 4 observations")
        // The report's context applies its own minimum cell to the whole measure's points.
        let context = try BarometerHTML.Context.stored(in: history, config: config, minimumCell: 7)
        XCTAssertNil(try XCTUnwrap(context.trends["m1"]?.first).estimate, "6 rows in 2011: withheld at 7")
    }

    /// One goal's mean of y by area in waves 2010 and 2011, the levels' rows (a, b, c, d) 6, 2, 3, 5
    /// and 5, 3, 4, 2: at --min-cell 3, b and d are each withheld alone on their wave's line.
    private func fourLevelsInTwoWaves() throws -> BarometerConfig {
        let counts = [("2010", [("a", 6), ("b", 2), ("c", 3), ("d", 5)]), ("2011", [("a", 5), ("b", 3), ("c", 4), ("d", 2)])]
        var csv = "period,area,w,y\n", i = 0
        for (wave, levels) in counts {
            for (level, n) in levels {
                for _ in 0..<n {
                    i += 1
                    csv += "\(wave),\(level),\(1 + i % 3),\((i * 7) % 11)\n"
                }
            }
        }
        return try load(csv, Self.oneGoal(["{id: m1, label: level, unit: score points, variable: y, by: area}"], design: "{weights: w}"))
    }

    /// A history stored at a looser `--min-cell` and read back at a stricter one withholds what a
    /// run at the stricter one withholds: a breakdown level newly withheld alone among its
    /// period's levels would be the measure (its total) less the others, so the shown level of
    /// the fewest rows is withheld with it (secondary suppression), as the evaluation does. The
    /// levels of the test above, stored at 1 (nothing withheld) and read at 3: 2010 b (2 rows)
    /// and c with it, 2011 d (2 rows) and b with it. (Read back, only b in 2010 and d in 2011
    /// were withheld: each alone on its line.) The whole measure's points are withheld by their
    /// own cells alone: every level's cells are a subset of them.
    func testAHistoryReadAtAStricterMinCellWithholdsTheComplementsToo() throws {
        let config = try fourLevelsInTwoWaves()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path
        defer { BarometerHistory.remove(at: path) }
        let history = try BarometerHistory(path: path)
        for period in ["2010", "2011"] {
            try history.store(try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: period), config: config)
        }
        for minimumCell in [1, 3, 4] {
            var stored: [String: [String]] = [:]
            for level in ["a", "b", "c", "d"] {
                for point in try history.trend(goal: "1", measure: "m1", level: level, in: config.schedule, minimumCell: minimumCell)
                where point.suppressed != nil {
                    XCTAssertNil(point.estimate)
                    XCTAssertNil(point.low)
                    stored[point.period, default: []].append(level)
                }
            }
            for period in ["2010", "2011"] {
                let fresh = try BarometerEvaluator(config: config, minimumCell: minimumCell).evaluate(period: period).goals[0].measures[0]
                XCTAssertEqual(stored[period] ?? [], fresh.breakdown.filter { $0.current.suppressed != nil }.map(\.level),
                               "\(period) at --min-cell \(minimumCell)")
                XCTAssertNotEqual(stored[period]?.count, 1, "no line with one withheld level")
                let whole = try XCTUnwrap(history.trend(goal: "1", measure: "m1", in: config.schedule, minimumCell: minimumCell)
                    .first { $0.period == period })
                XCTAssertEqual(whole.suppressed == nil, fresh.current.suppressed == nil, "\(period) at --min-cell \(minimumCell)")
            }
        }
        let complement = try XCTUnwrap(history.trend(goal: "1", measure: "m1", level: "b", in: config.schedule, minimumCell: 3).last)
        XCTAssertEqual(complement.suppressed, DisclosureControl(minimumCell: 3).complementaryCause)
        // As stored, the levels are as the run at 1 showed them.
        XCTAssert(try history.trend(goal: "1", measure: "m1", level: "b", in: config.schedule).allSatisfy { $0.estimate != nil })
    }

    /// A quantile gap whose group has no Woodruff interval in a wave (its rows leave 0 design
    /// df) is shown without an interval, with a note and an inconclusive statistical verdict.
    func testFigureWithoutVarianceSaysSo() throws {
        var csv = "period,st,psu,g,y\n"
        for wave in ["2010", "2011"] {
            for i in 0..<60 { csv += "\(wave),\(i % 6 % 3),\(i % 6),\(i % 6 == 0 && i < 12 ? "r" : "a"),\(Double((i * 17) % 23))\n" }
        }
        let config = try load(csv, Self.oneGoal(["{id: m1, label: gap, unit: score points, stat: quantile, variable: y, q: 0.5, group: g, focal: r, reference: a}"],
                                                design: "{strata: st, cluster: psu}"))
        let measure = try BarometerEvaluator(config: config, minimumCell: 1).evaluate().goals[0].measures[0]
        let now = try XCTUnwrap(measure.current.value)
        XCTAssertNil(now.standardError)
        XCTAssertNil(now.low)
        XCTAssertEqual(measure.verdict, .inconclusive)
        XCTAssert(measure.notes.contains { $0.hasPrefix("a figure has no standard error") }, "\(measure.notes)")
    }

    /// A quantile's level in a wave has the interval `estimate quantile` gives on that wave's
    /// rows (Woodruff's, asymmetric, with its df), not the estimate ± t·SE.
    func testQuantileLevelHasItsWoodruffInterval() throws {
        var csv = "period,psu,w,y\n"
        for i in 0..<240 { csv += "\(i < 120 ? 2010 : 2011),\(i % 12),\(1 + Double(i % 4)),\(Double((i * 37) % 101) / 3)\n" }
        let config = try load(csv, Self.oneGoal(["{id: m1, label: quartile, unit: score points, stat: quantile, variable: y, q: 0.25}"],
                                                design: "{weights: w, cluster: psu}"))
        let figure = try BarometerEvaluator(config: config, minimumCell: 3).evaluate().goals[0].measures[0]
        let table = try CSVReader.parse(Array(csv.utf8), source: "d.csv")
        let design = try SurveyDesign(spec: DesignSpec(weights: "w", clusters: ["psu"]), table: table)
        for (wave, shown) in [("2011", figure.current), ("2010", try XCTUnwrap(figure.baseline))] {
            var request = EstimateRequest(statistic: .quantile, variable: "y")
            request.q = 0.25
            request.subset = try RowFilter(parsing: "period == \(wave)")
            let alone = try XCTUnwrap(DescriptiveEstimator(table: table, design: design).estimate(request).first)
            let value = try XCTUnwrap(shown.value)
            XCTAssertEqual(value.estimate, alone.estimate, wave)
            XCTAssertEqual(value.low, alone.confidenceLow, wave)
            XCTAssertEqual(value.high, alone.confidenceHigh, wave)
            XCTAssertEqual(value.df, alone.df, wave)
            XCTAssertEqual(try XCTUnwrap(value.standardError), try XCTUnwrap(alone.standardError), accuracy: 1e-12, wave)
        }
    }

    /// A quantile on replicate weights (JK1, bootstrap): each wave's level is `estimate
    /// quantile`'s on that wave's rows (Woodruff's interval from the replicates' variance of the
    /// share at or below it, its SE and df; where it leaves the data, the end it has and no SE),
    /// and a change between waves is the replicates' spread of the difference of the waves'
    /// quantiles, Wald on t with the waves' replicate df, as `gap` takes its contrasts of
    /// quantiles on replicate weights (R: svrVar of the replicates' quantiles, svycontrast as on
    /// svyby(..., svyquantile, covmat = TRUE): oracle/barometer_replicate_quantile.R). Each change
    /// equals R's and the `gap` command's difference row of the same two waves (`--df design`,
    /// the barometer's df for quantiles); a quantile gap measure's figures and changes equal
    /// `gap --period`'s difference, baseline difference and change difference rows. (The changes
    /// were Wald on the waves' Woodruff-linearized shares, which `gap` does not give.) The
    /// fixtures' regions serve as the waves.
    func testQuantileOnReplicateWeightsIsEstimateQuantiles() throws {
        let expected = try OracleFixture.bundledRecords("barometer_replicate_quantile_expected", in: "Fixtures/replicate",
                                                        columns: ["data", "type", "q", "figure", "estimate", "std_error", "conf_low",
                                                                  "conf_high", "df_value"])
        XCTAssertEqual(expected.count, 20)
        var compared = 0, comparedWithGap = 0
        for (data, type) in [("rep_jk1", ReplicateType.jk1), ("rep_boot", .bootstrap)] {
            let path = try FixtureFiles.url(data, "csv", in: "replicate").path
            let yaml = """
                periods: {column: region, baseline: Nord, order: [Nord, Syd, Øst]}
                goals:
                  - id: "1"
                    label: Test
                    kind: direction
                    direction: higher
                    data: \(path)
                    design: {weights: w, replicate-weights: 'repw*', replicate-type: \(type.rawValue)}
                    measures:
                      - {id: median, label: median, unit: score points, stat: quantile, variable: y, q: 0.5}
                      - {id: quartile, label: quartile, unit: score points, stat: quantile, variable: y, q: 0.25}
                      - {id: gap, label: gap, unit: score points, stat: quantile, variable: y, q: 0.5, group: bin, focal: "1", reference: "0"}

                """
            let measures = try BarometerEvaluator(config: load("", yaml), minimumCell: 1).evaluate(period: "Øst").goals[0].measures
            XCTAssertEqual(measures.count, 3)
            let table = try FixtureFiles.table(data, in: "replicate")
            var spec = DesignSpec(weights: "w")
            spec.varianceMethod = .replicateWeights(ReplicateWeightsSpec(columns: "repw*", type: type))
            let design = try SurveyDesign(spec: spec, table: table)
            func assertSame(_ value: Inferred, _ row: GapRow, _ what: String) {
                XCTAssertEqual(value.estimate, row.estimate, what)
                assertClose(value.standardError, row.standardError, rel: 1e-12, "\(what) SE")
                assertClose(value.low, row.confidenceLow, rel: 1e-12, "\(what) low")
                assertClose(value.high, row.confidenceHigh, rel: 1e-12, "\(what) high")
                XCTAssertEqual(value.df, row.df, "\(what) df")
                comparedWithGap += 1
            }
            for m in measures.prefix(2) {
                let q = m.measure.id == "median" ? 0.5 : 0.25
                XCTAssertEqual([m.wave, m.baselineWave, m.previousWave], ["Øst", "Nord", "Syd"])
                let figures = [("current", m.current), ("baseline", m.baseline), ("previous", m.previous),
                               ("change since baseline", m.changeSinceBaseline), ("change since previous", m.changeSincePrevious)]
                for (name, figure) in figures {
                    let what = "\(data) q=\(q) \(name)"
                    let value = try XCTUnwrap(figure?.value, what)
                    let r = try XCTUnwrap(expected.first { $0["data"] == data && $0["q"] == "\(q)" && $0["figure"] == name }, what)
                    assertClose(value.estimate, Double(r["estimate"]), rel: 1e-12, what)
                    assertClose(value.standardError, Double(r["std_error"]), rel: 1e-9, "\(what) SE")
                    assertClose(value.low, Double(r["conf_low"]), rel: 1e-9, "\(what) low")
                    assertClose(value.high, Double(r["conf_high"]), rel: 1e-9, "\(what) high")
                    XCTAssertEqual(value.df, Double(r["df_value"]), "\(what) df")
                    compared += 1
                }
                // Each wave's figure is `estimate quantile`'s on the wave's rows, to the last digits.
                for (wave, figure) in [("Øst", m.current), ("Nord", m.baseline), ("Syd", m.previous)] {
                    var request = EstimateRequest(statistic: .quantile, variable: "y")
                    request.q = q
                    request.subset = try RowFilter(parsing: "region == \"\(wave)\"")
                    let alone = try XCTUnwrap(DescriptiveEstimator(table: table, design: design).estimate(request).first)
                    let value = try XCTUnwrap(figure?.value)
                    let what = "\(data) q=\(q) \(wave)"
                    XCTAssertEqual(value.estimate, alone.estimate, what)
                    assertClose(value.standardError, alone.standardError, rel: 1e-12, "\(what) SE")
                    XCTAssertEqual(value.low, alone.confidenceLow, what)
                    XCTAssertEqual(value.high, alone.confidenceHigh, what)
                    XCTAssertEqual(value.df, alone.df, what)
                }
                // Each change is the `gap` command's difference of the two waves (the waves as
                // its groups), with the barometer's df for quantiles (`--df design`).
                for (then, figure) in [("Nord", m.changeSinceBaseline), ("Syd", m.changeSincePrevious)] {
                    let gap = GapRequest(variable: "y", group: "region", reference: then, focal: "Øst", statistic: .quantile, q: q,
                                         degreesOfFreedom: .design)
                    let row = try XCTUnwrap(GapEstimator(table: table, design: design).estimate(gap).first { $0.component == "difference" })
                    assertSame(try XCTUnwrap(figure?.value), row, "\(data) q=\(q) change since \(then) vs gap")
                }
            }
            // A quantile gap measure: each wave's gap and its changes are `gap --period`'s rows.
            let gapMeasure = measures[2]
            for (then, figure, change) in [("Nord", gapMeasure.baseline, gapMeasure.changeSinceBaseline),
                                           ("Syd", gapMeasure.previous, gapMeasure.changeSincePrevious)] {
                var gap = GapRequest(variable: "y", group: "bin", reference: "0", focal: "1", statistic: .quantile, q: 0.5,
                                     degreesOfFreedom: .design)
                gap.period = Period(column: "region", baseline: then, current: "Øst")
                let rows = try GapEstimator(table: table, design: design).estimate(gap)
                func row(_ component: String) throws -> GapRow { try XCTUnwrap(rows.first { $0.component == component }, component) }
                assertSame(try XCTUnwrap(gapMeasure.current.value), try row("difference"), "\(data) gap now (baseline \(then))")
                assertSame(try XCTUnwrap(figure?.value), try row("baseline difference"), "\(data) gap at \(then)")
                assertSame(try XCTUnwrap(change?.value), try row("change difference"), "\(data) gap's change since \(then)")
            }
            // The JK1 quartile's Woodruff interval at Øst leaves the data: no SE there, said in a
            // note; its changes keep the replicates' spread, as `gap` gives them.
            if type == .jk1 {
                let quartile = measures[1]
                XCTAssertNil(quartile.current.value?.standardError)
                XCTAssertNotNil(quartile.current.value?.high)
                XCTAssertNotNil(quartile.changeSinceBaseline?.value?.standardError)
                XCTAssert(quartile.notes.contains { $0.hasPrefix("a figure has no standard error") }, "\(quartile.notes)")
                XCTAssertFalse(measures[0].notes.contains { $0.hasPrefix("a figure has no standard error") }, "\(measures[0].notes)")
            }
        }
        XCTAssertEqual(compared, 20)
        XCTAssertEqual(comparedWithGap, 2 * (2 * 2 + 2 * 3))
    }

    /// A configuration of one goal (a rise over the waves 2010 and 2011 of d.csv) with
    /// `measures` (one YAML flow mapping each) and, optionally, a design.
    private static func oneGoal(_ measures: [String], design: String? = nil) -> String {
        "periods: {column: period, baseline: \"2010\", order: [\"2010\", \"2011\"]}\ngoals:\n"
            + "  - id: \"1\"\n    label: Test\n    kind: direction\n    direction: higher\n    data: d.csv\n"
            + (design.map { "    design: \($0)\n" } ?? "") + "    measures:\n" + measures.map { "      - \($0)\n" }.joined()
    }

    private func load(_ csv: String, _ yaml: String) throws -> BarometerConfig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barometer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try csv.write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("b.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return try BarometerConfig.load(path: path.path)
    }

    private static let data = "period,g,y\n2010,a,1\n2010,b,2\n2010,a,3\n2010,b,4\n2011,a,2\n2011,b,2\n2011,a,5\n2011,b,4\n"
    private static let head = "periods: {column: period, baseline: \"2010\", order: [\"2010\", \"2011\"]}\n"

    private func assertFails(_ yaml: String, evaluate: Bool = false, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try { let c = try load(Self.data, yaml); if evaluate { _ = try BarometerEvaluator(config: c).evaluate() } }(),
                             file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"), "one line: \(message)", file: file, line: line)
            for m in mentions { XCTAssert(message.contains(m), "'\(message)' lacks '\(m)'", file: file, line: line) }
        }
    }

    private func goal(_ measure: String, _ extra: String = "kind: direction, direction: higher") -> String {
        Self.head + "goals:\n  - {id: x1, label: Test, data: d.csv, \(extra), measures: [\(measure)]}\n"
    }

    /// Data without a wave at or before the baseline: the figure, no verdict, and a note saying
    /// why (the sentence alone read "no verdict yet"); with the baseline's wave, no such note.
    func testAMeasureWhoseDataLackTheBaselineSaysWhy() throws {
        let later = "period,g,y\n2011,a,2\n2011,b,2\n2011,a,5\n2011,b,4\n"
        let yaml = goal("{id: m, label: L, unit: score points, stat: mean, variable: y}")
        let lacking = try XCTUnwrap(BarometerEvaluator(config: load(later, yaml)).evaluate(period: "2011").goals.first?.measures.first)
        XCTAssertNil(lacking.verdict)
        XCTAssertNotNil(lacking.current.value)
        XCTAssert(lacking.notes.contains("the data have no wave at or before the baseline 2010: no change since it"), "\(lacking.notes)")
        let full = try XCTUnwrap(BarometerEvaluator(config: load(Self.data, yaml)).evaluate(period: "2011").goals.first?.measures.first)
        XCTAssertFalse(full.notes.contains { $0.contains("no wave at or before the baseline") }, "\(full.notes)")
    }

    /// A measure whose subset, group or breakdown level has no rows in a wave (which stopped
    /// the whole barometer, exit 1): the figures resting on that wave are not estimable, with a
    /// note naming the measure and the wave, no verdict rests on them, and the other measures
    /// and waves are reported as usual; a wave with rows of the measure gives no such note.
    func testAWaveWithoutRowsOfAMeasureIsNotEstimableAndNoted() throws {
        let csv = "period,g,y,x\n" + ["2010,b,2,1", "2010,b,4,2", "2010,b,5,3", "2010,b,3,1", "2011,a,2,1", "2011,b,2,2",
                                       "2011,a,5,3", "2011,b,4,1", "2011,a,7,2", "2011,b,1,3", "2011,a,3,1"].joined(separator: "\n") + "\n"
        let config = try load(csv, Self.oneGoal(["{id: m1, label: a, unit: score points, variable: y, subset: 'g == a'}",
                                                 "{id: m2, label: all, unit: score points, variable: y, by: g}",
                                                 "{id: m3, label: gap, unit: score points, variable: y, group: g, focal: a, reference: b}",
                                                 "{id: m4, label: part, unit: score points, variable: y, group: g, focal: a, reference: b, adjust: x, report: unexplained}"]))
        let result = try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: "2011")
        let measures = result.goals[0].measures
        let note = "wave 2010 has no rows of the measure (none with a value and a positive weight in its subset or groups): no figure then, and no change or verdict resting on it"
        for m in [measures[0], measures[2], measures[3]] {
            XCTAssertNotNil(m.current.value, m.measure.id)
            XCTAssertNil(m.baseline?.value, m.measure.id)
            XCTAssertNil(m.baseline?.suppressed, "\(m.measure.id): not estimable, not withheld")
            XCTAssertNil(m.changeSinceBaseline?.value, m.measure.id)
            XCTAssertNil(m.verdict, m.measure.id)
            XCTAssertEqual(m.notes, [note], m.measure.id)
            XCTAssert(m.sentence(result.goals[0].goal, level: 0.95, language: .en).contains("the change since 2010: not estimable"), m.measure.id)
        }
        // The whole level is reported as usual; its breakdown level a has no change, and says why.
        let all = measures[1]
        XCTAssertNotNil(all.verdict)
        XCTAssertNotNil(all.changeSinceBaseline?.value)
        XCTAssertNil(try XCTUnwrap(all.breakdown.first { $0.level == "a" }).changeSinceBaseline?.value)
        XCTAssertNotNil(try XCTUnwrap(all.breakdown.first { $0.level == "b" }).changeSinceBaseline?.value)
        XCTAssertEqual(all.notes, ["g=a: \(note)"])
        XCTAssertEqual(result.suppressedCount, 0, "nothing withheld by disclosure control")
        let report = Report.barometer(result, language: .en)
        XCTAssert(report.notes.contains("measure m1: \(note)"), "\(report.notes)")
        XCTAssertFalse(report.rendered(as: .json).contains("NaN"))
        // At the baseline itself the subset's wave is empty: its figure is not estimable, n 0.
        let baseline = try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: "2010").goals[0].measures[0]
        XCTAssertNil(baseline.current.value)
        XCTAssertEqual(baseline.n, 0)
        XCTAssertEqual(baseline.notes, [note])
        let full = try BarometerEvaluator(config: load(Self.data, Self.oneGoal(["{id: m1, label: a, unit: score points, variable: y, subset: 'g == a'}"])),
                                          minimumCell: 1).evaluate(period: "2011")
        XCTAssertEqual(full.goals[0].measures[0].notes, [])
    }

    /// A breakdown level with rows in an earlier wave but none now vanished from the output
    /// (no row, no note), while a level new now was listed with a note. Now every level with
    /// rows in a wave up to the period shown is listed: one without rows now has no figure (not
    /// withheld), n 0, and a note naming the level and the wave; a level whose rows come only
    /// after the period shown is not listed.
    func testABreakdownLevelWithoutRowsNowIsListedAndNoted() throws {
        let csv = "period,area,y\n" + ["2010,a,1", "2010,a,2", "2010,b,3", "2010,b,4", "2011,a,2", "2011,a,3", "2011,c,5", "2011,c,6"]
            .joined(separator: "\n") + "\n"
        let config = try load(csv, Self.oneGoal(["{id: m1, label: level, unit: score points, variable: y, by: area}"]))
        let result = try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: "2011")
        let m = result.goals[0].measures[0]
        XCTAssertEqual(m.breakdown.map(\.level), ["a", "b", "c"])
        let gone = m.breakdown[1]
        XCTAssertNil(gone.current.value)
        XCTAssertNil(gone.current.suppressed, "not estimable, not withheld")
        XCTAssertNil(gone.changeSinceBaseline?.value)
        XCTAssertEqual(gone.n, 0)
        XCTAssertNotNil(m.breakdown[0].changeSinceBaseline?.value)
        func note(_ level: String, _ wave: String) -> String { "area=\(level): \(MeasureNotes.noRows(wave))" }
        XCTAssertEqual(m.notes, [note("b", "2011"), note("c", "2010")])
        XCTAssertEqual(result.suppressedCount, 0)
        let json = Report.barometer(result, language: .en).rendered(as: .json)
        XCTAssertTrue(json.contains("measure m1: \(note("b", "2011"))"), json)
        // At the baseline, c (rows only in 2011) is not a level yet.
        let baseline = try BarometerEvaluator(config: config, minimumCell: 1).evaluate(period: "2010").goals[0].measures[0]
        XCTAssertEqual(baseline.breakdown.map(\.level), ["a", "b"])
        XCTAssertEqual(baseline.notes, [])
    }

    /// A wave of one observation under `--min-cell 1`, or of one PSU: its standard error of 0
    /// (the design leaves its rows 0 degrees of freedom) measures nothing. It gave an interval of
    /// width 0 and a change judged "met" on the other wave's error alone, and then no standard
    /// error or interval at all, where `estimate` shows R's 0 with a note. Now the figures
    /// resting on it are as `estimate` and `gap` show them: R's standard errors (0 for the wave's
    /// own figure, equal to `estimate`'s on the wave's rows; the change the baseline's error
    /// alone, as R's svycontrast) with their intervals, `estimate`'s note named by the cell, and
    /// an inconclusive statistical verdict, a target's on the figure itself too (the official
    /// verdict reads the rounded figures); the same measure on waves with degrees of freedom has
    /// neither; at the default `--min-cell` the figure is withheld, without the note.
    func testAFigureOfOneObservationOrPSUShowsRsZeroWithoutAVerdict() throws {
        let note = "period=2011: \(SurveyDesign.zeroDegreesOfFreedomNote)"
        let level = Self.oneGoal(["{id: m1, label: level, unit: score points, variable: y}"])
        let oneRow = "period,y\n2010,1\n2010,2\n2010,4\n2011,5\n", onePSU = "period,psu,y\n2010,1,1\n2010,2,2\n2010,3,4\n2011,4,5\n2011,4,6\n2011,4,9\n"
        let one = try XCTUnwrap(BarometerEvaluator(config: load(oneRow, level), minimumCell: 1).evaluate().goals.first?.measures.first)
        let clustered = try XCTUnwrap(BarometerEvaluator(config: load(onePSU, Self.oneGoal(["{id: m1, label: level, unit: score points, variable: y}"], design: "{cluster: psu}")))
            .evaluate().goals.first?.measures.first)
        for (m, csv, spec) in [(one, oneRow, DesignSpec()), (clustered, onePSU, DesignSpec(clusters: ["psu"]))] {
            let now = try XCTUnwrap(m.current.value)
            let table = try CSVReader.parse(Array(csv.utf8), source: "d.csv")
            var request = EstimateRequest(statistic: .mean, variable: "y")
            request.subset = try RowFilter(parsing: "period == 2011")
            let alone = try XCTUnwrap(DescriptiveEstimator(table: table, design: SurveyDesign(spec: spec, table: table)).estimate(request).first)
            XCTAssertEqual(alone.note, SurveyDesign.zeroDegreesOfFreedomNote)
            XCTAssertEqual(now.estimate, alone.estimate)
            XCTAssertEqual(try XCTUnwrap(now.standardError), try XCTUnwrap(alone.standardError), accuracy: 1e-12)
            XCTAssertLessThan(try XCTUnwrap(now.standardError), 1e-12, "R's 0, up to rounding")
            XCTAssertNotNil(now.low)
            XCTAssertTrue(m.current.standardErrorMeasuresNothing)
            let baseline = try XCTUnwrap(m.baseline?.value?.standardError, "the baseline's rows have degrees of freedom")
            XCTAssertFalse(try XCTUnwrap(m.baseline).standardErrorMeasuresNothing)
            let change = try XCTUnwrap(m.changeSinceBaseline?.value)
            XCTAssertEqual(try XCTUnwrap(change.standardError), baseline, accuracy: 1e-9 * baseline, "the baseline's error alone")
            XCTAssertNotNil(change.high)
            XCTAssertTrue(try XCTUnwrap(m.changeSinceBaseline).standardErrorMeasuresNothing)
            XCTAssertEqual(m.verdict, .inconclusive)
            XCTAssertEqual(m.notes, [note])
        }
        XCTAssertEqual(one.current.value?.estimate, 5)
        XCTAssertEqual(one.official, .improved, "the official verdict reads the rounded figures")
        let target = try XCTUnwrap(BarometerEvaluator(config: load(oneRow, goal("{id: m1, label: level, unit: score points, variable: y}", "kind: target, target: '<= 10'")),
                                                      minimumCell: 1).evaluate().goals.first?.measures.first)
        XCTAssertEqual(target.current.value?.high, 5, "an interval of width 0")
        XCTAssertEqual(target.verdict, .inconclusive, "no verdict on a standard error that measures nothing")
        XCTAssertEqual(target.official, .met)
        let withheld = try XCTUnwrap(BarometerEvaluator(config: load(oneRow, level)).evaluate().goals.first?.measures.first)
        XCTAssertNotNil(withheld.current.suppressed)
        XCTAssertEqual(withheld.notes, [])
        let full = try XCTUnwrap(BarometerEvaluator(config: load(Self.data, level)).evaluate().goals.first?.measures.first)
        XCTAssertNotNil(full.current.value?.standardError)
        XCTAssertFalse(full.current.standardErrorMeasuresNothing)
        XCTAssertEqual(full.notes, [])
    }

    /// A decomposition's part (`adjust`, `report: unexplained`) of a wave whose focal group lies
    /// in one PSU: its standard error leaves that group out (`gap`'s note on the parts). It was
    /// judged on it, then shown without standard error or interval, where every other figure on
    /// such rows keeps R's with a note. Now it is as `gap --adjust` shows it on the wave's rows:
    /// R's standard error and interval, the note, and an inconclusive statistical verdict
    /// (`Figure.standardErrorMeasuresNothing`, the changes resting on it too), a target's on
    /// the figure itself as well (the official verdict reads the rounded figure); the baseline
    /// wave's groups lie in several PSUs and keep theirs without the flag.
    func testADecompositionPartOfAGroupInOnePSUHasNoVerdict() throws {
        var csv = "period,psu,g,x,y\n"
        for i in 0..<48 {
            let period = i < 24 ? "2010" : "2011", g = i % 3 == 0 ? 1 : 0
            let psu = g == 1 && period == "2011" ? 9 : 1 + i % 6
            let x = Double((i * 37) % 23) / 4
            csv += "\(period),\(psu),\(g),\(x),\(1 + x + (period == "2011" ? 3 : 2) * Double(g) + Double((i * 13) % 7) / 3)\n"
        }
        let part = "{id: m1, label: unexplained, unit: score points, variable: y, group: g, focal: \"1\", reference: \"0\", adjust: x, report: unexplained}"
        let m = try XCTUnwrap(BarometerEvaluator(config: load(csv, Self.oneGoal([part], design: "{cluster: psu}")), minimumCell: 1)
            .evaluate().goals.first?.measures.first)
        // `gap --adjust` on the wave's rows: the same part, R's standard error and interval, the note.
        let table = try CSVReader.parse(Array(csv.utf8), source: "d.csv")
        let design = try SurveyDesign(spec: DesignSpec(clusters: ["psu"]), table: table)
        var request = GapRequest(variable: "y", group: "g", reference: "0", focal: "1", adjust: "x")
        request.subset = try RowFilter(parsing: "period == 2011")
        let row = try XCTUnwrap(GapEstimator(table: table, design: design).estimate(request).first { $0.component == "unexplained" })
        XCTAssert(row.note?.contains(SurveyDesign.zeroDegreesOfFreedomNote) == true, "\(row.note ?? "no note")")
        XCTAssertNil(row.verdict)
        let now = try XCTUnwrap(m.current.value)
        XCTAssertEqual(now.estimate, row.estimate)
        XCTAssertEqual(try XCTUnwrap(now.standardError), row.standardError, accuracy: 1e-12 * row.standardError)
        XCTAssertGreaterThan(row.standardError, 0, "the reference group's error")
        assertClose(now.low, row.confidenceLow, rel: 1e-12, "low")
        assertClose(now.high, row.confidenceHigh, rel: 1e-12, "high")
        XCTAssertEqual(now.df, row.df)
        XCTAssertTrue(m.current.standardErrorMeasuresNothing)
        XCTAssertNotNil(m.baseline?.value?.standardError, "the baseline's groups lie in several PSUs")
        XCTAssertFalse(try XCTUnwrap(m.baseline).standardErrorMeasuresNothing)
        XCTAssertTrue(try XCTUnwrap(m.changeSinceBaseline).standardErrorMeasuresNothing)
        XCTAssertEqual(m.verdict, .inconclusive)
        XCTAssert(m.notes.contains("wave 2011: \(SurveyDesign.zeroDegreesOfFreedomNote)"), "\(m.notes)")
        // A target judged on the part itself: its interval lies wholly below, yet no verdict rests on it.
        let high = try XCTUnwrap(now.high)
        let target = try XCTUnwrap(BarometerEvaluator(config: load(csv, Self.head + "goals:\n  - {id: x1, label: Test, data: d.csv, kind: target, target: '<= \(Int(high.rounded(.up)) + 1)', design: {cluster: psu}, measures: [\(part)]}\n"),
                                                      minimumCell: 1).evaluate().goals.first?.measures.first)
        XCTAssertEqual(target.current.value?.high, high)
        XCTAssertEqual(target.verdict, .inconclusive)
        XCTAssertEqual(target.official, .met)
    }

    /// A decomposition's part (`adjust`, `report: unexplained`) on groups whose linear models fit
    /// essentially perfectly (y = 1e6 + 3x + an intercept for the focal group, 5 in 2010 and 2
    /// in 2011, exactly): its standard errors are rounding errors, so the figures and the change
    /// carry `gap --adjust`'s note and flag and the verdict is inconclusive. (It was judged on
    /// them: a change of −3 with a standard error of about 1e-10.)
    func testADecompositionPartOfAnEssentiallyPerfectFitHasNoVerdict() throws {
        var csv = "period,psu,g,x,y\n"
        for i in 0..<96 {
            let period = i < 48 ? "2010" : "2011", g = i % 3 == 0 ? 1 : 0
            let x = Double((i * 37) % 23) / 4
            csv += "\(period),\(1 + i % 6),\(g),\(x),\(1e6 + 3 * x + (period == "2010" ? 5 : 2) * Double(g))\n"
        }
        let part = "{id: m1, label: unexplained, unit: score points, variable: y, group: g, focal: \"1\", reference: \"0\", adjust: x, report: unexplained}"
        let m = try XCTUnwrap(BarometerEvaluator(config: load(csv, Self.oneGoal([part], design: "{cluster: psu}")), minimumCell: 1)
            .evaluate().goals.first?.measures.first)
        XCTAssertEqual(try XCTUnwrap(m.current.value).estimate, 2, accuracy: 1e-6)
        XCTAssertTrue(m.current.standardErrorMeasuresNothing)
        XCTAssertTrue(try XCTUnwrap(m.baseline).standardErrorMeasuresNothing)
        XCTAssertTrue(try XCTUnwrap(m.changeSinceBaseline).standardErrorMeasuresNothing)
        XCTAssertEqual(m.verdict, .inconclusive)
        let note = RegressionEstimator.essentiallyPerfectFitNote(of: "the linear models of group 1 (focal) and group 0 (reference)")
        for wave in ["2010", "2011"] { XCTAssert(m.notes.contains("wave \(wave): \(note)"), "\(wave): \(m.notes)") }
    }

    /// A quantile's change since a wave whose rows lie in one PSU (0 df), on replicate weights
    /// (JK1, bootstrap): R's standard error, the other wave's replicate spread alone
    /// (oracle/replicate_one_psu_group.R), with the wave's note and an inconclusive verdict, as a
    /// mean's and a lower mean's on the same rows. It was judged "met" without the note: the
    /// 0-df rule asked for a linearized variance of the wave's cell, which a quantile on
    /// replicates has none of (no Woodruff interval on 0 df).
    func testAQuantilesChangeSinceAOnePSUWaveOnReplicatesHasNoVerdict() throws {
        let path = try FixtureFiles.url("one_psu_group", "csv", in: "replicate").path
        let expected = try OracleFixture.bundledRecords("one_psu_group_expected", in: "Fixtures/replicate",
                                                        columns: ["type", "figure", "estimate", "std_error", "conf_low", "conf_high", "df"])
        for (type, columns) in [("jk1", "jkw*"), ("bootstrap", "bsw*")] {
            let yaml = """
                periods: {column: period, baseline: "2010", order: ["2010", "2011", "2012"]}
                goals:
                  - id: "1"
                    label: Test
                    kind: direction
                    direction: higher
                    data: \(path)
                    design: {weights: w, replicate-weights: '\(columns)', replicate-type: \(type)}
                    measures:
                      - {id: q25, label: quartile, unit: score points, stat: quantile, variable: y, q: 0.25}
                      - {id: lm, label: lower mean, unit: score points, stat: lower-mean, variable: y, q: 0.25}
                      - {id: mn, label: mean, unit: score points, variable: y}

                """
            let measures = try BarometerEvaluator(config: load("", yaml), minimumCell: 1).evaluate(period: "2012").goals[0].measures
            XCTAssertEqual(measures.count, 3)
            for m in measures {
                let what = "\(type) \(m.measure.id)"
                XCTAssertTrue(m.current.standardErrorMeasuresNothing, what)
                XCTAssertFalse(try XCTUnwrap(m.baseline).standardErrorMeasuresNothing, what)
                let change = try XCTUnwrap(m.changeSinceBaseline)
                XCTAssertTrue(change.standardErrorMeasuresNothing, what)
                XCTAssertNotNil(change.value?.standardError, what)
                XCTAssertEqual(m.verdict, .inconclusive, what)
                XCTAssert(m.notes.contains("period=2012: \(SurveyDesign.zeroDegreesOfFreedomNote)"), "\(what): \(m.notes)")
                guard m.measure.id != "mn" else { continue }
                let r = try XCTUnwrap(expected.first { $0["type"] == type && $0["figure"] == "\(m.measure.id == "q25" ? "quantile" : "lowermean") 2012-2010" })
                let value = try XCTUnwrap(change.value)
                assertClose(value.estimate, Double(r["estimate"]), rel: 1e-12, what)
                assertClose(value.standardError, Double(r["std_error"]), rel: 1e-9, "\(what) SE")
                // A quantile's changes are t on the waves' df, as R's (a lower mean's normal, the barometer's default).
                guard m.measure.id == "q25" else { continue }
                XCTAssertEqual(value.df, Double(r["df"]), what)
                assertClose(value.low, Double(r["conf_low"]), rel: 1e-9, "\(what) low")
                assertClose(value.high, Double(r["conf_high"]), rel: 1e-9, "\(what) high")
            }
        }
    }

    /// A representation measure (goal 3's kind) whose sampled side's compared rows (managers) in a
    /// wave lie in one PSU: the benchmark's beside a staff register, or the staff's beside a census benchmark.
    /// `representation` on the wave's rows says its standard error of 0 (R's) measures nothing
    /// and no verdict rests on it, yet the barometer judged the index on it ("met" on an
    /// interval of width 0). Now it is as every figure on such rows: R's standard error kept,
    /// the note, the figure and the change resting on it flagged
    /// (`Figure.standardErrorMeasuresNothing`), an inconclusive statistical verdict, a
    /// target's on the figure itself too; the official verdict reads the rounded figures as before.
    func testARepresentationWhoseSampledSideLiesInOnePSUHasNoVerdict() throws {
        // Each wave its own stratum (independent samples); the managers of 2011 in its PSU 5 alone.
        let staff = "period,s,psu,role,g\n2010,1,1,m,a\n2010,1,1,m,b\n2010,1,2,m,b\n2010,1,2,m,a\n2010,1,3,m,a\n2010,1,3,m,b\n2010,1,4,m,b\n2010,1,4,m,b\n2011,2,5,m,a\n2011,2,5,m,a\n2011,2,5,m,b\n2011,2,5,m,b\n2011,2,6,o,a\n2011,2,6,o,b\n"
        let labour = "period,s,psu,role,g\n2010,1,1,m,a\n2010,1,1,m,b\n2010,1,2,m,a\n2010,1,2,m,a\n2010,1,3,m,b\n2010,1,3,m,b\n2010,1,4,m,a\n2010,1,4,m,b\n2011,2,5,m,a\n2011,2,5,m,b\n2011,2,5,m,b\n2011,2,5,m,b\n2011,2,6,o,a\n2011,2,6,o,b\n"
        let bench = FileManager.default.temporaryDirectory.appendingPathComponent("benchmark-\(UUID().uuidString).csv")
        try labour.write(to: bench, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bench) }
        let sides = [("benchmark", "", "census: true, benchmark: {data: \(bench.path), design: {strata: s, cluster: psu}, subset: \"role == m\"}"),
                     ("population", "    design: {strata: s, cluster: psu}\n", "benchmark: {data: \(bench.path), census: true, subset: \"role == m\"}")]
        for (side, design, keys) in sides {
            let measure = "{id: r, label: index, unit: index, measure: representation, variable: g, focal: a, subset: \"role == m\", \(keys)}"
            func evaluate(_ kind: String) throws -> MeasureResult {
                let yaml = Self.head + "goals:\n  - id: \"1\"\n    label: Test\n    \(kind)\n    data: d.csv\n\(design)    measures:\n      - \(measure)\n"
                return try XCTUnwrap(BarometerEvaluator(config: load(staff, yaml), minimumCell: 1).evaluate().goals.first?.measures.first)
            }
            let m = try evaluate("kind: direction\n    direction: higher")
            // `representation` on the wave's rows: R's standard error of 0, with the note.
            let table = try CSVReader.parse(Array(staff.utf8), source: "d.csv"), other = try CSVReader.parse(Array(labour.utf8), source: "b.csv")
            let sampled = DesignSpec(strata: "s", clusters: ["psu"])
            let estimator = RepresentationEstimator(
                population: RepresentationSource(table: table, design: try SurveyDesign(spec: side == "population" ? sampled : DesignSpec(), table: table),
                                                 census: side == "benchmark"),
                benchmark: RepresentationSource(table: other, design: try SurveyDesign(spec: side == "benchmark" ? sampled : DesignSpec(), table: other),
                                                census: side == "population"))
            let row = try XCTUnwrap(estimator.estimate(RepresentationRequest(column: "g", focal: "a", subset: try RowFilter(parsing: "period == 2011 & role == m"),
                                                                             benchmarkSubset: try RowFilter(parsing: "period == 2011 & role == m")))
                .first { $0.component == "index" })
            XCTAssertEqual(row.note, "\(side): \(SurveyDesign.zeroDegreesOfFreedomNote)", side)
            let now = try XCTUnwrap(m.current.value, side)
            XCTAssertEqual(now.estimate, 2, accuracy: 1e-12, side)
            XCTAssertEqual(try XCTUnwrap(now.standardError, side), row.standardError, accuracy: 1e-12, side)
            XCTAssertLessThan(try XCTUnwrap(now.standardError, side), 1e-12, "\(side): R's 0, up to rounding")
            XCTAssertTrue(m.current.standardErrorMeasuresNothing, side)
            let baseline = try XCTUnwrap(m.baseline?.value?.standardError, "\(side): the baseline's rows lie in four PSUs")
            XCTAssertGreaterThan(baseline, 0, side)
            XCTAssertFalse(try XCTUnwrap(m.baseline, side).standardErrorMeasuresNothing, side)
            let change = try XCTUnwrap(m.changeSinceBaseline, side)
            XCTAssertEqual(try XCTUnwrap(change.value?.standardError, side), baseline, accuracy: 1e-9 * baseline, "\(side): the baseline's error alone")
            XCTAssertTrue(change.standardErrorMeasuresNothing, side)
            XCTAssertEqual(m.verdict, .inconclusive, side)
            XCTAssertEqual(m.official, .improved, "\(side): the official verdict reads the rounded figures")
            XCTAssert(m.notes.contains("wave 2011: \(side): \(SurveyDesign.zeroDegreesOfFreedomNote)"), "\(side): \(m.notes)")
            // A target judged on the index itself, an interval of width 0 wholly above: no verdict rests on it.
            let target = try evaluate("kind: target\n    target: '>= 1'")
            XCTAssertEqual(target.current.value?.low ?? .nan, 2, accuracy: 1e-9, side)
            XCTAssertTrue(target.current.standardErrorMeasuresNothing, side)
            XCTAssertEqual(target.verdict, .inconclusive, side)
            XCTAssertEqual(target.official, .met, side)
        }
    }

    func testMeasureNamingAMissingColumn() {
        assertFails(goal("{id: m, label: L, unit: '%', stat: mean, variable: income}"), evaluate: true,
                    mentions: ["goal x1, measure m", "'income'", "no such column"])
    }

    func testMalformedConfigurations() {
        assertFails("goals: [", mentions: ["not valid YAML"])
        assertFails(Self.head + "title: nothing\n", mentions: ["no goals"])
        assertFails("goals:\n  - {label: T, data: d.csv, direction: higher, measures: [{label: L, unit: '%', variable: y}]}\n",
                    mentions: ["'periods' is missing"])
        assertFails(goal("{label: L, unit: '%', stat: median, variable: y}"), mentions: ["stat 'median'"])
        assertFails(goal("{label: L, unit: percent, variable: y}"), mentions: ["unit 'percent'"])
        assertFails(goal("{label: L, unit: '%', variable: y, subsets: 'g == a'}"), mentions: ["unknown key 'subsets'", "did you mean 'subset'?"])
        assertFails(goal("{label: L, unit: '%', variable: y, group: g}"), mentions: ["measure x1a", "'reference' is missing"])
        assertFails(goal("{label: L, unit: index, variable: g, focal: a, measure: representation}"), mentions: ["needs 'benchmark'"])
        assertFails(goal("{label: L, unit: '%', variable: y}", "kind: target"), mentions: ["kind target needs 'target'"])
        // A merge key, which Yams half applied (a measure "lacking" the unit its anchor gave it): refused at its line.
        assertFails(Self.head + "goals:\n  - &g {id: x1, label: Test, data: d.csv, kind: direction, direction: higher, measures: [{id: m1, label: L, unit: '%', variable: y}]}\n"
                    + "  - {<<: *g, id: x2}\n", mentions: [":", "a YAML merge key ('<<') is not supported"])
        // A measure id used twice is named at its second line, with its first.
        assertFails(Self.head + "goals:\n  - id: x1\n    label: Test\n    data: d.csv\n    direction: higher\n    measures:\n"
                    + "      - {id: m, label: L, unit: '%', variable: y}\n      - {id: m, label: M, unit: '%', variable: y}\n",
                    mentions: ["measure id 'm' is used twice (first at line"])
        // A target or band goal's direction would not be used (the target says which way is better): refused.
        for kind in ["kind: target, target: '<= 5.8'", "kind: band, target: 'within 0.9..1.1'"] {
            assertFails(goal("{label: L, unit: '%', variable: y}", kind + ", direction: lower"),
                        mentions: ["is judged against its target: its 'direction' would not be used"])
        }
        assertFails(goal("{label: L, unit: '%', variable: y}", "kind: band, target: '<= 3'"), mentions: ["kind band needs 'target'"])
        assertFails(goal("{label: L, unit: '%', variable: y}", "kind: direction"), mentions: ["'direction: higher' or 'lower'"])
        assertFails(goal("{label: L, unit: '%', variable: y}", "kind: direction, direction: higher, target: '>= 3'"),
                    mentions: ["its 'target' would not be used"])
        assertFails(goal("{label: L, unit: '%', variable: y, context: true}"), mentions: ["every measure is context"])
        assertFails(goal("{label: L, unit: '%', stat: proportion, variable: y}"), mentions: ["scale: pp"])
        assertFails(goal("{label: L, unit: '%', variable: y, period: period}"), mentions: ["'period' belongs to the configuration's 'periods'"])
        // A measure's own 'level' was overridden by the configuration's (its intervals at 95 %), silently.
        assertFails(goal("{label: L, unit: '%', variable: y, level: 0.5}"), mentions: ["'level' belongs to the whole configuration", "level: 0.95"])
        assertFails(goal("{label: L, unit: index, variable: g, focal: a, measure: representation, benchmark: {data: d.csv}, level: 0.9}"),
                    mentions: ["'level' belongs to the whole configuration"])
        assertFails(goal("{label: L, unit: '%', variable: y}").replacingOccurrences(of: "baseline: \"2010\"", with: "baseline: \"2009\""),
                    mentions: ["periods: the baseline '2009' is not in 'order'"])
        for (order, problem) in [("[]", "'order' lists no periods"), ("[\"2010\", \"2010\"]", "'order' lists a period twice")] {
            let yaml = goal("{label: L, unit: '%', variable: y}").replacingOccurrences(of: "[\"2010\", \"2011\"]", with: order)
            assertFails(yaml, mentions: [":1: periods: " + problem])  // the key named once ("periods: periods: ..." before)
        }
        assertFails(goal("{label: L, unit: '%', variable: y}").replacingOccurrences(of: "[\"2010\", \"2011\"]", with: "[\"2010\"]"),
                    evaluate: true, mentions: ["the period '2011' is not in the configuration's periods"])
        assertFails(goal("{label: L, unit: '%', variable: y}", "kind: feeling, direction: higher"), mentions: ["kind 'feeling'"])
    }
}

extension BarometerTests {
    /// A list, a mapping or a null where one value belongs, and a value where a list or a
    /// mapping belongs, is an error naming the key and its line, for every key of a
    /// configuration: none is dropped or defaulted (`by: [g]` gave no breakdown, `title: [T, U]`
    /// the title "Barometer", `id: [m1]` the id "x1a", `column: [period]` the column `period`; an
    /// item of `order` that is a list or `~` was dropped).
    func testValuesOfTheWrongShapeAreNamedByKeyAndLine() {
        let measure = "{label: L, unit: '%', variable: y}"
        let plain: String = goal(measure)
        func edited(_ old: String, _ new: String) -> String { plain.replacingOccurrences(of: old, with: new) }
        let cases: [(String, String)] = [
            (goal("{label: L, unit: '%', variable: y, by: [g]}"),
             "b.yaml:3: goal x1, measure x1a: 'by' takes one column (a measure breaks down by one column; a breakdown by another is another measure), not a list"),
            (goal("{label: L, unit: '%', variable: y, by: {g: 1}}"), "b.yaml:3: goal x1, measure x1a: 'by' takes one column"),
            (plain + "title: [T, U]\n", "b.yaml:4: 'title' takes one value, not a list"),
            (plain + "title: ~\n", "b.yaml:4: 'title' has no value (YAML's null): give one, or leave the key out"),
            (plain + "level: [0.9]\n", "b.yaml:4: 'level' takes one value, not a list"),
            (goal("{id: [m1], label: L, unit: '%', variable: y}"), "b.yaml:3: goal x1, measure 1: 'id' takes one value, not a list"),
            (goal("{label: [L], unit: '%', variable: y}"), "b.yaml:3: goal x1, measure x1a: 'label' takes one value, not a list"),
            (goal("{label: L, unit: [score points], variable: y}"), "b.yaml:3: goal x1, measure x1a: 'unit' takes one value, not a list"),
            (goal("{label: L, unit: '%', variable: y, data: [d.csv]}"), "b.yaml:3: goal x1, measure x1a: 'data' takes one data file, not a list"),
            (goal("{label: L, unit: '%', variable: y, report: [explained]}"), "'report' takes one value, not a list"),
            (goal("{label: L, unit: '%', variable: y, context: [true]}"), "'context' takes true or false, not a list"),
            (goal("{label: L, unit: '%', variable: y, measure: ~}"), "'measure' has no value (YAML's null)"),
            (goal("{label: L, unit: index, variable: g, focal: a, measure: representation, benchmark: [d.csv]}"),
             "'benchmark' is a mapping of keys {data: ..., design: ..., subset: ..., census: ...}, not a list"),
            (goal("{label: L, unit: index, variable: g, focal: a, measure: representation, benchmark: {data: d.csv, census: [true]}}"),
             "benchmark: 'census' takes true or false, not a list"),
            (goal("{label: L, unit: index, variable: g, focal: a, measure: representation, benchmark: {data: d.csv, subset: [g == a]}}"),
             "benchmark: 'subset' takes one value, not a list"),
            (goal(measure, "kind: direction, direction: [higher]"), "b.yaml:3: goal x1: 'direction' takes one value, not a list"),
            (goal(measure, "kind: [target], target: '<= 3'"), "b.yaml:3: goal x1: 'kind' takes one value, not a list"),
            (goal(measure, "kind: target, target: ['<= 3']"), "b.yaml:3: goal x1: 'target' takes one value, not a list"),
            (edited("label: Test", "label: [Test]"), "b.yaml:3: goal x1: 'label' takes one value, not a list"),
            (edited("id: x1", "id: [x1]"), "b.yaml:3: goal 1: 'id' takes one value, not a list"),
            (edited("data: d.csv", "data: [d.csv]"), "b.yaml:3: goal x1: 'data' takes one data file, not a list"),
            (edited("data: d.csv", "data: d.csv, design: [weights, w]"),
             "b.yaml:3: goal x1: 'design' is a mapping of keys {weights: w, strata: s, cluster: psu, ...}, not a list"),
            (edited("measures: [\(measure)]", "measures: {a: 1}"),
             "b.yaml:3: goal x1: 'measures' is a list of measures"),
            (goal("m1"), "b.yaml:3: measure 1 of goal x1's 'measures' is a mapping of keys {label: ..., unit: ..., ...}, not the value 'm1'"),
            (Self.head + "goals:\n  - g1\n", "b.yaml:3: goal 1 of 'goals' is a mapping of keys"),
            (Self.head + "goals: {id: g1}\n", "b.yaml:2: 'goals' is a list of goals"),
            ("- " + Self.head, "b.yaml:1: the file is a mapping of keys (title:, level:, periods:, goals:), not a list"),
            (edited("column: period", "column: [period]"), "b.yaml:1: periods: 'column' takes one column, not a list"),
            (edited("baseline: \"2010\"", "baseline: [\"2010\"]"), "b.yaml:1: periods: 'baseline' takes one period, not a list"),
            (edited("[\"2010\", \"2011\"]", "[\"2010\", [\"2011\"]]"),
             "b.yaml:1: periods: item 2 of 'order' is a list, not one value"),
            (edited("[\"2010\", \"2011\"]", "[\"2010\", ~, \"2011\"]"),
             "b.yaml:1: periods: item 2 of 'order' is a null (~), not one value"),
            (edited("[\"2010\", \"2011\"]", "\"2010\""),
             "b.yaml:1: periods: 'order' is a list of the periods, not the value '2010'"),
            (edited("periods: {column: period, baseline: \"2010\", order: [\"2010\", \"2011\"]}", "periods: [\"2010\"]"),
             "b.yaml:1: 'periods' is a mapping of keys"),
        ]
        for (yaml, fragment) in cases {
            assertFails(yaml, mentions: [fragment])
        }
    }

    /// A subset (or another value) written as a YAML block scalar, `subset: >` and the
    /// conditions on the lines below, is read without the line break YAML keeps at its end:
    /// the figures are those of the subset on one line (it was "the value 'a\u{a}' does not occur").
    func testABlockScalarIsReadWithoutItsLineBreaks() throws {
        let data = "period,g,y\n2010,a,1\n2010,b,2\n2010,a,3\n2010,b,4\n2011,a,2\n2011,b,2\n2011,a,5\n2011,b,4\n"
        func estimate(_ measure: String) throws -> Double {
            let yaml = Self.head + "goals:\n  - id: x1\n    label: Test\n    direction: higher\n    data: d.csv\n    measures:\n" + measure
            let result = try BarometerEvaluator(config: load(data, yaml), minimumCell: 1).evaluate()
            return try XCTUnwrap(result.goals.first?.measures.first?.current.value?.estimate)
        }
        let block = try estimate("      - label: >\n          Mean\n          of y\n        unit: score points\n        variable: y\n        subset: >\n          g == a &\n          y > 1\n\n")
        let literal = try estimate("      - label: L\n        unit: |\n          score points\n        variable: y\n        subset: |\n          g == a & y > 1\n")
        XCTAssertEqual(block, try estimate("      - {label: L, unit: score points, variable: y, subset: 'g == a & y > 1'}\n"))
        XCTAssertEqual(block, 3.5)
        XCTAssertEqual(literal, 3.5)
        let config = try load(data, Self.head + "goals:\n  - id: x1\n    label: |\n      Test\n    direction: higher\n    data: d.csv\n    measures:\n"
                              + "      - {label: L, unit: score points, variable: y}\n")
        XCTAssertEqual(config.goals.first?.label, "Test")
    }
}

extension BarometerMeasure.Kind {
    var isRepresentation: Bool { if case .representation = self { return true } else { return false } }
}
