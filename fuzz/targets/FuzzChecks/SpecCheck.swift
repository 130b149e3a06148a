import Foundation
import StatsEngine

/// The fuzz check of the YAML decoders (`SpecFuzz`, and the kept inputs' replay in the tests):
/// the input is written to a file and decoded as a run spec (`RunSpec.load`: the data options,
/// design block and every analysis through the commands' option declarations,
/// `SpecArguments`) and as a barometer configuration (`BarometerConfig.load`), as `disparity
/// run` and `barometer` read them. The only acceptable outcomes are a decoded value or a
/// `DisparityError` whose message is one short line (`FuzzCheck`). Nothing is run and no data
/// file is read.
public enum SpecCheck {
    /// The finding for `bytes` (nil when acceptable).
    public static func finding(_ bytes: [UInt8]) -> String? {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return "cannot write \(path)" }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return FuzzCheck.finding { _ = try RunSpec.load(path: path) } ?? FuzzCheck.finding { _ = try BarometerConfig.load(path: path) }
    }

    /// Where each input is written (one file per process).
    private static let path: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(folder)/disparity-speccheck-\(getpid()).yaml"
    }()
}
