import Foundation
import XCTest
@testable import StatsEngine

/// Representation against the population's hand-computed values (datasets/truth.json, computed
/// by datasets/make_datasets.py from the population files), and its standard errors against
/// independent paths.
final class RepresentationTests: XCTestCase {
    private func table(_ name: String) throws -> Table {
        try CSVReader.read(path: CoverageTests.datasets.appendingPathComponent(name).path)
    }

    /// At every period of the staff register, against the labour-force register of that year:
    /// the shares, index and education-standardised index the generator computed by hand.
    func testCensusAgainstHandComputation() throws {
        let staffTable = try table("municipal_staff.csv"), labour = try table("population_labour.csv")
        let staff = RepresentationSource(table: staffTable, design: try SurveyDesign(spec: DesignSpec(), table: staffTable), census: true)
        let benchmark = RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(), table: labour), census: true)
        let truthData = try Data(contentsOf: CoverageTests.datasets.appendingPathComponent("truth.json"))
        let details = (try JSONSerialization.jsonObject(with: truthData) as? [String: Any])?["details"] as? [String: Any]
        let periods = try XCTUnwrap(details?["representation"] as? [String: [String: Any]])
        XCTAssertEqual(periods.count, 9)
        for (period, truth) in periods {
            for (key, role) in [("managers", " & role == manager"), ("staff", " & role == staff"), ("all_employees", "")] {
                let expected = try XCTUnwrap(truth[key] as? [String: Double], key)
                let rows = try RepresentationEstimator(population: staff, benchmark: benchmark).estimate(RepresentationRequest(
                    column: "origin", focal: "minority", subset: try RowFilter(parsing: "period == \(period)\(role)"),
                    benchmarkSubset: try RowFilter(parsing: "status_\(period.prefix(4)) != outside"), standardise: "education"))
                func value(_ c: String) -> Double { rows.first { $0.component == c }!.estimate }
                assertClose(value("share"), 100 * expected["minority_share"]!, rel: 1e-12, "\(period) \(key) share")
                assertClose(value("index"), expected["index"]!, rel: 1e-12, "\(period) \(key) index")
                assertClose(value("expected"), 100 * expected["expected_share"]!, rel: 1e-12, "\(period) \(key) expected")
                assertClose(value("standardised index"), expected["standardised_index"]!, rel: 1e-12, "\(period) \(key) std index")
                XCTAssertTrue(rows.allSatisfy { $0.standardError == 0 }, "a census on both sides has no sampling error")
            }
        }
    }

    /// Rows with values but all of weight 0 are not "no rows": a benchmark subset of weight 0 is
    /// an error saying so (it gave a null benchmark share with a standard error of 0, and the
    /// population's share a standard error of 0, without a note), and so is a standardising level.
    func testRowsOfWeightZeroAreNamedAsSuch() throws {
        let staff = try CSVReader.parse(Array("g,c,w\na,u,1\nb,u,2\na,v,1\nb,v,3\na,x,1\nb,x,1\n".utf8), source: "staff.csv")
        let labour = try CSVReader.parse(Array("g,c,w\na,u,1\nb,u,2\na,v,1\nb,v,3\na,x,0\nb,x,0\n".utf8), source: "bench.csv")
        let estimator = RepresentationEstimator(
            population: RepresentationSource(table: staff, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: staff), census: false),
            benchmark: RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: labour), census: false))
        for (request, message) in [
            (RepresentationRequest(column: "g", focal: "a", benchmarkSubset: try RowFilter(parsing: "c == x")),
             "bench.csv: the 2 rows in the comparison (subset c == x) all have weight 0: no rows with a positive weight"),
            (RepresentationRequest(column: "g", focal: "a", standardise: "c"), "bench.csv, column 'c': no rows with a positive weight at level 'x'"),
        ] {
            XCTAssertThrowsError(try estimator.estimate(request)) { XCTAssert("\($0)".contains(message), "\($0)") }
        }
        XCTAssertNoThrow(try estimator.estimate(RepresentationRequest(column: "g", focal: "a", benchmarkSubset: try RowFilter(parsing: "c == u"))))
    }

    /// A level that reads like UTF-8 decoded as Windows-1252 ("hÃ¸j": one file read in the other's
    /// encoding), the population's or the benchmark's, is named with that hint and the options
    /// that set each file's encoding; another missing level without it.
    func testALevelMisreadByTheEncodingIsNamedAsSuch() throws {
        let labour = try CSVReader.parse(Array("g,e,w\na,h\u{F8}j,1\nb,lav,2\n".utf8), source: "bench.csv")
        let estimator = { (staffText: String) throws -> RepresentationEstimator in
            let staff = try CSVReader.parse(Array(staffText.utf8), source: "staff.csv")
            return RepresentationEstimator(
                population: RepresentationSource(table: staff, design: try SurveyDesign(spec: DesignSpec(), table: staff), census: true),
                benchmark: RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: labour), census: true))
        }
        let request = RepresentationRequest(column: "g", focal: "a", standardise: "e")
        XCTAssertThrowsError(try estimator("g,e\na,h\u{C3}\u{B8}j\nb,lav\n").estimate(request)) {
            XCTAssert("\($0)".contains("the level 'h\u{C3}\u{B8}j' of the population does not occur in the benchmark; it reads like UTF-8 text decoded as Windows-1252"), "\($0)")
        }
        XCTAssertThrowsError(try estimator("g,e\na,mellem\nb,lav\n").estimate(request)) {
            XCTAssert("\($0)".hasSuffix("the level 'mellem' of the population does not occur in the benchmark"), "\($0)")
        }
        let misreadLabour = try CSVReader.parse(Array("g,e,w\na,h\u{C3}\u{B8}j,1\nb,lav,2\n".utf8), source: "bench.csv")
        let staff = try CSVReader.parse(Array("g,e\na,h\u{F8}j\nb,lav\n".utf8), source: "staff.csv")
        let misread = RepresentationEstimator(
            population: RepresentationSource(table: staff, design: try SurveyDesign(spec: DesignSpec(), table: staff), census: true),
            benchmark: RepresentationSource(table: misreadLabour, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: misreadLabour), census: true))
        XCTAssertThrowsError(try misread.estimate(request)) {
            XCTAssert("\($0)".hasSuffix("the level 'h\u{F8}j' of the population does not occur in the benchmark; the benchmark's level 'h\u{C3}\u{B8}j' reads like UTF-8 text decoded as Windows-1252 or Latin-1: --encoding sets the data's encoding, --benchmark-encoding the benchmark's"), "\($0)")
        }
    }

    /// An index over a benchmark share (or expected share) of 0 does not exist: no estimate, no
    /// standard error, a note (it showed a standard error of 0 beside a null estimate).
    func testAnIndexOverAShareOfZeroIsUndefinedAndSaid() throws {
        let staff = try CSVReader.parse(Array("g,e\na,x\nb,x\na,y\nb,y\n".utf8), source: "staff.csv")
        let labour = try CSVReader.parse(Array("g,e,w\na,x,0\nb,y,1\nb,x,2\n".utf8), source: "bench.csv")
        let estimator = RepresentationEstimator(
            population: RepresentationSource(table: staff, design: try SurveyDesign(spec: DesignSpec(), table: staff), census: true),
            benchmark: RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: labour), census: false))
        for (request, component, why) in [(RepresentationRequest(column: "g", focal: "a"), "index", "benchmark's share"),
                                          (RepresentationRequest(column: "g", focal: "a", standardise: "e"), "standardised index", "expected share")] {
            let rows = try estimator.estimate(request)
            let row = try XCTUnwrap(rows.first { $0.component == component })
            XCTAssert(row.estimate.isNaN && row.standardError.isNaN && row.confidenceLow == nil, "\(row)")
            XCTAssertEqual(row.note, "no \(component): the \(why) is 0, so the ratio is undefined")
            XCTAssertEqual(rows.first { $0.component == "share" }?.estimate, 50, "in percent")
        }
    }

    /// Staff rows without a level of the standardising characteristic leave every figure, the
    /// raw share too (so that the share and the expected share rest on the same rows), and every
    /// row says so: the share moved from 2/5 to 2/4 without a word.
    func testRowsWithoutTheCharacteristicAreLeftOutAndSaid() throws {
        let staff = try CSVReader.parse(Array("origin,education\nminority,a\nmajority,a\nmajority,b\nmajority,\nminority,b\n".utf8), source: "staff.csv")
        let labour = try CSVReader.parse(Array("origin,education,w\nminority,a,2\nmajority,a,3\nmajority,b,4\nmajority,b,1\nminority,b,1\nmajority,a,2\n".utf8),
                                         source: "bench.csv")
        let estimator = RepresentationEstimator(
            population: RepresentationSource(table: staff, design: try SurveyDesign(spec: DesignSpec(), table: staff), census: true),
            benchmark: RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: labour), census: true))
        let raw = try estimator.estimate(RepresentationRequest(column: "origin", focal: "minority"))
        XCTAssertEqual(raw[0].estimate, 40, accuracy: 1e-12)
        XCTAssert(raw.allSatisfy { $0.note == nil })
        let standardised = try estimator.estimate(RepresentationRequest(column: "origin", focal: "minority", standardise: "education"))
        XCTAssertEqual(standardised[0].component, "share")
        XCTAssertEqual(standardised[0].estimate, 50, accuracy: 1e-12)
        // Expected: the staff's mix (a 2/4, b 2/4) times the benchmark's shares within (2/7, 1/6).
        let expected = try XCTUnwrap(standardised.first { $0.component == "expected" })
        XCTAssertEqual(expected.estimate, 100 * (0.5 * 2 / 7 + 0.5 * 1 / 6), accuracy: 1e-12)
        for row in standardised {
            XCTAssertEqual(row.note, "population: 1 row without a value of 'education' left out, the share too: it rests on the rows with one, as the expected share does", row.component)
        }
    }

    /// A sampled staff's compared rows in one PSU give the share a standard error of 0 (R's
    /// too) that measures nothing: every row resting on the staff says so and is flagged, the
    /// benchmark's share (the labour force's alone) neither; in two PSUs none is.
    func testSharesOfRowsInOnePSUAreFlagged() throws {
        let staff = try CSVReader.parse(Array("g,psu,w\na,1,1\nb,1,2\na,1,1\nb,2,3\na,2,1\nb,2,1\n".utf8), source: "staff.csv")
        let labour = try CSVReader.parse(Array("g,w\na,1\nb,2\na,1\nb,3\n".utf8), source: "bench.csv")
        let estimator = RepresentationEstimator(
            population: RepresentationSource(table: staff, design: try SurveyDesign(spec: DesignSpec(weights: "w", clusters: ["psu"]), table: staff), census: false),
            benchmark: RepresentationSource(table: labour, design: try SurveyDesign(spec: DesignSpec(weights: "w"), table: labour), census: true))
        let one = try estimator.estimate(RepresentationRequest(column: "g", focal: "a", subset: try RowFilter(parsing: "psu == 1")))
        XCTAssertEqual(one[0].estimate, 50, accuracy: 1e-12)
        XCTAssertEqual(one[0].standardError, 0, accuracy: 1e-12)
        XCTAssertEqual(one.map(\.component), ["share", "benchmark", "difference", "index"])
        for row in one where row.component != "benchmark" {
            XCTAssertEqual(row.note, "population: " + SurveyDesign.zeroDegreesOfFreedomNote, row.component)
            XCTAssertTrue(row.standardErrorMeasuresNothing, row.component)
        }
        XCTAssertNil(one[1].note)
        XCTAssertFalse(one[1].standardErrorMeasuresNothing)
        let both = try estimator.estimate(RepresentationRequest(column: "g", focal: "a"))
        XCTAssertGreaterThan(both[0].standardError, 0)
        XCTAssert(both.allSatisfy { $0.note == nil && !$0.standardErrorMeasuresNothing })
    }

    /// With a sampled benchmark, the benchmark share's SE is that of the proportion `estimate`
    /// reports, and the standardised expected share's SE agrees with a Rao-Wu bootstrap.
    func testSampledBenchmarkStandardErrors() throws {
        let staffTable = try table("municipal_staff.csv"), labour = try table("labour_force.csv")
        let spec = DesignSpec(weights: "weight", strata: "stratum", clusters: ["psu"])
        let labourDesign = try SurveyDesign(spec: spec, table: labour)
        let staff = RepresentationSource(table: staffTable, design: try SurveyDesign(spec: DesignSpec(), table: staffTable), census: true)
        let request = RepresentationRequest(column: "origin", focal: "minority", subset: try RowFilter(parsing: "period == 2014H2 & role == manager"),
                                            benchmarkSubset: try RowFilter(parsing: "period == 2014H2 & in_labour_force == 1"), standardise: "education")
        let rows = try RepresentationEstimator(population: staff, benchmark: RepresentationSource(table: labour, design: labourDesign, census: false))
            .estimate(request)
        func row(_ c: String) -> RepresentationRow { rows.first { $0.component == c }! }

        let proportion = try DescriptiveEstimator(table: labour, design: labourDesign)
            .estimate(EstimateRequest(statistic: .proportion, variable: "origin", by: ["period", "in_labour_force"]))
            .first { $0.group.map(\.level) == ["2014H2", "1"] && $0.category == "minority" }!
        assertClose(row("benchmark").standardError, 100 * proportion.standardError!, rel: 1e-10, "benchmark SE")

        let bootstrap = try RaoWuBootstrap(design: labourDesign, replicates: 500, seed: 3).covariance { replicate in
            let r = try RepresentationEstimator(population: staff, benchmark: RepresentationSource(table: labour, design: replicate, census: false))
                .estimate(request)
            return [r.first { $0.component == "expected" }!.estimate]
        }.covariance
        // Monte Carlo error of a bootstrap SE from 500 replicates is about 3 %; allow 12 %.
        XCTAssertEqual(bootstrap[0, 0].squareRoot() / row("expected").standardError, 1, accuracy: 0.12)
    }
}
