/// Byte scans of CSV text a word at a time (SWAR: eight bytes in one `UInt64`, the first byte in
/// the lowest bits) or sixteen bytes at a time (`SIMD16`), so the reader's hot loops test a whole
/// field or number with a few instructions instead of a branch per byte. Every function reads
/// only the bytes below the `end` it is given.
enum ByteWords {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes from `bytes + offset`, which need not be aligned.
    @inline(__always)
    static func word(_ bytes: UnsafePointer<UInt8>, at offset: Int) -> UInt64 {
        UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self)
    }

    /// A word whose lowest set bit is the high bit of the first zero byte of `x` (0 when none is):
    /// bytes above the first zero byte may be flagged wrongly (a borrow), so only its position counts.
    @inline(__always)
    private static func firstZeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highBits }

    /// The offset of the first `delimiter` or line feed in `bytes[start..<end]`, or `end`: where
    /// an unquoted field that starts at `start` stops.
    @inline(__always)
    static func fieldEnd(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, delimiter: UInt8) -> Int {
        let delimiters = ones &* UInt64(delimiter), lineFeeds = ones &* UInt64(ASCII.newline)
        var i = start
        while i + 8 <= end {
            let w = word(bytes, at: i)
            let found = firstZeroByte(w ^ delimiters) | firstZeroByte(w ^ lineFeeds)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end, bytes[i] != delimiter, bytes[i] != ASCII.newline { i += 1 }
        return i
    }

    /// The length of the field that starts at `start` when it ends (in a `delimiter` or a line
    /// feed) within the sixteen bytes from `start`, else 16; needs `start + 16 <= end`. Found
    /// from the two words at `start` with no branch: a short text cell (`LevelKey`) is compared
    /// as those same two words.
    @inline(__always)
    static func shortFieldLength(_ bytes: UnsafePointer<UInt8>, at start: Int, delimiter: UInt8) -> Int {
        let delimiters = ones &* UInt64(delimiter), lineFeeds = ones &* UInt64(ASCII.newline)
        let first = word(bytes, at: start), second = word(bytes, at: start + 8)
        let inFirst = (firstZeroByte(first ^ delimiters) | firstZeroByte(first ^ lineFeeds)).trailingZeroBitCount >> 3
        let inSecond = (firstZeroByte(second ^ delimiters) | firstZeroByte(second ^ lineFeeds)).trailingZeroBitCount >> 3
        // `inFirst` is 8 when the first word has neither byte, and only then is `inSecond` added.
        return inFirst + (inSecond & (0 &- (inFirst >> 3)))
    }

    /// A word with the high bit of exactly the zero bytes of `x` set (no carry crosses a byte).
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7 = ~highBits
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// How many high bits a word of flags (`zeroBytes`) has set.
    @inline(__always)
    private static func flagCount(_ flags: UInt64) -> Int { Int(((flags >> 7) &* ones) >> 56) }

    /// Steps over up to `count` fields that each end in `delimiter` from `start`, where a field
    /// starts, eight bytes at a time: returns where the field after the last one passed starts
    /// and how many were passed. It passes no quote and no line feed, so every field it passes
    /// is unquoted and on the line of `start` (read exactly as the tokenizer reads it), and it
    /// stops early before the field that holds the first of them (or near `end`).
    @inline(__always)
    static func skipFields(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, delimiter: UInt8, count: Int) -> (next: Int, passed: Int) {
        let delimiters = ones &* UInt64(delimiter), lineFeeds = ones &* UInt64(ASCII.newline), quotes = ones &* UInt64(ASCII.quote)
        var i = start, remaining = count
        // The last word with delimiters passed, and their flags: the next field starts after the last of them.
        var lastWord = start, lastFound: UInt64 = 0
        while i + 8 <= end {
            let w = word(bytes, at: i)
            let stops = firstZeroByte(w ^ lineFeeds) | firstZeroByte(w ^ quotes)
            // The delimiters before the first stop (all of them when there is none).
            let found = zeroBytes(w ^ delimiters) & ((stops & (0 &- stops)) &- 1)
            let n = flagCount(found)
            if n >= remaining {
                var last = found
                for _ in 1..<remaining { last &= last &- 1 }
                return (i + last.trailingZeroBitCount >> 3 + 1, count)
            }
            if n > 0 { lastWord = i; lastFound = found }
            remaining -= n
            if stops != 0 { break }
            i += 8
        }
        return (lastFound == 0 ? start : lastWord + (63 - lastFound.leadingZeroBitCount) >> 3 + 1, count - remaining)
    }

    /// How many of the word's bytes, from its first, are ASCII digits: 0 to 8.
    @inline(__always)
    static func digitCount(_ w: UInt64) -> Int {
        // A digit's byte becomes 0...9 and adding 0x76 leaves its high bit clear; any other byte
        // sets it (itself or by the addition). A carry can only reach bytes after a non-digit.
        let x = w ^ 0x3030_3030_3030_3030
        return (((x &+ 0x7676_7676_7676_7676) | x) & highBits).trailingZeroBitCount >> 3
    }

    /// The number written by the first `count` bytes of `w` (0 ≤ `count` ≤ 8), which are digits.
    @inline(__always)
    static func digitsValue(_ w: UInt64, count: Int) -> UInt64 {
        // The digits move to the top of the word, behind zeros, and are summed in pairs, fours,
        // eights (a shift by 64 gives 0).
        let kept = w & 0x0F0F_0F0F_0F0F_0F0F & (UInt64.max >> (64 - 8 * count))
        var v = kept << (64 - 8 * count)
        v = ((v &* (1 + (10 << 8))) >> 8) & 0x00FF_00FF_00FF_00FF
        v = ((v &* (1 + (100 << 16))) >> 16) & 0x0000_FFFF_0000_FFFF
        return (v &* (1 + (10_000 << 32))) >> 32
    }

    /// Whether `bytes[start..<end]` holds a carriage return that is not followed by a line feed
    /// (one that is not part of a CRLF), sixteen bytes at a time; the byte after each one is
    /// read up to `limit` (≥ `end`), so a slice of a larger text is judged as in the whole. A
    /// carriage return at `limit`'s last byte does not count: it ends the text's last line
    /// whichever way it is read.
    static func hasLoneCarriageReturn(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, limit: Int) -> Bool {
        let carriageReturn = SIMD16<UInt8>(repeating: ASCII.carriageReturn), lineFeed = SIMD16<UInt8>(repeating: ASCII.newline)
        var i = start
        while i + 16 <= end, i + 17 <= limit {
            let v = UnsafeRawPointer(bytes + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let next = UnsafeRawPointer(bytes + i + 1).loadUnaligned(as: SIMD16<UInt8>.self)
            if any((v .== carriageReturn) .& (next .!= lineFeed)) { return true }
            i += 16
        }
        while i < end {
            if bytes[i] == ASCII.carriageReturn, i + 1 < limit, bytes[i + 1] != ASCII.newline { return true }
            i += 1
        }
        return false
    }

    /// The line feeds in `bytes[start..<end]`, sixteen bytes at a time: each lane of a vector of
    /// byte counters counts its column's line feeds for up to 255 steps before they are summed.
    static func lineFeeds(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        let lineFeed = SIMD16<UInt8>(repeating: ASCII.newline)
        var count = 0, i = start
        while i + 16 <= end {
            var lanes = SIMD16<UInt8>()
            var steps = 0
            while steps < 255, i + 16 <= end {
                let v = UnsafeRawPointer(bytes + i).loadUnaligned(as: SIMD16<UInt8>.self)
                lanes &+= SIMD16<UInt8>.zero.replacing(with: 1, where: v .== lineFeed)
                i += 16
                steps += 1
            }
            count += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while i < end {
            if bytes[i] == ASCII.newline { count += 1 }
            i += 1
        }
        return count
    }
}
