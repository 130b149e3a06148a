/// Splits rows into a period's current and baseline waves.
struct PeriodCells {
    let period: Period
    private let codes: [Int32]
    private let current: Int32
    private let baseline: Int32

    init(table: Table, period: Period) throws {
        let column = try table.categorical(period.column)
        func code(_ value: String) throws -> Int32 {
            guard let i = table.level(value, among: column.levels, ofColumn: period.column) else {
                throw DisparityError.data(file: table.source, column: period.column,
                                          "the wave \(quoted: value) does not occur (values: \(listed: column.levels))")
            }
            return Int32(i)
        }
        self.period = period
        self.codes = column.codes
        self.current = try code(period.current)
        self.baseline = try code(period.baseline)
        // Spelled apart, named alike (`2010` and `2010.0` are one wave).
        guard current != baseline else {
            throw DisparityError.usage("--baseline \(quoted: period.baseline) and --current \(quoted: period.current) name the same wave \(quoted: column.levels[Int(current)]) of \(quoted: period.column)")
        }
    }

    func current(_ rows: [Int32]) -> [Int32] { rows.filter { codes[Int($0)] == current } }
    func baseline(_ rows: [Int32]) -> [Int32] { rows.filter { codes[Int($0)] == baseline } }

    /// `domain` (nil: every row) narrowed to the current wave, a mask over the table's rows.
    func current(within domain: [Bool]?) -> [Bool] { mask(current, within: domain) }
    /// `domain` (nil: every row) narrowed to the baseline wave, a mask over the table's rows.
    func baseline(within domain: [Bool]?) -> [Bool] { mask(baseline, within: domain) }

    private func mask(_ wave: Int32, within domain: [Bool]?) -> [Bool] {
        codes.indices.map { codes[$0] == wave && domain?[$0] != false }
    }
}
