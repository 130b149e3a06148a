import CXLSXWriter
import Foundation

/// An Excel workbook (`--output FILE.xlsx`, `run`'s `results.xlsx`) written with Debian's
/// libxlsxwriter: one sheet per table, a bold header row frozen above the rows, columns as wide
/// as their contents, numbers as numeric cells at full double precision, flags as booleans,
/// missing values as empty cells. Sheet names follow Excel's rules (at most 31 characters, none
/// of `[]:*?/\`, unique regardless of case). The file is made beside the target and renamed over
/// it (`AtomicFile`), so a failure never leaves half a workbook.
public struct Workbook {
    /// The sheets in order, each a table under its (valid, unique) sheet name.
    public let sheets: [(name: String, tabular: Tabular)]

    /// A workbook of `sheets`, their names made valid for Excel.
    public init(sheets: [(name: String, tabular: Tabular)]) {
        self.sheets = Array(zip(Self.sheetNames(sheets.map(\.name)), sheets.map(\.tabular)))
    }

    /// A report's workbook: its sheets, then its notes (if any) on a sheet of their own.
    public init(report: Report) {
        let notes = Tabular(columns: ["note"], rows: report.notes.map { [.text($0)] })
        self.init(sheets: report.sheets.map { ($0.title ?? "results", $0.tabular) } + (notes.rows.isEmpty ? [] : [("notes", notes)]))
    }

    /// Writes the workbook to `path`, atomically.
    public func write(to path: String) throws {
        try AtomicFile.replace(path) { temporary in
            // libxlsxwriter prints numbers with "%.16G", a digit short of a double's round trip;
            // its file is rewritten with every number in full.
            let draft = temporary + ".draft"
            defer { unlink(draft) }
            try writeDraft(to: draft, target: path)
            try Self.restoreDigits(from: draft, to: temporary, sheets: sheets.map { Self.exactNumbers($0.tabular) }, target: path)
        }
    }

    /// The workbook as libxlsxwriter writes it. Every call's status is checked: a cell
    /// libxlsxwriter refuses (a text longer than Excel's 32,767 characters, which it would leave
    /// blank) stops the workbook with an error naming the sheet, the cell and its column, and
    /// nothing of it is written.
    private func writeDraft(to file: String, target: String) throws {
        // Made here first, so an unwritable folder is one plain error (libxlsxwriter would print its own).
        let probe = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard probe >= 0 else { throw DisparityError(.data, "\(target): cannot write: \(String(cString: strerror(errno)))") }
        close(probe)
        guard let workbook = workbook_new(file) else { throw Self.failure(target, "cannot create the workbook") }
        // Freed unwritten on any failure; `workbook_close` writes and frees it.
        var closed = false
        defer { if !closed { lxw_workbook_free(workbook) } }
        guard let bold = workbook_add_format(workbook) else { throw Self.failure(target, "cannot add the header's format") }
        format_set_bold(bold)
        for (name, tabular) in sheets {
            guard let sheet = workbook_add_worksheet(workbook, name) else { throw Self.failure(target, "cannot add the sheet '\(name)'") }
            guard tabular.rows.count < Int(LXW_ROW_MAX), tabular.columns.count <= Int(LXW_COL_MAX) else {
                throw Self.failure(target, "the sheet '\(name)' is larger than Excel allows")
            }
            // Throws unless `status` is success, naming the cell at zero-based `row` (0 the header) and `column`.
            func check(_ status: lxw_error, row: Int, column c: Int, text: String? = nil) throws {
                guard status != LXW_NO_ERROR else { return }
                let reason = status == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED
                    ? "its text has \(text?.unicodeScalars.count ?? 0) characters, more than the \(Self.cellTextLimit) an Excel cell holds"
                    : String(cString: lxw_strerror(status))
                throw Self.failure(target, "sheet '\(name)', cell \(Self.columnName(c))\(row + 1) (column \(quoted: tabular.columns[c])): \(reason)")
            }
            for (c, column) in tabular.columns.enumerated() {
                try check(worksheet_write_string(sheet, 0, lxw_col_t(c), column, bold), row: 0, column: c, text: column)
                let widest = tabular.rows.map { Self.shownLength($0[c]) }.max() ?? 0
                try check(worksheet_set_column(sheet, lxw_col_t(c), lxw_col_t(c), Double(min(max(widest, column.count + 1), 60) + 2), nil),
                          row: 0, column: c)
            }
            for (r, row) in tabular.rows.enumerated() {
                for (c, cell) in row.enumerated() {
                    let (at, column) = (lxw_row_t(r + 1), lxw_col_t(c))
                    switch cell {
                    case .text(let s?): try check(worksheet_write_string(sheet, at, column, s, nil), row: r + 1, column: c, text: s)
                    case .number(let v?) where v.isFinite: try check(worksheet_write_number(sheet, at, column, v, nil), row: r + 1, column: c)
                    case .integer(let v?): try check(worksheet_write_number(sheet, at, column, Double(v), nil), row: r + 1, column: c)
                    case .flag(let b?): try check(worksheet_write_boolean(sheet, at, column, b ? 1 : 0, nil), row: r + 1, column: c)
                    default: break
                    }
                }
            }
            worksheet_freeze_panes(sheet, 1, 0)
        }
        closed = true
        let status = workbook_close(workbook)
        guard status == LXW_NO_ERROR else { throw Self.failure(target, String(cString: lxw_strerror(status))) }
    }

    /// The most characters Excel holds in one cell; libxlsxwriter refuses a longer text, and so
    /// the workbook is refused (`writeDraft`), never written with the cell cut or left blank.
    static let cellTextLimit = 32_767

    /// Characters a cell takes in Excel's General format (numbers show at most 11).
    private static func shownLength(_ cell: Tabular.Cell) -> Int {
        switch cell {
        case .text(let s): return s?.count ?? 0
        case .number(let v): return v.map { $0.isFinite ? min(NumberText.shortest($0).count, 11) : 0 } ?? 0
        case .integer(let v): return v.map { String($0).count } ?? 0
        case .flag(let b): return b.map { $0 ? 4 : 5 } ?? 0
        }
    }

    /// Each numeric cell's reference ("B2", the header being row 1) and its value in shortest
    /// round-trip form.
    static func exactNumbers(_ tabular: Tabular) -> [String: String] {
        var numbers: [String: String] = [:]
        for (r, row) in tabular.rows.enumerated() {
            for (c, cell) in row.enumerated() {
                if case .number(let v?) = cell, v.isFinite { numbers[columnName(c) + String(r + 2)] = NumberText.shortest(v) }
            }
        }
        return numbers
    }

    /// Excel's name of the column at zero-based `index`: A … Z, AA ….
    static func columnName(_ index: Int) -> String {
        var name = "", n = index + 1
        while n > 0 {
            name = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Copies the zip archive `draft` into `file`, setting the value of every numeric cell of
    /// sheet i (`xl/worksheets/sheet<i+1>.xml`) to `sheets[i]`'s text for its reference.
    private static func restoreDigits(from draft: String, to file: String, sheets: [[String: String]], target: String) throws {
        guard let source = unzOpen64(draft) else { throw failure(target, "cannot read the workbook back") }
        defer { unzClose(source) }
        guard let destination = zipOpen64(file, APPEND_STATUS_CREATE) else { throw failure(target, "cannot write the workbook") }
        var closed = false
        defer { if !closed { zipClose(destination, nil) } }
        var status = unzGoToFirstFile(source)
        while status == UNZ_OK {
            var info = unz_file_info64()
            var nameBuffer = [CChar](repeating: 0, count: 512)
            guard unzGetCurrentFileInfo64(source, &info, &nameBuffer, uLong(nameBuffer.count), nil, 0, nil, 0) == UNZ_OK,
                  unzOpenCurrentFile(source) == UNZ_OK else { throw failure(target, "cannot read the workbook back") }
            var bytes = [UInt8](repeating: 0, count: Int(info.uncompressed_size))
            let read = bytes.isEmpty ? 0 : unzReadCurrentFile(source, &bytes, UInt32(bytes.count))
            unzCloseCurrentFile(source)
            guard read == bytes.count else { throw failure(target, "cannot read the workbook back") }
            let name = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if name.hasPrefix("xl/worksheets/sheet"), name.hasSuffix(".xml"),
               let i = Int(name.dropFirst("xl/worksheets/sheet".count).dropLast(4)), i >= 1, i <= sheets.count {
                bytes = withNumbers(bytes, sheets[i - 1])
            }
            var entry = zip_fileinfo()
            (entry.tmz_date.tm_year, entry.tmz_date.tm_mday) = (1980, 1)
            guard zipOpenNewFileInZip64(destination, nameBuffer, &entry, nil, 0, nil, 0, nil, Z_DEFLATED, Z_DEFAULT_COMPRESSION, 0) == ZIP_OK,
                  zipWriteInFileInZip(destination, bytes, UInt32(bytes.count)) == ZIP_OK,
                  zipCloseFileInZip(destination) == ZIP_OK else { throw failure(target, "cannot write the workbook") }
            status = unzGoToNextFile(source)
        }
        guard status == UNZ_END_OF_LIST_OF_FILE else { throw failure(target, "cannot read the workbook back") }
        closed = true
        guard zipClose(destination, nil) == ZIP_OK else { throw failure(target, "cannot write the workbook") }
    }

    /// A worksheet's XML with the value of each cell `<c r="REF" …><v>…</v>` whose REF is in
    /// `numbers` replaced by its text there.
    static func withNumbers(_ xml: [UInt8], _ numbers: [String: String]) -> [UInt8] {
        let cellStart = Array(#"<c r=""#.utf8), valueStart = Array("<v>".utf8)
        func matches(_ pattern: [UInt8], at i: Int) -> Bool {
            i + pattern.count <= xml.count && xml[i..<(i + pattern.count)].elementsEqual(pattern)
        }
        var out: [UInt8] = []
        out.reserveCapacity(xml.count + numbers.count * 2)
        var i = 0
        while i < xml.count {
            guard matches(cellStart, at: i), let quote = xml[(i + cellStart.count)...].firstIndex(of: UInt8(ascii: "\"")),
                  let close = xml[quote...].firstIndex(of: UInt8(ascii: ">")), matches(valueStart, at: close + 1),
                  let exact = numbers[String(decoding: xml[(i + cellStart.count)..<quote], as: UTF8.self)],
                  let end = xml[(close + 1 + valueStart.count)...].firstIndex(of: UInt8(ascii: "<")) else {
                out.append(xml[i])
                i += 1
                continue
            }
            out += xml[i..<(close + 1 + valueStart.count)]
            out += Array(exact.utf8)
            i = end
        }
        return out
    }

    /// Names Excel accepts for `proposed`: `[]:*?/\` and line breaks removed, no leading or
    /// trailing apostrophe, at most 31 characters, "Sheet" for an empty one, and a name already
    /// taken in any case (or Excel's reserved "History") numbered " (2)", " (3)" ….
    static func sheetNames(_ proposed: [String]) -> [String] {
        func clipped(_ s: String, _ length: Int) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.prefix(length))).trimmingCharacters(in: trimmed)
        }
        let trimmed = CharacterSet.whitespaces.union(CharacterSet(charactersIn: "'"))
        var taken: Set<String> = ["history"]
        return proposed.map { wanted in
            var base = String(wanted.filter { !"[]:*?/\\".contains($0) && !$0.isNewline }).trimmingCharacters(in: trimmed)
            if base.isEmpty { base = "Sheet" }
            var name = clipped(base, 31), n = 1
            while taken.contains(name.lowercased()) {
                n += 1
                let suffix = " (\(n))"
                name = clipped(base, 31 - suffix.count) + suffix
            }
            taken.insert(name.lowercased())
            return name
        }
    }

    private static func failure(_ path: String, _ reason: String) -> DisparityError {
        DisparityError(.data, "\(path): cannot write the workbook: \(reason)")
    }
}
