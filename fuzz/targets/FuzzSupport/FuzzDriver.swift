import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Starts libFuzzer from a fuzz target's `main`: SwiftPM links an executable's own entry point
/// as `main`, so libFuzzer's `main` is not used and its driver is called instead.
public enum FuzzDriver {
    /// A fuzz target's test (also exported as `LLVMFuzzerTestOneInput`): the input's bytes and
    /// count; returns 0.
    public typealias Test = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    /// Runs libFuzzer with the process's arguments (`-max_total_time=…`, corpus folders, or
    /// files to replay) and exits with its status.
    public static func run(_ test: Test) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }

    /// Traps with `finding` when there is one (a fuzz check's finding: libFuzzer keeps the input).
    public static func trap(on finding: String?) {
        if let finding { preconditionFailure(finding) }
    }

    /// The input as an array (a null pointer is the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}
