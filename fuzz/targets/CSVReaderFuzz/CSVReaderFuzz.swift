import Foundation
import FuzzSupport
import StatsEngine

/// The libFuzzer test of the CSV reader: the input's bytes go through the public reading
/// entry point (tokenizer, chunk splitter, type inference), with the options inferred and with
/// options chosen by the input's first byte (delimiter, decimal comma, encoding, missing codes).
/// Each is read whole and in chunks of a few bytes (the size the second byte chooses), which
/// must give the same table or an error at the same line: the answer cannot depend on the
/// file's size or the core count. A file read whole is read again in chunks keeping every other
/// column (`ColumnSelection`), which must give the same cells for those. Other acceptable outcomes are a table or a `DisparityError` whose message
/// is one short line; anything else (a trap, a hang, an unbounded allocation) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzDriver.bytes(data, size)
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
        precondition(whole == split, "whole and in chunks of \(chunkSize) bytes differ:\n\(whole.text.prefix(500))\n\(split.text.prefix(500))")
        guard whole.error == nil else { continue }
        let selection = ColumnSelection(whole.columns.indices.filter { $0 % 2 == Int(selector & 1) }.map { whole.columns[$0].name })
        let kept = whole.columns.filter { selection.contains($0.name) }
        let selected = reading(input, chunked, columns: selection)
        precondition(selected.columns.map(\.name) == kept.map(\.name) && selected.text == kept.map(\.cells).joined(),
                     "the selected columns differ from the whole read's:\n\(selected.text.prefix(500))")
    }
    return 0
}

/// What reading `bytes` gives, to compare: each column's name and its cells as text, or no
/// columns and the error's whole message.
private struct Reading: Equatable {
    var columns: [(name: String, cells: String)] = []
    var error: String?
    var text: String { error.map { "error: \($0)" } ?? columns.map(\.cells).joined() }

    static func == (a: Reading, b: Reading) -> Bool { a.text == b.text && a.columns.map(\.name) == b.columns.map(\.name) }
}

/// Reads the `columns` of `bytes` (see `Reading`).
private func reading(_ bytes: [UInt8], _ options: CSVOptions, columns selection: ColumnSelection = .all) -> Reading {
    var result = Reading()
    FuzzCheck.outcome {
        do {
            let table = try CSVReader.parse(bytes, source: "fuzz.csv", options: options, columns: selection)
            for (name, column) in zip(table.names, table.columns) {
                switch column {
                case .numeric(let c): result.columns.append((name, "\(name) numeric \(c.values.map { $0.isNaN ? "NA" : "\($0.bitPattern)" })\n"))
                case .categorical(let c): result.columns.append((name, "\(name) categorical \(c.codes.map { $0 < 0 ? "NA" : c.levels[Int($0)] })\n"))
                }
            }
        } catch let error as DisparityError {
            result.error = error.message
            throw error
        }
    }
    return result
}

/// The fuzzer (`fuzz/run.sh CSVReaderFuzz`): libFuzzer's loop over `test`.
@main
enum CSVReaderFuzz {
    static func main() { FuzzDriver.run(test) }
}
