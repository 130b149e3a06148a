import CReadStat

/// Collects what ReadStat's callbacks hand over — variables, values row by row, value labels —
/// into one array per column, and makes the `Table` at the end (value labels may come after
/// the data, as in Stata files). Only the variables `ReadOptions.columns` selects are kept: the
/// others are declined when declared, so ReadStat never hands over their values. A class
/// because ReadStat's C callbacks reach it through a context pointer.
final class StatTableBuilder {
    /// One variable of the file as it is read.
    private struct Variable {
        var name: String
        var label: String?
        var format: String?
        var labelSet: String?
        var isText: Bool
        /// Numeric values (NaN missing); empty for text.
        var numbers: [Double] = []
        /// The most decimal places a value needs to be written exactly (`NumericColumn.decimals`);
        /// `Int.max` once a value needs more than a double holds.
        var decimals = 0
        /// Text: one code per row into `texts` (missingCode for missing).
        var codes: [Int32] = []
        var texts: [String] = []
        var textIndex: [String: Int32] = [:]
        var count: Int { isText ? codes.count : numbers.count }
    }

    /// The file, named in errors.
    private let source: String
    private let family: StatFileFamily
    private let keepCodes: Bool
    /// The variables kept.
    private let selection: ColumnSelection
    /// `--na` codes: as text (strings and value labels) and those that are numbers.
    private let missingTexts: Set<String>
    private let missingNumbers: [Double]
    /// The kept variables, in file order.
    private var variables: [Variable] = []
    /// Every variable's name, in file order (kept or not).
    private var fileNames: [String] = []
    /// By ReadStat's variable index: the variable's place in `variables`, nil when skipped.
    private var slots: [Int?] = []
    private var expectedRows = -1
    /// Value labels by label set: numeric codes and text codes.
    private var numberLabels: [String: [(code: Double, label: String)]] = [:]
    private var textLabels: [String: [String: String]] = [:]
    /// The message of ReadStat's error handler, for the error naming the file.
    var readStatMessage: String?
    /// A failure of the builder itself, which aborted the parse.
    private(set) var failure: DisparityError?

    /// Powers of ten up to 10^15, for the decimal places of a value.
    private static let powers: [Double] = (0...NumericColumn.maximumDecimals).map { pow10($0) }
    private static func pow10(_ k: Int) -> Double { (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// A builder for the file `source` of `family`, read with `options`.
    init(source: String, family: StatFileFamily, options: ReadOptions) {
        self.source = source
        self.family = family
        self.keepCodes = options.keepCodes
        self.selection = options.columns
        self.missingTexts = Set(options.csv.missingCodes)
        self.missingNumbers = options.csv.missingCodes.compactMap { Double($0) }
    }

    /// The builder behind ReadStat's context pointer.
    static func of(_ context: UnsafeMutableRawPointer?) -> StatTableBuilder {
        Unmanaged<StatTableBuilder>.fromOpaque(context!).takeUnretainedValue()
    }

    /// The row count the file declares (-1 when it does not), to reserve the columns.
    func expectRows(_ rows: Int) { expectedRows = rows }

    /// Declares the next variable; returns whether it is kept (a skipped one's values are not
    /// asked for).
    func addVariable(_ variable: UnsafeMutablePointer<readstat_variable_t>, labelSet: String?) -> Bool {
        func text(_ c: UnsafePointer<CChar>?) -> String? { c.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        let name = String(cString: readstat_variable_get_name(variable))
        let index = Int(readstat_variable_get_index(variable))
        fileNames.append(name)
        if slots.count <= index { slots += [Int?](repeating: nil, count: index + 1 - slots.count) }
        guard selection.contains(name) else { return false }
        slots[index] = variables.count
        var v = Variable(name: name, label: text(readstat_variable_get_label(variable)),
                         format: text(readstat_variable_get_format(variable)), labelSet: labelSet.flatMap { $0.isEmpty ? nil : $0 },
                         isText: readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING)
        if expectedRows > 0 {
            if v.isText { v.codes.reserveCapacity(expectedRows) } else { v.numbers.reserveCapacity(expectedRows) }
        }
        variables.append(v)
        return true
    }

    /// Stores one value of `variable` (the next row of its column).
    func add(_ value: readstat_value_t, of variable: UnsafeMutablePointer<readstat_variable_t>) -> Int32 {
        let index = Int(readstat_variable_get_index(variable))
        guard index < slots.count, let c = slots[index] else {
            failure = DisparityError.data(file: source, "ReadStat gave a value of an undeclared variable")
            return Int32(READSTAT_HANDLER_ABORT)
        }
        let missing = readstat_value_is_missing(value, variable) != 0
        if variables[c].isText {
            let text = missing ? "" : readstat_string_value(value).map { String(cString: $0) } ?? ""
            if text.allSatisfy(\.isWhitespace) || missingTexts.contains(text.trimmingCharacters(in: .whitespaces)) {
                variables[c].codes.append(CategoricalColumn.missingCode)
            } else if let code = variables[c].textIndex[text] {
                variables[c].codes.append(code)
            } else {
                let code = Int32(variables[c].texts.count)
                variables[c].texts.append(text)
                variables[c].textIndex[text] = code
                variables[c].codes.append(code)
            }
            return Int32(READSTAT_HANDLER_OK)
        }
        var number = Double.nan
        if !missing {
            number = Self.number(value)
            if missingNumbers.contains(number) { number = .nan }
        }
        if !number.isNaN, variables[c].decimals != Int.max { variables[c].decimals = max(variables[c].decimals, Self.decimals(of: number)) }
        variables[c].numbers.append(number)
        return Int32(READSTAT_HANDLER_OK)
    }

    /// Stores one value label of the label set `set`; labels of missing values are not needed
    /// (those values are missing).
    func addLabel(_ value: readstat_value_t, label: String, set: String) {
        if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING {
            if let key = readstat_string_value(value) { textLabels[set, default: [:]][String(cString: key)] = label }
            return
        }
        guard readstat_value_is_system_missing(value) == 0, readstat_value_is_tagged_missing(value) == 0 else { return }
        numberLabels[set, default: []].append((Self.number(value), label))
    }

    /// A numeric ReadStat value as a double; a float as the shortest decimal that reads back as it.
    private static func number(_ value: readstat_value_t) -> Double {
        switch readstat_value_type(value) {
        case READSTAT_TYPE_INT8: return Double(readstat_int8_value(value))
        case READSTAT_TYPE_INT16: return Double(readstat_int16_value(value))
        case READSTAT_TYPE_INT32: return Double(readstat_int32_value(value))
        case READSTAT_TYPE_FLOAT: return shortestDecimal(readstat_float_value(value))
        default: return readstat_double_value(value)
        }
    }

    /// The table of the kept variables, with each column's metadata and the file's variable
    /// names; no columns when none is kept.
    /// - Throws: a data error naming the file when it has no variables or rows, or its columns
    ///   differ in length (a file cut short).
    func table() throws -> Table {
        guard !fileNames.isEmpty else { throw DisparityError.data(file: source, "has no variables") }
        guard let first = variables.first else {
            return Table(source: source, names: [], columns: [], fileNames: fileNames, rowCount: max(expectedRows, 0), rowNumbering: .observations)
        }
        let rows = first.count
        guard rows > 0 else { throw DisparityError.data(file: source, "has no rows") }
        if let short = variables.first(where: { $0.count != rows }) ?? (expectedRows > rows ? first : nil) {
            throw DisparityError.data(file: source, column: short.name, "is cut short: \(short.count) values where the file declares \(max(rows, expectedRows)) rows")
        }
        var columns: [Column] = []
        var metadata: [ColumnMetadata] = []
        for v in variables {
            let (column, meta) = finish(v)
            columns.append(column)
            metadata.append(meta)
        }
        return Table(source: source, names: variables.map(\.name), columns: columns, metadata: metadata, fileNames: fileNames, rowNumbering: .observations)
    }

    /// One variable's column and metadata.
    private func finish(_ v: Variable) -> (Column, ColumnMetadata) {
        if v.isText {
            let labels = v.labelSet.flatMap { keepCodes ? nil : textLabels[$0] } ?? [:]
            let names = StatValueLabels.distinctNames(v.texts, labels: v.texts.map { labels[$0] }, missing: missingTexts)
            let column = StatValueLabels.textColumn(codes: v.codes, texts: names, missing: missingTexts)
            return (.categorical(column), ColumnMetadata(name: v.name, label: v.label, kind: .text, format: v.format, unit: nil))
        }
        let numeric = NumericColumn(v.numbers, decimals: v.decimals <= NumericColumn.maximumDecimals ? v.decimals : nil)
        // Labels that name only missing values (SPSS's "Refused" = 99) leave the numbers numbers.
        if let set = v.labelSet, let labels = numberLabels[set], case let codes = Set(labels.map(\.code)),
           numeric.values.contains(where: codes.contains) {
            let sorted = labels.sorted { $0.code < $1.code }
            let column = StatValueLabels.apply(sorted, to: numeric, missing: missingTexts, keepCodes: keepCodes)
            return (column, ColumnMetadata(name: v.name, label: v.label, kind: keepCodes ? .codes : .categories, format: v.format, unit: nil,
                                           valueLabels: sorted))
        }
        if let format = v.format, let (kind, unit) = TemporalFormat.classify(format, family: family) {
            return (.numeric(numeric), ColumnMetadata(name: v.name, label: v.label, kind: kind, format: format, unit: unit))
        }
        return (.numeric(numeric), ColumnMetadata(name: v.name, label: v.label, kind: .number, format: v.format, unit: nil))
    }

    /// A float as the shortest decimal that rounds to it, as a double.
    private static func shortestDecimal(_ value: Float) -> Double {
        value.isFinite ? Double("\(value)") ?? Double(value) : Double(value)
    }

    /// The fewest decimal places `d` (at most `NumericColumn.maximumDecimals`) with which `value`
    /// is the double nearest `n / 10^d` for a whole `n` below 2^53 — what a CSV writing the value
    /// in full would show — or `Int.max` when there is none.
    private static func decimals(of value: Double) -> Int {
        for (d, p) in powers.enumerated() {
            let scaled = (value * p).rounded()
            guard abs(scaled) < 9_007_199_254_740_992 else { return Int.max }
            if scaled / p == value { return d }
        }
        return Int.max
    }
}
