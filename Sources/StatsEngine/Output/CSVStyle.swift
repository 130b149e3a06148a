/// How a CSV file is spelled (`--csv-style`, and `csv-style` at the top of a run spec).
///
/// `standard` is RFC 4180 with `,` between fields, `.` in numbers and `\n` line ends: what R,
/// pandas and every program read by default. `danish` is what Excel reads with Danish regional
/// settings (and writes as "CSV (semikolonsepareret)"): `;` between fields, a decimal comma in
/// numbers, a UTF-8 byte-order mark so Excel takes the text as UTF-8 (æ, ø, å), and CRLF line
/// ends as Excel itself writes them.
public enum CSVStyle: String, Sendable, CaseIterable {
    case standard, danish

    /// The field separator.
    public var separator: Character { self == .danish ? ";" : "," }

    /// The decimal mark in numbers.
    public var decimalMark: Character { self == .danish ? "," : "." }

    /// What the file starts with: the UTF-8 byte-order mark for Excel, else nothing.
    public var preamble: String { self == .danish ? "\u{FEFF}" : "" }

    /// The end of every line.
    public var lineEnd: String { self == .danish ? "\r\n" : "\n" }
}
