import StatsEngine

/// The fuzz check of the CSV reader (`CSVReaderFuzz`, and the kept inputs' replay in the
/// tests): the input's bytes go through the public reading entry point (tokenizer, chunk
/// splitter, type inference), with the options inferred and with options chosen by the input's
/// first byte (delimiter, decimal comma, encoding, missing codes). Each is read whole and in
/// chunks of a few bytes (the size the second byte chooses), which must give the same table or
/// an error at the same line: the answer cannot depend on the file's size or the core count. A
/// file read whole is read again in chunks keeping every other column (`ColumnSelection`),
/// which must give the same cells for those. Each read must give a table or a `DisparityError`
/// whose message is one short line (`FuzzCheck`).
public enum CSVReaderCheck {
    /// The finding for `bytes` (nil when every read is acceptable and they agree).
    public static func finding(_ bytes: [UInt8]) -> String? {
        let selector = bytes.first ?? 0
        let chosen = CSVOptions(delimiter: [nil, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")][Int(selector & 3)],
                                decimalComma: [nil, true, false][Int(selector >> 2) % 3],
                                encoding: selector & 0x20 == 0 ? .utf8 : .windows1252,
                                missingCodes: selector & 0x40 == 0 ? [] : ["9999", "ved ikke"])
        let chunkSize = 1 + Int(bytes.dropFirst().first ?? 0) % 64
        for (input, options) in [(bytes, CSVOptions()), (Array(bytes.dropFirst()), chosen)] {
            var chunked = options
            chunked.chunkSize = chunkSize
            let whole = reading(input, options), split = reading(input, chunked)
            if let finding = whole.finding ?? split.finding { return finding }
            guard whole == split else {
                return "whole and in chunks of \(chunkSize) bytes differ:\n\(whole.text.prefix(500))\n\(split.text.prefix(500))"
            }
            guard whole.error == nil else { continue }
            let selection = ColumnSelection(whole.columns.indices.filter { $0 % 2 == Int(selector & 1) }.map { whole.columns[$0].name })
            let kept = whole.columns.filter { selection.contains($0.name) }
            let selected = reading(input, chunked, columns: selection)
            if let finding = selected.finding { return finding }
            guard selected.columns.map(\.name) == kept.map(\.name), selected.text == kept.map(\.cells).joined() else {
                return "the selected columns differ from the whole read's:\n\(selected.text.prefix(500))"
            }
        }
        return nil
    }

    /// What reading `bytes` gives, to compare: each column's name and its cells as text, or no
    /// columns and the error's whole message; and the read's finding, if any.
    private struct Reading: Equatable {
        var columns: [(name: String, cells: String)] = []
        var error: String?
        var finding: String?
        var text: String { error.map { "error: \($0)" } ?? columns.map(\.cells).joined() }

        static func == (a: Reading, b: Reading) -> Bool { a.text == b.text && a.columns.map(\.name) == b.columns.map(\.name) }
    }

    /// Reads the `columns` of `bytes` (see `Reading`).
    private static func reading(_ bytes: [UInt8], _ options: CSVOptions, columns selection: ColumnSelection = .all) -> Reading {
        var result = Reading()
        result.finding = FuzzCheck.finding {
            do {
                let table = try CSVReader.parse(bytes, source: "fuzz.csv", options: options, columns: selection)
                for (name, column) in zip(table.names, table.columns) {
                    switch column {
                    case .numeric(let c):
                        result.columns.append((name, "\(name) numeric \(c.values.map { $0.isNaN ? "NA" : "\($0.bitPattern)" })\n"))
                    case .categorical(let c):
                        result.columns.append((name, "\(name) categorical \(c.codes.map { $0 < 0 ? "NA" : c.levels[Int($0)] })\n"))
                    }
                }
            } catch let error as DisparityError {
                result.error = error.message
                throw error
            }
        }
        return result
    }
}
