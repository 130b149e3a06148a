import Foundation
import FuzzSupport
import StatsEngine

/// The libFuzzer test of the CSV reader: the input's bytes go through the public reading
/// entry point (tokenizer, chunk splitter, type inference), with the options inferred and with
/// options chosen by the input's first byte (delimiter, decimal comma, encoding, missing codes).
/// Each is read whole and in chunks of a few bytes (the size the second byte chooses), which
/// must give the same table or an error at the same line: the answer cannot depend on the
/// file's size or the core count. Other acceptable outcomes are a table or a `DisparityError` whose message
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
        precondition(whole == split, "whole and in chunks of \(chunkSize) bytes differ:\n\(whole.prefix(500))\n\(split.prefix(500))")
    }
    return 0
}

/// What reading `bytes` gives, as text to compare: the error's whole message, or every
/// column's name and cells.
private func reading(_ bytes: [UInt8], _ options: CSVOptions) -> String {
    var text = ""
    FuzzCheck.outcome {
        do {
            let table = try CSVReader.parse(bytes, source: "fuzz.csv", options: options)
            for (name, column) in zip(table.names, table.columns) {
                switch column {
                case .numeric(let c): text += "\(name) numeric \(c.values.map { $0.isNaN ? "NA" : "\($0.bitPattern)" })\n"
                case .categorical(let c): text += "\(name) categorical \(c.codes.map { $0 < 0 ? "NA" : c.levels[Int($0)] })\n"
                }
            }
        } catch let error as DisparityError {
            text = "error: \(error.message)"
            throw error
        }
    }
    return text
}

/// The fuzzer (`fuzz/run.sh CSVReaderFuzz`): libFuzzer's loop over `test`.
@main
enum CSVReaderFuzz {
    static func main() { FuzzDriver.run(test) }
}
