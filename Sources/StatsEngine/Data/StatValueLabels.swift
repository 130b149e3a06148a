/// Value labels applied to a column of a statistical file.
///
/// A numeric column with labels for values that occur becomes categorical: its levels are the
/// codes that occur (missing ones aside), in code order, each named by its label; a code without
/// a label is named by the code itself (`4`, as R's `haven::as_factor` does), and codes sharing
/// a label are one level. Labels that name only missing values leave the column numeric.
/// Labelled codes that never occur are no level (as a CSV of the same data would have them).
/// A value whose label is an `--na` code is missing.
enum StatValueLabels {
    /// The numeric column with `labels` (code order) applied; `keepCodes` keeps the numbers
    /// (only the `--na` labels turn missing).
    static func apply(_ labels: [(code: Double, label: String)], to column: NumericColumn, missing: Set<String>,
                      keepCodes: Bool) -> Column {
        var column = column
        let missingCodes = Set(labels.filter { missing.contains($0.label) }.map(\.code))
        if !missingCodes.isEmpty {
            for i in column.values.indices where missingCodes.contains(column.values[i]) { column.values[i] = .nan }
        }
        if keepCodes { return .numeric(column) }
        let byCode = Dictionary(labels.map { ($0.code, $0.label) }, uniquingKeysWith: { first, _ in first })
        let numbers = CategoricalColumn(numbers: column.values)
        // The levels are the numbers in numeric order, spelled as `NumberFormat.label`, which reads back exactly.
        let names = numbers.levels.map { level in byCode[Double(level)!] ?? level }
        return .categorical(merged(numbers.codes, names: names))
    }

    /// A text column from per-row codes into `texts` (in first-seen order), with levels in the
    /// CSV reader's order and texts spelled as an `--na` code missing.
    static func textColumn(codes: [Int32], texts: [String], missing: Set<String>) -> CategoricalColumn {
        let levels = LevelOrder.sorted(Array(Set(texts.filter { !missing.contains($0) })))
        var index: [String: Int32] = [:]
        for (i, l) in levels.enumerated() { index[l] = Int32(i) }
        let map = texts.map { index[$0] ?? CategoricalColumn.missingCode }
        return CategoricalColumn(codes: codes.map { $0 < 0 ? $0 : map[Int($0)] }, levels: levels)
    }

    /// Codes into `names` with repeated names made one level (at the first's place).
    private static func merged(_ codes: [Int32], names: [String]) -> CategoricalColumn {
        var levels: [String] = []
        var index: [String: Int32] = [:]
        let map = names.map { name -> Int32 in
            if let i = index[name] { return i }
            index[name] = Int32(levels.count)
            levels.append(name)
            return Int32(levels.count - 1)
        }
        guard levels.count < names.count else { return CategoricalColumn(codes: codes, levels: names) }
        return CategoricalColumn(codes: codes.map { $0 < 0 ? $0 : map[Int($0)] }, levels: levels)
    }
}
