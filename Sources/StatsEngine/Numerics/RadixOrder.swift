/// The order of rows by value, ties by row number — what sorting (value, row) pairs with `<`
/// gives — by a least-significant-digit radix sort on the pairs' bits: a counting pass per byte
/// of the row and of the value, skipping bytes that all pairs share, in place of a comparison
/// sort's n log n comparisons.
enum RadixOrder {
    /// `rows` ordered by `values[row]` ascending, equal values by row number ascending. Values
    /// must not be NaN; −0 and +0 are equal, as `<` has them.
    static func rows(_ rows: [Int32], by values: [Double]) -> [Int32] {
        let n = rows.count
        guard n > 1 else { return rows }
        // Keys whose unsigned order is the values' order: the sign bit flipped for positive
        // numbers, every bit for negative ones; −0 is taken as +0.
        var keys = [UInt64](repeating: 0, count: n), order = rows
        for (i, r) in rows.enumerated() {
            let v = values[Int(r)]
            let bits = v == 0 ? 0 : v.bitPattern
            keys[i] = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        }
        var otherKeys = [UInt64](repeating: 0, count: n), otherOrder = [Int32](repeating: 0, count: n)
        // The row bytes first (least significant), then the value's.
        for pass in 0..<12 {
            let rowByte = pass < 4
            let shift = UInt64(rowByte ? pass * 8 : (pass - 4) * 8)
            var counts = [Int](repeating: 0, count: 256)
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { o in
                    for i in 0..<n { counts[Int(truncatingIfNeeded: (rowByte ? UInt64(UInt32(bitPattern: o[i])) : k[i]) >> shift) & 0xFF] += 1 }
                }
            }
            guard !counts.contains(n) else { continue }
            var start = 0
            for b in 0..<256 { (counts[b], start) = (start, start + counts[b]) }
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { o in
                    otherKeys.withUnsafeMutableBufferPointer { k2 in
                        otherOrder.withUnsafeMutableBufferPointer { o2 in
                            for i in 0..<n {
                                let b = Int(truncatingIfNeeded: (rowByte ? UInt64(UInt32(bitPattern: o[i])) : k[i]) >> shift) & 0xFF
                                k2[counts[b]] = k[i]
                                o2[counts[b]] = o[i]
                                counts[b] += 1
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&order, &otherOrder)
        }
        return order
    }
}
