import Foundation
import XCTest
@testable import StatsEngine

/// Runs `disparity` with `arguments` on `csv` in `directory`, writing to an output file that must
/// not appear, and checks the one-line error, its words and the exit status.
func assertCommandFails(in directory: URL, _ csv: String, _ arguments: [String], code: Int32 = 1, mentions fragments: [String],
                    file: StaticString = #filePath, line: UInt = #line) throws {
    let data = directory.appendingPathComponent("data.csv")
    try csv.write(to: data, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("out.json")
    let result = try CommandLine.run(arguments + ["--data", data.path, "--output", output.path])
    XCTAssertEqual(result.status, code, "exit status; stderr: \(result.stderr)", file: file, line: line)
    let message = result.stderr.trimmingCharacters(in: .newlines)
    XCTAssertEqual(message.split(separator: "\n").count, 1, "one line: \(message)", file: file, line: line)
    for fragment in fragments {
        XCTAssert(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "no output file", file: file, line: line)
}

/// Runs the built `disparity` executable.
enum CommandLine {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable beside the test bundle (SwiftPM puts both in the products folder).
    static var executable: URL {
        let here = Bundle.main.bundleURL
        let candidates = [here, here.deletingLastPathComponent()].map { $0.appendingPathComponent("disparity") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// The executable's exit status and outputs, given `input` on standard input and the test
    /// process's environment with `environment`'s variables added.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Runs `python3` (openpyxl, nbformat: the readers tests check outputs with).
enum Python {
    /// python3 with `arguments`: its exit status, standard output and standard error.
    static func run(_ arguments: [String]) throws -> CommandLine.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return CommandLine.Result(status: process.terminationStatus, stdout: output, stderr: errors)
    }
}
