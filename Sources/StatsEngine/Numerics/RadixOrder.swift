/// Values and their rows' weights in the order of (value, row) — what sorting (value, row) pairs
/// with `<` gives — by a least-significant-digit radix sort: a counting pass per byte of the
/// value, skipping bytes that all values share, in place of a comparison sort's n log n
/// comparisons. The weights travel with their values through the passes, so that neither is
/// read back from its column in sorted (random) order, which is where the time went.
enum RadixOrder {
    /// The values at `rows` in increasing order, equal values in increasing row order, and each
    /// one's weight (one of each per row). Values must not be NaN; −0 and +0 are equal, as `<`
    /// has them, and each keeps its sign.
    static func sorted(_ rows: [Int32], values: [Double], weights: [Double]) -> (values: [Double], weights: [Double]) {
        // Every pass is stable, so ties keep the order the rows come in: ascending row numbers.
        let rows = zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 } ? rows : rows.sorted()
        let n = rows.count
        // Keys whose unsigned order is the values' order: the sign bit flipped for positive
        // numbers, every bit for negative ones; −0 is taken as +0, and the signs of the zeros,
        // in row order, are kept apart: ties stay in row order, so the zeros come out in it.
        var keys = [UInt64](repeating: 0, count: n), carried = [Double](repeating: 0, count: n)
        var zeroSigns: [FloatingPointSign] = []
        for (i, r) in rows.enumerated() {
            let v = values[Int(r)]
            if v == 0 { zeroSigns.append(v.sign) }
            keys[i] = key(v == 0 ? 0 : v)
            carried[i] = weights[Int(r)]
        }
        // The counts of every byte of the keys, in one reading.
        var counts = [Int](repeating: 0, count: 8 * 256)
        counts.withUnsafeMutableBufferPointer { c in
            keys.withUnsafeBufferPointer { k in
                for i in 0..<n { for byte in 0..<8 { c[byte * 256 + Int(truncatingIfNeeded: k[i] >> UInt64(8 * byte)) & 0xFF] += 1 } }
            }
        }
        var otherKeys = [UInt64](repeating: 0, count: n), otherCarried = [Double](repeating: 0, count: n)
        for byte in 0..<8 {
            var next = Array(counts[(byte * 256)..<((byte + 1) * 256)])
            // A byte every value shares leaves the order as it is.
            guard !next.contains(n) else { continue }
            var start = 0
            for b in 0..<256 { (next[b], start) = (start, start + next[b]) }
            let shift = UInt64(8 * byte)
            keys.withUnsafeBufferPointer { k in
                carried.withUnsafeBufferPointer { w in
                    otherKeys.withUnsafeMutableBufferPointer { k2 in
                        otherCarried.withUnsafeMutableBufferPointer { w2 in
                            next.withUnsafeMutableBufferPointer { next in
                                for i in 0..<n {
                                    // The slot read once: the stores below could alias it otherwise.
                                    let b = Int(truncatingIfNeeded: k[i] >> shift) & 0xFF, slot = next[b]
                                    next[b] = slot + 1
                                    k2[slot] = k[i]
                                    w2[slot] = w[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&carried, &otherCarried)
        }
        var zeros = zeroSigns.makeIterator()
        let sortedValues = keys.map { k -> Double in
            let v = value(k)
            return v == 0 && zeros.next() == .minus ? -0.0 : v
        }
        return (sortedValues, carried)
    }

    /// The key of a value that is not −0.
    @inline(__always)
    private static func key(_ v: Double) -> UInt64 {
        let bits = v.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    /// The value of a key (`key`'s inverse).
    @inline(__always)
    private static func value(_ k: UInt64) -> Double {
        Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k)
    }
}
