import Foundation
import GRDB
import XCTest

/// An output that is one of the command's inputs is refused (exit 2) before anything is read,
/// whatever its spelling, and the input is unchanged (shared case f07). Through the binary, run
/// in a scratch folder holding the case's data and barometer configuration.
final class OutputGuardTests: ScratchFolderTestCase {
    private var original = Data()
    private let design = ["--weights", "weight", "--strata", "stratum", "--cluster", "psu"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        for (name, ext) in [("data", "csv"), ("barometer", "yaml")] {
            let source = try FixtureFiles.url(name, ext, in: "samepath")
            try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent("\(name).\(ext)"))
        }
        original = try Data(contentsOf: directory.appendingPathComponent("data.csv"))
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("link.csv").path, withDestinationPath: "data.csv")
    }

    /// Runs the binary with the scratch folder as the working folder and checks the refusal.
    private func assertRefused(_ arguments: [String], naming output: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let barometer = try Data(contentsOf: directory.appendingPathComponent("barometer.yaml"))
        let result = try CommandLine.run(arguments)
        XCTAssertEqual(result.status, 2, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr, "disparity: \(output) is an input of this command\n", file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("data.csv")), original, "data.csv unchanged", file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("barometer.yaml")), barometer, file: file, line: line)
    }

    /// The barometer's --output, --report and --history are three files: two naming one (a
    /// history not made yet included) are refused before anything is written.
    func testBarometerOutputsNamingOneFileAreRefused() throws {
        let configuration = directory.appendingPathComponent("barometer.yaml").path
        let history = directory.appendingPathComponent("h.sqlite").path
        for extra in [["--report", history], ["--output", history]] {
            let result = try CommandLine.run(["barometer", configuration, "--format", "csv", "--history", history] + extra)
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssert(result.stderr.contains("name the same file"), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: history))
        }
    }

    /// A barometer run that fails leaves no history behind when it would have created one (an
    /// existing history is left as it was by the store's transaction).
    func testFailedBarometerRunCreatesNoHistory() throws {
        let configuration = directory.appendingPathComponent("barometer.yaml")
        let failing = try String(contentsOf: configuration, encoding: .utf8)
            .replacingOccurrences(of: "subset: \"labour == 1\"}", with: "subset: \"grp == ZZZ\"}")
        let broken = directory.appendingPathComponent("broken.yaml")
        try failing.write(to: broken, atomically: true, encoding: .utf8)
        let history = directory.appendingPathComponent("h.sqlite").path
        let result = try CommandLine.run(["barometer", broken.path, "--format", "csv", "--history", history])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssert(result.stderr.contains("'ZZZ' does not occur"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: history), "no history from a failed run")
    }

    /// `--every-period` evaluates every period before it opens the history, and stores them all
    /// in one transaction: interrupted or killed meanwhile, it leaves no stored period (it stored
    /// period by period, so an interrupt 0.4 s in left a new history with 2 of its 9 periods).
    func testAnInterruptedEveryPeriodRunLeavesNoHistory() throws {
        let history = directory.appendingPathComponent("h.sqlite").path
        let process = Process()
        process.executableURL = CommandLine.executable
        // The bundled barometer: its nine periods take seconds in the debug build.
        process.arguments = ["barometer", FixtureFiles.datasets.appendingPathComponent("barometer.yaml").path, "--every-period",
                             "--history", history, "--format", "csv"]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        // Killed once it has evaluated a period or two (its configuration and data read first).
        Thread.sleep(forTimeInterval: 1.6)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        guard process.terminationReason == .uncaughtSignal else { throw XCTSkip("the run finished within 1.6 s: nothing was interrupted") }
        // Killed before the store: no file. Killed inside it (a fast machine evaluates the nine
        // periods within the 1.6 s), the file SQLite opened, but the transaction never committed:
        // no period stored.
        guard FileManager.default.fileExists(atPath: history) else { return }
        let stored = try DatabaseQueue(path: history).read { db in
            try db.tableExists("runs") ? try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") ?? 0 : 0
        }
        XCTAssertEqual(stored, 0, "no period stored by an interrupted run")
    }

    func testEverySpellingOfTheDataIsRefused() throws {
        let mean = ["estimate", "mean", "score"] + design
        try assertRefused(mean + ["--data", "data.csv", "--output", "data.csv"], naming: "--output data.csv")
        try assertRefused(mean + ["--data", "data.csv", "--output", "./data.csv"], naming: "--output ./data.csv")
        let absolute = directory.appendingPathComponent("data.csv").path
        try assertRefused(mean + ["--data", "data.csv", "--output", absolute], naming: "--output \(absolute)")
        try assertRefused(mean + ["--data", "link.csv", "--output", "data.csv"], naming: "--output data.csv")
        try assertRefused(mean + ["--data", "data.csv", "--output", "link.csv"], naming: "--output link.csv")
        try assertRefused(["regress", "score ~ age", "--data", "data.csv", "--output", "data.csv"] + design, naming: "--output data.csv")
        try assertRefused(["gap", "score", "--group", "minority", "--reference", "0", "--data", "./data.csv", "--output", "data.csv"] + design,
                          naming: "--output data.csv")
    }

    /// A write that fails names the output the user gave, never the hidden temporary file
    /// (`.x.csv.1234.tmp`) written beside it first: a missing folder, a folder without write
    /// permission (when not run as root, who may write anyway), a folder as the output; and
    /// `--save-replicates` alike. An empty name (`--output ""`) is a usage error (exit 2) saying
    /// the option needs one, for every output option, before anything is read or written.
    func testAFailedWriteNamesTheOutputAndAnEmptyNameIsRefused() throws {
        let data = directory.appendingPathComponent("data.csv").path
        let mean = ["estimate", "mean", "score", "--data", data] + design
        let missing = directory.appendingPathComponent("missing/out.csv").path
        let intoMissing = try CommandLine.run(mean + ["--output", missing])
        XCTAssertEqual(intoMissing.status, 1, intoMissing.stderr)
        XCTAssertEqual(intoMissing.stderr, "disparity: \(missing): cannot write: No such file or directory\n")
        let replicates = directory.appendingPathComponent("missing/reps.csv").path
        let saving = try CommandLine.run(mean + ["--make-replicates", "jkn", "--save-replicates", replicates, "--output", "-"])
        XCTAssertEqual(saving.status, 1, saving.stderr)
        XCTAssertEqual(saving.stderr, "disparity: \(replicates): cannot write: No such file or directory\n")
        let folder = try CommandLine.run(mean + ["--output", directory.path])
        XCTAssertEqual(folder.status, 1, folder.stderr)
        XCTAssertEqual(folder.stderr, "disparity: \(directory.path): is a directory, not a file\n")
        if geteuid() != 0 {
            let locked = directory.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o555])
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path) }
            let output = locked.appendingPathComponent("out.csv").path
            let refused = try CommandLine.run(mean + ["--output", output])
            XCTAssertEqual(refused.status, 1, refused.stderr)
            XCTAssertEqual(refused.stderr, "disparity: \(output): cannot write: Permission denied\n")
        }
        let configuration = directory.appendingPathComponent("barometer.yaml").path
        let spec = directory.appendingPathComponent("spec.yaml")
        try "data: data.csv\ndesign: {weights: weight}\nanalyses:\n  - {name: a, command: estimate, stat: mean, variable: score}\n"
            .write(to: spec, atomically: true, encoding: .utf8)
        for (arguments, message) in [(mean + ["--output", ""], "--output needs a file name ('-' writes standard output)"),
                                     (mean + ["--make-replicates", "jkn", "--save-replicates", ""], "--save-replicates needs a file name"),
                                     (["run", spec.path, "--out", ""], "--out needs a folder name"),
                                     (["barometer", configuration, "--history", ""], "--history needs a file name"),
                                     (["barometer", configuration, "--report", ""], "--report needs a file name")] {
            let result = try CommandLine.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr, "disparity: \(message)\n", "\(arguments)")
            XCTAssertEqual(result.stdout, "", "\(arguments)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }, [], "no temporary file left")
    }

    /// `--output -` is standard output, as `--data -` is standard input: no file named `-`.
    func testDashIsStandardOutput() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let result = try CommandLine.run(["estimate", "mean", "score", "--data", "data.csv", "--output", "-"] + design)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.hasPrefix("variable,statistic"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("-").path))
    }

    /// Standard input is read once: `--data -` with `--benchmark -` is a usage error; a named
    /// pipe is read to its end like standard input (it read as empty).
    func testStandardInputOnceAndNamedPipes() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let twice = try CommandLine.run(["representation", "grp", "--focal", "A", "--census", "--benchmark", "-", "--data", "-"])
        XCTAssertEqual(twice.status, 2)
        XCTAssert(twice.stderr.contains("would both read standard input"), twice.stderr)
        let pipe = directory.appendingPathComponent("pipe.csv").path
        XCTAssertEqual(mkfifo(pipe, 0o600), 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: pipe) { handle.write(Data("x\n1\n3\n".utf8)); try? handle.close() }
        }
        writer.start()
        let result = try CommandLine.run(["estimate", "mean", "x", "--data", "pipe.csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("x,mean,,2,1,"), result.stdout)
    }

    /// The file standard input reads (`--data - < data.csv`) is an input: `--output data.csv` or
    /// `/dev/stdin` replaced (or overwrote in place) the data being read. A read error on
    /// standard input (a directory) is one line naming `<stdin>`, where it trapped.
    func testTheFileStandardInputReadsIsAnInput() throws {
        func shell(_ command: String) throws -> (status: Int32, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.currentDirectoryURL = directory
            process.environment = ["DISPARITY": CommandLine.executable.path, "PATH": "/usr/bin:/bin"]
            let err = Pipe()
            process.standardError = err
            try process.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        for output in ["data.csv", "/dev/stdin", "link.csv"] {
            let result = try shell("\"$DISPARITY\" estimate mean score --data - --output \(output) < data.csv")
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertEqual(result.stderr, "disparity: --output \(output) is an input of this command\n")
            XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("data.csv")), original, "data.csv unchanged")
        }
        XCTAssertEqual(try shell("cat data.csv | \"$DISPARITY\" estimate mean score --data - --output out.csv").status, 0)
        let directoryRead = try shell("\"$DISPARITY\" estimate mean score --data - < .")
        XCTAssertEqual(directoryRead.status, 1, directoryRead.stderr)
        XCTAssertEqual(directoryRead.stderr, "disparity: <stdin>: cannot read: Is a directory\n")
    }

    /// Calibration totals are an input: `--output`, `--save-replicates`, and the barometer's
    /// `--output` and `--report` naming a totals file replaced it.
    func testCalibrationTotalsAreAnInput() throws {
        let totals = "variable,level,total\nminority,0,8000\nminority,1,2000\n"
        try totals.write(to: directory.appendingPathComponent("totals.csv"), atomically: true, encoding: .utf8)
        let calibrated = ["estimate", "mean", "score", "--data", "data.csv", "--weights", "weight", "--poststratify", "minority", "--totals", "totals.csv"]
        try assertRefused(calibrated + ["--output", "totals.csv"], naming: "--output totals.csv")
        try assertRefused(calibrated + ["--strata", "stratum", "--cluster", "psu", "--make-replicates", "jk1", "--save-replicates", "./totals.csv"],
                          naming: "--save-replicates ./totals.csv")
        let config = try String(contentsOf: directory.appendingPathComponent("barometer.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "design: {weights: weight, strata: stratum, cluster: psu}",
                                  with: "design: {weights: weight, strata: stratum, cluster: psu, poststratify: minority, totals: totals.csv}")
        XCTAssert(config.contains("totals: totals.csv"))
        try config.write(to: directory.appendingPathComponent("barometer.yaml"), atomically: true, encoding: .utf8)
        try assertRefused(["barometer", "barometer.yaml", "--format", "csv", "--output", "totals.csv"], naming: "--output totals.csv")
        try assertRefused(["barometer", "barometer.yaml", "--report", "totals.csv"], naming: "--report totals.csv")
        XCTAssertEqual(try String(contentsOf: directory.appendingPathComponent("totals.csv"), encoding: .utf8), totals)
    }

    func testBenchmarkConfigAndGoalDataAreRefused() throws {
        try FileManager.default.copyItem(atPath: directory.appendingPathComponent("data.csv").path,
                                         toPath: directory.appendingPathComponent("staff.csv").path)
        try assertRefused(["representation", "grp", "--focal", "A", "--census", "--benchmark", "data.csv", "--data", "staff.csv",
                           "--output", "data.csv"], naming: "--output data.csv")
        try assertRefused(["barometer", "barometer.yaml", "--format", "csv", "--output", "barometer.yaml"], naming: "--output barometer.yaml")
        try assertRefused(["barometer", "barometer.yaml", "--format", "csv", "--output", "./data.csv"], naming: "--output ./data.csv")
    }

    func testRunNeverWritesOverItsInputs() throws {
        let spec = directory.appendingPathComponent("spec.yaml")
        try "data: data.csv\ndesign: {weights: weight, strata: stratum, cluster: psu}\nanalyses:\n  - {name: data, command: estimate, stat: mean, variable: score}\n"
            .write(to: spec, atomically: true, encoding: .utf8)
        try assertRefused(["run", "spec.yaml", "--out", "."], naming: "--out ./data.csv")
        // A spec named like a file the run writes.
        try "data: data.csv\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: score}\n"
            .write(to: directory.appendingPathComponent("results.json"), atomically: true, encoding: .utf8)
        try assertRefused(["run", "results.json", "--out", "."], naming: "--out ./results.json")
        // An output elsewhere still works.
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let result = try CommandLine.run(["run", "spec.yaml", "--out", "out"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/data.csv").path))
    }
}
