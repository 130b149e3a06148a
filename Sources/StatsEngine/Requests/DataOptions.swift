import ArgumentParser

/// Where the data come from and how they are read (`--data`, `--delimiter`, `--decimal`,
/// `--encoding`, `--na`, `--codes`): declared once here for the command line, run specs
/// (top-level keys) and barometer goals (a goal's keys). They apply to every data file the
/// command reads (`representation`'s benchmark too), CSV or SPSS, Stata and SAS (`TableFile`).
public struct DataOptions: ParsableArguments {
    /// `--data`: the file to analyse, read by its extension (`TableFile`); `-` reads CSV from
    /// standard input.
    @Option(help: "Data file to analyse, read by extension: .csv .txt .tsv, .sav .zsav (SPSS), .dta (Stata), .sas7bdat .xpt (SAS); '-' reads CSV from standard input.")
    public var data: String

    /// `--delimiter`: `,`, `;`, `|`, `tab` or a space (` ` or `space`); detected when nil.
    @Option(help: "Field delimiter: , ; | tab or space (, ; tab and | are detected when omitted).")
    public var delimiter: String?

    /// `--decimal`: `.` or `,`; nil is a comma with the `;` delimiter, else a point.
    @Option(help: "Decimal mark: . or , (a comma by default when the delimiter is ;).")
    public var decimal: String?

    /// `--encoding`: `utf-8` (default), `windows-1252`/`cp1252`, `latin1` or `utf-16`; for an
    /// SPSS, Stata or SAS file, the encoding its text is read in instead of the one it declares.
    @Option(help: "Character encoding: utf-8 (the default; invalid bytes are an error), windows-1252 (cp1252), latin1 or utf-16. For SPSS, Stata and SAS files: overrides the encoding the file declares (old files declare none).")
    public var encoding: String?

    /// `--na`: more cell texts meaning missing, comma-separated, besides empty, `NA` and `.`.
    @Option(help: ArgumentHelp("More cell texts that mean missing, comma-separated (\"ved ikke,9999\"), besides empty, NA and '.'.", valueName: "code,..."))
    public var na: String?

    /// `--codes`: SPSS and Stata columns with value labels keep their numeric codes instead of
    /// becoming categories named by the labels.
    @Flag(help: "Keep the numeric codes of columns with value labels (SPSS, Stata) instead of reading them as categories named by the labels.")
    public var codes: Bool = false

    /// Options with their defaults, for ArgumentParser and run specs.
    public init() {}

    /// How to read the CSV; a delimiter, decimal mark, encoding or missing-code list not
    /// understood is a usage error.
    public func csvOptions() throws -> CSVOptions {
        CSVOptions(delimiter: try delimiter.map(CSVOptions.delimiter(named:)),
                   decimalComma: try decimal.map(CSVOptions.decimalComma(named:)),
                   encoding: try encoding.map(TextEncoding.init(named:)) ?? .utf8,
                   missingCodes: try na.map(CSVOptions.missingCodes(named:)) ?? [])
    }

    /// How to read the data files: the CSV spelling, `--encoding` as given, `--codes`; an option
    /// not understood is a usage error.
    public func readOptions() throws -> ReadOptions {
        ReadOptions(csv: try csvOptions(), encoding: try encoding.map(TextEncoding.init(named:)), keepCodes: codes)
    }

    /// Reads the `columns` of `--data` with these options, by its extension (`TableFile`).
    public func readTable(columns: ColumnSelection) throws -> Table {
        try TableFile.read(path: data, options: try readOptions().reading(columns))
    }
}
