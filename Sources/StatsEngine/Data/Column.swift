import Foundation

/// A numeric column: contiguous doubles, `Double.nan` marking a missing cell (the CSV reader never
/// produces a NaN from data, so the sentinel is unambiguous).
public struct NumericColumn: Sendable {
    /// One value per row, in table order; NaN marks a missing cell.
    public var values: [Double]
    /// When every cell was written as a decimal with at most this many places (and at most 19
    /// significant digits): then `value × 10^decimals` recovers each written number exactly as
    /// an integer, which lets moment estimators work free of binary representation error
    /// (NIST's NumAcc sets). Nil when unknown.
    public var decimals: Int?

    /// The most places `decimals` may record (a double holds 15 significant digits).
    public static let maximumDecimals = 15

    /// A column of `values`, with the decimal places of their spelling if known.
    public init(_ values: [Double], decimals: Int? = nil) {
        self.values = values
        self.decimals = decimals
    }
}

/// A categorical column: one small integer code per row into a sorted level dictionary, so that
/// grouping and model coding never touch strings on the hot path. Code -1 marks a missing cell.
public struct CategoricalColumn: Sendable {
    /// One code per row, in table order: an index into `levels`, or `missingCode`.
    public var codes: [Int32]
    /// Levels in R's factor order: numerically where every level is a number, else by text.
    public var levels: [String]
    /// A column from codes into `levels`, taken as given.
    public init(codes: [Int32], levels: [String]) {
        self.codes = codes
        self.levels = levels
    }
    /// The code of a missing cell.
    public static let missingCode: Int32 = -1
}

/// One column of a table, numeric or categorical as inferred from its cells.
public enum Column: Sendable {
    /// A column of numbers.
    case numeric(NumericColumn)
    /// A column with a text cell: every cell read as a label.
    case categorical(CategoricalColumn)

    /// The number of rows.
    public var count: Int {
        switch self {
        case .numeric(let c): return c.values.count
        case .categorical(let c): return c.codes.count
        }
    }

    /// Whether row `i` is missing.
    @inlinable public func isMissing(_ i: Int) -> Bool {
        switch self {
        case .numeric(let c): return c.values[i].isNaN
        case .categorical(let c): return c.codes[i] < 0
        }
    }
}

extension CategoricalColumn {
    /// Builds a column from per-row labels (nil = missing), with levels in factor order.
    public init(labels: [String?]) {
        let distinct = Array(Set(labels.compactMap { $0 }))
        let levels = LevelOrder.sorted(distinct)
        var index: [String: Int32] = [:]
        for (i, l) in levels.enumerated() { index[l] = Int32(i) }
        self.init(codes: labels.map { $0.map { index[$0]! } ?? CategoricalColumn.missingCode }, levels: levels)
    }
}

/// R's factor level order, which term names and reference levels depend on.
public enum LevelOrder {
    /// Numerically when every level reads as a number ("2" before "10"), else by Unicode text.
    public static func sorted(_ levels: [String]) -> [String] {
        let numbers = levels.map { Double($0.trimmingCharacters(in: .whitespaces)) }
        if !levels.isEmpty, numbers.allSatisfy({ $0 != nil }) {
            return zip(levels, numbers).sorted { ($0.1!, $0.0) < ($1.1!, $1.0) }.map(\.0)
        }
        return levels.sorted()
    }
}
