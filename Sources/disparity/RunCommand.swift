import ArgumentParser
import Foundation
import StatsEngine

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "A batch of analyses from a YAML or JSON spec, on data read once, run in parallel, written atomically."
    )

    @Argument(help: "The spec (YAML or JSON).")
    var spec: String

    @Option(help: "Output folder: results.json, NAME.csv per analysis, results.xlsx, results.ipynb, manifest.json.")
    var out: String

    @Flag(help: "Print the time each phase took to standard error.")
    var timings = false

    func run() throws {
        try OutputGuard.requireName(out, option: "--out", noun: "folder name")
        let specification = try RunSpec.load(path: spec)
        let showProgress = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
        let outcomes = try BatchRunner(spec: specification).run(into: out, progress: showProgress ? ProgressBar.draw : nil)
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        if timings {
            let text = outcomes.map { String(format: "%@ %.3f s", $0.name, $0.seconds) }.joined(separator: ", ")
            FileHandle.standardError.write(Data("timings: \(text)\n".utf8))
        }
        let failed = outcomes.filter { $0.error != nil }
        for outcome in failed {
            FileHandle.standardError.write(Data("disparity: analysis '\(outcome.name)' failed: \(outcome.error!)\n".utf8))
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}

/// A one-line progress bar on standard error, redrawn in place.
enum ProgressBar {
    @Sendable static func draw(done: Int, total: Int) {
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) analyses".utf8))
    }
}
