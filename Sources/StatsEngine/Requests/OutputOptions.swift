import ArgumentParser
import Foundation

/// Output format and destination (`--format`, `--output`, `--csv-style`, `--width`, `--timings`).
public struct OutputOptions: ParsableArguments {
    /// `--format`: table, csv or json; nil chooses by the output's extension and the terminal (`kind()`).
    @Option(help: "table, csv or json (table on a terminal; otherwise from --output's extension, else csv).")
    public var format: OutputFormat?

    /// `--output`: the file written atomically; nil (or `-`) writes standard output.
    @Option(help: "Write to this file (atomically) instead of standard output ('-'): .csv, .json, .txt (a table) or .xlsx (an Excel workbook); another extension needs --format.")
    public var output: String?

    /// The file `--output` names; nil for standard output (no `--output`, or `-` as `--data -`
    /// reads standard input).
    private var file: String? { output == "-" ? nil : output }

    /// `--csv-style`: how CSV is spelled; nil is `standard`.
    @Option(help: "CSV spelling: standard (RFC 4180) or danish (';', decimal comma, a UTF-8 BOM, CRLF: what Danish Excel opens).")
    public var csvStyle: CSVStyle?

    /// `--width`: the longest table line, in characters; nil uses the terminal's width.
    @Option(parsing: .unconditional, help: "Lay a table out for lines of at most this many characters (default: the terminal's width, else $COLUMNS, else 100).")
    public var width: Int?

    /// `--timings`: print each phase's time to standard error.
    @Flag(help: "Print the time each phase took to standard error.")
    public var timings = false

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// What is written: text in a format, or an Excel workbook.
    public enum Kind: Equatable, Sendable {
        /// Text in this format.
        case text(OutputFormat)
        /// An Excel workbook (`.xlsx`).
        case workbook

        /// What the output is, as an error names it: "--format json", "a workbook".
        var description: String {
            switch self {
            case .text(let format): "--format \(format.rawValue)"
            case .workbook: "a workbook"
            }
        }
    }

    /// The extensions `--output` knows and what each writes.
    public static let extensions: [(String, Kind)] = [("csv", .text(.csv)), ("json", .text(.json)), ("txt", .text(.table)),
                                                      ("table", .text(.table)), ("xlsx", .workbook)]

    /// A width too narrow for any table, an empty `--output`, or an output whose extension is
    /// unknown or contradicts `--format`, is a usage error.
    public func validate() throws {
        if let width, width < 20 { throw ValidationError("--width must be at least 20 (got \(width))") }
        // ArgumentParser reports its own ValidationError as a usage error (exit 2).
        do { try OutputGuard.requireName(output, option: "--output", hint: " ('-' writes standard output)") } catch let error as DisparityError {
            throw ValidationError(error.message)
        }
        _ = try kind()
    }

    /// `--format`, else the output file's extension, else a table with `--width`, CSV with
    /// `--csv-style` or a name without extension, else a table on a terminal and CSV elsewhere.
    /// An `.xlsx` output is a workbook and takes no `--format`; `.csv` and `.json` take only their
    /// own; `.txt` takes any; another extension needs `--format`; `--csv-style` needs CSV and
    /// `--width` a table.
    public func kind() throws -> Kind {
        let ext = file.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
        let named = Self.extensions.first { $0.0 == ext }?.1
        let kind: Kind
        switch (named, format) {
        case (.workbook?, let format?):
            throw ValidationError("--output \(file!) writes an Excel workbook, not --format \(format.rawValue): leave out --format or name a .\(format == .table ? "txt" : format.rawValue) file")
        case (.text(let implied)?, let format?) where format != implied && ext != "txt":
            throw ValidationError("--output \(file!) is a .\(ext) file but --format is \(format.rawValue): name a .\(format == .table ? "txt" : format.rawValue) file or leave out --format")
        case (let named?, nil): kind = named
        case (_, let format?): kind = .text(format)
        case (nil, nil) where !ext.isEmpty:
            let known = Self.extensions.map { "." + $0.0 }.joined(separator: ", ")
            throw ValidationError("--output \(file!): unknown extension '.\(ext)' (known: \(known)); give --format to write it anyway")
        case (nil, nil):
            kind = width != nil && csvStyle == nil ? .text(.table)
                : csvStyle != nil || file != nil || isatty(STDOUT_FILENO) != 1 ? .text(.csv) : .text(.table)
        }
        if let csvStyle, kind != .text(.csv) {
            throw ValidationError("--csv-style \(csvStyle.rawValue) applies to CSV output only (--format csv or a .csv file)")
        }
        if let width, kind != .text(.table) {
            throw ValidationError("--width \(width) lays out a table only (--format table or a .txt file), not \(kind.description)")
        }
        return kind
    }

    /// Refuses (exit 2) an `--output` that is one of the command's `other` outputs (such as
    /// `--save-replicates`), or two of those that are one file, before anything is read.
    public func refuseColliding(with other: [(option: String, path: String)]) throws {
        try OutputGuard.refuseCollisions([("--output", file)] + other.map { ($0.option, $0.path) })
    }

    /// Refuses (exit 2) an `--output` that is one of `inputs`, before anything is read.
    public func refuseReplacing(_ inputs: [String]) throws {
        if let file { try OutputGuard.refuse([("--output", file)], overwriting: inputs) }
    }

    /// Writes the report atomically to `--output`, or to standard output; for CSV, which has no
    /// place for them, the report's notes go to standard error, a line each.
    public func emit(_ report: Report) throws {
        guard case .text(let format) = try kind() else { return try Workbook(report: report).write(to: file!) }
        let text = report.rendered(as: format, width: width ?? TerminalWidth.current(), csvStyle: csvStyle ?? .standard)
        if let file { try AtomicFile.write(text, to: file) } else { try AtomicFile.write(Array(text.utf8), to: STDOUT_FILENO, name: "standard output") }
        if format == .csv { for note in report.notes { FileHandle.standardError.write(Data("disparity: note: \(note)\n".utf8)) } }
    }
}
