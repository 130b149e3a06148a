import Foundation
import XCTest
@testable import StatsEngine

/// `run --out DIR` writes its folder all or nothing: a new run replaces a previous run's set
/// whole, a failure leaves the previous set, an interrupted run leaves no staging folder, and a
/// folder holding other files (or `.`) is refused before any work.
final class RunOutputFolderTests: ScratchFolderTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try "g,y\na,1\nb,2\na,3\nb,5\n".write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
    }

    private func spec(_ analyses: String) throws -> String {
        let path = directory.appendingPathComponent("s.yaml")
        try "data: d.csv\nanalyses:\n\(analyses)".write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    private func files(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    func testANewRunReplacesThePreviousSetWhole() throws {
        let out = directory.appendingPathComponent("out")
        let first = try CommandLine.run(["run", try spec("  - {name: one, command: estimate, stat: mean, variable: y}\n"), "--out", out.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(try files(out).contains("one.csv"))
        let second = try CommandLine.run(["run", try spec("  - {name: two, command: estimate, stat: mean, variable: y}\n"), "--out", out.path])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try files(out), ["manifest.json", "results.ipynb", "results.json", "results.xlsx", "two.csv"], "no file of the previous set")
        XCTAssertEqual(try files(directory).filter { $0.hasPrefix(".") }, [], "no staging folder left")
    }

    func testAFolderWithOtherFilesOrTheWorkingFolderIsRefused() throws {
        let analyses = try spec("  - {name: m, command: estimate, stat: mean, variable: y}\n")
        for out in [directory.path, directory.path + "/.", "."] {
            let result = try CommandLine.run(["run", analyses, "--out", out])
            XCTAssertEqual(result.status, 2, "\(out): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
        XCTAssertEqual(try files(directory), ["d.csv", "s.yaml"], "nothing written, nothing replaced")
    }

    /// The run replaces its folder whole, so an input inside it (the data, the spec, through a
    /// symbolic link too) or a saved replicate file written there would be deleted: refused
    /// (exit 2, one line naming the folder and the file) before anything is read, every file kept.
    func testAnInputOrSavedFileInsideTheFolderIsRefused() throws {
        let out = directory.appendingPathComponent("out")
        let first = try CommandLine.run(["run", try spec("  - {name: big, command: estimate, stat: mean, variable: y}\n"), "--out", out.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let fm = FileManager.default
        try fm.copyItem(at: directory.appendingPathComponent("d.csv"), to: out.appendingPathComponent("data.csv"))
        try fm.createSymbolicLink(at: directory.appendingPathComponent("link"), withDestinationURL: out)
        let inside = directory.appendingPathComponent("out/inner.yaml")
        try "data: ../d.csv\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: y}\n".write(to: inside, atomically: true, encoding: .utf8)
        let saving = directory.appendingPathComponent("save.yaml")
        try "data: d.csv\ndesign: {make-replicates: jk1, save-replicates: out/reps.csv}\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: y}\n"
            .write(to: saving, atomically: true, encoding: .utf8)
        let before = try files(out)
        // A path through the link is named as the file it reaches.
        for (spec, file) in [("data: out/data.csv", "out/data.csv"), ("data: link/data.csv", "out/data.csv")] {
            let path = directory.appendingPathComponent("s.yaml")
            try "\(spec)\nanalyses:\n  - {name: m, command: estimate, stat: mean, variable: y}\n".write(to: path, atomically: true, encoding: .utf8)
            let result = try CommandLine.run(["run", path.path, "--out", out.path])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssert(result.stderr.contains("is replaced whole by the run, and its input \(directory.path)/\(file) is in it"), result.stderr)
        }
        for (spec, what) in [(inside.path, "its input \(inside.path)"), (saving.path, "its output --save-replicates")] {
            let result = try CommandLine.run(["run", spec, "--out", out.path])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssert(result.stderr.contains(what), result.stderr)
        }
        XCTAssertEqual(try files(out), before, "every file kept")
    }

    func testAStagingFolderLeftByAKilledRunIsRemoved() throws {
        let out = directory.appendingPathComponent("out")
        // No process has this id (above Linux's pid_max of 4194304).
        let stale = directory.appendingPathComponent(".out.partial-4999999")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try "half".write(to: stale.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        let result = try CommandLine.run(["run", try spec("  - {name: m, command: estimate, stat: mean, variable: y}\n"), "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
    }

    func testAnInterruptedRunLeavesThePreviousSetAndNoStagingFolder() throws {
        let out = directory.appendingPathComponent("out")
        let analyses = try spec("  - {name: m, command: estimate, stat: mean, variable: y}\n")
        XCTAssertEqual(try CommandLine.run(["run", analyses, "--out", out.path]).status, 0)
        let before = try Data(contentsOf: out.appendingPathComponent("m.csv"))
        // A run that takes a while (200 large bootstraps: about 20 s in the debug build, on
        // two cores), interrupted with SIGINT.
        let slow = try spec((1...200).map { "  - {name: m\($0), command: estimate, stat: mean, variable: y, bootstrap: 100000}\n" }.joined())
        let process = Process()
        process.executableURL = CommandLine.executable
        process.arguments = ["run", slow, "--out", out.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Interrupted once its staging folder exists (before, SIGINT would end it as it ends
        // any process, however loaded the machine is).
        let deadline = Date().addingTimeInterval(60)
        while try files(directory).filter({ $0.hasPrefix(".") }).isEmpty, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.2)
        let interrupted = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        // It ends at once, not when the analyses are done: its handler once waited for a thread
        // of the pool the analyses held, then raced the outputs' writing (exit 1, "cannot write").
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 5, "the interruption waited for the analyses")
        XCTAssertEqual(process.terminationStatus, 128 + SIGINT)
        XCTAssertEqual(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                       "disparity: interrupted; the output folder is unchanged\n")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("m.csv")), before, "the previous set is untouched")
        XCTAssertEqual(try files(directory).filter { $0.hasPrefix(".") }, [], "no staging folder left")
    }

    /// A run started ignoring SIGINT (`nohup`, a script's background job: `trap '' INT`) keeps
    /// ignoring it: the handler it installs once its staging folder exists replaced the ignored
    /// setting, so an interrupt then ended a run meant to go on (exit 130).
    func testARunStartedIgnoringInterruptsIgnoresThem() throws {
        let out = directory.appendingPathComponent("out")
        let slow = try spec((1...20).map { "  - {name: m\($0), command: estimate, stat: mean, variable: y, bootstrap: 100000}\n" }.joined())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' INT; exec \"$0\" run \"$1\" --out \"$2\"", CommandLine.executable.path, slow, out.path]
        process.standardError = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while try files(directory).filter({ $0.hasPrefix(".") }).isEmpty, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.2)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(try files(out).contains("m20.csv"))
    }

    func testNamesThatCannotBeFileNamesAreRefusedBeforeAnyWork() throws {
        let long = String(repeating: "n", count: 250)
        let result = try CommandLine.run(["run", try spec("  - {name: \(long), command: estimate, stat: mean, variable: y}\n"),
                                          "--out", directory.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }
}
