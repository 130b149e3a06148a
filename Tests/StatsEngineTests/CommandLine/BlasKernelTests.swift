import Foundation
import XCTest

/// The OpenBLAS kernels the command line runs (`BlasSetup.useProcessorKernels`): where
/// OpenBLAS took the processor for a Pentium 4 ("Prescott", its fallback for a model it does not
/// know: 0.3.21 on Intel's Emerald Rapids), those of the processor's instructions (SkylakeX with
/// AVX-512, Haswell with AVX2 and FMA); OpenBLAS's own choice otherwise, and a core type the user
/// set always. Read from OpenBLAS's own report (`OPENBLAS_VERBOSE=2` prints "Core: NAME" each
/// time it chooses); skipped where the BLAS is not OpenBLAS built for many processors.
final class BlasKernelTests: ScratchFolderTestCase {
    /// The cores OpenBLAS reported choosing while the command line fitted a regression, in order,
    /// with `environment` added to the test's.
    private func coresChosen(_ environment: [String: String]) throws -> [String] {
        let data = directory.appendingPathComponent("data.csv")
        try "y,x,w\n1,1,1\n2,3,2\n4,4,1\n3,6,2\n5,7,1\n".write(to: data, atomically: true, encoding: .utf8)
        let result = try CommandLine.run(["regress", "y ~ x", "--data", data.path, "--weights", "w", "--output",
                                          directory.appendingPathComponent("fit.csv").path],
                                         environment: environment.merging(["OPENBLAS_VERBOSE": "2"]) { $1 })
        XCTAssertEqual(result.status, 0, result.stderr)
        let cores = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Core: ") }.map { String($0.dropFirst(6)) }
        if cores.isEmpty { throw XCTSkip("the BLAS is not OpenBLAS choosing its kernels at run time") }
        return cores
    }

    /// The instruction-set flags of the first processor in /proc/cpuinfo.
    private var processorFlags: Set<Substring> {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        return Set(line.split(separator: " "))
    }

    func testTheProcessorsKernelsReplaceThePentium4Fallback() throws {
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil { throw XCTSkip("OPENBLAS_CORETYPE is set") }
        let cores = try coresChosen([:])
        let flags = processorFlags
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { flags.contains(Substring($0)) }
        let avx2 = flags.contains("avx2") && flags.contains("fma")
        guard cores.first?.lowercased() == "prescott", avx2 else {
            // OpenBLAS knew the processor (or it has no better kernels): its choice stands.
            XCTAssertEqual(cores.count, 1, "\(cores)")
            return
        }
        XCTAssertEqual(cores, ["Prescott", avx512 ? "SkylakeX" : "Haswell"])
    }

    func testACoreTypeTheUserSetIsKept() throws {
        XCTAssertEqual(try coresChosen(["OPENBLAS_CORETYPE": "Prescott"]), ["Prescott"])
    }
}
