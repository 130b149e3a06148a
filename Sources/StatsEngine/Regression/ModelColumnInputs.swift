import Foundation

/// The columns of a model matrix before any is computed: names, terms and, per column, the
/// factors whose product it is (R's `model.matrix` columns, see `DesignMatrix`).
struct ColumnPlan: Sendable {
    /// Coefficient names, one per column.
    let names: [String]
    /// Per column, the index of its term in the formula's terms, or -1 for the intercept.
    let terms: [Int]
    /// Per column, its factors in term order (none: the intercept's ones).
    let factors: [[ColumnFactor]]
}

/// A factor of a model-matrix column: a numeric variable, or the indicator of one level of a
/// factor variable (the level's position among the factor's levels).
enum ColumnFactor: Sendable {
    case number(ModelVariable)
    case indicator(ModelVariable, level: Int)
}

/// A model matrix as its plan and the variables it is computed from — numbers and factor codes,
/// one per model row — so that any block of rows of any column can be formed where it is used
/// (`ColumnBlocks`) and the n × p matrix exists only when a caller asks for it whole
/// (`matrix()`). Each value is the product of its column's factors in term order, so every
/// block, and the whole, hold exactly what R's `model.matrix` computes.
struct ModelColumnInputs<T: ModelScalar>: @unchecked Sendable {
    /// A column's factor, by its input's position in `numbers` or `codes`.
    enum Slot: Hashable {
        case number(Int)
        case indicator(Int, level: Int)
    }

    let rowCount: Int
    /// Per column, its factors in term order (none: the intercept's ones).
    let recipes: [[Slot]]
    /// The numeric inputs, one value per model row.
    let numbers: [[T]]
    /// The factors' inputs: level positions, one per model row.
    let codes: [[Int]]

    /// The inputs of `plan`'s columns: `numbers[v]` for each numeric variable and `codes[v]`
    /// (level positions) for each factor, one value per model row (`rowCount`).
    init(plan: ColumnPlan, rowCount: Int, numbers: [ModelVariable: [T]], codes: [ModelVariable: [Int]]) {
        var numberSlots: [ModelVariable: Int] = [:], codeSlots: [ModelVariable: Int] = [:]
        var numberInputs: [[T]] = [], codeInputs: [[Int]] = []
        recipes = plan.factors.map { factors in
            factors.map { factor in
                switch factor {
                case .number(let v):
                    if numberSlots[v] == nil { numberSlots[v] = numberInputs.count; numberInputs.append(numbers[v]!) }
                    return .number(numberSlots[v]!)
                case .indicator(let v, let level):
                    if codeSlots[v] == nil { codeSlots[v] = codeInputs.count; codeInputs.append(codes[v]!) }
                    return .indicator(codeSlots[v]!, level: level)
                }
            }
        }
        self.rowCount = rowCount
        self.numbers = numberInputs
        self.codes = codeInputs
    }

    /// The number of columns.
    var columnCount: Int { recipes.count }

    /// Writes column `j` at `rows` to `out` (which may be uninitialized), each value times
    /// `scale[i]` when given (`scale[0]` for the first row of `rows`): the product of the
    /// column's factors in term order, then the scale.
    func write(column j: Int, rows: Range<Int>, scale: UnsafePointer<T>?, to out: UnsafeMutablePointer<T>) {
        write(recipe: recipes[j], rows: rows, scale: scale, to: out)
    }

    /// Writes the product of `recipe`'s factors in order (none: ones) at `rows` to `out`, as
    /// `write(column:rows:scale:to:)` writes a column's.
    func write(recipe: [Slot], rows: Range<Int>, scale: UnsafePointer<T>?, to out: UnsafeMutablePointer<T>) {
        let m = rows.count, first = rows.lowerBound
        guard !recipe.isEmpty else {
            if let scale { for i in 0..<m { (out + i).initialize(to: scale[i] * T(1)) } } else { out.initialize(repeating: T(1), count: m) }
            return
        }
        for (k, slot) in recipe.enumerated() {
            // The scale is applied with the last factor, to the finished product.
            let scale = k == recipe.count - 1 ? scale : nil
            switch slot {
            case .number(let s):
                numbers[s].withUnsafeBufferPointer { x in
                    let x = x.baseAddress! + first
                    switch (k == 0, scale) {
                    case (true, nil): out.initialize(from: x, count: m)
                    case (true, let scale?): for i in 0..<m { (out + i).initialize(to: scale[i] * x[i]) }
                    case (false, nil): for i in 0..<m { out[i] = out[i] * x[i] }
                    case (false, let scale?): for i in 0..<m { out[i] = scale[i] * (out[i] * x[i]) }
                    }
                }
            case .indicator(let s, let level):
                codes[s].withUnsafeBufferPointer { c in
                    let c = c.baseAddress! + first
                    switch (k == 0, scale) {
                    case (true, nil): for i in 0..<m { (out + i).initialize(to: T(c[i] == level ? 1 : 0)) }
                    case (true, let scale?): for i in 0..<m { (out + i).initialize(to: scale[i] * T(c[i] == level ? 1 : 0)) }
                    case (false, nil): for i in 0..<m { out[i] = out[i] * T(c[i] == level ? 1 : 0) }
                    case (false, let scale?): for i in 0..<m { out[i] = scale[i] * (out[i] * T(c[i] == level ? 1 : 0)) }
                    }
                }
            }
        }
    }

    /// Adds `c` times column `j` at `rows` to `sums` (`sums[i] += c·xᵢⱼ`, `sums[0]` for the first
    /// row of `rows`), reading a column of one factor where it is, without forming it.
    func accumulate(column j: Int, rows: Range<Int>, times c: T, into sums: UnsafeMutablePointer<T>) {
        let m = rows.count, first = rows.lowerBound
        let recipe = recipes[j]
        switch recipe.first {
        case nil:
            for i in 0..<m { sums[i] = sums[i] + c * T(1) }
        case .number(let s)? where recipe.count == 1:
            numbers[s].withUnsafeBufferPointer { x in
                let x = x.baseAddress! + first
                for i in 0..<m { sums[i] = sums[i] + c * x[i] }
            }
        case .indicator(let s, let level)? where recipe.count == 1:
            codes[s].withUnsafeBufferPointer { codes in
                let codes = codes.baseAddress! + first
                for i in 0..<m { sums[i] = sums[i] + c * T(codes[i] == level ? 1 : 0) }
            }
        default:
            withUnsafeTemporaryAllocation(of: T.self, capacity: m) { column in
                write(column: j, rows: rows, scale: nil, to: column.baseAddress!)
                for i in 0..<m { sums[i] = sums[i] + c * column[i] }
            }
        }
    }

    /// The whole matrix, column-major `rowCount × columnCount`, its columns formed on all cores.
    func matrix() -> [T] {
        let n = rowCount, p = columnCount
        return [T](unsafeUninitializedCapacity: n * p) { buffer, count in
            let base = UnsafeSendable(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: p) { j in write(column: j, rows: 0..<n, scale: nil, to: base.value + j * n) }
            count = n * p
        }
    }
}

extension ModelColumnInputs: ColumnBlocks where T == Double {
    /// Per column, a bound on its largest |value|: the product of its factors' largest |value|
    /// (1 for an indicator), exact for a column of one factor.
    func magnitudes() -> [Double] {
        var largest = [Double](repeating: 0, count: numbers.count)
        largest.withUnsafeMutableBufferPointer { slots in
            let shared = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: numbers.count) { s in
                shared.value[s] = numbers[s].withUnsafeBufferPointer { x in
                    // Four running maxima, so the loop vectorizes.
                    var (m0, m1, m2, m3) = (0.0, 0.0, 0.0, 0.0)
                    let whole = x.count / 4 * 4
                    for i in stride(from: 0, to: whole, by: 4) {
                        m0 = Swift.max(m0, abs(x[i]))
                        m1 = Swift.max(m1, abs(x[i + 1]))
                        m2 = Swift.max(m2, abs(x[i + 2]))
                        m3 = Swift.max(m3, abs(x[i + 3]))
                    }
                    var largest = Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
                    for i in whole..<x.count { largest = Swift.max(largest, abs(x[i])) }
                    return largest
                }
            }
        }
        return recipes.map { recipe in
            recipe.reduce(1.0) { bound, slot in
                if case .number(let s) = slot { return bound * largest[s] }
                return bound
            }
        }
    }
}
