import FuzzChecks
import FuzzSupport

/// The libFuzzer test of `SpecCheck` (what it feeds the input to and accepts): a finding traps,
/// and libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzDriver.trap(on: SpecCheck.finding(FuzzDriver.bytes(data, size)))
    return 0
}

/// The fuzzer (`fuzz/run.sh SpecFuzz`): libFuzzer's loop over `test`.
@main
enum SpecFuzz {
    static func main() { FuzzDriver.run(test) }
}
