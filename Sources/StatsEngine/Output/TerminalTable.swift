/// A `Tabular` laid out for a person at a terminal of a given width. Text columns whose value is
/// the same on every row move to a header block above the table ("variable: score   statistic:
/// mean"), columns with no value at all are left out, long text wraps within its column, and a
/// table still too wide is split into stacked panels that each repeat the row-identifying
/// columns (the leading text columns). No line is longer than the width, except where a single
/// number or word is.
public struct TerminalTable {
    /// The widest line allowed, in characters.
    public let width: Int

    /// A layout for lines of at most `width` characters (at least 20).
    public init(width: Int) {
        self.width = max(20, width)
    }

    /// Lines under a section title or a table: "note: ..." and the like, wrapped to the width
    /// with continuation lines indented.
    public func paragraph(_ text: String, indent: Int = 2) -> String {
        let first = TerminalTable.wrap(text, width: width)
        guard first.count > 1 else { return first.joined() + "\n" }
        let rest = TerminalTable.wrap(first.dropFirst().joined(separator: " "), width: width - indent)
        return ([first[0]] + rest.map { String(repeating: " ", count: indent) + $0 }).joined(separator: "\n") + "\n"
    }

    /// The header block and the table (in panels where it must be) of `tabular`, preceded by
    /// `facts` (name and value pairs that describe the whole table). A table without rows shows
    /// its column names.
    public func render(_ tabular: Tabular, facts: [(String, String)] = []) -> String {
        var header = facts
        var columns: [Column] = []
        for column in Column.all(of: tabular) where tabular.rows.isEmpty || column.cells.contains(where: { $0 != nil }) {
            if tabular.rows.count >= 2, !column.numeric, let value = column.cells[0], column.cells.allSatisfy({ $0 == value }) {
                header.append((column.name, value))
            } else {
                columns.append(column)
            }
        }
        var out = headerBlock(header)
        guard !columns.isEmpty else { return out }
        if !out.isEmpty { out += "\n" }
        return out + panels(of: columns).map { render($0, rows: tabular.rows.count) }.joined(separator: "\n")
    }

    /// One column's formatted cells (nil where the value is missing) and how it may be laid out.
    private struct Column {
        let name: String
        let cells: [String?]
        /// Numbers are right-aligned and never wrapped.
        let numeric: Bool
        /// The width that shows every cell on one line.
        var natural: Int { max(name.count, cells.map { $0?.count ?? 1 }.max() ?? 0) }

        static func all(of tabular: Tabular) -> [Column] {
            tabular.columns.indices.map { i in
                let cells = tabular.rows.map { $0[i] }
                let numeric = cells.contains { if case .number = $0 { true } else if case .integer = $0 { true } else { false } }
                return Column(name: tabular.columns[i], cells: cells.map(\.readable), numeric: numeric)
            }
        }
    }

    /// The columns of one panel with the width each is given.
    private struct Panel {
        var columns: [Column]
        var widths: [Int]
    }

    /// "name: value" items, as many on a line as fit, three spaces apart; an item too long for
    /// a line wraps with its continuation indented.
    private func headerBlock(_ items: [(String, String)]) -> String {
        var lines: [String] = []
        var lastIsOpen = false
        for (name, value) in items {
            let item = "\(name): \(value)"
            if lastIsOpen, lines[lines.count - 1].count + 3 + item.count <= width {
                lines[lines.count - 1] += "   " + item
            } else {
                lastIsOpen = item.count <= width
                lines.append(lastIsOpen ? item : String(paragraph(item, indent: name.count + 2).dropLast()))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The narrowest a text column may be made: its name, its longest word (up to a third of the
    /// width) and a fifth of the width (16 characters at 80, 24 at 120), so that words stay
    /// whole and a sentence does not become a tall stack.
    private func minimum(_ column: Column) -> Int {
        guard !column.numeric else { return column.natural }
        let longestWord = column.cells.map { $0?.split(separator: " ").map(\.count).max() ?? 0 }.max() ?? 0
        return min(column.natural, max(column.name.count, width / 5, min(longestWord, width / 3)))
    }

    /// Widths for `columns` within the line, text columns shrunk (never below their minimum)
    /// so the whole fits; nil when even the minimums do not fit.
    private func fit(_ columns: [Column], fixed: [Int?]) -> [Int]? {
        var widths = columns.indices.map { fixed[$0] ?? minimum(columns[$0]) }
        var spare = width - 2 * (columns.count - 1) - widths.reduce(0, +)
        guard spare >= 0 else { return nil }
        var open = columns.indices.filter { fixed[$0] == nil && widths[$0] < columns[$0].natural }
        while spare > 0, !open.isEmpty {
            let share = max(1, spare / open.count)
            for i in open where spare > 0 {
                let add = min(share, columns[i].natural - widths[i], spare)
                widths[i] += add
                spare -= add
            }
            open.removeAll { widths[$0] >= columns[$0].natural }
        }
        return widths
    }

    /// The columns in one panel if they fit, else in stacked panels, each repeating the row
    /// identifiers: the first column (wrapped beyond half the width) and the short text columns
    /// after it (each at most a third of the width, together at most two thirds), at the same
    /// widths in every panel so rows read across.
    private func panels(of columns: [Column]) -> [Panel] {
        if let widths = fit(columns, fixed: columns.map { _ in nil }) { return [Panel(columns: columns, widths: widths)] }
        var keyWidths = [min(columns[0].natural, width / 2)]
        for column in columns.dropFirst().prefix(while: { !$0.numeric }) {
            guard column.natural <= width / 3, keyWidths.reduce(0, +) + 2 * keyWidths.count + column.natural <= 2 * width / 3 else { break }
            keyWidths.append(column.natural)
        }
        let keys = Array(columns.prefix(keyWidths.count))
        var result: [Panel] = []
        var current: [Column] = []
        for column in columns.dropFirst(keys.count) {
            let trial = keys + current + [column]
            if current.isEmpty || fit(trial, fixed: keyWidths + trial.dropFirst(keys.count).map { _ in nil }) != nil {
                current.append(column)
            } else {
                result.append(squeezed(keys + current, keyWidths: keyWidths))
                current = [column]
            }
        }
        result.append(squeezed(keys + current, keyWidths: keyWidths))
        return result
    }

    /// A panel's widths: its fit, or where even the minimums are too wide (a narrow terminal),
    /// every text column shrunk in turn, widest first, down to four characters.
    private func squeezed(_ columns: [Column], keyWidths: [Int]) -> Panel {
        let fixed = keyWidths.map { Optional($0) } + columns.dropFirst(keyWidths.count).map { _ in nil }
        if let widths = fit(columns, fixed: fixed) { return Panel(columns: columns, widths: widths) }
        var widths = columns.indices.map { fixed[$0] ?? minimum(columns[$0]) }
        var excess = widths.reduce(0, +) + 2 * (columns.count - 1) - width
        while excess > 0, let i = columns.indices.filter({ !columns[$0].numeric && widths[$0] > 4 }).max(by: { widths[$0] < widths[$1] }) {
            widths[i] -= 1
            excess -= 1
        }
        return Panel(columns: columns, widths: widths)
    }

    /// A panel as text: the column names, a rule, and the rows, text left-aligned and wrapped,
    /// numbers right-aligned on a row's first line; rows that wrap are set a blank line apart.
    private func render(_ panel: Panel, rows: Int) -> String {
        func line(_ values: [String], numeric: [Bool]) -> String {
            var text = ""
            for (i, value) in values.enumerated() {
                let pad = String(repeating: " ", count: max(0, panel.widths[i] - value.count))
                text += (i > 0 ? "  " : "") + (numeric[i] ? pad + value : value + pad)
            }
            return String(text.reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        let numeric = panel.columns.map(\.numeric)
        let names = panel.columns.indices.map { TerminalTable.wrap(panel.columns[$0].name, width: panel.widths[$0]) }
        var out = ""
        for k in 0..<(names.map(\.count).max() ?? 1) { out += line(names.map { k < $0.count ? $0[k] : "" }, numeric: numeric) }
        out += panel.widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        let blocks: [[[String]]] = (0..<rows).map { r in
            panel.columns.indices.map { c in
                let text = panel.columns[c].cells[r] ?? "-"
                return panel.columns[c].numeric ? [text] : TerminalTable.wrap(text, width: panel.widths[c])
            }
        }
        let spaced = blocks.contains { $0.contains { $0.count > 1 } }
        for (r, block) in blocks.enumerated() {
            if spaced, r > 0 { out += "\n" }
            for k in 0..<(block.map(\.count).max() ?? 1) { out += line(block.map { k < $0.count ? $0[k] : "" }, numeric: numeric) }
        }
        return out
    }

    /// `text` broken into lines of at most `width` characters at spaces, a word longer than a
    /// line broken inside it.
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var word = word
            if !current.isEmpty, current.count + 1 + word.count <= width {
                current += " " + word
                continue
            }
            if !current.isEmpty { lines.append(current) }
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            current = word
        }
        lines.append(current)
        return lines
    }
}
