import Foundation

/// How a data file is read (`DataOptions`): the CSV spelling, and what SPSS, Stata and SAS files
/// take besides — `--encoding` as given, `--codes`.
public struct ReadOptions: Sendable, Hashable {
    /// How a CSV file is spelled; its missing-value codes (`--na`) apply to every format.
    public var csv: CSVOptions
    /// `--encoding` as given: a statistical file's text is read in it instead of the encoding
    /// the file declares (nil: the file's own, as ReadStat reads it).
    public var encoding: TextEncoding?
    /// `--codes`: labelled numeric columns keep their codes instead of becoming categories.
    public var keepCodes: Bool
    /// The columns read and stored (the others are skipped): what the analyses use
    /// (`ColumnUsing`); every column by default.
    public var columns: ColumnSelection
    /// The bytes `StatFileInput` reads at a time; tests set it small so that small files cross
    /// its boundaries too.
    var inputBufferSize = 1 << 20

    /// Options that detect the CSV spelling, read files in their own encoding and turn labelled
    /// columns into categories, unless told otherwise.
    public init(csv: CSVOptions = CSVOptions(), encoding: TextEncoding? = nil, keepCodes: Bool = false, columns: ColumnSelection = .all) {
        self.csv = csv
        self.encoding = encoding
        self.keepCodes = keepCodes
        self.columns = columns
    }

    /// These options reading only `columns`.
    public func reading(_ columns: ColumnSelection) -> ReadOptions {
        var copy = self
        copy.columns = columns
        return copy
    }
}

/// The statistical packages whose files `StatFileReader` reads.
public enum StatFileFamily: String, Sendable {
    /// SPSS (`.sav`, `.zsav`): dates in seconds since 1582-10-14, user-defined missing values.
    case spss = "SPSS"
    /// Stata (`.dta`): dates in days since 1960-01-01, missing values `.a`–`.z`.
    case stata = "Stata"
    /// SAS (`.sas7bdat`, `.xpt`): dates in days since 1960-01-01, missing values `.A`–`.Z`,
    /// no value labels (they live in format catalogs).
    case sas = "SAS"
}

/// Reads a data file by its extension: `.csv`, `.txt`, `.tsv` (and standard input, `-`) as
/// CSV; `.sav`, `.zsav` (SPSS), `.dta` (Stata), `.sas7bdat`, `.xpt` (SAS) through ReadStat.
public enum TableFile {
    /// The formats, by extension (lower case, without the dot).
    public enum Format: Sendable, Equatable {
        /// Delimited text, read by `CSVReader`.
        case csv
        /// A statistical package's file, read by `StatFileReader` with ReadStat's parser named
        /// `parse` (`sav`, `dta`, `sas7bdat`, `xport`).
        case stat(StatFileFamily, parse: String)
    }

    /// The extensions read as CSV.
    static let csvExtensions = ["csv", "txt", "tsv"]
    /// The extensions read through ReadStat, with their family and the ReadStat parser's name.
    static let statExtensions: [(String, StatFileFamily, String)] = [
        ("sav", .spss, "sav"), ("zsav", .spss, "sav"), ("dta", .stata, "dta"), ("sas7bdat", .sas, "sas7bdat"), ("xpt", .sas, "xport"),
    ]

    /// The format of `path` by its extension (any case); `-` (standard input) is CSV.
    /// - Throws: a usage error naming the file and the extensions read, for any other extension.
    public static func format(of path: String) throws -> Format {
        if path == "-" { return .csv }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if csvExtensions.contains(ext) { return .csv }
        if let (_, family, parser) = statExtensions.first(where: { $0.0 == ext }) { return .stat(family, parse: parser) }
        let known = (csvExtensions + statExtensions.map(\.0)).map { "." + $0 }.joined(separator: ", ")
        throw DisparityError.usage("\(path): \(ext.isEmpty ? "no extension" : "unknown extension '.\(ext)'"): data files are read by extension (\(known))")
    }

    /// Reads `path` in its format with `options`, keeping only the columns `options.columns` selects.
    /// - Throws: `DisparityError` for an unknown extension, a CSV option given for a binary
    ///   format, or an unreadable file (its name and the reader's message).
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws -> Table {
        let format = try format(of: path)
        try refuseInapplicable(options, format: format, path: path)
        switch format {
        case .csv: return try CSVReader.read(path: path, options: options.csv, columns: options.columns)
        case .stat(let family, let parser): return try StatFileReader.read(path: path, parser: parser, family: family, options: options)
        }
    }

    /// Refuses an option that does not apply to the file's format rather than ignore it:
    /// `--delimiter` and `--decimal` with an SPSS, Stata or SAS file, `--codes` with a CSV file.
    public static func refuseInapplicable(_ options: ReadOptions, format: Format, path: String) throws {
        switch format {
        case .csv:
            if options.keepCodes { throw DisparityError.usage("--codes applies to SPSS and Stata files, whose columns have value labels; \(path) is a CSV file") }
        case .stat(let family, _):
            if options.csv.delimiter != nil || options.csv.decimalComma != nil {
                let option = options.csv.delimiter != nil ? "--delimiter" : "--decimal"
                throw DisparityError.usage("\(option) applies to CSV files only; \(path) is a \(family.rawValue) file")
            }
        }
    }
}
