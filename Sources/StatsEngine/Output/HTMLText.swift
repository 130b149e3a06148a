/// Escaping of text placed in HTML and in inline SVG: element content and attribute values
/// (quoted with `"`) alike, so that labels from a configuration (`&`, `<`, quotes) can never
/// open a tag, end an attribute or break the SVG's XML.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` written as character references.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
