import Foundation
import FuzzSupport
import StatsEngine

/// Where each input is written: the decoders read files, as `disparity run` and `barometer` do.
private let path: String = {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(folder)/disparity-specfuzz-\(getpid()).yaml"
}()

/// The libFuzzer test of the YAML decoders: the input is written to a file and decoded as a
/// run spec (`RunSpec.load`: the data options, design block and every analysis through the
/// commands' option declarations, `SpecArguments`) and as a barometer configuration
/// (`BarometerConfig.load`). The only acceptable outcomes are a decoded value or a
/// `DisparityError` whose message is one short line. Nothing is run and no data file is read.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard FileManager.default.createFile(atPath: path, contents: Data(FuzzDriver.bytes(data, size))) else {
        fatalError("cannot write \(path)")
    }
    FuzzCheck.outcome { _ = try RunSpec.load(path: path) }
    FuzzCheck.outcome { _ = try BarometerConfig.load(path: path) }
    return 0
}

/// The fuzzer (`fuzz/run.sh SpecFuzz`): libFuzzer's loop over `test`.
@main
enum SpecFuzz {
    static func main() { FuzzDriver.run(test) }
}
