/// A columnar data set: what every estimator reads. Rows are positions `0..<rowCount`.
public struct Table: Sendable {
    /// Where the data came from, named in every error about it.
    public let source: String
    public let names: [String]
    public private(set) var columns: [Column]
    public let rowCount: Int
    private let indexByName: [String: Int]

    public init(source: String, names: [String], columns: [Column]) {
        precondition(names.count == columns.count, "one name per column")
        self.source = source
        self.names = names
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        self.indexByName = index
    }

    /// The column called `name`, or an error naming it and the file.
    public func column(_ name: String) throws -> Column {
        guard let i = indexByName[name] else {
            throw DisparityError.data(file: source, column: name, "no such column (columns: \(names.joined(separator: ", ")))")
        }
        return columns[i]
    }

    /// The numeric column `name`; a categorical one is an error that shows an offending cell.
    public func numeric(_ name: String) throws -> [Double] { try numericColumn(name).values }

    /// The numeric column `name` with what the reader learnt of its spelling.
    public func numericColumn(_ name: String) throws -> NumericColumn {
        switch try column(name) {
        case .numeric(let c): return c
        case .categorical(let c):
            let row = c.codes.firstIndex { $0 >= 0 && !NumberParser.isNumber(c.levels[Int($0)]) } ?? 0
            let cell = c.codes[row] >= 0 ? c.levels[Int(c.codes[row])] : ""
            throw DisparityError.data(file: source, line: row + 2, column: name, "expected a number, found '\(cell)'")
        }
    }

    /// The table with one more column (same length), for variables a computation derives.
    public func adding(_ name: String, _ column: Column) -> Table {
        Table(source: source, names: names + [name], columns: columns + [column])
    }

    /// The same table with column `name` replaced (same length), for counterfactual predictions.
    public func replacing(_ name: String, with column: Column) throws -> Table {
        guard let i = indexByName[name] else { throw DisparityError.data(file: source, column: name, "no such column") }
        var copy = self
        copy.columns[i] = column
        return copy
    }

    /// The column `name` as categories; a numeric column is coded by its distinct values,
    /// which is what `factor(x)` and grouping by a numeric id mean.
    public func categorical(_ name: String) throws -> CategoricalColumn {
        switch try column(name) {
        case .categorical(let c): return c
        case .numeric(let c): return CategoricalColumn(numbers: c.values)
        }
    }
}

extension CategoricalColumn {
    /// Codes the distinct values of a numeric column in numeric order, labelled as R prints them.
    /// Identifier columns of whole numbers in a modest range (strata, PSU ids) are coded by
    /// direct indexing, without hashing a million doubles.
    public init(numbers: [Double]) {
        var low = Double.infinity, high = -Double.infinity, whole = true
        for v in numbers where !v.isNaN {
            low = min(low, v)
            high = max(high, v)
            if whole, v != v.rounded() { whole = false }
        }
        if whole, low.isFinite, high - low < 16_000_000 {
            let width = Int(high - low) + 1
            var present = [Int32](repeating: -1, count: width)
            for v in numbers where !v.isNaN { present[Int(v - low)] = 0 }
            var levels: [String] = []
            for k in 0..<width where present[k] == 0 {
                present[k] = Int32(levels.count)
                levels.append(NumberFormat.label(low + Double(k)))
            }
            self.init(codes: numbers.map { $0.isNaN ? CategoricalColumn.missingCode : present[Int($0 - low)] }, levels: levels)
            return
        }
        let distinct = Array(Set(numbers.filter { !$0.isNaN })).sorted()
        var index: [Double: Int32] = [:]
        index.reserveCapacity(distinct.count)
        for (i, v) in distinct.enumerated() { index[v] = Int32(i) }
        let codes = numbers.map { $0.isNaN ? CategoricalColumn.missingCode : index[$0]! }
        self.init(codes: codes, levels: distinct.map(NumberFormat.label))
    }
}

/// How numbers appear as labels and level names: integers without a trailing ".0", as R does.
public enum NumberFormat {
    public static func label(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
