/// Runs `body` with the base addresses of `arrays` (arrays or slices of them), in order, valid
/// for the call (each one's contiguous storage, nested): for kernels that read several columns
/// at once.
func withBaseAddresses<C: Collection, T>(_ arrays: C, _ body: ([UnsafePointer<Double>]) -> T) -> T
where C.Element: Sequence<Double> {
    func nest(_ rest: C.SubSequence, _ bases: [UnsafePointer<Double>]) -> T {
        guard let first = rest.first else { return body(bases) }
        guard let result = first.withContiguousStorageIfAvailable({ nest(rest.dropFirst(), bases + [$0.baseAddress!]) }) else {
            preconditionFailure("withBaseAddresses: an input without contiguous storage")
        }
        return result
    }
    return nest(arrays[...], [])
}

/// `count` new arrays of `length` values each, written by `fill` through their base addresses
/// (in order, valid for the call; each array's uninitialized storage, nested): `fill` must write
/// every value. For a kernel that writes several columns at once.
func arraysFilled(count: Int, length: Int, _ fill: ([UnsafeMutablePointer<Double>]) -> Void) -> [[Double]] {
    func nest(_ bases: [UnsafeMutablePointer<Double>]) -> [[Double]] {
        guard bases.count < count else {
            fill(bases)
            return []
        }
        var rest: [[Double]] = []
        let array = [Double](unsafeUninitializedCapacity: length) { buffer, initialized in
            rest = nest(bases + [buffer.baseAddress!])
            initialized = length
        }
        return [array] + rest
    }
    return nest([])
}
