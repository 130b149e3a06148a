import Foundation

/// The columns of a model matrix — their inputs, coefficient names and terms — which depend only
/// on the right-hand side, the rows and the factors' levels, not on the response. Models with the
/// same right-hand side on the same rows (a linear and a logistic regression of one batch) share
/// one copy through the table's `ModelColumnsCache`. The matrix itself is formed block by block
/// where it is used; `values` forms it whole, once, for the callers that need it so.
final class ModelColumns: @unchecked Sendable {
    /// What the columns were built from.
    let key: ModelColumnsCache.Key
    /// The columns' inputs, forming any block of rows.
    let inputs: ModelColumnInputs<Double>
    /// Coefficient names, one per column.
    let names: [String]
    /// Per column, the index of its term in the formula's terms, or -1 for the intercept.
    let terms: [Int]

    private let lock = NSLock()
    private var whole: [Double]? = nil
    private var bounds: [Double]? = nil
    private var cells: ModelCells? = nil

    init(key: ModelColumnsCache.Key, inputs: ModelColumnInputs<Double>, plan: ColumnPlan) {
        self.key = key
        self.inputs = inputs
        names = plan.names
        terms = plan.terms
    }

    /// Column-major values, rows × names.count, formed on first use and kept.
    var values: [Double] { kept(\.whole) { $0.inputs.matrix() } }

    /// Per column, a bound on its largest |value| (`ModelColumnInputs.magnitudes`), computed on
    /// first use and kept.
    var magnitudes: [Double] { kept(\.bounds) { $0.inputs.magnitudes() } }

    /// The cells the replicate refits' passes sort the rows into (`ModelColumnInputs.cells`,
    /// at most `IRLSPass.refitCellLimit`), computed on first use and kept.
    var refitCells: ModelCells { kept(\.cells) { $0.inputs.cells(limit: IRLSPass.refitCellLimit) } }

    /// The value kept at `slot`, computed by `make` (under the lock) the first time.
    private func kept<T>(_ slot: ReferenceWritableKeyPath<ModelColumns, T?>, _ make: (ModelColumns) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        if let value = self[keyPath: slot] { return value }
        let value = make(self)
        self[keyPath: slot] = value
        return value
    }
}

/// Model matrix columns alive in some analysis of a table, for another model to share: held
/// weakly, so the columns go when the last model using them does. A table that changes a column
/// gets a new cache (`Table.replacing`).
final class ModelColumnsCache: @unchecked Sendable {
    /// What the columns are built from: the right-hand side, the rows and the factors' levels.
    struct Key: Equatable, Sendable {
        let terms: [ModelFormula.Term]
        let hasIntercept: Bool
        let rows: [Int32]
        let levels: [ModelVariable: [String]]
    }

    private struct Entry {
        weak var columns: ModelColumns?
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    /// An empty cache.
    init() {}

    /// The columns for `key`: those a live model already has, else `build`'s (built while the
    /// cache is locked, so a model asking for the same columns meanwhile waits and shares them).
    func columns(for key: Key, build: () throws -> ModelColumns) rethrows -> ModelColumns {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.columns == nil }
        for entry in entries { if let shared = entry.columns, shared.key == key { return shared } }
        let built = try build()
        entries.append(Entry(columns: built))
        return built
    }
}
