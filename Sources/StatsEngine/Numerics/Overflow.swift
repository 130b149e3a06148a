/// Sums beyond a double's range. Values or weights near 1.8e308 (or squares of values near
/// 1e154) make a weighted sum, and so an estimate or its variance, Inf or NaN, which the outputs
/// would show as missing: the analyses refuse them instead, naming what overflowed and the
/// column to rescale.
extension DisparityError {
    /// The bound messages name.
    static let largestDouble = "the largest double (1.8e308)"

    /// A data error at `file` (and `column`, when one is named): "`what` exceeds the largest
    /// double (1.8e308); rescale it".
    static func overflow(file: String, column: String? = nil, _ what: String) -> DisparityError {
        .data(file: file, column: column, "\(what) exceeds \(largestDouble); rescale it")
    }

    /// Whether this is an overflow error (`overflow(file:column:_:)`).
    var isOverflow: Bool { kind == .data && message.hasSuffix(" exceeds \(Self.largestDouble); rescale it") }

    /// This overflow error said of a replicate's weights ("… on a replicate's weights exceeds …"):
    /// a replicate's estimate beyond a double, which is no estimate to leave out of a variance.
    var onReplicateWeights: DisparityError {
        let place = " on a replicate's weights"
        guard isOverflow, !message.contains(place) else { return self }
        let end = " exceeds \(Self.largestDouble); rescale it"
        return DisparityError(.data, String(message.dropLast(end.count)) + place + end)
    }
}
