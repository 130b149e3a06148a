import Foundation
import XCTest
@testable import StatsEngine

/// Coverage on the bundled synthetic population (datasets/): 200 samples drawn as the bundled
/// surveys were (stratified two-stage, without replacement), each giving 95 % intervals for the
/// unemployment gap (goal 2), the representation index of minorities among municipal managers
/// against a sampled labour force (goal 3), the safety index in deprived areas (goal 5) and the
/// lower-mean of bilingual pupils' scores (goal 1). The share of intervals that cover the population's true
/// value must be consistent with 95 %: within 3.5 binomial SDs (about ±5.4 points at 200).
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

    /// Two-stage SRSWOR: `blocks` blocks per district, then `persons` persons per block (all when
    /// fewer), returning the chosen population rows with their weights and fpcs.
    private func twoStageSample(district: [Int32], block: [Int32], blocks: Int, persons: Int,
                                rng: inout SplitMix64) -> (rows: [Int], weight: [Double], fpc1: [Double], fpc2: [Double]) {
        var members: [Int32: [Int]] = [:]
        var blocksOf: [Int32: [Int32]] = [:]
        for i in block.indices {
            if members[block[i]] == nil { blocksOf[district[i], default: []].append(block[i]) }
            members[block[i], default: []].append(i)
        }
        var out: (rows: [Int], weight: [Double], fpc1: [Double], fpc2: [Double]) = ([], [], [], [])
        for d in blocksOf.keys.sorted() {
            let all = blocksOf[d]!
            for b in all.shuffled(using: &rng).prefix(blocks) {
                let people = members[b]!
                let m = min(persons, people.count)
                for i in people.shuffled(using: &rng).prefix(m) {
                    out.rows.append(i)
                    out.weight.append(Double(all.count) / Double(blocks) * Double(people.count) / Double(m))
                    out.fpc1.append(Double(all.count))
                    out.fpc2.append(Double(people.count))
                }
            }
        }
        return out
    }

    private func sampleTable(_ s: (rows: [Int], weight: [Double], fpc1: [Double], fpc2: [Double]), district: [Int32], block: [Int32],
                             extra: [(String, [Double])]) -> Table {
        var names = ["district", "block", "id", "w", "fpc1", "fpc2"]
        var columns: [[Double]] = [s.rows.map { Double(district[$0]) }, s.rows.map { Double(block[$0]) }, s.rows.map(Double.init),
                                   s.weight, s.fpc1, s.fpc2]
        for (name, values) in extra {
            names.append(name)
            columns.append(s.rows.map { values[$0] })
        }
        return Table(source: "sample", names: names, columns: columns.map { .numeric(NumericColumn($0)) })
    }

    private let twoStage = DesignSpec(weights: "w", strata: "district", clusters: ["block", "id"], fpc: ["fpc1", "fpc2"])

    func testGapRepresentationAndSafetyIndexCoverTheTruth() throws {
        var rng = SplitMix64(seed: 20261125)
        // Goal 2: minority minus majority unemployment rate among labour-force members.
        let labour = try population("population_labour.csv")
        let lDistrict = try labour.categorical("district").codes, lBlock = try labour.categorical("block").codes
        let origin = try labour.categorical("origin"), status = try labour.categorical("status")
        let minority = origin.codes.map { origin.levels[Int($0)] == "minority" ? 1.0 : 0.0 }
        let inForce = status.codes.map { status.levels[Int($0)] == "outside" ? 0.0 : 1.0 }
        let unemployed = status.codes.map { status.levels[Int($0)] == "unemployed" ? 1.0 : 0.0 }
        func rate(_ group: Double) -> Double {
            let rows = minority.indices.filter { minority[$0] == group && inForce[$0] == 1 }
            return rows.reduce(0.0) { $0 + unemployed[$1] } / Double(rows.count)
        }
        let gapTruth = 100 * (rate(1) - rate(0))

        // Goal 5: the safety index (0–100) in deprived areas, 2024.
        let residents = try population("population_residents.csv")
        let rDistrict = try residents.categorical("district").codes, rBlock = try residents.categorical("block").codes
        let deprived = try residents.numeric("deprived_area")
        let items = try ["safe_day_2024", "safe_night_2024", "safe_home_2024"].map { try residents.numeric($0) }
        let index = deprived.indices.map { i in 25 * ((items[0][i] + items[1][i] + items[2][i]) / 3 - 1) }
        let deprivedRows = deprived.indices.filter { deprived[$0] == 1 }
        let indexTruth = deprivedRows.reduce(0.0) { $0 + index[$1] } / Double(deprivedRows.count)

        // Goal 3: managers' minority share over the labour force's, against the census truth.
        let staffTable = try population("municipal_staff.csv")
        let staff = RepresentationSource(table: staffTable, design: try SurveyDesign(spec: DesignSpec(), table: staffTable), census: true)
        let managers = try RowFilter(parsing: "role == manager")
        let managerShare = try RepresentationEstimator(population: staff, benchmark: RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(), table: labour), census: true))
            .estimate(RepresentationRequest(column: "origin", focal: "minority", subset: managers, benchmarkSubset: try RowFilter(parsing: "status != outside")))
        let representationTruth = managerShare.first { $0.component == "index" }!.estimate

        var gapCovered = 0, indexCovered = 0, representationCovered = 0
        for _ in 0..<Self.replications {
            let ls = twoStageSample(district: lDistrict, block: lBlock, blocks: 30, persons: 24, rng: &rng)
            let lt = sampleTable(ls, district: lDistrict, block: lBlock, extra: [("minority", minority), ("lf", inForce), ("unemployed", unemployed)])
            var gap = GapRequest(variable: "unemployed", group: "minority", reference: "0", focal: "1", statistic: .proportion, scale: 100)
            gap.subset = try RowFilter(parsing: "lf == 1")
            let rows = try GapEstimator(table: lt, design: SurveyDesign(spec: twoStage, table: lt)).estimate(gap)
            let d = rows.first { $0.component == "difference" }!
            if d.confidenceLow! <= gapTruth, gapTruth <= d.confidenceHigh! { gapCovered += 1 }

            let sampledLabour = sampleTable(ls, district: lDistrict, block: lBlock, extra: [("minority", minority), ("lf", inForce)])
                .adding("origin", .categorical(CategoricalColumn(labels: ls.rows.map { origin.levels[Int(origin.codes[$0])] })))
            let representation = try RepresentationEstimator(population: staff, benchmark: RepresentationSource(
                table: sampledLabour, design: SurveyDesign(spec: twoStage, table: sampledLabour), census: false))
                .estimate(RepresentationRequest(column: "origin", focal: "minority", subset: managers, benchmarkSubset: try RowFilter(parsing: "lf == 1")))
                .first { $0.component == "index" }!
            if let low = representation.confidenceLow, let high = representation.confidenceHigh, low <= representationTruth, representationTruth <= high { representationCovered += 1 }

            let rs = twoStageSample(district: rDistrict, block: rBlock, blocks: 30, persons: 12, rng: &rng)
            let rt = sampleTable(rs, district: rDistrict, block: rBlock, extra: [("deprived", deprived), ("index", index)])
            let estimate = try DescriptiveEstimator(table: rt, design: SurveyDesign(spec: twoStage, table: rt))
                .estimate(EstimateRequest(statistic: .mean, variable: "index", by: ["deprived"]))
            let e = estimate.first { $0.group.first?.level == "1" }!
            if e.confidenceLow! <= indexTruth, indexTruth <= e.confidenceHigh! { indexCovered += 1 }
        }
        assertCoverage(gapCovered, "the unemployment gap (truth \(gapTruth) pp)")
        assertCoverage(indexCovered, "the safety index in deprived areas (truth \(indexTruth))")
        assertCoverage(representationCovered, "the managers' representation index (truth \(representationTruth))")
    }

    /// Goal 1: the mean of the weakest 25 % of bilingual pupils' scores in 2024, from stratified
    /// samples of 40 % of each school's pupils.
    func testLowerMeanCoversTheTruth() throws {
        var rng = SplitMix64(seed: 7)
        let pupils = try population("pupils.csv")
        let year = try pupils.numeric("year"), bilingual = try pupils.numeric("bilingual"), score = try pupils.numeric("score")
        let school = try pupils.categorical("school").codes
        let target = year.indices.filter { year[$0] == 2024 && bilingual[$0] == 1 }
        let truth = LowerMeanSimulationTests.populationLowerMean(target.map { score[$0] }, q: 0.25)
        var bySchool: [Int32: [Int]] = [:]
        for i in target { bySchool[school[i], default: []].append(i) }
        var covered = 0
        for _ in 0..<Self.replications {
            var rows: [Int] = [], weight: [Double] = [], fpc: [Double] = []
            for s in bySchool.keys.sorted() {
                let all = bySchool[s]!
                let m = max(2, Int((0.4 * Double(all.count)).rounded()))
                for i in all.shuffled(using: &rng).prefix(m) {
                    rows.append(i)
                    weight.append(Double(all.count) / Double(m))
                    fpc.append(Double(all.count))
                }
            }
            let table = Table(source: "sample", names: ["school", "w", "fpc", "score"], columns: [
                .numeric(NumericColumn(rows.map { Double(school[$0]) })), .numeric(NumericColumn(weight)),
                .numeric(NumericColumn(fpc)), .numeric(NumericColumn(rows.map { score[$0] })),
            ])
            let design = try SurveyDesign(spec: DesignSpec(weights: "w", strata: "school", fpc: ["fpc"]), table: table)
            let row = try DescriptiveEstimator(table: table, design: design)
                .estimate(EstimateRequest(statistic: .lowerMean, variable: "score", q: 0.25))[0]
            if row.confidenceLow! <= truth, truth <= row.confidenceHigh! { covered += 1 }
        }
        assertCoverage(covered, "the lower-mean of bilingual pupils (truth \(truth))")
    }
}
