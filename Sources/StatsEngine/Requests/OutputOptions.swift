import ArgumentParser
import Foundation

/// Output format and destination (`--format`, `--output`, `--width`, `--timings`).
public struct OutputOptions: ParsableArguments {
    @Option(help: "table, csv or json (table on a terminal; otherwise from --output's extension, else csv).")
    public var format: OutputFormat?

    @Option(help: "Write to this file (atomically) instead of standard output.")
    public var output: String?

    @Option(help: "Lay a table out for lines of at most this many characters (default: the terminal's width, else $COLUMNS, else 100).")
    public var width: Int?

    @Flag(help: "Print the time each phase took to standard error.")
    public var timings = false

    public init() {}

    /// A width too narrow for any table is a usage error.
    public func validate() throws {
        if let width, width < 20 { throw ValidationError("--width must be at least 20 (got \(width))") }
    }

    /// `--format`, else the output file's extension, else a table on a terminal and CSV elsewhere.
    public func resolvedFormat() -> OutputFormat {
        if let format { return format }
        if let output, let f = OutputFormat(rawValue: URL(fileURLWithPath: output).pathExtension.lowercased()) { return f }
        return isatty(STDOUT_FILENO) == 1 && output == nil ? .table : .csv
    }

    /// Refuses (exit 2) an `--output` that is one of `inputs`, before anything is read.
    public func refuseReplacing(_ inputs: [String]) throws {
        if let output { try OutputGuard.refuse([("--output", output)], overwriting: inputs) }
    }

    /// Writes the report atomically to `--output`, or to standard output.
    public func emit(_ report: Report) throws {
        let text = report.rendered(as: resolvedFormat(), width: width ?? TerminalWidth.current())
        if let output { try AtomicFile.write(text, to: output) } else { try AtomicFile.write(Array(text.utf8), to: STDOUT_FILENO, name: "standard output") }
    }
}
