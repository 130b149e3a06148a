/// Disclosure control: a figure resting on fewer than `minimumCell` unweighted observations is
/// withheld — no estimate, no standard error, no interval, a reason instead — and so is any
/// figure that would give a withheld one away (`complementary`). Statistics Denmark's rule for
/// results leaving its research servers is 3, the barometer's default; `estimate`, `gap` and
/// `table` withhold nothing unless asked (`--min-cell N`).
public struct DisclosureControl: Sendable, Equatable {
    /// The fewest observations a published figure may rest on.
    public var minimumCell: Int

    /// A threshold taken as given (0 withholds nothing); see `init(checked:)` for user input.
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

    /// Why a figure is withheld that rests on enough observations but would reveal a withheld
    /// one (`complementary`).
    public var complementaryReason: String { "withheld: " + complementaryCause }

    /// `complementaryReason` without its "withheld: ", for a place that names withheld figures
    /// itself (the barometer's `suppressed` column).
    public var complementaryCause: String {
        "with it, a figure of fewer than \(minimumCell) observations could be worked out (secondary suppression)"
    }

    /// Secondary (complementary) cell suppression along lines of figures that add up to a
    /// known total: the shares of a factor's categories within a domain (to 1), a cross-table's
    /// cells along each row, each column and the whole table. A line with exactly one withheld
    /// figure gives it away as the line's total less the figures shown, so the shown figure of
    /// the line resting on the fewest observations (the first of equals) is withheld with it;
    /// lines are visited again until none has exactly one. A figure of no observations (a known
    /// 0) hides nothing and is never chosen; a line with nothing else to withhold is left as it
    /// is (its one figure is then the line's total, known anyway). The heuristic of
    /// Hundepool et al., *Statistical Disclosure Control* (Wiley 2012), §4.2.2, for
    /// linked one- and two-way tables.
    /// - Parameters:
    ///   - counts: each figure's unweighted observations.
    ///   - withheld: whether each figure is withheld already (as `counts`).
    ///   - lines: the figures (indices into `counts`) of each line.
    /// - Returns: the figures to withhold besides `withheld`, ascending.
    public static func complementary(counts: [Int], withheld: [Bool], lines: [[Int]]) -> [Int] {
        var hidden = withheld
        var changed = true
        while changed {
            changed = false
            for line in lines where line.filter({ hidden[$0] && counts[$0] > 0 }).count == 1 {
                let shown = line.filter { !hidden[$0] && counts[$0] > 0 }
                guard let cover = shown.min(by: { counts[$0] < counts[$1] }) else { continue }
                hidden[cover] = true
                changed = true
            }
        }
        return hidden.indices.filter { hidden[$0] && !withheld[$0] }
    }
}
