/// Every failure the engine reports: one line that names the file, line, column, stratum or
/// term at fault, so a batch job's log says what to fix without a stack trace.
public struct DisparityError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Whether the caller asked for something impossible (exit 2) or the data or design made
    /// the analysis fail (exit 1): `usage` for a request that cannot be carried out as asked,
    /// `data` for unreadable or invalid input, `analysis` for data that make the method fail.
    public enum Kind: Sendable, Equatable { case usage, data, analysis }

    /// The kind of failure.
    public let kind: Kind
    /// The one-line message, control characters escaped, at most `longestMessage` characters.
    public let message: String

    /// The longest message: values quoted from the data are already cut short (`quoted:`
    /// interpolation), so only a message built around a very long path reaches it.
    public static let longestMessage = 280

    /// How much of a message's end a cut keeps: what to do about the problem comes last.
    static let keptEnd = 100

    /// Control characters in quoted data (a newline inside a cell) are escaped as R and Python
    /// print them (`visible`), so the message stays on one line; a message over
    /// `longestMessage` characters loses its middle to `…`, keeping the place at its start and
    /// the advice at its end.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        let line = message.unicodeScalars.map(Self.visible).joined()
        self.message = line.count > Self.longestMessage
            ? String(line.prefix(Self.longestMessage - 1 - Self.keptEnd)) + "…" + String(line.suffix(Self.keptEnd))
            : line
    }

    /// `scalar` as a message shows it: a control character as R and Python escape it in a
    /// string (`\n`, `\r`, `\t`, `\x1B`), anything else as it is.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\x" + (hex.count < 2 ? "0" : "") + hex
        default: return String(scalar)
        }
    }

    /// A problem at a place in an input file; `line` is 1-based as editors show it, and
    /// `observation` the case number of a statistical file's row (`file: observation 3`). A path
    /// too long for the message to fit in `longestMessage` keeps only its end (`…/dir/file.csv`),
    /// down to 40 characters, before what is wrong and what to do are cut.
    public static func data(file: String, line: Int? = nil, observation: Int? = nil, column: String? = nil,
                            _ message: String) -> DisparityError {
        var place = ""
        if let line { place += ":\(line)" }
        if let observation { place += ": observation \(observation)" }
        if let column { place += ", column \(quoted: column)" }
        let rest = "\(place): \(message)"
        let room = max(longestMessage - rest.count, 40)
        return DisparityError(.data, (file.count > room ? "…" + String(file.suffix(room - 1)) : file) + rest)
    }

    /// A request that cannot be carried out as asked (exit status 2).
    public static func usage(_ message: String) -> DisparityError { DisparityError(.usage, message) }
    /// Data or a design that make the analysis fail (exit status 1).
    public static func analysis(_ message: String) -> DisparityError { DisparityError(.analysis, message) }

    /// The message, as printed on standard error.
    public var description: String { message }
}
