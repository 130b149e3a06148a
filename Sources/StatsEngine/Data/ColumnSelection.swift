/// The columns of a data file a reader keeps (`ReadOptions.columns`): all of them, or those an
/// analysis names — column names and glob patterns (`repw*`, `rep?`, as `--replicate-weights`
/// takes them). The other columns are walked over to find the records but never parsed or
/// stored, so memory follows the columns used, not the file.
public enum ColumnSelection: Sendable, Hashable {
    /// Every column of the file.
    case all
    /// The columns that `ColumnSelection.item(_:matches:)` matches with one of these items.
    case only(Set<String>)

    /// The columns named by `items` (names or glob patterns).
    public init(_ items: some Sequence<String>) { self = .only(Set(items)) }

    /// Both selections' columns.
    public func union(_ other: ColumnSelection) -> ColumnSelection {
        switch (self, other) {
        case (.only(let a), .only(let b)): return .only(a.union(b))
        default: return .all
        }
    }

    /// Whether the column `name` is kept.
    public func contains(_ name: String) -> Bool {
        switch self {
        case .all: return true
        case .only(let items): return items.contains(name) || items.contains { Self.item($0, matches: name) }
        }
    }

    /// Whether `item` names the column `name`: a glob (`*` any run, `?` one character) matches by
    /// pattern, any other item only its own name.
    public static func item(_ item: String, matches name: String) -> Bool {
        guard isPattern(item) else { return item == name }
        let p = Array(item), s = Array(name)
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || p[pi] == s[si] {
                pi += 1; si += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = si; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Whether `item` is a glob pattern rather than a column name.
    static func isPattern(_ item: String) -> Bool { item.contains("*") || item.contains("?") }
}

/// A request or design that knows which columns of its data it reads, so that only those are
/// read (`ReadOptions.columns`). Where they cannot be known before the data is read, `.all`.
public protocol ColumnUsing {
    /// The columns read, names or glob patterns.
    var columnsUsed: ColumnSelection { get }
}
