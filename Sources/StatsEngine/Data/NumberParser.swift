import Foundation

/// Reads decimal numbers straight from CSV bytes, exactly as `strtod` would but without its cost
/// on the common case: up to 19 significant digits with a power of ten within ±22 are converted
/// exactly by one IEEE multiplication or division (Clinger's fast path); anything else goes to
/// `strtod`, which is correctly rounded.
enum NumberParser {
    private static let powersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }

    /// The number spelled by `bytes[start..<end]`, or nil when the text is not a number.
    /// Surrounding blanks are ignored; `decimalComma` makes `,` the decimal mark instead of `.`.
    /// `decimals` is raised to the number's decimal places when it is an exact short decimal,
    /// and to `Int.max` otherwise (see `NumericColumn.decimals`).
    @inline(__always)
    static func parse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool, decimals: inout Int) -> Double? {
        var s = start, e = end
        while s < e, bytes[s] == 0x20 { s += 1 }
        while e > s, bytes[e - 1] == 0x20 { e -= 1 }
        if s == e { return nil }
        let mark: UInt8 = decimalComma ? 0x2C : 0x2E
        var i = s
        var negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B { negative = bytes[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var digits = 0
        while i < e, bytes[i] &- 0x30 < 10 {
            let d = UInt64(bytes[i] &- 0x30)
            if significant < 19 {
                if mantissa != 0 || d != 0 { significant += 1 }
                mantissa = mantissa &* 10 &+ d
            } else {
                exponent += 1; significant += 1
            }
            digits += 1; i += 1
        }
        if i < e, bytes[i] == mark {
            i += 1
            while i < e, bytes[i] &- 0x30 < 10 {
                let d = UInt64(bytes[i] &- 0x30)
                if significant < 19 {
                    if mantissa != 0 || d != 0 { significant += 1 }
                    mantissa = mantissa &* 10 &+ d
                    exponent -= 1
                } else { significant += 1 }
                digits += 1; i += 1
            }
        }
        if digits == 0 { return nil }
        if i < e, bytes[i] | 0x20 == 0x65 {  // e or E
            i += 1
            var expNegative = false
            if i < e, bytes[i] == 0x2D || bytes[i] == 0x2B { expNegative = bytes[i] == 0x2D; i += 1 }
            var value = 0
            var expDigits = 0
            while i < e, bytes[i] &- 0x30 < 10 {
                if value < 100_000 { value = value * 10 + Int(bytes[i] &- 0x30) }
                expDigits += 1; i += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -value : value
        }
        if i != e { return nil }
        if significant <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            if -exponent > decimals { decimals = -exponent }
            let m = Double(mantissa)
            let v = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
            return negative ? -v : v
        }
        decimals = .max
        return slowPath(bytes, s, e, mark: mark)
    }

    /// Correct rounding for long or extreme numbers through the C library, on a private copy
    /// with the decimal mark normalised to a point.
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
