/// Runs `body` with the base addresses of `arrays`, in order, valid for the call (each array's
/// `withUnsafeBufferPointer`, nested): for kernels that read several columns at once.
func withBaseAddresses<T>(_ arrays: some Collection<[Double]>, _ body: ([UnsafePointer<Double>]) -> T) -> T {
    func nest(_ rest: ArraySlice<[Double]>, _ bases: [UnsafePointer<Double>]) -> T {
        guard let first = rest.first else { return body(bases) }
        return first.withUnsafeBufferPointer { nest(rest.dropFirst(), bases + [$0.baseAddress!]) }
    }
    return nest(ArraySlice(arrays), [])
}
