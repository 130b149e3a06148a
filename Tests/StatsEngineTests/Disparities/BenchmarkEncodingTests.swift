import Foundation
import XCTest

/// `--benchmark-encoding`: a representation's benchmark in another encoding than its data (a
/// UTF-8 staff register beside a Windows-1252 labour-force file), which one `--encoding` for
/// both could not read. The same figures as both files in UTF-8, on the command line, in a run
/// spec and in a barometer measure (`benchmark-encoding`); without it, the benchmark's bytes are
/// an error naming the file.
final class BenchmarkEncodingTests: ScratchFolderTestCase {
    private let staff = "period,g,e\n2010,a,høj\n2010,b,lav\n2010,a,lav\n2010,b,høj\n2010,b,lav\n2011,a,høj\n2011,b,lav\n2011,a,lav\n2011,a,høj\n"
    private let labour = "period,g,e,w\n2010,a,høj,2\n2010,b,høj,3\n2010,a,lav,1\n2010,b,lav,4\n2011,a,høj,2\n2011,b,høj,2\n2011,a,lav,1\n2011,b,lav,5\n"

    override func setUpWithError() throws {
        try super.setUpWithError()
        try staff.write(to: directory.appendingPathComponent("staff.csv"), atomically: true, encoding: .utf8)
        try labour.write(to: directory.appendingPathComponent("bench-utf8.csv"), atomically: true, encoding: .utf8)
        try XCTUnwrap(labour.data(using: .windowsCP1252)).write(to: directory.appendingPathComponent("bench-1252.csv"))
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func testTheCommandLineAndARunSpecReadTheBenchmarkInItsOwnEncoding() throws {
        let base = ["representation", "g", "--focal", "a", "--data", path("staff.csv"), "--census", "--benchmark-census",
                    "--benchmark-weights", "w", "--standardise", "e", "--subset", "period == 2011", "--benchmark-subset", "period == 2011",
                    "--format", "csv"]
        let utf8 = try CommandLine.run(base + ["--benchmark", path("bench-utf8.csv")])
        XCTAssertEqual(utf8.status, 0, utf8.stderr)
        let own = try CommandLine.run(base + ["--benchmark", path("bench-1252.csv"), "--benchmark-encoding", "windows-1252"])
        XCTAssertEqual(own.status, 0, own.stderr)
        XCTAssertEqual(own.stdout, utf8.stdout)
        let without = try CommandLine.run(base + ["--benchmark", path("bench-1252.csv")])
        XCTAssertEqual(without.status, 1, without.stderr)
        XCTAssert(without.stderr.contains("bench-1252.csv") && without.stderr.contains("not UTF-8"), without.stderr)
        let unknown = try CommandLine.run(base + ["--benchmark", path("bench-1252.csv"), "--benchmark-encoding", "ebcdic"])
        XCTAssertEqual(unknown.status, 2, unknown.stderr)

        func run(_ extra: String) throws -> String {
            let spec = directory.appendingPathComponent("s.yaml")
            try ("data: staff.csv\nanalyses:\n  - {name: r, command: representation, variable: g, focal: a, census: true, benchmark-census: true,"
                 + " benchmark-weights: w, standardise: e, subset: 'period == 2011', benchmark-subset: 'period == 2011', \(extra)}\n")
                .write(to: spec, atomically: true, encoding: .utf8)
            let out = directory.appendingPathComponent("out")
            let result = try CommandLine.run(["run", spec.path, "--out", out.path])
            XCTAssertEqual(result.status, 0, result.stderr)
            return try String(contentsOf: out.appendingPathComponent("r.csv"), encoding: .utf8)
        }
        XCTAssertEqual(try run("benchmark: bench-1252.csv, benchmark-encoding: windows-1252"), try run("benchmark: bench-utf8.csv"))
    }

    func testABarometerMeasureReadsItsBenchmarkInItsOwnEncoding() throws {
        func run(_ benchmark: String, _ extra: String, data: String = "staff.csv") throws -> CommandLine.Result {
            let config = directory.appendingPathComponent("b.yaml")
            try ("periods: {column: period, baseline: \"2010\", order: [\"2010\", \"2011\"]}\ngoals:\n"
                 + "  - {id: \"3\", label: G, kind: band, target: 'within 0.9..1.1', data: \(data), measures: [{id: r, label: R, unit: index,"
                 + " measure: representation, census: true, variable: g, focal: a, standardise: e, benchmark-weights: w,"
                 + " benchmark: {data: \(benchmark), census: true}\(extra)}]}\n").write(to: config, atomically: true, encoding: .utf8)
            return try CommandLine.run(["barometer", config.path, "--format", "csv"])
        }
        let utf8 = try run("bench-utf8.csv", "")
        XCTAssertEqual(utf8.status, 0, utf8.stderr)
        let own = try run("bench-1252.csv", ", benchmark-encoding: windows-1252")
        XCTAssertEqual(own.status, 0, own.stderr)
        XCTAssertEqual(own.stdout.replacingOccurrences(of: "bench-1252.csv", with: "bench-utf8.csv"), utf8.stdout)
        let without = try run("bench-1252.csv", "")
        XCTAssertEqual(without.status, 1, without.stderr)
        XCTAssert(without.stderr.contains("not UTF-8"), without.stderr)
        // The measure's data file as its benchmark too, in another encoding: each read in its own
        // (the data in UTF-8, the benchmark's levels then Windows-1252 readings, which do not
        // match the data's), never both in the benchmark's.
        let same = try run("bench-utf8.csv", ", benchmark-encoding: windows-1252", data: "bench-utf8.csv")
        XCTAssertEqual(same.status, 1, same.stderr)
        XCTAssert(same.stderr.contains("the benchmark's level 'h\u{C3}\u{B8}j' reads like"), same.stderr)
        XCTAssertEqual(try run("bench-utf8.csv", "", data: "bench-utf8.csv").status, 0)
    }
}
