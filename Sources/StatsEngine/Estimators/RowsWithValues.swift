/// The rows of `rows` (table rows, each below every column's length) at which every one of
/// `columns` has a value (not NaN), in order: `rows` itself, not copied, when none is missing
/// (the usual case, found with one tight pass a column); otherwise the rows that remain.
func rowsWithValues(_ rows: [Int32], in columns: [[Double]]) -> [Int32] {
    let complete = rows.withUnsafeBufferPointer { rows in
        columns.allSatisfy { column in
            column.withUnsafeBufferPointer { values in !rows.contains { values[Int($0)].isNaN } }
        }
    }
    return complete ? rows : rows.filter { r in columns.allSatisfy { !$0[Int(r)].isNaN } }
}
