/// How to read a delimited text file; every field nil means "detect", as INTERFACE.md requires.
public struct CSVOptions: Sendable {
    /// Field separator (`,`, `;` or tab); nil detects it from the header line.
    public var delimiter: UInt8?
    /// Whether `,` is the decimal mark; nil means yes exactly when the delimiter is `;`.
    public var decimalComma: Bool?

    public init(delimiter: UInt8? = nil, decimalComma: Bool? = nil) {
        self.delimiter = delimiter
        self.decimalComma = decimalComma
    }

    /// Parses the `--delimiter` spelling: one character, or `tab`/`\t`.
    public static func delimiter(named text: String) throws -> UInt8 {
        switch text {
        case "tab", "\\t", "\t": return 0x09
        case ",", ";", "|", " ": return text.utf8.first!
        default: throw DisparityError.usage("--delimiter must be one of , ; | tab (got '\(text)')")
        }
    }

    /// Parses the `--decimal` spelling: `.` or `,`.
    public static func decimalComma(named text: String) throws -> Bool {
        switch text {
        case ".", "point": return false
        case ",", "comma": return true
        default: throw DisparityError.usage("--decimal must be '.' or ',' (got '\(text)')")
        }
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
}
