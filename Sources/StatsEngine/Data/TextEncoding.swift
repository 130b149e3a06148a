/// The character encodings a CSV file may be read in (`--encoding`). UTF-8 is read as it is
/// (and must be valid); the others are transcoded to UTF-8 once, before parsing, so the parser
/// and its UTF-8 checks see one encoding.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    /// UTF-8, the default: read as it is, invalid bytes an error.
    case utf8 = "utf-8"
    /// Windows code page 1252 (Danish Excel's "CSV (semikolonsepareret)"); `cp1252` is accepted too.
    case windows1252 = "windows-1252"
    /// ISO 8859-1: each byte is the code point of the same number.
    case latin1
    /// UTF-16 with its byte-order mark (little-endian without one, as Windows writes it).
    case utf16 = "utf-16"

    /// Parses the `--encoding` spelling (any case; `utf8`, `cp1252`, `latin-1`, `iso-8859-1`,
    /// `utf16` as aliases); anything else is a usage error listing the choices.
    public init(named text: String) throws {
        switch text.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "windows-1252", "cp1252", "windows1252": self = .windows1252
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .latin1
        case "utf-16", "utf16": self = .utf16
        default:
            throw DisparityError.usage("--encoding must be utf-8, windows-1252 (cp1252), latin1 or utf-16 (got \(quoted: text))")
        }
    }

    /// The bytes as UTF-8: unchanged for `.utf8`, else transcoded (a UTF-16 byte-order mark is
    /// dropped). A UTF-16 text with an odd byte count or an unpaired surrogate is an error
    /// naming `source` and the line, and so is a UTF-8 byte-order mark read as Windows-1252 or
    /// Latin-1 (it would become `ï»¿` in the first column's name).
    func utf8Bytes(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        if self == .latin1 || self == .windows1252, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw DisparityError.data(file: source, "starts with a UTF-8 byte-order mark, so it is UTF-8, not \(rawValue): drop --encoding")
        }
        switch self {
        case .utf8: return bytes
        case .latin1: return Self.singleByte(bytes) { UInt32($0) }
        case .windows1252: return Self.singleByte(bytes) { $0 >= 0x80 && $0 < 0xA0 ? UInt32(Self.cp1252High[Int($0 - 0x80)]) : UInt32($0) }
        case .utf16: return try Self.utf16(bytes, source: source)
        }
    }

    /// Code points 0x80–0x9F of Windows-1252 (the five undefined bytes map to the C1 control
    /// of the same number, as WHATWG's encoding standard does).
    private static let cp1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Transcodes a one-byte-per-character encoding; ASCII bytes are copied as they are, and
    /// an all-ASCII text is returned without a copy.
    private static func singleByte(_ bytes: [UInt8], _ codePoint: (UInt8) -> UInt32) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { $0 >= 0x80 }) else { return bytes }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 8)
        out.append(contentsOf: bytes[..<first])
        for b in bytes[first...] {
            if b < 0x80 { out.append(b); continue }
            appendUTF8(codePoint(b), to: &out)
        }
        return out
    }

    /// The byte order of UTF-16 text without a byte-order mark.
    enum UTF16Order: String {
        case littleEndian = "little-endian", bigEndian = "big-endian"
    }

    /// The byte order that text without a byte-order mark shows if it is UTF-16, told by where
    /// the NUL bytes of its first 4 KB fall: text in a Latin script has a zero high byte in
    /// nearly every pair (the pair's second byte little-endian, its first big-endian). Nil
    /// unless at least half the pairs have a NUL on one side and none on the other.
    static func unmarkedUTF16Order(_ bytes: UnsafeBufferPointer<UInt8>) -> UTF16Order? {
        let pairs = min(bytes.count, 4096) / 2
        guard pairs >= 2 else { return nil }
        var first = 0, second = 0
        for p in 0..<pairs {
            if bytes[2 * p] == 0 { first += 1 }
            if bytes[2 * p + 1] == 0 { second += 1 }
        }
        if second * 2 >= pairs, first == 0 { return .littleEndian }
        if first * 2 >= pairs, second == 0 { return .bigEndian }
        return nil
    }

    /// UTF-16 as UTF-8: the byte order from the byte-order mark, else from the NUL bytes
    /// (`unmarkedUTF16Order`), else little-endian (as Windows writes it); text with neither a
    /// mark nor any NUL byte in its first 4 KB is an error (UTF-8 read as UTF-16 would be garbage).
    private static func utf16(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        var bigEndian = false, start = 0
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { bigEndian = true; start = 2 }
        else if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { start = 2 }
        else if let order = bytes.withUnsafeBufferPointer(unmarkedUTF16Order) { bigEndian = order == .bigEndian }
        else if !bytes.prefix(4096).contains(0) {
            throw DisparityError.data(file: source, "not UTF-16: no byte-order mark and no NUL bytes, as UTF-8 text has none (drop --encoding for UTF-8)")
        }
        guard (bytes.count - start) % 2 == 0 else {
            throw DisparityError.data(file: source, "not UTF-16: an odd number of bytes (check --encoding)")
        }
        var out = [UInt8]()
        out.reserveCapacity((bytes.count - start) / 2 + 16)
        var pending: UInt32? = nil
        var i = start
        while i < bytes.count {
            let unit = bigEndian ? UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]) : UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i])
            i += 2
            if let high = pending {
                guard unit >= 0xDC00, unit < 0xE000 else { break }
                appendUTF8(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &out)
                pending = nil
            } else if unit >= 0xD800, unit < 0xDC00 {
                pending = unit
            } else if unit >= 0xDC00, unit < 0xE000 {
                pending = unit
                break
            } else {
                appendUTF8(unit, to: &out)
            }
        }
        if pending != nil {
            // The line of the text before it, as the reader counts lines (a CR alone ends one).
            throw DisparityError.data(file: source, line: ASCII.line(after: out), "not UTF-16: an unpaired surrogate (check --encoding)")
        }
        return out
    }

    @inline(__always)
    private static func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
        switch c {
        case ..<0x80: out.append(UInt8(c))
        case ..<0x800: out.append(UInt8(0xC0 | c >> 6)); out.append(UInt8(0x80 | c & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | c >> 12)); out.append(UInt8(0x80 | c >> 6 & 0x3F)); out.append(UInt8(0x80 | c & 0x3F))
        default:
            out.append(UInt8(0xF0 | c >> 18)); out.append(UInt8(0x80 | c >> 12 & 0x3F))
            out.append(UInt8(0x80 | c >> 6 & 0x3F)); out.append(UInt8(0x80 | c & 0x3F))
        }
    }
}
