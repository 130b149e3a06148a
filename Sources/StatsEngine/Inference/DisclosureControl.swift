/// Disclosure control: a figure resting on fewer than `minimumCell` unweighted observations is
/// withheld — no estimate, no standard error, no interval, a reason instead. Statistics
/// Denmark's rule for results leaving its research servers is 3, the barometer's default;
/// `estimate` and `gap` withhold nothing unless asked (`--min-cell N`).
public struct DisclosureControl: Sendable, Equatable {
    /// The fewest observations a published figure may rest on.
    public var minimumCell: Int

    public init(minimumCell: Int) { self.minimumCell = minimumCell }

    /// `--min-cell N` as given on the command line or in a spec.
    /// - Throws: `DisparityError.usage` unless N ≥ 1.
    public init(checked minimumCell: Int) throws {
        guard minimumCell >= 1 else { throw DisparityError.usage("--min-cell must be at least 1 (got \(minimumCell))") }
        self.init(minimumCell: minimumCell)
    }

    /// Statistics Denmark's rule: at least 3 observations.
    public static let statisticsDenmark = DisclosureControl(minimumCell: 3)
    /// Nothing withheld.
    public static let none = DisclosureControl(minimumCell: 0)

    /// Why a figure whose smallest cell has `observations` rows is withheld; nil when shown.
    public func reason(smallestCell observations: Int) -> String? {
        observations < minimumCell ? "withheld: rests on fewer than \(minimumCell) observations" : nil
    }
}
