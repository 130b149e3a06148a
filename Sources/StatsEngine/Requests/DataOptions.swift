import ArgumentParser

/// Where the data come from and how the CSV is spelled (`--data`, `--delimiter`, `--decimal`).
public struct DataOptions: ParsableArguments {
    @Option(help: "CSV file to analyse ('-' reads standard input).")
    public var data: String

    @Option(help: "Field delimiter: , ; | or tab (detected when omitted).")
    public var delimiter: String?

    @Option(help: "Decimal mark: . or , (a comma by default when the delimiter is ;).")
    public var decimal: String?

    public init() {}

    /// How to read the CSV; a delimiter or decimal mark not understood is a usage error.
    public func csvOptions() throws -> CSVOptions {
        CSVOptions(delimiter: try delimiter.map(CSVOptions.delimiter(named:)),
                   decimalComma: try decimal.map(CSVOptions.decimalComma(named:)))
    }

    /// Reads `--data` with these options.
    public func readTable() throws -> Table {
        try CSVReader.read(path: data, options: try csvOptions())
    }
}
