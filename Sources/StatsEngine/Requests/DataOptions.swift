import ArgumentParser

/// Where the data come from and how the CSV is spelled (`--data`, `--delimiter`, `--decimal`,
/// `--encoding`, `--na`): declared once here for the command line, run specs (top-level keys)
/// and barometer goals (a goal's keys). They apply to every CSV file the command reads
/// (`representation`'s benchmark too).
public struct DataOptions: ParsableArguments {
    @Option(help: "CSV file to analyse ('-' reads standard input).")
    public var data: String

    @Option(help: "Field delimiter: , ; | or tab (detected when omitted).")
    public var delimiter: String?

    @Option(help: "Decimal mark: . or , (a comma by default when the delimiter is ;).")
    public var decimal: String?

    @Option(help: "Character encoding: utf-8 (the default; invalid bytes are an error), windows-1252 (cp1252), latin1 or utf-16.")
    public var encoding: String?

    @Option(help: "More cell texts that mean missing, comma-separated (\"ved ikke,9999\"), besides empty, NA and '.'.")
    public var na: String?

    public init() {}

    /// How to read the CSV; a delimiter, decimal mark, encoding or missing-code list not
    /// understood is a usage error.
    public func csvOptions() throws -> CSVOptions {
        CSVOptions(delimiter: try delimiter.map(CSVOptions.delimiter(named:)),
                   decimalComma: try decimal.map(CSVOptions.decimalComma(named:)),
                   encoding: try encoding.map(TextEncoding.init(named:)) ?? .utf8,
                   missingCodes: try na.map(CSVOptions.missingCodes(named:)) ?? [])
    }

    /// Reads `--data` with these options.
    public func readTable() throws -> Table {
        try CSVReader.read(path: data, options: try csvOptions())
    }
}
