/// Value labels applied to a column of a statistical file.
///
/// A numeric column with labels for values that occur becomes categorical: its levels are the
/// codes that occur (missing ones aside), in code order, each named by its label; a code without
/// a label is named by the code itself (`4`, as R's `haven::as_factor` does), and codes sharing
/// a name stay separate levels, as SPSS and Stata group them, each named `[code] label` (haven's
/// `as_factor(levels = "both")`), so that no two groups are pooled under one name. Labels that
/// name only missing values leave the column numeric.
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
        let names = distinctNames(numbers.levels, labels: numbers.levels.map { byCode[Double($0)!] })
        return .categorical(CategoricalColumn(codes: numbers.codes, levels: names))
    }

    /// The names of values spelled `values` (distinct) with `labels` (nil: none): each its label,
    /// else its own spelling; a name that several values share is `[value] name` for each,
    /// unless it is one of the `missing` codes (`--na`: those values are missing all the same).
    static func distinctNames(_ values: [String], labels: [String?], missing: Set<String> = []) -> [String] {
        let names = zip(values, labels).map { $1 ?? $0 }
        var uses: [String: Int] = [:]
        for name in names { uses[name, default: 0] += 1 }
        return zip(values, names).map { value, name in uses[name]! > 1 && !missing.contains(name) ? "[\(value)] \(name)" : name }
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
}
