import FuzzChecks
import FuzzSupport

/// The libFuzzer test of `CSVReaderCheck` (what it feeds the input to and accepts): a finding traps,
/// and libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzDriver.trap(on: CSVReaderCheck.finding(FuzzDriver.bytes(data, size)))
    return 0
}

/// The fuzzer (`fuzz/run.sh CSVReaderFuzz`): libFuzzer's loop over `test`.
@main
enum CSVReaderFuzz {
    static func main() { FuzzDriver.run(test) }
}
