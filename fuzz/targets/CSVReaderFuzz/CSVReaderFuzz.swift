import FuzzSupport
import StatsEngine

/// The libFuzzer test of the CSV reader: the input's bytes go through the public reading
/// entry point (tokenizer, chunk splitter, type inference), once with the options inferred and
/// once with options chosen by the input's first byte (delimiter, decimal comma, encoding,
/// missing codes). The only acceptable outcomes are a table or a `DisparityError` whose message
/// is one short line; anything else (a trap, a hang, an unbounded allocation) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzDriver.bytes(data, size)
    FuzzCheck.outcome { _ = try CSVReader.parse(bytes, source: "fuzz.csv") }
    let selector = bytes.first ?? 0
    let options = CSVOptions(delimiter: [nil, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")][Int(selector & 3)],
                             decimalComma: [nil, true, false][Int(selector >> 2) % 3],
                             encoding: selector & 0x20 == 0 ? .utf8 : .windows1252,
                             missingCodes: selector & 0x40 == 0 ? [] : ["9999", "ved ikke"])
    FuzzCheck.outcome { _ = try CSVReader.parse(Array(bytes.dropFirst()), source: "fuzz.csv", options: options) }
    return 0
}

/// The fuzzer (`fuzz/run.sh CSVReaderFuzz`): libFuzzer's loop over `test`.
@main
enum CSVReaderFuzz {
    static func main() { FuzzDriver.run(test) }
}
