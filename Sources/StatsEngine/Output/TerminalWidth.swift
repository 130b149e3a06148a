import Foundation

/// The width a table for a terminal is laid out to: the terminal's own (`ioctl(TIOCGWINSZ)` on
/// standard output), else `$COLUMNS`, else 100 characters.
public enum TerminalWidth {
    /// The width where neither the terminal nor `$COLUMNS` tells one.
    public static let fallback = 100

    /// The width of the terminal on standard output, `$COLUMNS` or the fallback.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = environment["COLUMNS"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), columns > 0 { return columns }
        return fallback
    }
}
