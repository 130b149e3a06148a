import Foundation

/// A model's rows grouped by the values of some of its categorical inputs, for the passes that
/// form X'ΩX of many fits at once (the replicate refits, `RefitPasses.swift`).
///
/// A cell is one combination of the levels of some factors and the values of some 0/1 numeric
/// variables (the cells' dimensions). Within a cell every column of the model matrix is either
/// 0 or its monomial, the product of its other factors: a column is the product of its factors
/// in term order (R's `model.matrix`), and there each indicator of a dimension's level and
/// each 0/1 variable is a constant 0 or 1 (a product with 1 is exact). So within a cell X'ΩX
/// needs the sums of the distinct monomials' products only: for the W1 logistic model (an
/// intercept, a 0/1 variable, a five-level factor and nine numeric variables: 15 columns, 10
/// cells, 10 monomials) 55 column pairs instead of 120. An entry of X'ΩX is the sum over the
/// cells where both its columns are present of their monomials' sum there: the same terms in
/// another order, equal to rounding.
struct ModelCells: @unchecked Sendable {
    /// A dimension of the cells and the step of the cell index per level.
    struct Dimension {
        enum Input {
            /// A factor's level positions (0 ..< levels), one per model row.
            case codes([Int])
            /// A numeric variable whose every value is 0 or 1, one per model row.
            case binary([Double])
        }
        let input: Input
        let levels: Int
        let stride: Int
    }

    /// The dimensions; none gives one cell holding every row.
    let dimensions: [Dimension]
    /// The number of cells: the product of the dimensions' levels (a cell may hold no row).
    let count: Int
    /// The distinct monomials, in the order of the columns where each first appears: their
    /// factors in term order (none: the ones).
    let monomials: [[ModelColumnInputs<Double>.Slot]]
    /// Per column of the model matrix, its monomial's position in `monomials`.
    let monomialOf: [Int]
    /// Per cell, per column (cell-major): whether the column equals its monomial in the cell (it
    /// is 0 there otherwise).
    let present: [Bool]

    /// The number of distinct column pairs (i ≤ j) of the monomials.
    var monomialPairs: Int { monomials.count * (monomials.count + 1) / 2 }

    /// The cell of each of `rows` into `cells` (`rows.count` values).
    func cells(of rows: Range<Int>, into cells: UnsafeMutablePointer<Int32>) {
        let m = rows.count, first = rows.lowerBound
        cells.update(repeating: 0, count: m)
        for dimension in dimensions {
            let stride = Int32(dimension.stride)
            switch dimension.input {
            case .codes(let codes):
                codes.withUnsafeBufferPointer { codes in
                    for i in 0..<m { cells[i] += Int32(truncatingIfNeeded: codes[first + i]) * stride }
                }
            case .binary(let values):
                values.withUnsafeBufferPointer { values in
                    for i in 0..<m { cells[i] += values[first + i] == 1 ? stride : 0 }
                }
            }
        }
    }

    /// `rows` ordered by cell, in row order within a cell (a counting sort): `order` gets the
    /// model rows (`rows.count` values), `starts[c] ..< starts[c + 1]` the positions of cell
    /// c's (`count + 1` values); `cells` is scratch for `rows.count` values.
    func order(_ rows: Range<Int>, cells: UnsafeMutablePointer<Int32>, into order: UnsafeMutablePointer<Int32>,
               starts: UnsafeMutablePointer<Int>) {
        let m = rows.count
        self.cells(of: rows, into: cells)
        starts.update(repeating: 0, count: count + 1)
        for i in 0..<m { starts[Int(cells[i]) + 1] += 1 }
        for c in 0..<count { starts[c + 1] += starts[c] }
        // `starts[c]` walks through cell c's positions, then is moved back.
        for i in 0..<m {
            let c = Int(cells[i])
            order[starts[c]] = Int32(truncatingIfNeeded: rows.lowerBound + i)
            starts[c] += 1
        }
        for c in stride(from: count, to: 0, by: -1) { starts[c] = starts[c - 1] }
        starts[0] = 0
    }

    /// Where the sums over a cell's rows go in a fit's normal equations: for X'ΩX's upper
    /// triangle (column pairs i ≤ j in column-major order, p(p + 1)/2 values) and then X'Ωz (p
    /// values), each entry present in the cell and its source among the monomials' sums (their
    /// pairs in the same order, `monomialPairs` values, then their products with Ωz).
    func expansion(cell c: Int) -> [(target: Int, source: Int)] {
        let p = monomialOf.count, pairs = p * (p + 1) / 2
        var map: [(target: Int, source: Int)] = []
        for j in 0..<p where present[c * p + j] {
            for i in 0...j where present[c * p + i] {
                let (a, b) = (min(monomialOf[i], monomialOf[j]), max(monomialOf[i], monomialOf[j]))
                map.append((j * (j + 1) / 2 + i, b * (b + 1) / 2 + a))
            }
            map.append((pairs + j, monomialPairs + monomialOf[j]))
        }
        return map
    }

    /// The coefficients of the monomials in each cell for `count` coefficient vectors
    /// (`coefficients`, p × count, column-major): per cell (cell-major) a monomials × count
    /// matrix, the sum of the coefficients of the columns present there with that monomial
    /// (in column order), so that a row's linear predictor is its monomials times its cell's.
    func cellCoefficients(_ coefficients: [Double], count vectors: Int) -> [Double] {
        let p = monomialOf.count, u = monomials.count
        var out = [Double](repeating: 0, count: count * u * vectors)
        for c in 0..<count {
            for k in 0..<vectors {
                for j in 0..<p where present[c * p + j] {
                    out[c * u * vectors + k * u + monomialOf[j]] += coefficients[k * p + j]
                }
            }
        }
        return out
    }
}

/// A possible dimension of a model's cells: a factor or a numeric variable, by its input's
/// position in `ModelColumnInputs.codes` or `numbers`.
private enum CellCandidate: Hashable {
    case factor(Int)
    case number(Int)
}

extension ModelColumnInputs where T == Double {
    /// The model's cells (`ModelCells`), at most `limit` of them: the dimensions are taken among
    /// the factors and the numeric variables whose every value is 0 or 1, those in most columns
    /// first (then those of fewer levels), while the cells number at most `limit`.
    func cells(limit: Int) -> ModelCells {
        func mentions(_ candidate: CellCandidate, _ slot: Slot) -> Bool {
            switch (candidate, slot) {
            case (.factor(let s), .indicator(let t, _)): return s == t
            case (.number(let s), .number(let t)): return s == t
            default: return false
            }
        }
        var candidates: [(candidate: CellCandidate, levels: Int, columns: Int)] = []
        for (s, values) in codes.enumerated() {
            guard let low = values.min(), let high = values.max(), low >= 0 else { continue }
            candidates.append((.factor(s), high + 1, 0))
        }
        for (s, values) in numbers.enumerated() where values.allSatisfy({ $0 == 0 || $0 == 1 }) {
            candidates.append((.number(s), 2, 0))
        }
        for k in candidates.indices {
            candidates[k].columns = recipes.filter { $0.contains { mentions(candidates[k].candidate, $0) } }.count
        }
        candidates = candidates.indices.sorted {
            (candidates[$0].columns, -candidates[$0].levels, -$0) > (candidates[$1].columns, -candidates[$1].levels, -$1)
        }.map { candidates[$0] }
        var chosen: [(candidate: CellCandidate, levels: Int)] = [], count = 1
        for candidate in candidates where candidate.columns > 0 && count * candidate.levels <= limit {
            chosen.append((candidate.candidate, candidate.levels))
            count *= candidate.levels
        }
        var stride = 1
        let dimensions = chosen.map { dimension -> ModelCells.Dimension in
            defer { stride *= dimension.levels }
            switch dimension.candidate {
            case .factor(let s): return ModelCells.Dimension(input: .codes(codes[s]), levels: dimension.levels, stride: stride)
            case .number(let s): return ModelCells.Dimension(input: .binary(numbers[s]), levels: 2, stride: stride)
            }
        }
        // The dimension a slot reads, if any.
        func dimension(of slot: Slot) -> Int? { chosen.firstIndex { mentions($0.candidate, slot) } }
        var monomials: [[Slot]] = [], monomialOf: [Int] = []
        for recipe in recipes {
            let monomial = recipe.filter { dimension(of: $0) == nil }
            if let known = monomials.firstIndex(of: monomial) { monomialOf.append(known) } else {
                monomialOf.append(monomials.count)
                monomials.append(monomial)
            }
        }
        let present = (0..<count).flatMap { c in
            recipes.map { recipe in
                recipe.allSatisfy { slot in
                    guard let d = dimension(of: slot) else { return true }
                    let digit = c / dimensions[d].stride % dimensions[d].levels
                    if case .indicator(_, let level) = slot { return digit == level }
                    return digit == 1
                }
            }
        }
        return ModelCells(dimensions: dimensions, count: count, monomials: monomials, monomialOf: monomialOf, present: present)
    }

    /// Writes the monomial `u` of `cells` at `rows` to `out`, as `write(column:rows:scale:to:)`
    /// writes a column's factors.
    func write(monomial u: Int, of cells: ModelCells, rows: Range<Int>, to out: UnsafeMutablePointer<Double>) {
        write(recipe: cells.monomials[u], rows: rows, scale: nil, to: out)
    }
}
