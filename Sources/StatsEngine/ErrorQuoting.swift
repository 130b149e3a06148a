/// How error messages quote the user's data (a cell, a level, a formula, a key, a file's list
/// of levels): at most `quotedLength` characters of each, then an ellipsis, so a megabyte cell
/// or formula still gives one short line.
enum ErrorQuoting {
    /// The most characters of one quoted value.
    static let quotedLength = 40
    /// The most characters a quoted list shows (it shows at least one value).
    static let listedLength = 60
    /// The most characters of one value in a list.
    static let listedValueLength = 20

    /// `value` in single quotes, cut to `quotedLength` characters with `…`.
    static func quoted(_ value: String) -> String { "'\(shortened(value))'" }

    /// `value` cut to `length` characters with `…`.
    static func shortened(_ value: String, to length: Int = quotedLength) -> String {
        value.count > length ? String(value.prefix(length - 1)) + "…" : value
    }

    /// The values, each cut to `valueLength` characters, joined by commas while the list stays
    /// within `length` characters; a longer list ends with `…` and its length.
    static func listed<S: Sequence>(_ values: S, valueLength: Int = listedValueLength, length: Int = listedLength) -> String
        where S.Element: StringProtocol {
        var shown = "", count = 0, full = true
        for value in values {
            count += 1
            guard full else { continue }
            let item = shortened(String(value), to: valueLength)
            if count > 1, shown.count + 2 + item.count > length { full = false; continue }
            shown += (count > 1 ? ", " : "") + item
        }
        return full ? shown : shown + ", … (\(count) in all)"
    }
}

extension DefaultStringInterpolation {
    /// `\(quoted: text)`: the user's value in single quotes, cut to a few dozen characters.
    mutating func appendInterpolation<T: CustomStringConvertible>(quoted value: T) {
        appendLiteral(ErrorQuoting.quoted(value.description))
    }

    /// `\(shortened: text)`: the user's value unquoted, cut to a few dozen characters.
    mutating func appendInterpolation<T: CustomStringConvertible>(shortened value: T) {
        appendLiteral(ErrorQuoting.shortened(value.description))
    }

    /// `\(listed: levels)`: the first few values, comma-separated, each cut short, with the
    /// list's length when some are left out.
    mutating func appendInterpolation<S: Sequence>(listed values: S) where S.Element: StringProtocol {
        appendLiteral(ErrorQuoting.listed(values))
    }

    /// `\(listed: names, whole: 90)`: values named in full (a model's terms, whose names say
    /// what to drop), comma-separated while the list stays within `length` characters, with the
    /// list's length when some are left out; only a value longer than `length` is cut.
    mutating func appendInterpolation<S: Sequence>(listed values: S, whole length: Int) where S.Element: StringProtocol {
        appendLiteral(ErrorQuoting.listed(values, valueLength: length, length: length))
    }
}
