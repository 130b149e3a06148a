/// The valid name closest to a misspelt one (Levenshtein distance), for "did you mean" hints in
/// errors about unknown keys and options.
public enum NearestName {
    /// Names longer than this get no suggestion (the distance takes time quadratic in length).
    static let longestName = 200

    /// The candidate nearest to `name`, if one is within a third of its length (at least 2 edits).
    public static func suggestion(for name: String, among candidates: [String]) -> String? {
        guard name.count <= longestName else { return nil }
        let limit = max(2, name.count / 3)
        let scored = candidates.filter { abs($0.count - name.count) <= limit }.map { ($0, distance(name, $0)) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// "; did you mean 'x'?" or nothing.
    public static func hint(for name: String, among candidates: [String]) -> String {
        suggestion(for: name, among: candidates).map { "; did you mean \(quoted: $0)?" } ?? ""
    }

    /// Edits (insertions, deletions, substitutions) turning `a` into `b`.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
