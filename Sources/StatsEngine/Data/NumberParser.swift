import Foundation

/// Reads decimal numbers straight from CSV bytes, exactly as `strtod` would but without its cost
/// on the common case: up to 18 digits with a power of ten within ±22 are converted exactly by
/// one IEEE multiplication or division (Clinger's fast path); anything else goes to `strtod`,
/// which is correctly rounded. A plain decimal (sign, digits, decimal mark, digits) is read a
/// word at a time (`ByteWords`) before the byte-by-byte reading is tried.
enum NumberParser {
    /// 10^k for 0 ≤ k ≤ 22, the powers of ten that doubles hold exactly (a constant table,
    /// with no lazy global to check on every call).
    @inline(__always)
    private static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }
    private static let mantissaLimit: UInt64 = 1_000_000_000_000_000_000  // 10^18: ten more still fits
    private static let exactLimit: UInt64 = 1 << 53

    /// Whether `text` reads as a number by the CSV grammar (so "nan", "inf" and "0x10" do not).
    static func isNumber(_ text: String) -> Bool {
        return isNumber(text, decimalComma: false) || (text.contains(",") && !text.contains(".") && isNumber(text, decimalComma: true))
    }

    /// Whether `text` is written as a number (digits, a sign, a decimal mark, an exponent) whose
    /// magnitude is beyond a double's range (`1e400`): read as infinity, it is not a number here.
    static func isBeyondRange(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains(where: \.isNumber), trimmed.allSatisfy({ "0123456789+-.,eE".contains($0) }) else { return false }
        return Double(trimmed.replacingOccurrences(of: ",", with: "."))?.isInfinite ?? false
    }

    /// Whether `text` reads as a number in one decimal mark (`decimalComma`), surrounding blanks ignored.
    static func isNumber(_ text: String, decimalComma: Bool) -> Bool {
        var decimals = 0
        let bytes = Array(text.utf8)
        return !bytes.isEmpty && bytes.withUnsafeBufferPointer { parse($0.baseAddress!, 0, bytes.count, decimalComma: decimalComma, decimals: &decimals) != nil }
    }

    /// The number spelled by all of `bytes[start..<end]`, or nil when the text is not a number.
    /// Surrounding blanks are ignored; `decimalComma` makes `,` the decimal mark instead of `.`.
    /// `decimals` is raised to the number's decimal places when it is an exact short decimal,
    /// and to `Int.max` otherwise (see `NumericColumn.decimals`).
    static func parse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool, decimals: inout Int) -> Double? {
        var s = start, e = end
        while s < e, bytes[s] == 0x20 { s += 1 }
        while e > s, bytes[e - 1] == 0x20 { e -= 1 }
        var places = 0
        guard let (value, stop) = parsePrefix(bytes, s, e, decimalComma: decimalComma, delimiter: 0x20, decimals: &places),
              stop == e else { return nil }
        decimals = max(decimals, places)
        return value
    }

    /// Reads a number starting at `start` that ends at the end of its CSV field (a delimiter, a
    /// line break or `end`), returning it and the offset where it stopped; nil when the field
    /// is not just a number. This lets the reader parse numeric fields without scanning them
    /// twice.
    @inline(__always)
    static func parsePrefix(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool,
                            delimiter: UInt8, decimals: inout Int) -> (Double, Int)? {
        if let plain = parsePlainDecimal(bytes, start, end, decimalComma: decimalComma, delimiter: delimiter, decimals: &decimals) {
            return plain
        }
        return parseBytes(bytes, start, end, decimalComma: decimalComma, delimiter: delimiter, decimals: &decimals)
    }

    /// `parsePrefix` for the common number: an optional sign, up to 15 digits, and optionally
    /// the decimal mark and up to 15 digits, at least one digit in all, at most 2^53 without
    /// the mark, and ending its field; read eight bytes at a time and converted exactly as
    /// `parseBytes` converts it. Nil when the number is not of that form (or lies within 34
    /// bytes of `end`), for `parseBytes` to read; never reads at or past `end`.
    @inline(__always)
    private static func parsePlainDecimal(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool,
                                          delimiter: UInt8, decimals: inout Int) -> (Double, Int)? {
        // Sign, two words of digits, the mark, two more words, and a carriage return's line feed.
        guard start + 34 <= end else { return nil }
        let mark: UInt8 = decimalComma ? 0x2C : 0x2E
        // The sign is read without a branch: signs vary at random from cell to cell.
        let first = bytes[start]
        let negative = first == 0x2D
        let i = start + (negative || first == 0x2B ? 1 : 0)
        guard let (mantissa, places, stop) = shortDigits(bytes, at: i, mark: mark, delimiter: delimiter)
                ?? longDigits(bytes, at: i, mark: mark, delimiter: delimiter) else { return nil }
        let b = bytes[stop]
        guard mantissa <= exactLimit,
              b == delimiter || b == ASCII.newline || (b == ASCII.carriageReturn && bytes[stop + 1] == ASCII.newline)
        else { return nil }
        if places > decimals { decimals = places }
        // 10^places (at most 10^15) is exact as an integer converted, and looked up without the
        // jump that `powerOfTen` takes; a whole number needs no division (its latency holds up
        // the cells after it). The sign bit is set rather than branched on.
        var v = Double(mantissa)
        if places > 0 { v /= Double(integerPowerOfTen(places)) }
        return (Double(bitPattern: v.bitPattern | UInt64(negative ? 1 : 0) << 63), stop)
    }

    /// The digits from `bytes[i]` of a number of at most seven digits whose decimal `mark` (if
    /// any) is among its first eight bytes, read as one word (with the mark squeezed out): their
    /// value, how many follow the mark, and the offset after them. Nil for anything else. As in
    /// `parseBytes`, a mark that is also the `delimiter` ends the field.
    @inline(__always)
    private static func shortDigits(_ bytes: UnsafePointer<UInt8>, at i: Int, mark: UInt8, delimiter: UInt8) -> (UInt64, Int, Int)? {
        let first = ByteWords.word(bytes, at: i)
        let whole = ByteWords.digitCount(first)
        guard whole < 8 else { return nil }
        guard bytes[i + whole] == mark, mark != delimiter else { return whole > 0 ? (ByteWords.digitsValue(first, count: whole), 0, i + whole) : nil }
        // The bytes before the mark from `first`, those after it from the word one byte on.
        let before = UInt64.max >> (64 - 8 * whole)
        let joined = (first & before) | (ByteWords.word(bytes, at: i + 1) & ~before)
        let digits = ByteWords.digitCount(joined)
        guard digits > 0, digits < 8 else { return nil }
        return (ByteWords.digitsValue(joined, count: digits), digits - whole, i + digits + 1)
    }

    /// `shortDigits` for up to 15 digits before the `mark` and 15 after it, 19 in all, read as
    /// runs of two words.
    @inline(__always)
    private static func longDigits(_ bytes: UnsafePointer<UInt8>, at start: Int, mark: UInt8, delimiter: UInt8) -> (UInt64, Int, Int)? {
        guard let whole = digitRun(bytes, at: start) else { return nil }
        let i = start + whole.count
        guard bytes[i] == mark, mark != delimiter else { return whole.count > 0 ? (whole.value, 0, i) : nil }
        guard let fraction = digitRun(bytes, at: i + 1), whole.count + fraction.count > 0, whole.count + fraction.count <= 19
        else { return nil }
        return (whole.value &* integerPowerOfTen(fraction.count) &+ fraction.value, fraction.count, i + 1 + fraction.count)
    }

    /// The value and count of the digits from `bytes[i]` when there are at most 15 (two words
    /// read), nil when there are more.
    @inline(__always)
    private static func digitRun(_ bytes: UnsafePointer<UInt8>, at i: Int) -> (value: UInt64, count: Int)? {
        let first = ByteWords.word(bytes, at: i)
        let n = ByteWords.digitCount(first)
        if n < 8 { return (ByteWords.digitsValue(first, count: n), n) }
        let second = ByteWords.word(bytes, at: i + 8)
        let m = ByteWords.digitCount(second)
        guard m < 8 else { return nil }
        return (ByteWords.digitsValue(first, count: 8) &* integerPowerOfTen(m) &+ ByteWords.digitsValue(second, count: m), 8 + m)
    }

    /// 10^k for 0 ≤ k ≤ 15 as an integer (a constant table, like `powerOfTen`).
    @inline(__always)
    private static func integerPowerOfTen(_ k: Int) -> UInt64 {
        switch k {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1_000
        case 4: return 10_000
        case 5: return 100_000
        case 6: return 1_000_000
        case 7: return 10_000_000
        case 8: return 100_000_000
        case 9: return 1_000_000_000
        case 10: return 10_000_000_000
        case 11: return 100_000_000_000
        case 12: return 1_000_000_000_000
        case 13: return 10_000_000_000_000
        case 14: return 100_000_000_000_000
        default: return 1_000_000_000_000_000
        }
    }

    /// `parsePrefix` byte by byte, for every number `parsePlainDecimal` leaves: exponents, long
    /// digit runs, the end of a chunk, and fields that are not numbers.
    private static func parseBytes(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool,
                                   delimiter: UInt8, decimals: inout Int) -> (Double, Int)? {
        let mark: UInt8 = decimalComma ? 0x2C : 0x2E
        var i = start
        var negative = false
        if i < end, bytes[i] == 0x2D || bytes[i] == 0x2B { negative = bytes[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        var overflow = false
        while i < end {
            let d = bytes[i] &- 0x30
            if d >= 10 { break }
            if mantissa < mantissaLimit { mantissa = mantissa &* 10 &+ UInt64(d) } else { overflow = true }
            digits += 1; i += 1
        }
        // A delimiter ends an unquoted field, so when the decimal mark is the delimiter too
        // (`--decimal ,` with commas between fields) it is a mark only inside a quoted field
        // (`parse`, which passes another delimiter): the fast path must not read `4,1` as 4.1
        // across two fields while the tokenizer reads two cells.
        if i < end, bytes[i] == mark, mark != delimiter {
            i += 1
            while i < end {
                let d = bytes[i] &- 0x30
                if d >= 10 { break }
                if mantissa < mantissaLimit { mantissa = mantissa &* 10 &+ UInt64(d); exponent -= 1 } else { overflow = true }
                digits += 1; i += 1
            }
        }
        if digits == 0 { return nil }
        if i < end, bytes[i] | 0x20 == 0x65 {  // e or E
            i += 1
            var expNegative = false
            if i < end, bytes[i] == 0x2D || bytes[i] == 0x2B { expNegative = bytes[i] == 0x2D; i += 1 }
            var value = 0, expDigits = 0
            while i < end {
                let d = bytes[i] &- 0x30
                if d >= 10 { break }
                if value < 100_000 { value = value * 10 + Int(d) }
                expDigits += 1; i += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -value : value
        }
        if i < end {
            let b = bytes[i]
            // A carriage return ends the field only before a line feed (or the end), as in the
            // tokenizer; a lone one is a character of the field, read on the general path.
            guard b == delimiter || b == ASCII.newline || (b == ASCII.carriageReturn && (i + 1 == end || bytes[i + 1] == ASCII.newline))
            else { return nil }
        }
        if !overflow, mantissa <= exactLimit, exponent >= -22, exponent <= 22 {
            if -exponent > decimals { decimals = -exponent }
            let m = Double(mantissa)
            let v = exponent >= 0 ? m * powerOfTen(exponent) : m / powerOfTen(-exponent)
            return (negative ? -v : v, i)
        }
        guard let v = slowPath(bytes, start, i, mark: mark) else { return nil }
        decimals = .max
        return (v, i)
    }

    /// Correct rounding for long or extreme numbers through the C library, on a private copy
    /// with the decimal mark normalised to a point. Overflow to infinity is not a number here.
    private static func slowPath(_ bytes: UnsafePointer<UInt8>, _ s: Int, _ e: Int, mark: UInt8) -> Double? {
        var text = [CChar](repeating: 0, count: e - s + 1)
        for k in 0..<(e - s) { text[k] = CChar(bitPattern: bytes[s + k] == mark ? 0x2E : bytes[s + k]) }
        return text.withUnsafeBufferPointer { buf -> Double? in
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(buf.baseAddress!, &endPointer)
            guard let endPointer, endPointer - UnsafeMutablePointer(mutating: buf.baseAddress!) == e - s, v.isFinite else { return nil }
            return v
        }
    }
}
