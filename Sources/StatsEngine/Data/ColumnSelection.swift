import Foundation

/// The columns of a data file a reader keeps (`ReadOptions.columns`): all of them, or those an
/// analysis names — column names and glob patterns (`repw*`, `rep?`, `b[0-9]*`, as `--replicate-weights`
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

    /// Whether `item` names the column `name`: its own name, or a glob (POSIX `fnmatch`: `*` any
    /// run, `?` one character, `[0-9]` and `[!_]` one character of a class) that matches it.
    public static func item(_ item: String, matches name: String) -> Bool {
        item == name || (isPattern(item) && fnmatch(item, name, 0) == 0)
    }

    /// Whether `item` is a glob pattern rather than a column name.
    static func isPattern(_ item: String) -> Bool { item.contains { $0 == "*" || $0 == "?" || $0 == "[" } }
}

/// A request or design that knows which columns of its data it reads, so that only those are
/// read (`ReadOptions.columns`). Where they cannot be known before the data is read, `.all`.
public protocol ColumnUsing {
    /// The columns read, names or glob patterns.
    var columnsUsed: ColumnSelection { get }
}
