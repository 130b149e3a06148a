import Foundation
import XCTest
@testable import StatsEngine

/// Coverage on the bundled synthetic population (datasets/): 200 replications of the barometer's
/// samples drawn from the population files at the baseline (2010) and at the last wave (2014H2;
/// 2014H1 for the pupils), as make_datasets.py draws them, each evaluated by the barometer
/// (`BarometerEvaluator` on datasets/barometer.yaml, its judged measures 1a, 2a, 3b, 4a, 5a, 6a,
/// 7a). The shares of 95 % intervals that cover the population's true change since the baseline,
/// and its true value at the last wave (datasets/truth.json), must be consistent with 95 %:
/// within 3.5 binomial SDs (about ±5.4 points at 200).
///
/// The samples: the resident survey and the labour force survey as the generator draws them
/// (stratified two-stage SRSWOR per wave: 30 blocks per district and 12 residents per block, or
/// 25 blocks and up to 16 persons 18–66; weights `(N_h/n_h)·(M_i/m_i)`, 2 % of each item blanked
/// at random), estimated with barometer.yaml's designs; the pupils register, a census, sampled
/// 40 % within each school and year (stratified SRSWOR, the school the stratum, with its fpc);
/// the staff register is the census itself (goal 3's change varies through its benchmark only,
/// two independent labour force samples). Each wave's strata and PSUs are its own, as in the
/// bundled files.
final class CoverageTests: XCTestCase {
    static let replications = 200
    static let datasets = FixtureFiles.datasets

    private func population(_ name: String) throws -> Table {
        try CSVReader.read(path: Self.datasets.appendingPathComponent(name).path)
    }

    private func assertCoverage(_ covered: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let share = Double(covered) / Double(Self.replications)
        let sd = (0.95 * 0.05 / Double(Self.replications)).squareRoot()
        XCTAssertEqual(share, 0.95, accuracy: 3.5 * sd, "\(what): \(covered) of \(Self.replications) intervals cover the truth", file: file, line: line)
        print("coverage of \(what): \(covered)/\(Self.replications)")
    }

    /// The waves compared: wave number (the files' `stratum`/`psu` prefix), label and the
    /// population's year.
    private static let surveyWaves = [(number: 1, period: "2010", year: 2010), (number: 5, period: "2014H2", year: 2014)]
    private static let pupilWaves = [(number: 1, period: "2010"), (number: 5, period: "2014H1")]

    /// The blocks of each district (the stage-1 frame of both surveys) and a population's members
    /// by block: make_datasets.py's `two_stage`.
    private struct TwoStageFrame {
        /// Per district (in the population file's code order), its block ids.
        var blocksOf: [[Int]]
        /// Per block id, the member rows of the sampled population file.
        var members: [Int: [Int]]

        /// One row of a draw: the population row, its district code and block, `N_h`, `M_i` and weight.
        struct Unit {
            var row: Int, district: Int, block: Int, blocksInDistrict: Int, membersInBlock: Int, weight: Double
        }

        /// Per district `blocks` of its blocks, then `persons` of each block's members (all when
        /// fewer), both by simple random sampling without replacement.
        func draw(blocks: Int, persons: Int, rng: inout SplitMix64) -> [Unit] {
            var units: [Unit] = []
            for (district, all) in blocksOf.enumerated() {
                for block in all.shuffled(using: &rng).prefix(blocks) {
                    let people = members[block] ?? []
                    let m = min(persons, people.count)
                    let weight = Double(all.count) / Double(blocks) * Double(people.count) / Double(m)
                    for row in people.shuffled(using: &rng).prefix(m) {
                        units.append(Unit(row: row, district: district, block: block, blocksInDistrict: all.count,
                                          membersInBlock: people.count, weight: weight))
                    }
                }
            }
            return units
        }
    }

    /// The rows of the data file `name` whose first cell (the period) is one of `periods`, read as
    /// the whole file reads.
    private func rows(of name: String, periods: [String]) throws -> Table {
        let text = try String(contentsOf: Self.datasets.appendingPathComponent(name), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let kept = [lines[0]] + lines.dropFirst().filter { line in periods.contains { line.hasPrefix($0 + ",") } }
        return try CSVReader.parse(Array((kept.joined(separator: "\n") + "\n").utf8), source: name)
    }

    func testChangeSinceBaselineCoversTheTrueChange() throws {
        let started = Date()
        let judged = ["1a", "2a", "3b", "4a", "5a", "6a", "7a"]
        var config = try BarometerConfig.load(path: Self.datasets.appendingPathComponent("barometer.yaml").path)
        for g in config.goals.indices {
            config.goals[g].measures = config.goals[g].measures.filter { judged.contains($0.id) }
            for m in config.goals[g].measures.indices {
                config.goals[g].measures[m].by = nil   // goal 5's breakdown by area is not at issue
                if config.goals[g].measures[m].data == "pupils.csv" {
                    // A sample of the register: its own design, not the census's model-based one.
                    config.goals[g].measures[m].design = DesignSpec(weights: "weight", strata: "stratum", fpc: ["pupils_in_school"])
                }
            }
        }
        let truthData = try Data(contentsOf: Self.datasets.appendingPathComponent("truth.json"))
        let truthGoals = try XCTUnwrap((try JSONSerialization.jsonObject(with: truthData) as? [String: Any])?["goals"] as? [String: [String: Any]])
        let truth = try truthGoals.values.reduce(into: [String: [String: Double]]()) { all, goal in
            try all.merge(XCTUnwrap(goal["measures"] as? [String: [String: Double]])) { a, _ in a }
        }

        // The residents: the stage-1 frame of both surveys, and the items of the two years.
        let residents = try population("population_residents.csv")
        let district = try residents.categorical("district"), residentBlock = try residents.numeric("block").map { Int($0) }
        var blocksOf = [[Int]](repeating: [], count: district.levels.count)
        var residentsOf: [Int: [Int]] = [:]
        for r in 0..<residents.rowCount {
            if residentsOf[residentBlock[r]] == nil { blocksOf[Int(district.codes[r])].append(residentBlock[r]) }
            residentsOf[residentBlock[r], default: []].append(r)
        }
        let items = ["uses_daycare", "included", "discriminated", "safe_day", "safe_night", "safe_home"]
        // The labour population (ages 18–66), its members by block; the pupils of the two cohorts.
        let labour = try population("population_labour.csv")
        let labourBlock = try labour.numeric("block").map { Int($0) }
        let pupils = try rows(of: "pupils.csv", periods: Self.pupilWaves.map(\.period))
        let pupilPeriod = try pupils.categorical("period"), school = try pupils.numeric("school").map { Int($0) }
        var evaluator = BarometerEvaluator(config: config)
        evaluator.tables["municipal_staff.csv"] = try rows(of: "municipal_staff.csv", periods: Self.surveyWaves.map(\.period))
        let replicator = Replicator(
            evaluator: evaluator,
            residentFrame: TwoStageFrame(blocksOf: blocksOf, members: residentsOf),
            origin: try residents.categorical("origin"), deprived: try residents.numeric("deprived_area"),
            marked: try residents.numeric("marked_area"),
            itemValues: try Dictionary(uniqueKeysWithValues: Self.surveyWaves.map { wave in
                (wave.year, try items.map { try residents.numeric("\($0)_\(wave.year)") })
            }),
            labourFrame: TwoStageFrame(blocksOf: blocksOf, members: Dictionary(grouping: 0..<labour.rowCount) { labourBlock[$0] }),
            labourOrigin: try labour.categorical("origin"), education: try labour.categorical("education"),
            statuses: try Dictionary(uniqueKeysWithValues: Self.surveyWaves.map { wave in
                (wave.year, try labour.categorical("status_\(wave.year)"))
            }),
            cohorts: Self.pupilWaves.map { wave in
                let code = Int32(pupilPeriod.levels.firstIndex(of: wave.period)!)
                return Dictionary(grouping: (0..<pupils.rowCount).filter { pupilPeriod.codes[$0] == code }) { school[$0] }
            },
            bilingual: try pupils.numeric("bilingual"), score: try pupils.numeric("score"))

        // The replications on every core, each on its own random stream.
        var outcomes = [Result<[MeasureResult], Error>?](repeating: nil, count: Self.replications)
        outcomes.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: Self.replications) { i in
                var rng = SplitMix64(seed: SplitMix64.scramble(20261125 &+ UInt64(i)))
                shared.value[i] = Result { try replicator.evaluate(rng: &rng) }
            }
        }
        var changeCovered: [String: Int] = [:], levelCovered: [String: Int] = [:], withoutInterval: [String] = []
        for outcome in outcomes {
            for measure in try outcome!.get() {
                let id = measure.measure.id
                let values = try XCTUnwrap(truth[id]), baselineWave = try XCTUnwrap(measure.baselineWave)
                let now = try XCTUnwrap(values[try XCTUnwrap(measure.wave)]), then = try XCTUnwrap(values[baselineWave])
                func covers(_ figure: Figure?, _ value: Double) -> Bool {
                    guard let low = figure?.value?.low, let high = figure?.value?.high else {
                        withoutInterval.append(id)
                        return false
                    }
                    return low <= value && value <= high
                }
                if covers(measure.changeSinceBaseline, now - then) { changeCovered[id, default: 0] += 1 }
                if covers(measure.current, now) { levelCovered[id, default: 0] += 1 }
            }
        }
        XCTAssertEqual(withoutInterval, [], "figures without an interval")
        for id in judged {
            let values = try XCTUnwrap(truth[id])
            let last = id == "1a" ? "2014H1" : "2014H2"
            let change = try XCTUnwrap(values[last]) - XCTUnwrap(values["2010"])
            assertCoverage(changeCovered[id, default: 0], "\(id)'s change 2010–\(last) (truth \(change))")
            assertCoverage(levelCovered[id, default: 0], "\(id) at \(last) (truth \(values[last]!))")
        }
        print("coverage: \(Self.replications) replications in \(Int(Date().timeIntervalSince(started).rounded())) s")
    }

    /// The population data one replication draws its samples from, and the barometer that
    /// evaluates them (the staff register already among its tables).
    private struct Replicator: Sendable {
        var evaluator: BarometerEvaluator
        var residentFrame: TwoStageFrame
        var origin: CategoricalColumn, deprived: [Double], marked: [Double]
        /// Per year, the residents' values of uses_daycare, included, discriminated and the three safety items.
        var itemValues: [Int: [[Double]]]
        var labourFrame: TwoStageFrame
        var labourOrigin: CategoricalColumn, education: CategoricalColumn
        /// Per year, the labour population's status.
        var statuses: [Int: CategoricalColumn]
        /// Per pupil wave, the rows of `pupils.csv`'s cohort by school.
        var cohorts: [[Int: [Int]]]
        var bilingual: [Double], score: [Double]

        /// The barometer's judged measures at 2014H2 on one replication of every sample.
        func evaluate(rng: inout SplitMix64) throws -> [MeasureResult] {
            var evaluator = evaluator
            evaluator.tables["resident_survey.csv"] = residentSurvey(rng: &rng)
            evaluator.tables["labour_force.csv"] = labourForce(rng: &rng)
            evaluator.tables["pupils.csv"] = pupilSample(rng: &rng)
            return try evaluator.evaluate(period: "2014H2").goals.flatMap(\.measures)
        }

        /// The resident survey at the two waves: `resident_survey.csv`'s columns (those the
        /// barometer reads), each item blanked with probability 2 %.
        func residentSurvey(rng: inout SplitMix64) -> Table {
            var columns = SampleColumns()
            var itemColumns = [[Double]](repeating: [], count: 3)
            var safety: [Double] = []
            for wave in CoverageTests.surveyWaves {
                let values = itemValues[wave.year]!
                for unit in residentFrame.draw(blocks: 30, persons: 12, rng: &rng) {
                    columns.append(unit, wave: wave.number, period: wave.period, origin: origin.codes[unit.row], members: "residents_in_block")
                    columns.numbers["deprived_area", default: []].append(deprived[unit.row])
                    columns.numbers["marked_area", default: []].append(marked[unit.row])
                    let answered = values.map { Double.random(in: 0..<1, using: &rng) < 0.02 ? Double.nan : $0[unit.row] }
                    for i in 0..<3 { itemColumns[i].append(answered[i]) }
                    safety.append(25 * ((answered[3] + answered[4] + answered[5]) / 3 - 1))
                }
            }
            for (name, values) in zip(["uses_daycare", "included", "discriminated"], itemColumns) { columns.numbers[name] = values }
            columns.numbers["safety_index"] = safety
            return columns.table("resident_survey.csv", originLevels: origin.levels)
        }

        /// The labour force survey at the two waves.
        func labourForce(rng: inout SplitMix64) -> Table {
            var columns = SampleColumns()
            var educationCodes: [Int32] = []
            for wave in CoverageTests.surveyWaves {
                let status = statuses[wave.year]!
                for unit in labourFrame.draw(blocks: 25, persons: 16, rng: &rng) {
                    columns.append(unit, wave: wave.number, period: wave.period, origin: labourOrigin.codes[unit.row], members: "persons_in_block")
                    educationCodes.append(education.codes[unit.row])
                    let label = status.levels[Int(status.codes[unit.row])]
                    columns.numbers["in_labour_force", default: []].append(label == "outside" ? 0 : 1)
                    columns.numbers["unemployed", default: []].append(label == "unemployed" ? 1 : 0)
                }
            }
            return columns.table("labour_force.csv", originLevels: labourOrigin.levels)
                .adding("education", .categorical(CategoricalColumn(codes: educationCodes, levels: education.levels)))
        }

        /// The pupils' sample: in each year and school, 40 % of its pupils (at least two) by
        /// simple random sampling without replacement, the school the stratum.
        func pupilSample(rng: inout SplitMix64) -> Table {
            var period: [String] = [], stratum: [Double] = [], weight: [Double] = [], fpc: [Double] = [], rows: [Int] = []
            for (wave, cohort) in zip(CoverageTests.pupilWaves, cohorts) {
                for school in cohort.keys.sorted() {
                    let all = cohort[school]!
                    let m = max(2, Int((0.4 * Double(all.count)).rounded()))
                    for row in all.shuffled(using: &rng).prefix(m) {
                        period.append(wave.period)
                        stratum.append(Double(wave.number * 100 + school))
                        weight.append(Double(all.count) / Double(m))
                        fpc.append(Double(all.count))
                        rows.append(row)
                    }
                }
            }
            return Table(source: "pupils.csv", names: ["period", "stratum", "weight", "pupils_in_school", "bilingual", "score"], columns: [
                .categorical(CategoricalColumn(labels: period)), .numeric(NumericColumn(stratum)), .numeric(NumericColumn(weight)),
                .numeric(NumericColumn(fpc)), .numeric(NumericColumn(rows.map { bilingual[$0] })), .numeric(NumericColumn(rows.map { score[$0] })),
            ])
        }
    }

    /// The design and origin columns both surveys' files share, built row by row, and the
    /// numeric columns particular to each.
    private struct SampleColumns {
        var period: [String] = [], originCodes: [Int32] = []
        var numbers: [String: [Double]] = [:]

        /// Appends a sampled unit's design columns: the file-wide stratum (`wave·100 + district`)
        /// and PSU (`wave·10000 + block`), the stage fpcs (the second named `members` as in the
        /// file) and the weight.
        mutating func append(_ unit: TwoStageFrame.Unit, wave: Int, period: String, origin: Int32, members: String) {
            self.period.append(period)
            originCodes.append(origin)
            for (name, value) in [("stratum", wave * 100 + unit.district + 1), ("psu", wave * 10000 + unit.block),
                                  ("id", unit.row + 1), ("blocks_in_district", unit.blocksInDistrict),
                                  (members, unit.membersInBlock)] {
                numbers[name, default: []].append(Double(value))
            }
            numbers["weight", default: []].append(unit.weight)
        }

        func table(_ source: String, originLevels: [String]) -> Table {
            let names = numbers.keys.sorted()
            return Table(source: source, names: ["period", "origin"] + names,
                         columns: [.categorical(CategoricalColumn(labels: period)),
                                   .categorical(CategoricalColumn(codes: originCodes, levels: originLevels))]
                             + names.map { .numeric(NumericColumn(numbers[$0]!)) })
        }
    }
}
