/// A composite index of several survey items, as the city's safety index: each item rescaled
/// from its range to 0–100, then averaged with item weights, row by row. A row missing any item
/// has no index. The estimate is the (domain) mean of the row values, so its linearization is
/// the mean's: the items' joint variation and the design are carried through the one variance
/// engine without further approximation.
public struct CompositeIndex: Sendable, Equatable {
    /// The item columns, in the order given.
    public var items: [String]
    /// One non-negative weight per item, in `items` order, not all zero; relative (equal by
    /// default), stored scaled by a power of two that brings the largest near 1.
    public var weights: [Double]
    /// The items' common scale, e.g. 1...5 for a Likert item.
    public var low: Double
    /// The upper end of the items' common scale.
    public var high: Double

    /// An index of `items` on the scale `low...high`, weighted equally unless `weights` is given.
    /// - Throws: `DisparityError.usage` without items, with a weight count other than the item
    ///   count, with negative or all-zero weights, or unless `high > low`.
    public init(items: [String], weights: [Double]? = nil, low: Double, high: Double) throws {
        guard !items.isEmpty else { throw DisparityError.usage("an index needs at least one item") }
        let weights = weights ?? [Double](repeating: 1, count: items.count)
        guard weights.count == items.count else {
            throw DisparityError.usage("--item-weights gives \(weights.count) weights for \(items.count) items")
        }
        guard weights.allSatisfy({ $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
            throw DisparityError.usage("--item-weights must be non-negative and not all zero")
        }
        guard high > low else { throw DisparityError.usage("--item-range must run from low to high (got \(low),\(high))") }
        guard (high - low).isFinite else {
            throw DisparityError.usage("--item-range \(NumberFormat.label(low)),\(NumberFormat.label(high)) spans more than the largest double")
        }
        self.items = items
        // Scaled by the power of two that brings the largest near 1 (exactly: the index uses only
        // their proportions, and its numbers stay those of the weights as given): a sum of
        // weights near the largest double overflowed, and the index read 0.
        let scale = Double(sign: .plus, exponent: -weights.max()!.exponent, significand: 1)
        self.weights = weights.map { $0 * scale }
        self.low = low
        self.high = high
    }

    /// Each row's index on 0–100 (NaN where an item is missing); a value outside the range is
    /// an error naming its row and item.
    public func values(in table: Table) throws -> [Double] {
        let columns = try items.map { try table.numeric($0) }
        let total = weights.reduce(0, +)
        return try (0..<table.rowCount).map { r in
            var s = 0.0
            for (k, column) in columns.enumerated() {
                let v = column[r]
                if v.isNaN { return .nan }
                guard v >= low, v <= high else {
                    throw table.rowError(r, column: items[k],
                                              "\(NumberFormat.label(v)) lies outside the item range \(NumberFormat.label(low))–\(NumberFormat.label(high))")
                }
                s += weights[k] * (v - low) / (high - low)
            }
            return 100 * s / total
        }
    }
}
