import Foundation

/// How to read a delimited text file; every field nil means "detect", as INTERFACE.md requires.
public struct CSVOptions: Sendable, Hashable {
    /// Field separator (`,`, `;` or tab); nil detects it from the header line.
    public var delimiter: UInt8?
    /// Whether `,` is the decimal mark; nil means yes exactly when the delimiter is `;`.
    public var decimalComma: Bool?
    /// The character encoding of the file's bytes; anything but UTF-8 is transcoded before parsing.
    public var encoding: TextEncoding
    /// Cell texts that mean "missing" besides the empty cell, `NA` and `.` (`--na`), compared
    /// with the cell's text as written, blanks around it ignored.
    public var missingCodes: [String]
    /// The size in bytes the reader aims at for each parallel chunk; nil chooses it from the file
    /// size and the core count. Tests and the CSV fuzzer set it small so that small files are
    /// split too.
    public var chunkSize: Int?

    /// Options that detect the delimiter and decimal mark, read UTF-8, and know only the
    /// standard missing cells unless told otherwise.
    public init(delimiter: UInt8? = nil, decimalComma: Bool? = nil, encoding: TextEncoding = .utf8, missingCodes: [String] = []) {
        self.delimiter = delimiter
        self.decimalComma = decimalComma
        self.encoding = encoding
        self.missingCodes = missingCodes
    }

    /// Parses the `--delimiter` spelling: one character, or `tab`/`\t`.
    public static func delimiter(named text: String) throws -> UInt8 {
        switch text {
        case "tab", "\\t", "\t": return 0x09
        case ",", ";", "|", " ": return text.utf8.first!
        case "space": return 0x20
        default: throw DisparityError.usage("--delimiter must be one of , ; | tab space (got \(quoted: text))")
        }
    }

    /// Parses the `--decimal` spelling: `.` or `,`.
    public static func decimalComma(named text: String) throws -> Bool {
        switch text {
        case ".", "point": return false
        case ",", "comma": return true
        default: throw DisparityError.usage("--decimal must be '.' or ',' (got \(quoted: text))")
        }
    }

    /// Parses the `--na` spelling: codes separated by commas (`"ved ikke,9999"`), blanks
    /// around each ignored; an empty list is a usage error.
    public static func missingCodes(named text: String) throws -> [String] {
        let codes = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !codes.isEmpty else { throw DisparityError.usage("--na needs at least one code, e.g. --na \"ved ikke,9999\"") }
        return codes
    }
}

/// Byte constants of the CSV grammar.
enum ASCII {
    static let quote: UInt8 = 0x22
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let tab: UInt8 = 0x09
    static let pipe: UInt8 = 0x7C

    /// The line `text`'s next byte would stand on, as an editor counts lines and the CSV reader
    /// reads them (`CSVReader.carriageReturnLines`): a line feed, a CRLF and a carriage return
    /// alone each end one.
    static func line<S: Sequence>(after text: S) -> Int where S.Element == UInt8 {
        var line = 1, previous: UInt8 = 0
        for b in text {
            if b == carriageReturn || (b == newline && previous != carriageReturn) { line += 1 }
            previous = b
        }
        return line
    }
}
