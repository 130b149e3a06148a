/// The order of rows by value, ties by row number — what sorting (value, row) pairs with `<`
/// gives — by a least-significant-digit radix sort on the pairs' bits: a counting pass per byte
/// of the row and of the value, skipping bytes that all pairs share (and the row's bytes when
/// the rows come in order), in place of a comparison sort's n log n comparisons.
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
        // Every pass is stable, so rows given in ascending order need no passes on their bytes.
        let ascending = zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 }
        // The counts of every byte, in one reading of the keys and rows: bytes 0–3 are the row's
        // (least significant), 4–11 the value's.
        var counts = [Int](repeating: 0, count: 12 * 256)
        counts.withUnsafeMutableBufferPointer { c in
            keys.withUnsafeBufferPointer { k in
                for i in 0..<n { for byte in 0..<8 { c[(4 + byte) * 256 + Int(truncatingIfNeeded: k[i] >> UInt64(8 * byte)) & 0xFF] += 1 } }
            }
            if !ascending {
                order.withUnsafeBufferPointer { o in
                    for i in 0..<n { for byte in 0..<4 { c[byte * 256 + Int(truncatingIfNeeded: UInt32(bitPattern: o[i]) >> UInt32(8 * byte)) & 0xFF] += 1 } }
                }
            }
        }
        var otherKeys = [UInt64](repeating: 0, count: n), otherOrder = [Int32](repeating: 0, count: n)
        for pass in (ascending ? 4 : 0)..<12 {
            let rowByte = pass < 4
            let shift = UInt64(rowByte ? pass * 8 : (pass - 4) * 8)
            var next = Array(counts[(pass * 256)..<((pass + 1) * 256)])
            // A byte every pair shares leaves the order as it is.
            guard !next.contains(n) else { continue }
            var start = 0
            for b in 0..<256 { (next[b], start) = (start, start + next[b]) }
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { o in
                    otherKeys.withUnsafeMutableBufferPointer { k2 in
                        otherOrder.withUnsafeMutableBufferPointer { o2 in
                            next.withUnsafeMutableBufferPointer { next in
                                for i in 0..<n {
                                    let b = Int(truncatingIfNeeded: (rowByte ? UInt64(UInt32(bitPattern: o[i])) : k[i]) >> shift) & 0xFF
                                    k2[next[b]] = k[i]
                                    o2[next[b]] = o[i]
                                    next[b] += 1
                                }
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
